"""Volunteer roster import (XLSX/CSV, checked row by row) and export (XLSX)."""

import datetime
import io
import os
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from core.models import Village
from kit.spreadsheets import SpreadsheetError
from tests.volunteers.factories import VolunteerFactory
from volunteers import services, spreadsheets
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

HEADER = [
    "Họ và tên",
    "Số điện thoại",
    "Thôn, làng",
    "Vai trò",
    "Tổ công nghệ số",
    "Ngày vào",
    "Đang hoạt động",
]


@pytest.fixture(autouse=True)
def _english():
    """The messages are checked by their English msgids, whatever the catalogue says."""
    with translation.override("en"):
        yield


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


@pytest.fixture
def villages(commune, village_a, village_b):
    return Village.objects.filter(commune=commune)


def _check(rows: list[list], villages) -> list[spreadsheets.Row]:
    return spreadsheets.check_rows(
        spreadsheets.read_rows(_xlsx([HEADER, *rows]), "ds.xlsx"), villages
    )


def _errors(row) -> str:
    return " ".join(row.errors)


def test_a_good_xlsx_is_read_checked_and_imported(officer, villages, village_a, village_b):
    content = _xlsx(
        [
            HEADER,
            [
                "Nguyễn  Văn   Đức",
                "+84 912.345.678",
                "T03",
                "Bí thư",
                "x",
                datetime.date(2020, 3, 26),
                "",
            ],
            ["Siu H'Bia", "", "lang kte", "deputy", "không", "05/01/2021", "có"],
            ["Rơ Mah Nguyệt", "0987654321", "Thôn 3", "", "", "2022-12-31", "no"],
            [None, None, None, None, None, None, None],  # an empty row is dropped
            ["Kpă Thị Hoa", "0977000111", "L01", "Member", "1", None, "0"],
        ]
    )
    rows = spreadsheets.check_rows(spreadsheets.read_rows(content, "doan-vien.xlsx"), villages)
    assert [r.ok for r in rows] == [True, True, True, True], [r.errors for r in rows]
    assert [r.number for r in rows] == [2, 3, 4, 6]
    assert rows[0].values["phone"] == "0912345678"  # normalised for the preview too
    result = services.volunteer_import(rows=rows, only_clean=False, actor=officer)
    assert (result.created, result.skipped) == (4, 0)
    duc = Volunteer.objects.get(phone="0912345678")
    assert (duc.full_name, duc.village, duc.branch_role, duc.on_tech_team) == (
        "Nguyễn Văn Đức",
        village_a,
        Volunteer.BranchRole.SECRETARY,
        True,
    )
    assert duc.joined_on == datetime.date(2020, 3, 26) and duc.active
    bia = Volunteer.objects.get(full_name="Siu H'Bia")
    assert (bia.village, bia.branch_role, bia.on_tech_team, bia.phone) == (
        village_b,
        Volunteer.BranchRole.DEPUTY,
        False,
        "",
    )
    assert bia.joined_on == datetime.date(2021, 1, 5)
    nguyet = Volunteer.objects.get(full_name="Rơ Mah Nguyệt")
    assert nguyet.branch_role == Volunteer.BranchRole.MEMBER and not nguyet.active
    assert nguyet.joined_on == datetime.date(2022, 12, 31)
    assert Volunteer.objects.get(full_name="Kpă Thị Hoa").joined_on is None


def test_a_csv_with_english_or_unaccented_headers_is_read(villages, village_b):
    content = _csv(
        "full name;PHONE;thon, lang;Role;Tech team\n"
        "Rơ Châm Hơn;0905 777 888;Làng Kte;Branch secretary;yes\n"
    )
    (row,) = spreadsheets.check_rows(spreadsheets.read_rows(content, "ds.csv"), villages)
    assert row.ok, row.errors
    assert row.cleaned["village"] == village_b
    assert row.cleaned["branch_role"] == Volunteer.BranchRole.SECRETARY
    assert row.cleaned["on_tech_team"] is True and row.cleaned["active"] is True


def test_english_role_labels_are_understood_in_a_vietnamese_page(villages):
    with translation.override("vi"):
        (row,) = _check([["A", "", "T03", "Deputy secretary", "", "", ""]], villages)
    assert row.cleaned["branch_role"] == Volunteer.BranchRole.DEPUTY


