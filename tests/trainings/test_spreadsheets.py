"""Importing a past session's attendance list, and exporting who attended (XLSX, CSV)."""

import csv
import datetime
import io
import os

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kit.spreadsheets import SpreadsheetError
from tests.trainings.factories import AttendanceFactory, TrainingSessionFactory
from tests.volunteers.factories import VolunteerFactory
from trainings import services, spreadsheets
from trainings.models import Attendance

pytestmark = pytest.mark.django_db

WALK_IN = "Not in the volunteer list: saved as a walk-in."


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


def _check(rows: list[list], session, header=("Họ và tên", "Số điện thoại", "Thôn, làng")):
    content = _xlsx([list(header), *rows])
    return spreadsheets.check_attendance_rows(spreadsheets.read_rows(content, "ds.xlsx"), session)


@pytest.fixture
def people(volunteer_a, teammate_a, volunteer_b):
    """Trần Thị Ánh and Ksor Y Bim of Thôn 3, Rơ Châm Thuận of Làng Kte."""
    return volunteer_a, teammate_a, volunteer_b


def test_a_google_forms_list_matches_by_phone_then_by_name(officer, session_a, people, village_a):
    volunteer_a, teammate_a, volunteer_b = people
    content = _csv(
        "Dấu thời gian,Họ tên,SĐT,Thôn/làng,Địa chỉ email\n"
        "05/03/2026 08:01:02,Ánh,+84 905 111 222,,a@example.invalid\n"  # phone, whatever the name
        "05/03/2026 08:02:10,ro cham thuan,,Lang Kte,\n"  # name without diacritics, in the village
        "05/03/2026 08:03:00,KSOR  Y BIM,,,\n"  # name in the whole commune, only one has it
        "05/03/2026 08:04:00,Nguyễn Văn Khách,0987 654 321,T03,\n"  # not on the roster
    )
    rows = spreadsheets.check_attendance_rows(
        spreadsheets.read_rows(content, "Điểm danh (Câu trả lời).csv"), session_a
    )
    assert [r.ok for r in rows] == [True, True, True, True], [r.errors for r in rows]
    assert [r.cleaned.get("volunteer") for r in rows] == [
        volunteer_a,
        volunteer_b,
        teammate_a,
        None,
    ]
    assert rows[0].notes == ["Matched to the volunteer Trần Thị Ánh (Thôn 3)."]
    assert rows[3].notes == [WALK_IN]
    assert rows[3].values["phone"] == "0987654321"
    result = services.attendance_import(
        session=session_a, rows=rows, only_clean=False, actor=officer
    )
    assert (result.added, result.already) == (4, 0)
    attendances = Attendance.objects.filter(session=session_a)
    assert {a.method for a in attendances} == {Attendance.Method.IMPORT}
    assert {a.recorded_by for a in attendances} == {officer}
    assert set(attendances.values_list("volunteer", flat=True)) == {
        volunteer_a.pk,
        volunteer_b.pk,
        teammate_a.pk,
        None,
    }
    walk_in = attendances.get(volunteer=None)
    assert (walk_in.name, walk_in.village, walk_in.phone) == (
        "Nguyễn Văn Khách",
        village_a,
        "0987654321",
    )


def test_a_branch_session_matches_only_its_own_volunteers(people, commune, village_a):
    _volunteer_a, teammate_a, _volunteer_b = people
    session = TrainingSessionFactory(commune=commune, village=village_a)
    rows = _check([["Rơ Châm Thuận", "0905555666", ""], ["Ksor Y Bim", "", ""]], session)
    assert [r.ok for r in rows] == [True, True]
    assert "volunteer" not in rows[0].cleaned
    assert rows[0].notes == [WALK_IN]
    assert rows[1].cleaned["volunteer"] == teammate_a


def test_a_name_that_several_volunteers_share_needs_the_village(session_a, village_a, village_b):
    in_a = VolunteerFactory(village=village_a, full_name="Siu Thị Hằng", phone="0911000001")
    in_b = VolunteerFactory(village=village_b, full_name="Siu Thị Hằng", phone="0911000002")
    rows = _check(
        [["Siu Thi Hang", "", ""], ["Siu Thị Hằng", "", "L01"], ["siu thị hằng", "0911000001", ""]],
        session_a,
    )
    assert "volunteer" not in rows[0].cleaned and "Several volunteers" in rows[0].notes[0]
    assert rows[1].cleaned["volunteer"] == in_b
    assert rows[2].cleaned["volunteer"] == in_a
    assert all(r.ok for r in rows)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", "0912000111", ""], "The full name is empty."),
        (["Người Lạ", "12345", ""], "Vietnamese phone number"),
        (["Người Lạ", "", "Thôn 99"], 'Unknown village "Thôn 99".'),
    ],
)
def test_each_bad_value_is_reported_on_its_row(session_a, people, row, message):
    rows = _check([["Ksor Y Bim", "", ""], row], session_a)
    assert rows[0].ok
    assert not rows[1].ok and message in " ".join(rows[1].errors)


