"""Documents by spreadsheet (issue 14 §3): the officer page, the export and the command.

Through the real functions the page uses: ``read_rows`` → ``check_rows`` →
``services.documents_import``, and the page and ``import_documents`` over HTTP and
``call_command``.
"""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from legal_library import demo, selectors, services, spreadsheets
from legal_library.models import (
    Category,
    Document,
    DocumentRelation,
    DocumentRevision,
    Issuer,
    LibraryPoint,
    PointDocument,
)
from tests.legal_library.conftest import save

pytestmark = pytest.mark.django_db
HEADER = [column[1] for column in spreadsheets.COLUMNS]


def _row(**cells) -> list:
    values = {
        "number": "", "doc_type": "Luật", "title": "Luật thử", "issuer": "Quốc hội",
        "issued_on": "", "effective_on": "", "expires_on": "", "replaced_by": "",
        "categories": "", "summary": "", "body": "", "points": "", "published": "có",
    } | cells  # fmt: skip
    return [values[column[0]] for column in spreadsheets.COLUMNS]


def _xlsx(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows, header=HEADER) -> bytes:
    return spreadsheets.shared.write_csv([header, *rows])


def _check(content, points=None, filename="van-ban.xlsx", owner=None):
    points = points if points is not None else LibraryPoint.objects.all()
    return spreadsheets.check_rows(
        spreadsheets.read_rows(content, filename), points, owner_id=owner.pk if owner else None
    )


def _import(content, officer, filename="van-ban.xlsx", points=None, *, only_clean=False):
    """As the page does: an officer's import writes their commune's own documents."""
    owner = selectors.document_owner_for(officer) if officer else None
    rows = _check(content, points, filename, owner)
    assert only_clean or all(r.ok for r in rows), [(r.number, r.errors) for r in rows]
    return rows, services.documents_import(
        rows=rows, only_clean=only_clean, actor=officer, commune=owner
    )


@pytest.fixture(autouse=True)
def demo_categories(db):
    """The demo spreadsheet's categories, as ``load_demo`` adds them: the province-wide
    list is not an officer's to extend."""
    for name in demo.IMPORT_CATEGORIES:
        services.category_for_name(name=name, actor=None)


@pytest.fixture
def keeper(officer):
    """An officer who also keeps the province-wide category list."""
    from django.contrib.auth.models import Permission

    officer.user_permissions.add(Permission.objects.get(codename="add_category"))
    return type(officer).objects.get(pk=officer.pk)  # permissions are cached per object


@pytest.fixture
def point_b(village_b):
    return services.point_create(village=village_b, name="Tủ Làng Kte", code="L01", actor=None)


@pytest.fixture
def point_other(other_village):
    return services.point_create(village=other_village, name="Tủ Hòa Bình", code="HB1", actor=None)


def test_xlsx_creates_documents_with_issuer_categories_dates_and_points(keeper, point_a):
    officer = keeper
    content = _xlsx(
        [
            _row(
                number="126/2014/NĐ-CP",
                doc_type="nghi dinh",
                title="Nghị định hôn nhân",
                issuer="chinh phu",
                issued_on=dt.date(2014, 12, 31),
                effective_on="15/02/2015",
                categories="Hôn nhân và gia đình; Trợ giúp pháp lý",
                body="## Điều 1\n\n- một\n  - hai",
                points="t03",
                published="có",
            )
        ]
    )
    Issuer.objects.get_or_create(name="Chính phủ")
    rows, result = _import(content, officer, points=selectors.points_for_user(officer))
    assert any("Trợ giúp pháp lý" in n for n in rows[0].notes)  # a new category, noted
    (document,) = result.created
    document.refresh_from_db()
    assert document.doc_type == "decree" and document.issuer.name == "Chính phủ"
    assert document.issued_on == dt.date(2014, 12, 31)  # a real Excel date
    assert document.effective_on == dt.date(2015, 2, 15)
    assert document.body == "## Điều 1\n\n- một\n  - hai"  # lines and indentation kept
    assert {c.name for c in document.categories.all()} == {
        "Hôn nhân và gia đình",
        "Trợ giúp pháp lý",
    }
    assert Category.objects.filter(name="Trợ giúp pháp lý").exists()
    assert document.published and document.status == Document.Status.IN_FORCE
    assert list(point_a.entries.values_list("document", flat=True)) == [document.pk]


