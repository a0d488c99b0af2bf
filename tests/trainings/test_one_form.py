"""One form, two doors: a walk-in added on the session page's sheet and one on a row of an
imported list meet the same rules and read the same words (``AttendeeForm``), in Vietnamese."""

import pytest
from django.utils import translation

from tests.trainings.factories import TrainingSessionFactory
from tests.trainings.test_spreadsheets import _xlsx
from tests.volunteers.factories import VolunteerFactory
from trainings import spreadsheets
from trainings.forms import AttendeeForm

pytestmark = pytest.mark.django_db


def _import(rows: list[list], session) -> list[spreadsheets.Row]:
    """The rows of a list as the Vietnamese preview checks them."""
    with translation.override("vi"):
        content = _xlsx([["Họ và tên", "Số điện thoại", "Thôn, làng"], *rows])
        return spreadsheets.check_attendance_rows(
            spreadsheets.read_rows(content, "ds.xlsx"), session
        )


def _sheet(client, officer, session, **data):
    """The session page's sheet posted (Vietnamese, the site's language): its form, refused."""
    client.force_login(officer)
    response = client.post(f"/tap-huan/{session.pk}/diem-danh/", data)
    assert response.status_code == 400, "the page saved what it should refuse"
    assert not session.attendances.exists()
    return response.context["form"]


@pytest.mark.parametrize(
    ("line", "row", "message"),
    [
        # Both had it, in other words; the page stopped at the first bad line.
        (
            "Người Lạ, 12345",
            ["Người Lạ", "12345", ""],
            "Hãy ghi số điện thoại Việt Nam gồm 10 chữ số, ví dụ 0912345678.",
        ),
        (", 0912000111", ["", "0912000111", ""], "Chưa có họ và tên."),
        # The page's rule: the import took a name of any length (and cut it when saving).
        ("A" * 201, ["A" * 201, "", ""], "Họ và tên dài quá 200 ký tự."),
    ],
)
def test_one_rule_and_one_message_on_the_sheet_and_in_the_import(
    client, officer, session_a, line, row, message
):
    form = _sheet(client, officer, session_a, walk_ins=f"Khách Mời, 0912000999\n{line}")
    assert form.errors["walk_ins"] == [f"Dòng 2: {message}"]
    (checked,) = _import([row], session_a)
    assert checked.errors == [message]


def test_the_sheet_says_every_bad_line(client, officer, session_a):
    form = _sheet(client, officer, session_a, walk_ins="Người Một, 123\n\n, 0912000111")
    assert form.errors["walk_ins"] == [
        "Dòng 1: Hãy ghi số điện thoại Việt Nam gồm 10 chữ số, ví dụ 0912345678.",
        "Dòng 3: Chưa có họ và tên.",
    ]


def test_a_branch_session_takes_walk_ins_of_its_own_village_at_both_doors(
    client, officer, commune, village_a, village_b
):
    """The page offers a branch session's own village only; the import, which took any
    village of the commune, now refuses another with the page's message."""
    session = TrainingSessionFactory(commune=commune, village=village_a)
    form = _sheet(client, officer, session, walk_ins="Khách Mời", walk_in_village=village_b.pk)
    with translation.override("vi"):
        refused = AttendeeForm.base_fields["village"].error_messages["invalid_choice"]
        assert form.errors["walk_in_village"] == [refused % {"value": village_b.pk}]
        assert (
            str(refused)
            == "%(value)s không phải thôn, làng của chi đoàn tổ chức buổi tập huấn này."
        )
    own, other = _import([["Khách Một", "", "T03"], ["Khách Hai", "", "Làng Kte"]], session)
    assert own.ok and own.cleaned["village"] == village_a
    assert other.errors == [
        "Làng Kte không phải thôn, làng của chi đoàn tổ chức buổi tập huấn này."
    ]


def test_an_inactive_volunteer_is_not_on_the_roster_at_either_door(
    client, officer, session_a, village_a
):
    """The page ticks the roster (active volunteers); the import matched inactive ones too,
    and now keeps such a person as a walk-in, as the page would have to."""
    gone = VolunteerFactory(village=village_a, full_name="Siu Văn Nghỉ", active=False)
    form = _sheet(client, officer, session_a, volunteers=[gone.pk])
    assert form.errors["volunteers"] == [
        f"{gone.pk} không phải tình nguyện viên của chi đoàn tổ chức buổi tập huấn này."
    ]
    (row,) = _import([["Siu Văn Nghỉ", "", ""]], session_a)
    assert row.ok and "volunteer" not in row.cleaned
    assert row.cleaned["name"] == "Siu Văn Nghỉ"