def test_the_same_person_twice_or_already_present(session_a, people):
    volunteer_b = people[2]
    AttendanceFactory(session=session_a, volunteer=volunteer_b)
    AttendanceFactory(session=session_a, name="Đinh Văn Khách", phone="0966000111")
    rows = _check(
        [
            ["Trần Thị Ánh", "", "T03"],
            ["Ánh", "0905111222", ""],  # the same volunteer by phone
            ["Người Mới", "0977000111", ""],
            ["Người Mới", "0977 000 111", ""],  # the same walk-in
            ["Rơ Châm Thuận", "", ""],  # present already (QR)
            ["Đinh Văn Khách", "", ""],  # present already as a walk-in
            ["Ai Đó", "0966000111", ""],  # the walk-in's phone
        ],
        session_a,
    )
    assert [r.ok for r in rows] == [True, False, True, False, False, False, False]
    assert rows[1].errors == ["This person is also on row 2."]
    assert rows[3].errors == ["This person is also on row 4."]
    assert rows[4].errors == ["Rơ Châm Thuận is already marked present at this session."]
    assert rows[5].errors == ["Đinh Văn Khách is already marked present at this session."]
    assert "already marked present" in rows[6].errors[0]


def test_checking_takes_three_queries_however_many_rows(
    session_a, people, django_assert_num_queries
):
    one = spreadsheets.read_rows(_xlsx([["Họ và tên"], ["Ksor Y Bim"]]), "a.xlsx")
    many = spreadsheets.read_rows(
        _xlsx(
            [
                ["Họ và tên", "Số điện thoại", "Thôn, làng"],
                *([f"Khách {n}", f"09770{n:05d}", "L01"] for n in range(60)),
                ["Ksor Y Bim", "", "T03"],
            ]
        ),
        "b.xlsx",
    )
    with django_assert_num_queries(3):
        spreadsheets.check_attendance_rows(one, session_a)
    with django_assert_num_queries(3):
        spreadsheets.check_attendance_rows(many, session_a)
    assert all(r.ok for r in many)


def test_rows_with_errors_save_nothing_unless_only_clean_rows_are_chosen(
    officer, session_a, people
):
    rows = _check(
        [
            ["Ksor Y Bim", "", ""],
            ["", "0912000111", ""],
            ["Khách", "", "Thôn 99"],
            ["Trần Thị Ánh", "", ""],
        ],
        session_a,
    )
    with pytest.raises(ValidationError, match="2 rows have errors"):
        services.attendance_import(session=session_a, rows=rows, only_clean=False, actor=officer)
    assert not Attendance.objects.exists()
    result = services.attendance_import(
        session=session_a, rows=rows, only_clean=True, actor=officer
    )
    assert result.added == 2
    assert set(Attendance.objects.values_list("name", flat=True)) == {"Ksor Y Bim", "Trần Thị Ánh"}


def test_more_people_than_places_left_saves_nobody(officer, commune, people):
    session = TrainingSessionFactory(commune=commune, capacity=3)
    AttendanceFactory(session=session, name="Đã Có Mặt")
    rows = _check([["Ksor Y Bim"], ["Trần Thị Ánh"], ["Khách Mời"]], session, header=["Họ và tên"])
    assert all(r.ok for r in rows)
    with pytest.raises(ValidationError, match="Only 2 of the 3 places are left"):
        services.attendance_import(session=session, rows=rows, only_clean=False, actor=officer)
    assert Attendance.objects.filter(session=session).count() == 1