def test_headers_without_diacritics_and_csv(officer):
    header = [
        "so hieu",
        "LOAI VAN BAN",
        "ten van ban",
        "co quan ban hanh",
        "ngay ban hanh",
        "ngay co hieu luc",
        "ngay het hieu luc",
        "duoc thay the boi",
        "linh vuc",
        "tom tat",
        "noi dung",
        "diem thu vien",
        "cong bo",
    ]
    content = _csv([_row(number="60/2014/QH13", body="- đầu dòng", published="khong")], header)
    _rows, result = _import(content, officer, filename="van-ban.csv")
    (document,) = result.created
    assert document.number == "60/2014/QH13" and not document.published
    assert document.body == "- đầu dòng"  # the CSV's formula guard "'-" is read back


def test_a_wrong_header_names_the_missing_columns():
    with pytest.raises(spreadsheets.SpreadsheetError) as error:
        spreadsheets.read_rows(_xlsx([["x"]], header=["Số hiệu", "Tên văn bản"]), "a.xlsx")
    assert "Loại văn bản" in str(error.value) and "Công bố" in str(error.value)


def test_every_error_kind_names_its_column_and_value(point_other):
    rows = _check(
        _xlsx(
            [
                _row(number="1/2020/QH14", doc_type="Nghị định thư"),
                _row(number="2/2020/QH14", effective_on="31/02/2020"),
                _row(number="3/2020/QH14", published="có lẽ"),
                _row(number="4/2020/QH14", replaced_by="99/2099/QH99"),
                _row(number="5/2020/QH14", points="HB1 ZZ9"),
                _row(number="6/2020/QH14", title=""),
                _row(number="1-2020-qh14"),
                _row(number="7/2020/QH14", effective_on="01/01/2021", expires_on="01/01/2020"),
                _row(number="8/2020/QH14", replaced_by="8/2020/QH14"),
            ]
        ),
        points=LibraryPoint.objects.none(),  # HB1 is another commune's
    )
    errors = [" ".join(r.errors) for r in rows]
    assert "Loại văn bản" in errors[0] and "Nghị định thư" in errors[0]
    assert "Ngày có hiệu lực" in errors[1] and "31/02/2020" in errors[1]
    assert "Công bố" in errors[2] and "có lẽ" in errors[2]
    assert "Được thay thế bởi" in errors[3] and "99/2099/QH99" in errors[3]
    assert "HB1" in errors[4] and "ZZ9" in errors[4] and "Điểm thư viện" in errors[4]
    assert "Tên văn bản" in errors[5]
    assert "dòng 2" in errors[6]  # the same number, written another way
    assert "Ngày hết hiệu lực" in errors[7]
    assert "Được thay thế bởi" in errors[8]
    assert all(errors)


def test_error_rows_never_block_the_clean_ones_and_nothing_without_only_clean(officer):
    rows = _check(_xlsx([_row(number="1/2020/QH14"), _row(number="2/2020/QH14", doc_type="?")]))
    mine = officer.commune
    with pytest.raises(services.ValidationError):
        services.documents_import(rows=rows, only_clean=False, actor=officer, commune=mine)
    assert not Document.objects.exists()
    result = services.documents_import(rows=rows, only_clean=True, actor=officer, commune=mine)
    assert [d.number for d in result.created] == ["1/2020/QH14"] and result.skipped == 1


def test_a_stored_number_updates_the_document_with_a_revision(officer):
    law = save(actor=officer, title="Luật Hộ tịch", number="60/2014/QH13", published=True)
    revisions = law.revisions.count()
    rows, result = _import(
        _xlsx([_row(number="60-2014-qh13", title="Luật Hộ tịch", summary="Tóm tắt mới.")]), officer
    )
    assert any("Luật Hộ tịch" in n for n in rows[0].notes)
    assert result.updated == [law] and not result.created
    assert Document.objects.count() == 1
    law.refresh_from_db()
    assert law.summary == "Tóm tắt mới." and law.number == "60/2014/QH13"  # kept as stored
    assert law.revisions.count() == revisions + 1
    assert "summary" in law.revisions.first().changes


