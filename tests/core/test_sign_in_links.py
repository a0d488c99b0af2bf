"""Accounts officers make and the one-time sign-in links they hand over (core.services)."""

import datetime

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core import selectors, services
from core.models import AuditEntry, User
from core.roles import Role
from core.sign_in_links import sign_in_links
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOURS_72 = datetime.timedelta(hours=72)


def _roles(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.VILLAGE_SECRETARY, Role.VENDOR])
def test_an_officer_makes_an_account_below_their_role_in_their_commune(officer, village_a, role):
    user = services.login_create(
        role=role,
        full_name=" Trần  Thị Ánh ",
        village=village_a,
        phone="0905 111 999",
        actor=officer,
    )
    assert _roles(user) == {role}
    assert (user.commune, user.village) == (village_a.commune, village_a)
    assert not (user.is_staff or user.is_superuser)
    assert not user.has_usable_password()
    assert (user.username, user.full_name, user.phone) == (
        "tran.thi.anh",
        "Trần Thị Ánh",
        "0905111999",
    )
    entry = AuditEntry.objects.get(object_id=str(user.pk), action="create")
    assert (entry.actor, entry.commune) == (officer, village_a.commune)
    assert entry.changes["groups"] == [None, [role]]


def test_names_are_made_unique_and_a_used_phone_is_not_taken(officer, village_a):
    first = services.login_create(
        role=Role.VOLUNTEER,
        full_name="Ksor Y Bim",
        village=village_a,
        phone="0905333444",
        actor=officer,
    )
    second = services.login_create(
        role=Role.VOLUNTEER,
        full_name="Ksor Y Bim",
        village=village_a,
        phone="0905333444",
        actor=officer,
    )
    assert (first.username, second.username) == ("ksor.y.bim", "ksor.y.bim2")
    assert (first.phone, second.phone) == ("0905333444", None)


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER])
def test_never_an_officers_role(officer, village_a, role):
    with pytest.raises(PermissionDenied):
        services.login_create(role=role, full_name="Ai Đó", village=village_a, actor=officer)
    assert not User.objects.filter(full_name="Ai Đó").exists()


def test_never_in_another_commune(officer, other_village):
    with pytest.raises(PermissionDenied):
        services.login_create(
            role=Role.VOLUNTEER, full_name="Ai Đó", village=other_village, actor=officer
        )


@pytest.mark.parametrize("persona", ["secretary_a", "volunteer", "vendor"])
def test_nobody_else_makes_accounts(request, village_a, persona):
    actor = request.getfixturevalue(persona)
    assert selectors.roles_given_by(actor) == ()
    with pytest.raises(PermissionDenied):
        services.login_create(
            role=Role.VOLUNTEER, full_name="Ai Đó", village=village_a, actor=actor
        )


def test_links_are_issued_only_for_accounts_below_the_officers_role(
    officer, other_officer, secretary_a, volunteer, vendor
):
    superuser = UserFactory(is_superuser=True, commune=officer.commune)
    colleague = UserFactory(role=Role.COMMUNE_OFFICER, commune=officer.commune)
    both = UserFactory(role=Role.VOLUNTEER, village=secretary_a.village, commune=officer.commune)
    both.groups.add(*colleague.groups.all())  # a volunteer who is an officer too
    allowed = set(selectors.handed_over_by(officer))
    assert allowed == {secretary_a, volunteer, vendor}
    for account in (superuser, colleague, both, other_officer):
        with pytest.raises(PermissionDenied):
            services.sign_in_link_issue(user=account, actor=officer)
    assert set(selectors.handed_over_by(other_officer)) == set()
    with pytest.raises(PermissionDenied):
        services.sign_in_link_issue(user=volunteer, actor=other_officer)


@pytest.fixture
def account(officer, village_a):
    return services.login_create(
        role=Role.VOLUNTEER, full_name="Y Nhứ", village=village_a, actor=officer
    )


def _open(link):
    return selectors.sign_in_link_account(link.uidb64, link.token)