def test_a_session_not_started_yet_takes_no_import(officer, commune, people):
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=2)
    session = TrainingSessionFactory(commune=commune, starts_at=later)
    rows = _check([["Ksor Y Bim"]], session, header=["Họ và tên"])
    with pytest.raises(ValidationError, match="has not started yet"):
        services.attendance_import(session=session, rows=rows, only_clean=False, actor=officer)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (os.urandom(3000), "diem-danh.xlsx", "could not be read as an XLSX"),
        (_csv("Họ và tên\nA\n"), "diem-danh.ods", "Upload an .xlsx or a .csv file."),
        ("Họ và tên\nĐức\n".encode("cp1258", errors="replace"), "ds.csv", "not in UTF-8"),
        (_csv("Dấu thời gian,Số điện thoại\n1,0912000111\n"), "ds.csv", '"Họ và tên"'),
        (_csv("Họ tên,Tên\nA,B\n"), "ds.csv", "appears twice"),
    ],
)
def test_files_that_cannot_be_read_are_refused_whole(content, name, message):
    with pytest.raises(SpreadsheetError) as info:
        spreadsheets.read_rows(content, name)
    assert message in str(info.value)


@pytest.fixture
def attended(session_a, people, village_a):
    """Three attendances of session A at 08:30 Hanoi time on 5 March 2026 (01:30 UTC)."""
    volunteer_a, _teammate_a, volunteer_b = people
    at = datetime.datetime(2026, 3, 5, 1, 30, tzinfo=datetime.UTC)
    AttendanceFactory(
        session=session_a, volunteer=volunteer_a, phone="0905111222", checked_in_at=at
    )
    AttendanceFactory(
        session=session_a,
        volunteer=volunteer_b,
        method=Attendance.Method.QR,
        checked_in_at=at + datetime.timedelta(minutes=5),
    )
    AttendanceFactory(
        session=session_a,
        name="=1+2 Hờ Đinh",
        village=village_a,
        method=Attendance.Method.IMPORT,
        checked_in_at=at + datetime.timedelta(minutes=2),
    )
    return (
        Attendance.objects.filter(session=session_a)
        .select_related("village")
        .order_by("checked_in_at", "name")
    )


def test_the_xlsx_export_has_the_session_then_the_table(session_a, attended):
    content = spreadsheets.export_attendance_xlsx(session_a, attended)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [r for r in sheet.values if any(v is not None for v in r)]
    assert rows[0][0] == session_a.title
    labels = {r[0]: r[1] for r in rows[1:5]}
    assert labels["Place"] == "Hội trường UBND xã"
    assert labels["Branch"] == "Whole commune"
    assert labels["Attendees"] == 3
    header = rows.index(
        (
            "No.",
            "Full name",
            "Village",
            "Phone",
            "How recorded",
            "Checked in at",
            "Certificate code",
        )
    )
    table = rows[header + 1 :]
    assert [r[0] for r in table] == [1, 2, 3]
    first = table[0]
    assert first[1:5] == ("Trần Thị Ánh", "Thôn 3", "0905111222", "Attendance sheet")
    assert first[5] == datetime.datetime(2026, 3, 5, 8, 30)  # noqa: DTZ001 - Excel has no zone
    assert first[6] == attended[0].certificate_code
    assert table[1][1:3] == ("=1+2 Hờ Đinh", "Thôn 3")  # text, not a formula
    assert table[2][1:5] == ("Rơ Châm Thuận", "Làng Kte", None, "QR check-in")


def test_the_csv_export_is_utf8_with_a_bom_and_local_times(session_a, attended):
    content = spreadsheets.export_attendance_csv(attended)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [
        "No.",
        "Full name",
        "Village",
        "Phone",
        "How recorded",
        "Checked in at",
        "Certificate code",
    ]
    assert rows[1][:6] == [
        "1",
        "Trần Thị Ánh",
        "Thôn 3",
        "0905111222",
        "Attendance sheet",
        "05/03/2026 08:30",
    ]
    assert rows[2][1] == "'=1+2 Hờ Đinh"  # a spreadsheet would run it as a formula
    assert rows[3][1:3] == ["Rơ Châm Thuận", "Làng Kte"] and rows[3][5] == "05/03/2026 08:35"
    assert len(rows) == 4


def test_the_export_reads_back_as_an_import_of_the_same_people(session_a, attended, commune):
    """Its table (after the session block) is the import's layout: another session takes it."""
    content = spreadsheets.export_attendance_csv(attended)
    other = TrainingSessionFactory(commune=commune)
    rows = spreadsheets.check_attendance_rows(spreadsheets.read_rows(content, "x.csv"), other)
    assert [r.ok for r in rows] == [True, True, True]
    assert rows[0].cleaned["volunteer"].full_name == "Trần Thị Ánh"
