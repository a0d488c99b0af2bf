"""Branch secretaries log visits as the volunteer they are (their roster entry), in their
own village only; one whose account names no roster entry is told how to fix it."""

import pytest

from core.models import User
from core.roles import Role
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.test_pages import _post_visit
from volunteers import services
from volunteers.models import AssistanceRecord, Volunteer

pytestmark = pytest.mark.django_db

UNLINKED = "chưa được liên kết với tên bạn trong danh sách đoàn viên"


@pytest.fixture
def roster_secretary_a(village_a):
    """Village A's branch secretary on the roster, without an account yet."""
    return VolunteerFactory(
        village=village_a, full_name="Nguyễn Văn Đức", phone="0905777888", branch_role="secretary"
    )


@pytest.fixture
def linked_secretary(officer, village_a, roster_secretary_a) -> User:
    """The account an officer made on /tai-khoan/: linked to the roster entry."""
    return services.secretary_login_create(
        village=village_a, volunteer=roster_secretary_a, actor=officer
    )


def test_the_account_made_for_a_secretary_is_linked_to_their_roster_entry(
    linked_secretary, roster_secretary_a, village_a
):
    roster_secretary_a.refresh_from_db()
    assert roster_secretary_a.user == linked_secretary
    assert linked_secretary.groups.get().name == Role.VILLAGE_SECRETARY
    assert linked_secretary.village == village_a


def test_a_secretary_is_preselected_as_the_helper_in_their_village(
    client, linked_secretary, roster_secretary_a, village_a, village_b, volunteer_b
):
    client.force_login(linked_secretary)
    response = client.get("/tinh-nguyen/ghi-nhan/")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["volunteers"] == [roster_secretary_a.pk]
    assert form.initial["village"] == village_a.pk
    # another village, and its volunteers, are not offered
    assert list(form.fields["village"].queryset) == [village_a]
    assert volunteer_b not in form.fields["volunteers"].queryset
    text = response.content.decode()
    assert "Làng Kte" not in text and volunteer_b.full_name not in text
    assert UNLINKED not in text


def test_a_secretary_logs_a_visit_for_their_village(
    client, linked_secretary, roster_secretary_a, village_a
):
    client.force_login(linked_secretary)
    response = _post_visit(client, village_a, [roster_secretary_a])
    assert response.status_code == 302
    record = AssistanceRecord.objects.get()
    assert (record.village, record.recorded_by) == (village_a, linked_secretary)
    assert list(record.volunteers.all()) == [roster_secretary_a]


@pytest.mark.parametrize(
    ("village", "helpers", "message"),
    [
        # another village: not offered, and refused when posted
        ("village_b", ["roster_secretary_a"], "bạn không được ghi nhận lượt hỗ trợ ở đó"),
        # their village, with a volunteer of another village's branch
        (
            "village_a",
            ["roster_secretary_a", "volunteer_b"],
            "không phải tình nguyện viên của chi đoàn",
        ),
    ],
)
def test_a_secretary_cannot_log_a_visit_for_another_village(
    client, request, linked_secretary, village, helpers, message
):
    client.force_login(linked_secretary)
    people = [request.getfixturevalue(name) for name in helpers]
    response = _post_visit(client, request.getfixturevalue(village), people)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AssistanceRecord.objects.exists()


def test_an_unlinked_secretary_is_told_how_to_fix_it(client, secretary_a, village_a, teammate_a):
    """An account made elsewhere (the admin's user page) names no roster entry: the
    secretary still logs visits, naming who helped, and reads what to ask for."""
    client.force_login(secretary_a)
    for url in ("/tinh-nguyen/ghi-nhan/", "/tinh-nguyen/"):
        text = client.get(url).content.decode()
        assert UNLINKED in text and "Tài khoản đăng nhập" in text, url
    response = _post_visit(client, village_a, [teammate_a])
    assert response.status_code == 302
    assert AssistanceRecord.objects.get().village == village_a


@pytest.mark.parametrize("persona", ["volunteer", "officer"])
def test_nobody_else_is_told_to_link_their_account(client, request, volunteer_a, persona):
    client.force_login(request.getfixturevalue(persona))
    assert UNLINKED not in client.get("/tinh-nguyen/ghi-nhan/").content.decode()


def test_an_officer_links_a_secretary_account_in_the_admin(
    client, officer, secretary_a, roster_secretary_a, other_officer
):
    """The roster entry's page offers the commune's accounts in a plain list (officers
    may not look users up, so an autocomplete answered them 403)."""
    client.force_login(officer)
    url = f"/admin/volunteers/volunteer/{roster_secretary_a.pk}/change/"
    page = client.get(url).content.decode()
    assert f'<option value="{secretary_a.pk}">' in page
    assert f'<option value="{other_officer.pk}">' not in page
    data = {
        "full_name": roster_secretary_a.full_name,
        "phone": roster_secretary_a.phone,
        "village": roster_secretary_a.village_id,
        "branch_role": "secretary",
        "active": "on",
        "user": secretary_a.pk,
    }
    assert client.post(url, data).status_code == 302
    assert Volunteer.objects.get(user=secretary_a) == roster_secretary_a
    client.force_login(secretary_a)
    response = client.get("/tinh-nguyen/ghi-nhan/")
    assert UNLINKED not in response.content.decode()
    assert response.context["form"].initial["volunteers"] == [roster_secretary_a.pk]


def test_the_demo_secretary_is_linked_to_thon_3s_secretary():
    from core.demo import demo_load
    from volunteers.demo import SECRETARY_USERNAME
    from volunteers.demo import demo_load as volunteers_demo_load

    commune = demo_load().commune
    volunteers_demo_load(commune, volunteer_password="mot-mat-khau-dai")
    volunteers_demo_load(commune, volunteer_password="mot-mat-khau-dai")
    secretary = User.objects.get(username=SECRETARY_USERNAME)
    assert secretary.groups.get().name == Role.VILLAGE_SECRETARY
    entry = secretary.volunteer
    assert (entry.full_name, entry.branch_role, entry.village.code) == (
        "Nguyễn Văn Đức",
        "secretary",
        "T03",
    )
    assert secretary.village == entry.village
