"""One form, two doors: a volunteer added on the admin's page and one on a row of the roster
import meet the same rules and read the same words (``VolunteerForm``), in Vietnamese."""

import datetime

import pytest
from django.utils import timezone, translation

from core.models import Village
from tests.volunteers.test_spreadsheets import HEADER, _xlsx
from volunteers import spreadsheets
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

ADD = "/admin/volunteers/volunteer/add/"
FUTURE = timezone.localdate() + datetime.timedelta(days=3)


def _import_errors(cells: list, villages) -> list[str]:
    """The errors of one imported row, as the Vietnamese preview shows them."""
    with translation.override("vi"):
        content = _xlsx([HEADER, cells])
        (row,) = spreadsheets.check_rows(spreadsheets.read_rows(content, "ds.xlsx"), villages)
    return row.errors


def _page_errors(client, user, **fields) -> dict[str, list[str]]:
    """The errors of the admin's add page (Vietnamese, the site's language) for these values."""
    client.force_login(user)
    data = {"full_name": "Nguyễn Thị Mai", "branch_role": "member", "active": "on", **fields}
    response = client.post(ADD, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 200, "the page saved what it should refuse"
    return response.context["adminform"].form.errors


@pytest.mark.parametrize(
    ("field", "page_value", "cell", "message"),
    [
        # The import's rule, now the page's too: the admin took any text as a phone.
        ("phone", "12345", 1, "Hãy ghi số điện thoại Việt Nam gồm 10 chữ số, ví dụ 0912345678."),
        # The import's rule, now the page's too: the admin took a joining day to come.
        (
            "joined_on",
            f"{FUTURE:%d/%m/%Y}",
            5,
            f"Ngày tham gia {FUTURE:%d/%m/%Y} ở trong tương lai.",
        ),
        # Both had it; the page said "Constraint … is violated", now it names who has the phone.
        ("phone", "0905 333 444", 1, "Ksor Y Bim ở Thôn 3 đã dùng số điện thoại 0905333444."),
        # Both had it; the import found it only when saving, now in the preview.
        ("full_name", "A" * 201, 0, "Họ và tên dài quá 200 ký tự."),
    ],
)
def test_one_rule_and_one_message_on_the_page_and_in_the_import(
    client, officer, village_a, village_b, teammate_a, field, page_value, cell, message
):
    page = _page_errors(client, officer, village=village_a.pk, **{field: page_value})
    assert page[field] == [message]
    cells = ["Nguyễn Thị Mai", "", "T03", "", "", "", ""]
    cells[cell] = page_value
    assert _import_errors(cells, Village.objects.filter(commune=village_a.commune)) == [message]
    assert not Volunteer.objects.filter(full_name__in=["Nguyễn Thị Mai", "A" * 201]).exists()


def test_a_village_the_user_may_not_use_is_refused_at_both_doors(
    client, officer, village_a, village_b, other_village
):
    """The page offers only the user's villages; a forged post of another commune's, or a
    row naming a village outside those the importer may use, meets the same rule."""
    page = _page_errors(client, officer, village=other_village.pk)
    assert page["village"] == [f"Bạn không được thêm tình nguyện viên vào {other_village.pk}."]
    errors = _import_errors(
        ["Nguyễn Thị Mai", "", "L01", "", "", "", ""], Village.objects.filter(pk=village_a.pk)
    )
    assert errors == ["Bạn không được thêm tình nguyện viên vào Làng Kte."]


def test_the_page_saves_what_the_import_saves(client, officer, village_a, village_b):
    """The rules tidy the same way at both doors: spaces in the name, the phone's ten digits."""
    client.force_login(officer)
    response = client.post(
        ADD,
        {
            "full_name": " Rơ  Mah   Nguyệt ",
            "phone": "+84 987.654.321",
            "village": village_a.pk,
            "branch_role": "member",
            "joined_on": "05/01/2021",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = Volunteer.objects.get()
    assert (saved.full_name, saved.phone, saved.joined_on) == (
        "Rơ Mah Nguyệt",
        "0987654321",
        datetime.date(2021, 1, 5),
    )
    (row,) = spreadsheets.check_rows(
        spreadsheets.read_rows(
            _xlsx(
                [HEADER, [" Rơ  Mah   Nguyệt ", "+84 987.654.321", "L01", "", "", "05/01/2021", ""]]
            ),
            "ds.xlsx",
        ),
        Village.objects.filter(commune=village_a.commune),
    )
    assert (row.cleaned["full_name"], row.cleaned["phone"]) == (saved.full_name, saved.phone)


def test_editing_a_volunteer_keeps_their_own_phone(client, officer, teammate_a):
    """The phone taken in the village is someone else's, never the volunteer's own."""
    client.force_login(officer)
    response = client.post(
        f"/admin/volunteers/volunteer/{teammate_a.pk}/change/",
        {
            "full_name": teammate_a.full_name,
            "phone": teammate_a.phone,
            "village": teammate_a.village_id,
            "branch_role": "secretary",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    teammate_a.refresh_from_db()
    assert teammate_a.branch_role == "secretary"