def test_replaced_by_a_document_of_the_file_and_by_a_stored_one(officer):
    stored_new = save(
        actor=officer,
        title="Luật Đất đai",
        number="31/2024/QH15",
        effective_on=dt.date(2024, 8, 1),
        published=True,
    )
    content = _xlsx(
        [
            _row(number="58/2014/QH13", replaced_by="41/2024/QH15", effective_on="01/01/2016"),
            _row(number="41/2024/QH15", effective_on="01/07/2025"),
            _row(number="45/2013/QH13", title="Luật Đất đai 2013", replaced_by="31/2024/QH15"),
        ]
    )
    _import(content, officer)
    old, new = (
        Document.objects.get(number="58/2014/QH13"),
        Document.objects.get(number="41/2024/QH15"),
    )
    assert DocumentRelation.objects.filter(
        from_document=new, to_document=old, kind="replaces"
    ).exists()
    assert old.status == Document.Status.EXPIRED and old.replaced_by == new
    land = Document.objects.get(number="45/2013/QH13")
    assert land.replaced_by == stored_new and land.status == Document.Status.EXPIRED


def test_a_replacing_row_with_errors_refuses_the_row_it_replaces():
    rows = _check(
        _xlsx(
            [
                _row(number="1/2020/QH14", replaced_by="2/2020/QH14"),
                _row(number="2/2020/QH14", doc_type="?"),
            ]
        )
    )
    assert not rows[0].ok and "dòng 3" in rows[0].errors[0]


def test_all_points_are_the_officers_own(officer, point_a, point_b, point_other):
    _rows, result = _import(
        _xlsx([_row(number="1/2020/QH14", points="tất cả")]),
        officer,
        points=selectors.points_for_user(officer),
    )
    (document,) = result.created
    shown = set(
        PointDocument.objects.filter(document=document).values_list("point__code", flat=True)
    )
    assert shown == {"T03", "L01"}


def test_a_new_issuer_is_added_with_a_note(officer):
    rows, result = _import(
        _xlsx([_row(number="1/2020/QH14", issuer="Sở Y tế tỉnh Gia Lai")]), officer
    )
    assert rows[0].notes and result.created[0].issuer.name == "Sở Y tế tỉnh Gia Lai"


def _counts() -> list[int]:
    models = (Document, DocumentRevision, DocumentRelation, PointDocument, Category)
    return [model.objects.count() for model in models]


def test_the_export_imported_back_changes_nothing(officer, point_a, point_b):
    _import(
        demo.import_demo_xlsx(with_errors=False), officer, points=selectors.points_for_user(officer)
    )
    Document.objects.filter(number="41/2024/QH15").update(title_jra="Tơlơi juăt ung bơnai")
    counts = _counts()
    stamps = dict(Document.objects.values_list("pk", "updated_at"))
    points = selectors.points_for_user(officer)
    documents = selectors.documents_for_export(points, officer.commune)
    for content, name in (
        (spreadsheets.export_documents_xlsx(documents, list(points)), "x.xlsx"),
        (spreadsheets.export_documents_csv(documents, list(points)), "x.csv"),
    ):
        rows, result = _import(content, officer, filename=name, points=points)
        assert len(result.unchanged) == 15 and not result.created and not result.updated, name
        assert rows[0].values["points"] == "tất cả"
    assert counts == _counts()
    assert stamps == dict(Document.objects.values_list("pk", "updated_at"))
    # The spreadsheet has no Jrai columns: an update keeps the Jrai version as it is.
    assert Document.objects.get(number="41/2024/QH15").title_jra == "Tơlơi juăt ung bơnai"


def test_the_demo_file_has_15_documents_two_replaced_and_three_mistakes(officer, point_a):
    rows = _check(
        demo.import_demo_xlsx(), selectors.points_for_user(officer), owner=officer.commune
    )
    assert len(rows) == 15 and [r.number for r in rows if not r.ok] == [4, 6, 13]
    result = services.documents_import(
        rows=rows, only_clean=True, actor=officer, commune=officer.commune
    )
    assert len(result.created) == 12
    _rows, fixed = _import(
        demo.import_demo_xlsx(with_errors=False), officer, points=selectors.points_for_user(officer)
    )
    assert len(fixed.created) == 3 and len(fixed.unchanged) == 12
    assert (
        Document.objects.filter(status=Document.Status.EXPIRED, replaced_by__isnull=False).count()
        == 2
    )