def test_a_link_works_once(account, officer):
    link = services.sign_in_link_issue(user=account, actor=officer)
    assert len(link.token.split("-")[1]) == 32  # 128 bits: not guessable
    assert _open(link) == account
    services.sign_in_link_use(user=_open(link), password="mot-mat-khau-dai")
    account.refresh_from_db()
    assert account.check_password("mot-mat-khau-dai")
    assert _open(link) is None
    assert services.sign_in_link_of(account) is None
    notes = list(
        AuditEntry.objects.filter(object_id=str(account.pk))
        .order_by("pk")
        .values_list("actor", "note")
    )
    until = timezone.localtime(link.expires_at).strftime("%H:%M %d/%m/%Y")
    assert notes[1][0] == officer.pk
    assert until in notes[1][1]
    assert notes[2][0] == account.pk


def test_two_tries_at_once_set_the_password_once(account, officer):
    link = services.sign_in_link_issue(user=account, actor=officer)
    first, second = _open(link), _open(link)
    services.sign_in_link_use(user=first, password="mot-mat-khau-dai")
    with pytest.raises(ValidationError):
        services.sign_in_link_use(user=second, password="mat-khau-khac-nua")
    account.refresh_from_db()
    assert account.check_password("mot-mat-khau-dai")


def test_a_new_link_kills_the_old_one(account, officer):
    old = services.sign_in_link_issue(user=account, actor=officer)
    new = services.sign_in_link_issue(user=account, actor=officer)
    assert old.token != new.token
    assert _open(old) is None
    assert _open(new) == account


def test_the_link_is_shown_again_the_same(account, officer):
    link = services.sign_in_link_issue(user=account, actor=officer)
    again = services.sign_in_link_of(User.objects.get(pk=account.pk))
    assert (again.token, again.expires_at) == (link.token, link.expires_at)
    assert link.expires_at - account.sign_in_link_issued_at == HOURS_72


def test_signing_in_otherwise_kills_the_link(account, officer, client):
    link = services.sign_in_link_issue(user=account, actor=officer)
    client.force_login(account)  # moves last_login
    assert _open(link) is None


def test_72_hours_to_the_second(account, officer, monkeypatch):
    link = services.sign_in_link_issue(user=account, actor=officer)
    issued = account.sign_in_link_issued_at
    monkeypatch.setattr(sign_in_links, "_now", lambda: issued + HOURS_72)
    assert _open(link) == account
    monkeypatch.setattr(
        sign_in_links, "_now", lambda: issued + HOURS_72 + datetime.timedelta(seconds=1)
    )
    assert _open(link) is None
    assert services.sign_in_link_of(account) is None


def test_the_timeout_is_its_own_setting(account, officer, settings, monkeypatch):
    settings.PASSWORD_RESET_TIMEOUT = 60
    link = services.sign_in_link_issue(user=account, actor=officer)
    issued = account.sign_in_link_issued_at
    monkeypatch.setattr(sign_in_links, "_now", lambda: issued + datetime.timedelta(hours=71))
    assert _open(link) == account
    settings.SIGN_IN_LINK_TIMEOUT = 3600
    assert _open(link) is None


def test_a_password_reset_token_is_no_sign_in_link_and_back(account, officer):
    link = services.sign_in_link_issue(user=account, actor=officer)
    reset = default_token_generator.make_token(account)
    assert selectors.sign_in_link_account(link.uidb64, reset) is None
    assert not default_token_generator.check_token(account, link.token)


@pytest.mark.parametrize(
    ("uidb64", "token"), [("", ""), ("Zm9v", "abc-def"), ("MQ", "1-2"), ("!!", "x")]
)
def test_a_mangled_link_opens_nothing(account, uidb64, token):
    assert selectors.sign_in_link_account(uidb64, token) is None


def test_no_link_ever_opens_a_staff_account(officer, village_a):
    """Even one issued outside the services (a superuser's shell): staff never by link."""
    officer.sign_in_link_issued_at = datetime.datetime.now(tz=datetime.UTC)
    officer.save(update_fields=["sign_in_link_issued_at"])
    link = services.sign_in_link_of(officer)
    assert link is not None
    assert selectors.sign_in_link_account(link.uidb64, link.token) is None