GOOD = ["Nguyễn Thị Mai", "0912000111", "T03", "Đoàn viên", "có", "01/02/2023", "có"]
OTHER = ["Lê Văn Tám", "0912000222", "T03", "", "", "", ""]
FUTURE = f"{timezone.localdate() + datetime.timedelta(days=2):%d/%m/%Y}"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (0, "  ", "The full name is empty."),
        (1, "12345", "Vietnamese phone number"),
        (1, "+1 202 555 0100", "Vietnamese phone number"),
        (2, "", "The village is empty."),
        (2, "Thôn 99", 'Unknown village "Thôn 99".'),
        (2, "T01", 'Unknown village "T01".'),  # a village of another commune
        (3, "Chủ tịch", 'Unknown role "Chủ tịch"'),
        (4, "có lẽ", '"Tổ công nghệ số"'),
        (6, "maybe", '"Đang hoạt động"'),
        (5, "31/02/2023", 'The date "31/02/2023" cannot be read'),
        (5, "hôm qua", "cannot be read"),
        (5, FUTURE, "is in the future"),
    ],
)
def test_each_bad_value_is_reported_on_its_row(villages, other_village, column, value, message):
    bad = list(OTHER)
    bad[column] = value
    rows = _check([GOOD, bad], villages)
    assert rows[0].ok
    assert not rows[1].ok and message in _errors(rows[1])
    assert len(rows[1].errors) == 1


def test_a_village_outside_the_officers_villages_is_refused(village_a, village_b):
    rows = _check(
        [GOOD, [*OTHER[:2], "Làng Kte", *OTHER[3:]]], Village.objects.filter(pk=village_a.pk)
    )
    assert rows[0].ok
    assert _errors(rows[1]) == "You may not add volunteers to Làng Kte."


def test_phones_twice_in_the_file_or_already_on_the_roster(villages, teammate_a, volunteer_b):
    rows = _check(
        [
            GOOD,
            ["Người Thứ Hai", "0912 000 111", "L01", "", "", "", ""],
            ["Trùng Số Cũ", "0905333444", "T03", "", "", "", ""],  # teammate_a's, same village
            ["Số Ở Thôn Khác", "0905555666", "T03", "", "", "", ""],  # volunteer_b's, village B
        ],
        villages,
    )
    assert [r.ok for r in rows] == [True, False, False, True]
    assert _errors(rows[1]) == "The phone number 0912000111 is also on row 2."
    assert _errors(rows[2]) == "Ksor Y Bim of Thôn 3 already has the phone number 0905333444."


def test_a_name_already_on_the_roster_is_only_a_note(villages, teammate_a):
    (row,) = _check([["ksor y bim", "", "T03", "", "", "", ""]], villages)
    assert row.ok
    assert row.notes == ["Thôn 3 already has a volunteer of this name: is it the same person?"]


def test_checking_takes_three_queries_however_many_rows(
    commune, village_a, village_b, teammate_a, django_assert_num_queries
):
    one = spreadsheets.read_rows(_xlsx([HEADER, GOOD]), "a.xlsx")
    many = spreadsheets.read_rows(
        _xlsx(
            [HEADER, *([f"Người {n}", f"09120{n:05d}", "L01", "", "", "", ""] for n in range(60))]
        ),
        "b.xlsx",
    )
    with django_assert_num_queries(3):
        spreadsheets.check_rows(one, Village.objects.filter(commune=commune))
    with django_assert_num_queries(3):
        spreadsheets.check_rows(many, Village.objects.filter(commune=commune))
    assert all(r.ok for r in many)


def test_rows_with_errors_save_nothing_unless_only_clean_rows_are_chosen(officer, villages):
    rows = _check(
        [GOOD, ["", "0912000222", "T03", "", "", "", ""], ["Người Tốt", "", "L01", "", "", "", ""]],
        villages,
    )
    assert [r.ok for r in rows] == [True, False, True]
    with pytest.raises(ValidationError) as info:
        services.volunteer_import(rows=rows, only_clean=False, actor=officer)
    assert "1 rows have errors" in info.value.messages[0]
    assert not Volunteer.objects.exists()
    result = services.volunteer_import(rows=rows, only_clean=True, actor=officer)
    assert (result.created, result.skipped) == (2, 1)
    assert set(Volunteer.objects.values_list("full_name", flat=True)) == {
        "Nguyễn Thị Mai",
        "Người Tốt",
    }