def test_the_preview_reads_the_database_a_fixed_number_of_times(
    officer, point_a, django_assert_max_num_queries
):
    few, many = demo.import_demo_xlsx(), _xlsx([_row(number=f"{n}/2020/QH14") for n in range(60)])
    points = selectors.points_for_user(officer)
    for content in (few, many):
        rows = spreadsheets.read_rows(content, "a.xlsx")
        with django_assert_max_num_queries(6):
            spreadsheets.check_rows(rows, points)


def test_the_command_previews_and_applies(tmp_path, point_a, capsys):
    path = tmp_path / "van-ban.xlsx"
    path.write_bytes(demo.import_demo_xlsx())
    with pytest.raises(CommandError) as error:
        call_command("import_documents", str(path), "--commune", "chu-prong")
    assert error.value.returncode == 1
    out = capsys.readouterr().out
    assert "31/02/2019" in out and "Dòng 6" in out
    assert not Document.objects.exists()
    call_command("import_documents", str(path), "--commune", "chu-prong", "--apply")
    out = capsys.readouterr().out
    assert Document.objects.count() == 12 and "Luật Bảo hiểm xã hội" in out and "3" in out
    path.write_bytes(demo.import_demo_xlsx(with_errors=False))
    call_command("import_documents", str(path), "--commune", "chu-prong")  # no error: exit 0
    assert Document.objects.count() == 12


def test_the_page_previews_then_saves_the_clean_rows(client, officer, point_a):
    client.force_login(officer)
    url = reverse("legal_library:document_import")
    assert client.get(url).status_code == 200
    upload = io.BytesIO(demo.import_demo_xlsx())
    upload.name = "van-ban.xlsx"
    response = client.post(url, {"file": upload})
    assert response.status_code == 200 and "31/02/2019" in response.text
    assert not Document.objects.exists()
    import_id = response.context["import_id"]
    response = client.post(url, {"import_id": import_id, "confirm": "clean"}, follow=True)
    assert Document.objects.count() == 12
    assert "12" in response.text


def test_an_officer_cannot_add_to_the_province_wide_categories(client, officer, point_a):
    content = _xlsx([_row(number="1/2020/QH14", categories="Đất đai; Trợ giúp pháp lý")])
    client.force_login(officer)
    upload = io.BytesIO(content)
    upload.name = "van-ban.xlsx"
    response = client.post(reverse("legal_library:document_import"), {"file": upload})
    assert response.status_code == 200
    assert 'Lĩnh vực: chưa có lĩnh vực "Trợ giúp pháp lý"' in " ".join(
        response.context["rows"][0].errors
    )
    (row,) = response.context["rows"]
    assert not row.ok
    # the service refuses too, whatever door the rows came by
    with pytest.raises(PermissionDenied):
        services.category_for_name(name="Trợ giúp pháp lý", actor=officer)
    assert not Category.objects.filter(name="Trợ giúp pháp lý").exists()
    assert not Document.objects.exists()


def test_the_page_refuses_a_bad_file_where_the_officer_looks(client, officer):
    client.force_login(officer)
    upload = io.BytesIO(_xlsx([["x"]], header=["Số hiệu"]))
    upload.name = "a.xlsx"
    response = client.post(reverse("legal_library:document_import"), {"file": upload})
    assert response.status_code == 400 and "Loại văn bản" in response.text


@pytest.mark.parametrize("name", ["document_export_xlsx", "document_export_csv"])
def test_the_export_downloads(client, officer, name):
    save(actor=officer, title="Luật Hộ tịch", number="60/2014/QH13", published=True)
    client.force_login(officer)
    response = client.get(reverse(f"legal_library:{name}"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("persona", ["volunteer", "secretary_a"])
def test_only_officers_who_edit_documents_open_it(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("legal_library:document_import")).status_code == 404
    assert client.get(reverse("legal_library:document_export_xlsx")).status_code == 404
    client.logout()
    assert client.get(reverse("legal_library:document_import")).status_code == 302
