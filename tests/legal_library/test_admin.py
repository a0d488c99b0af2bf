import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from legal_library.models import Document

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