def test_a_phone_taken_after_the_preview_saves_nobody(officer, villages, village_a):
    rows = _check([["Người Đầu", "", "T03", "", "", "", ""], GOOD], villages)
    assert all(r.ok for r in rows)
    VolunteerFactory(village=village_a, phone="0912000111")  # someone added her meanwhile
    with pytest.raises(ValidationError) as info:
        services.volunteer_import(rows=rows, only_clean=True, actor=officer)
    assert "Row 3" in info.value.messages[0]
    assert not Volunteer.objects.filter(full_name="Người Đầu").exists()


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (os.urandom(3000), "doan-vien.xlsx", "could not be read as an XLSX"),
        (b"PK\x03\x04" + os.urandom(500), "doan-vien.xlsx", "could not be read as an XLSX"),
        (_zip_bomb(), "bom.xlsx", "too large once unpacked"),
        (_csv("Họ và tên,Thôn\nA,T03\n"), "doan-vien.txt", "Upload an .xlsx or a .csv file."),
        (
            'Họ và tên,"Thôn, làng"\nĐức,T03\n'.encode("cp1258", errors="replace"),
            "ds.csv",
            "not in UTF-8",
        ),
        ("Họ và tên\nA\n".encode("utf-16"), "ds.csv", "not in UTF-8"),
        (_csv(""), "ds.csv", "The file is empty."),
        (_csv("Họ và tên,Số điện thoại\nA,0912000111\n"), "ds.csv", '"Thôn, làng" (Village)'),
        (_csv("Số điện thoại,Thôn\n0912000111,T03\n"), "ds.csv", '"Họ và tên" (full name)'),
        (_csv("Họ và tên,Thôn,Tuổi\nA,T03,20\n"), "ds.csv", 'Unknown column "Tuổi"'),
        (_csv("Họ và tên,Thôn,Ho va ten\nA,T03,B\n"), "ds.csv", "appears twice"),
        (b"x" * (spreadsheets.MAX_BYTES + 1), "ds.csv", "larger than 2 MB"),
    ],
)
def test_files_that_cannot_be_read_are_refused_whole(content, name, message):
    with pytest.raises(SpreadsheetError) as info:
        spreadsheets.read_rows(content, name)
    assert message in str(info.value)


def test_too_many_rows_are_refused(villages):
    rows = "".join(f"Người {n},T03\n" for n in range(2001))
    with pytest.raises(SpreadsheetError, match="more than 2000 rows"):
        spreadsheets.read_rows(_csv('Họ và tên,"Thôn, làng"\n' + rows), "ds.csv")


def test_export_reopens_with_diacritics_and_imports_back(
    village_a, village_b, villages, volunteer_a, teammate_a, volunteer_b, django_assert_num_queries
):
    Volunteer.objects.filter(pk=teammate_a.pk).update(
        branch_role=Volunteer.BranchRole.SECRETARY,
        joined_on=datetime.date(2019, 3, 26),
        on_tech_team=False,
        active=False,
    )
    VolunteerFactory(village=village_b, full_name='=HYPERLINK("http://x")', phone="")
    volunteers = Volunteer.objects.select_related("village").order_by(
        "village__position", "full_name"
    )
    with django_assert_num_queries(1):
        content = spreadsheets.export_volunteers_xlsx(volunteers)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.values)
    assert list(rows[0]) == HEADER
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Ksor Y Bim"][:5] == ("Ksor Y Bim", "0905333444", "Thôn 3", "Bí thư", "không")
    assert by_name["Ksor Y Bim"][5].date() == datetime.date(2019, 3, 26)  # a real date cell
    assert by_name["Ksor Y Bim"][6] == "không"
    assert by_name["Trần Thị Ánh"][2:5] == ("Thôn 3", "Đoàn viên", "có")
    assert by_name["Rơ Châm Thuận"][2] == "Làng Kte"
    formula = next(c for c in sheet["A"] if str(c.value).startswith("="))
    assert formula.data_type == "s"  # text, not a formula Excel would run
    # Read back: the same layout; every phone is already on the roster now.
    back = spreadsheets.check_rows(spreadsheets.read_rows(content, "xuat.xlsx"), villages)
    assert len(back) == 4
    ksor = next(r for r in back if r.values["full_name"] == "Ksor Y Bim")
    assert "already has the phone number" in _errors(ksor)
    assert ksor.values["joined_on"] == "2019-03-26"
    formula_row = next(r for r in back if r.values["phone"] == "")
    assert formula_row.ok and formula_row.cleaned["village"] == village_b
