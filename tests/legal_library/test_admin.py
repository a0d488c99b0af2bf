import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from legal_library.models import Document
from tests.legal_library import test_pdfcheck as pdfs

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Luat")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _post(client, attachment, **extra):
    data = {
        "title": "Hướng dẫn đăng ký kết hôn",
        "doc_type": "guidance",
        "summary": "Tóm tắt",
        "body": "Nội dung <script>alert(1)</script> [x](javascript:alert(1))",
        "published": "on",
        "revisions-TOTAL_FORMS": "0",
        "relations_out-TOTAL_FORMS": "0",
        "relations_out-INITIAL_FORMS": "0",
        "audios-TOTAL_FORMS": "0",
        "audios-INITIAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        **extra,
    }
    if attachment is not None:
        data["attachment"] = attachment
    return client.post("/admin/legal_library/document/add/", data)


def test_an_officer_publishes_a_document_with_a_real_pdf(client, officer):
    client.force_login(officer)
    response = _post(client, SimpleUploadedFile("luat.pdf", _pdf(), "application/pdf"))
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.slug == "huong-dan-dang-ky-ket-hon"
    assert "<script" not in document.body_html and "javascript:" not in document.body_html
    assert document.revisions.count() == 1 and document.attachment.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xd8\xff\xe0 a photo renamed", "không phải PDF"),
        (b"%PDF-1.4\nbroken", "bị hỏng"),
        (b"", "rỗng"),  # Django's own message for an empty upload
    ],
)
def test_a_file_that_is_not_a_good_pdf_is_refused_and_nothing_is_saved(
    client, officer, content, message
):
    client.force_login(officer)
    response = _post(client, SimpleUploadedFile("luat.pdf", content, "application/pdf"))
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["attachment"])
    assert not Document.objects.exists()


def test_every_refusal_of_a_pdf_has_a_vietnamese_message():
    from legal_library.forms import PDF_ERRORS
    from legal_library.pdfcheck import CODES

    assert set(PDF_ERRORS) == CODES
    from django.utils import translation

    for code, message in PDF_ERRORS.items():
        with translation.override("en"):
            english = str(message)
        with translation.override("vi"):
            assert str(message) != english, code


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (pdfs.pdf_attachment, "tệp khác bên trong"),
        (pdfs.pdf_xfa, "biểu mẫu XFA"),
        (lambda: pdfs.pdf_open_action(pdfs.launch()), "mở chương trình"),
        (pdfs.pdf_page_additional_action_go_to, "tự chạy thao tác"),
    ],
)
def test_a_pdf_with_active_content_is_refused_in_vietnamese(client, officer, build, message):
    client.force_login(officer)
    response = _post(client, SimpleUploadedFile("luat.pdf", build(), "application/pdf"))
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["attachment"])
    assert not Document.objects.exists()


@pytest.mark.parametrize("body", ["[" * 50_000, "<b>" * 30_000])
def test_markdown_too_complex_to_render_is_refused_in_vietnamese(client, officer, body):
    client.force_login(officer)
    response = _post(client, None, body=body)
    assert response.status_code == 200
    assert "quá phức tạp" in " ".join(response.context["adminform"].form.errors["body"])
    assert not Document.objects.exists()


def test_deleting_points_in_the_admin_makes_cached_pages_stale(
    admin_client, village_a, django_capture_on_commit_callbacks
):
    """A deleted point must vanish from every cached library page at once (the page
    cache is keyed on the library's version), by one delete or by the bulk action."""
    from django.core.cache import cache

    from legal_library import services
    from legal_library.models import LibraryPoint

    points = [
        services.point_create(village=village_a, name=f"Tủ sách {n}", code=code, actor=None)
        for n, code in enumerate(["T03", "T03-2", "T03-3"])
    ]
    client = admin_client  # deleting a point is a superuser's (officers have no delete)

    def version():
        return cache.get(services.VERSION_KEY, 1)

    before = version()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/legal_library/librarypoint/{points[0].pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert not LibraryPoint.objects.filter(pk=points[0].pk).exists()
    assert version() > before

    before = version()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/legal_library/librarypoint/",
            {
                "action": "delete_selected",
                "_selected_action": [p.pk for p in points[1:]],
                "post": "yes",
            },
        )
    assert not LibraryPoint.objects.exists()
    assert version() > before


def test_deleting_a_document_in_the_admin_takes_its_cached_page_away(
    client, admin_client, point_a, law, django_capture_on_commit_callbacks
):
    from tests.legal_library.test_pages import get

    assert get(client, f"/van-ban/{law.slug}/").status_code == 200  # now cached
    assert "Luật Hôn nhân" in get(client, "/l/T03/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/legal_library/document/{law.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert get(client, f"/van-ban/{law.slug}/").status_code == 404
    assert "Luật Hôn nhân" not in get(client, "/l/T03/").content.decode()
