"""The officer's sign-in accounts page, the hand-over screen and the one-time link page."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core import services as accounts
from core.models import AuditEntry, User
from core.roles import Role
from core.sign_in_links import sign_in_links
from market import services as market_services
from tests.market.factories import MarketFactory, VendorFactory
from tests.volunteers.factories import VolunteerFactory
from volunteers import services as volunteer_services
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

GONE = "Liên kết đã hết hạn hoặc đã dùng. Hãy nhờ cán bộ xã tạo liên kết mới."
PASSWORD = "hoa-ban-no-tren-nuong"


def _roles(user):
    return set(user.groups.values_list("name", flat=True))


# ------------------------------------------------------------------ the programs' services


def test_a_volunteers_account_is_linked_to_their_record(officer, village_a):
    record = VolunteerFactory(village=village_a, full_name="Ksor Y Bim", phone="0905333444")
    user = volunteer_services.volunteer_login_create(volunteer=record, actor=officer)
    record.refresh_from_db()
    assert record.user == user
    assert _roles(user) == {Role.VOLUNTEER}
    assert user.village == village_a
    assert AuditEntry.objects.filter(object_id=str(record.pk), actor=officer).exists()
    with pytest.raises(ValidationError):
        volunteer_services.volunteer_login_create(volunteer=record, actor=officer)


def test_a_secretary_gets_a_volunteer_record_when_they_have_none(officer, village_a):
    user = volunteer_services.secretary_login_create(
        village=village_a, full_name="Siu H'Bia", phone="0905777888", actor=officer
    )
    record = Volunteer.objects.get(user=user)
    assert (record.village, record.branch_role, record.full_name) == (
        village_a,
        Volunteer.BranchRole.SECRETARY,
        "Siu H'Bia",
    )
    assert _roles(user) == {Role.VILLAGE_SECRETARY}
    assert (user.village, user.commune) == (village_a, village_a.commune)


def test_a_secretary_is_linked_to_their_existing_record(officer, village_a, village_b):
    record = VolunteerFactory(village=village_a, branch_role=Volunteer.BranchRole.MEMBER)
    with pytest.raises(ValidationError):
        volunteer_services.secretary_login_create(
            village=village_b, volunteer=record, actor=officer
        )
    user = volunteer_services.secretary_login_create(
        village=village_a, volunteer=record, actor=officer
    )
    record.refresh_from_db()
    assert (record.user, record.branch_role) == (user, Volunteer.BranchRole.SECRETARY)


def test_a_vendors_account_is_linked_to_their_stall(officer, other_officer, village_a):
    stall = VendorFactory(market=MarketFactory(village=village_a), full_name="Lê Thị Bưởi")
    with pytest.raises(PermissionDenied):
        market_services.vendor_login_create(vendor=stall, actor=other_officer)
    user = market_services.vendor_login_create(vendor=stall, actor=officer)
    stall.refresh_from_db()
    assert stall.user == user
    assert _roles(user) == {Role.VENDOR}
    assert not user.is_staff


# ------------------------------------------------------------------ the officer's pages


def test_the_list_shows_who_has_an_account_in_a_fixed_number_of_queries(
    client,
    officer,
    village_a,
    village_b,
    volunteer_a,
    teammate_a,
    other_village,
    django_assert_num_queries,
):
    VolunteerFactory(village=other_village, full_name="Nay Thị Blơng")
    VendorFactory(market=MarketFactory(village=village_b), full_name="Đặng Văn Ước")
    client.force_login(officer)
    # session, user, roles, villages, volunteers, vendors; the menu: two of permissions and
    # the signed-in user's vendor record
    with django_assert_num_queries(9):
        response = client.get(reverse("logins"))
    text = response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert "Ksor Y Bim" in text and "Đặng Văn Ước" in text and volunteer_a.full_name in text
    assert "Nay Thị Blơng" not in text
    assert volunteer_a.user.username in text  # has an account
    assert reverse("login_volunteer_create", args=[teammate_a.pk]) in text
    assert reverse("login_volunteer_create", args=[volunteer_a.pk]) not in text
    for _ in range(5):
        VolunteerFactory(village=village_a)
    with django_assert_num_queries(9):
        client.get(reverse("logins"))


def test_the_officer_makes_a_volunteers_login_and_sees_the_hand_over(client, officer, teammate_a):
    client.force_login(officer)
    response = client.post(reverse("login_volunteer_create", args=[teammate_a.pk]), follow=True)
    teammate_a.refresh_from_db()
    user = teammate_a.user
    assert response.redirect_chain == [(reverse("login_handover", args=[user.pk]), 302)]
    text = response.content.decode()
    link = accounts.sign_in_link_of(user)
    url = reverse("sign_in_link", kwargs={"uidb64": link.uidb64, "token": link.token})
    assert url in text
    assert reverse("login_handover_qr", args=[user.pk]) in text
    assert "Có hiệu lực đến" in text
    until = link.expires_at.astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    assert until.strftime("%H:%M %d/%m/%Y") in text
    assert response["Cache-Control"] == "private, no-store"
    assert "<script src=" in text and "/static/js/handover" in text
    qr = client.get(reverse("login_handover_qr", args=[user.pk]))
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr["Cache-Control"] == "private, no-store"


def test_another_communes_officer_cannot_make_or_see_it(
    client, other_officer, teammate_a, volunteer
):
    client.force_login(other_officer)
    assert client.post(reverse("login_volunteer_create", args=[teammate_a.pk])).status_code == 404
    assert client.get(reverse("login_handover", args=[volunteer.pk])).status_code == 404
    assert client.post(reverse("login_link_issue", args=[volunteer.pk])).status_code == 404
    teammate_a.refresh_from_db()
    assert teammate_a.user is None


def test_no_link_is_issued_for_an_officer(client, officer, commune):
    colleague = User.objects.create(username="canbo3", commune=commune, is_staff=True)
    colleague.groups.add(*officer.groups.all())
    client.force_login(officer)
    assert client.post(reverse("login_link_issue", args=[colleague.pk])).status_code == 404
    assert client.get(reverse("login_handover", args=[colleague.pk])).status_code == 404


def test_a_secretarys_form_says_what_is_missing_in_vietnamese(client, officer, village_a):
    client.force_login(officer)
    response = client.post(reverse("login_secretary_create"), {"village": village_a.pk})
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="form-errors"' in text
    assert "Chọn hồ sơ đoàn viên của họ, hoặc nhập họ tên." in text


def test_a_secretarys_record_must_be_of_the_village(client, officer, village_a, village_b):
    record = VolunteerFactory(village=village_b, full_name="Rơ Châm Thuận")
    client.force_login(officer)
    response = client.post(
        reverse("login_secretary_create"), {"village": village_a.pk, "volunteer": record.pk}
    )
    assert "Rơ Châm Thuận không thuộc Thôn 3." in response.content.decode()
    record.refresh_from_db()
    assert record.user is None


def test_a_secretary_of_another_commune_is_not_offered(client, officer, other_village):
    stranger = VolunteerFactory(village=other_village, full_name="Nay Thị Blơng")
    client.force_login(officer)
    response = client.get(reverse("login_secretary_create"))
    assert "Nay Thị Blơng" not in response.content.decode()
    response = client.post(
        reverse("login_secretary_create"),
        {"village": other_village.pk, "volunteer": stranger.pk},
    )
    assert response.status_code == 200
    assert not User.objects.filter(groups__name=Role.VILLAGE_SECRETARY, village=other_village)


def test_the_officer_makes_a_secretarys_login(client, officer, village_a):
    client.force_login(officer)
    response = client.post(
        reverse("login_secretary_create"),
        {"village": village_a.pk, "full_name": "Siu H'Bia", "phone": "0905777888"},
    )
    user = User.objects.get(full_name="Siu H'Bia")
    assert response["Location"] == reverse("login_handover", args=[user.pk])
    assert Volunteer.objects.get(user=user).village == village_a


# ------------------------------------------------------------------ the link's page


@pytest.fixture
def issued(officer, teammate_a):
    user = volunteer_services.volunteer_login_create(volunteer=teammate_a, actor=officer)
    link = accounts.sign_in_link_issue(user=user, actor=officer)
    return user, reverse("sign_in_link", kwargs={"uidb64": link.uidb64, "token": link.token})


def test_the_link_sets_the_password_signs_in_and_goes_to_the_start_page(client, issued):
    user, url = issued
    page = client.get(url)
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "same-origin"  # nothing to another site
    assert "noindex" in page["X-Robots-Tag"]
    assert "Đặt mật khẩu" in page.content.decode()
    response = client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response["Location"] == reverse("volunteer_home")
    assert client.get(reverse("volunteer_home")).status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert GONE in again.content.decode()
    assert again["Cache-Control"] == "private, no-store"


def test_a_vendor_goes_to_their_own_page(client, officer, village_a):
    stall = VendorFactory(market=MarketFactory(village=village_a))
    user = market_services.vendor_login_create(vendor=stall, actor=officer)
    link = accounts.sign_in_link_issue(user=user, actor=officer)
    url = reverse("sign_in_link", kwargs={"uidb64": link.uidb64, "token": link.token})
    response = client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response["Location"] == reverse("market:vendor_me")


def test_password_errors_are_vietnamese_and_at_the_top(client, issued):
    user, url = issued
    response = client.post(url, {"new_password1": "123", "new_password2": "1234"})
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="form-errors"' in text
    assert text.index('id="form-errors"') < text.index('name="new_password1"')
    assert "Hai trường mật khẩu không giống nhau." in text
    response = client.post(url, {"new_password1": "12345678", "new_password2": "12345678"})
    text = response.content.decode()
    assert "Mật khẩu này quá phổ biến." in text
    assert "Mật khẩu này hoàn toàn là số." in text
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_an_expired_link_says_so(client, issued, monkeypatch):
    user, url = issued
    later = user.sign_in_link_issued_at + datetime.timedelta(hours=72, seconds=1)
    monkeypatch.setattr(sign_in_links, "_now", lambda: later)
    response = client.get(url)
    assert response.status_code == 410
    assert GONE in response.content.decode()
    response = client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 410


def test_a_reissued_link_kills_the_old_page(client, officer, issued):
    user, url = issued
    client.force_login(officer)
    client.post(reverse("login_link_issue", args=[user.pk]))
    client.logout()
    assert client.get(url).status_code == 410


def test_a_mistyped_link_says_the_same(client, issued):
    _user, url = issued
    assert client.get(url[:-3] + "abc/").status_code == 410


def test_the_service_worker_never_handles_the_link(client, issued):
    """The library's service worker keeps only the pages its PAGES pattern names."""
    _user, url = issued
    script = client.get(reverse("legal_library:service_worker")).content.decode()
    pattern = re.search(r"const PAGES = /(.+)/;", script).group(1).replace("\\/", "/")
    assert re.match(pattern, "/l/T03/")  # the pattern read is the one in use
    assert not re.match(pattern, url)
    assert not re.match(pattern, reverse("logins"))


def test_a_new_secretary_record_meets_the_volunteer_checks(client, officer, village_a, teammate_a):
    client.force_login(officer)
    response = client.post(
        reverse("login_secretary_create"),
        {"village": village_a.pk, "full_name": "Siu H'Bia", "phone": teammate_a.phone},
    )
    assert response.status_code == 200
    assert "Một đoàn viên của Thôn 3 đã có số điện thoại này" in response.content.decode()
    assert not User.objects.filter(full_name="Siu H'Bia").exists()
    assert not Volunteer.objects.filter(full_name="Siu H'Bia").exists()
