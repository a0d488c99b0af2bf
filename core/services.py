"""Writes shared by every app: communes, villages, users and their roles."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core import audit, selectors
from core.models import Commune, Province, User, Village
from core.roles import STAFF_ROLES, Role
from core.sign_in_links import sign_in_links
from kit.text import slugify, vn_phone

logger = logging.getLogger(__name__)


@transaction.atomic
def province_upsert(*, name: str, code: str = "", report_email: str = "") -> Province:
    """Create a province, or update the one of that name (idempotent)."""
    province, _created = Province.objects.update_or_create(
        name=name,
        defaults={"code": code, "report_email": report_email},
        create_defaults={
            "slug": slugify(name),
            "code": code,
            "report_email": report_email,
        },
    )
    return province


@transaction.atomic
def commune_upsert(*, name: str, province: Province, code: str = "", intro: str = "") -> Commune:
    """Create a commune, or update the one of that name in that province (idempotent).

    Its slug is the transliterated name, with the province added when another
    province already has a commune of the same name.
    """
    commune = Commune.objects.filter(name=name, province=province).first()
    if commune is None:
        slug = slugify(name)
        if Commune.objects.filter(slug=slug).exists():
            slug = slugify(f"{name} {province.name}")
        return Commune.objects.create(
            name=name, province=province, slug=slug, code=code, intro=intro
        )
    commune.code, commune.intro = code, intro
    commune.save(update_fields=["code", "intro"])
    return commune


@transaction.atomic
def village_upsert(
    *, commune: Commune, code: str, name: str, kind: str, position: int = 0
) -> Village:
    """Create a village, or update the one with that code in the commune (idempotent)."""
    village = Village.objects.filter(commune=commune, code__iexact=code).first()
    if village is None:
        return Village.objects.create(
            commune=commune, code=code, name=name, kind=kind, position=position
        )
    village.name, village.kind, village.position = name, kind, position
    village.save(update_fields=["name", "kind", "position"])
    return village


@dataclass(frozen=True)
class RoleScope:
    commune: Commune | None
    village: Village | None


def _role_scope(role: Role, commune: Commune | None, village: Village | None) -> RoleScope:
    if village is not None and commune is not None and village.commune_id != commune.pk:
        raise ValidationError(
            _("The village %(village)s is not in the commune %(commune)s.")
            % {"village": village, "commune": commune}
        )
    if role == Role.COMMUNE_OFFICER:
        commune = commune or (village.commune if village else None)
        if commune is None:
            raise ValidationError(_("A commune officer needs a commune."))
        return RoleScope(commune=commune, village=village)
    if role == Role.VILLAGE_SECRETARY and village is None:
        raise ValidationError(_("A village branch secretary needs a village."))
    if village is not None:
        commune = village.commune
    return RoleScope(commune=commune, village=village)


@transaction.atomic
def user_create(
    *,
    username: str,
    role: Role,
    full_name: str = "",
    email: str = "",
    phone: str | None = None,
    password: str | None = None,
    province: Province | None = None,
    commune: Commune | None = None,
    village: Village | None = None,
) -> User:
    """Create a user in one role, scoped to a province, a commune or a village.

    Commune officers become staff so they can use the Django admin. Without a
    password the account cannot sign in until a password is set or reset.
    """
    if role == Role.PROVINCE_OFFICER and province is None:
        raise ValidationError(_("A province officer needs a province."))
    scope = _role_scope(role, commune, village)
    user = User(
        province=province if role == Role.PROVINCE_OFFICER else None,
        username=username,
        full_name=full_name,
        email=email,
        phone=phone or None,
        commune=scope.commune,
        village=scope.village,
        is_staff=role in STAFF_ROLES,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


# ------------------------------------------------------------------ accounts officers make


def _free_username(full_name: str) -> str:
    """A sign-in name from the person's name ("Trần Thị Ánh" → "tran.thi.anh", then
    "tran.thi.anh2", ...): easy to read out and type on a phone."""
    base = slugify(full_name, max_length=60).replace("-", ".") or "nguoidung"
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {name.lower() for name in taken}
    username, number = base, 1
    while username in taken:
        number += 1
        username = f"{base}{number}"
    return username


def _free_phone(phone: str) -> str | None:
    """The phone number as a sign-in name, when it is a Vietnamese number nobody uses."""
    number = vn_phone(phone or "")
    if not number or User.objects.filter(phone=number).exists():
        return None
    return number


@transaction.atomic
def login_create(
    *, role: Role, full_name: str, village: Village, phone: str = "", actor: User
) -> User:
    """A sign-in account an officer makes for a person of their commune.

    Only a role below the officer's (``selectors.roles_given_by``), only in a village
    the officer sees; never staff, never a superuser. No password: the person sets one
    with the one-time link (``sign_in_link_issue``). Their phone number, when nobody
    uses it yet, is a sign-in name too.
    """
    if role not in selectors.roles_given_by(actor):
        raise PermissionDenied
    if not selectors.villages_for_user(actor).filter(pk=village.pk).exists():
        raise PermissionDenied
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError({"full_name": _("Enter the person's full name.")})
    user = user_create(
        username=_free_username(full_name),
        role=role,
        full_name=full_name,
        phone=_free_phone(phone),
        village=village,
    )
    audit.record(actor=actor, obj=user, before=None)
    return user


@dataclass(frozen=True)
class SignInLink:
    """The one-time link of an account: the account's id and the token it carries (the
    page that opens it, ``sign_in_link``, is the portal's), and when it stops working."""

    user: User
    uidb64: str
    token: str
    expires_at: datetime.datetime


def _link(user: User, issued: datetime.datetime) -> SignInLink:
    return SignInLink(
        user=user,
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=sign_in_links.token_for(user) or "",
        expires_at=issued + datetime.timedelta(seconds=settings.SIGN_IN_LINK_TIMEOUT),
    )


def sign_in_link_of(user: User) -> SignInLink | None:
    """The link now out for ``user`` (the same as when it was issued), None when there is
    none or it has expired or was used."""
    issued = user.sign_in_link_issued_at
    token = sign_in_links.token_for(user)
    if issued is None or not sign_in_links.check_token(user, token):
        return None
    return _link(user, issued)


@transaction.atomic
def sign_in_link_issue(*, user: User, actor: User) -> SignInLink:
    """A new one-time sign-in link for ``user``; any earlier one stops working."""
    if not selectors.handed_over_by(actor).filter(pk=user.pk).exists():
        raise PermissionDenied
    before = audit.snapshot(user)
    issued = timezone.now()
    user.sign_in_link_issued_at = issued
    user.save(update_fields=["sign_in_link_issued_at"])
    link = _link(user, issued)
    until = timezone.localtime(link.expires_at).strftime("%H:%M %d/%m/%Y")
    audit.record(
        actor=actor,
        obj=user,
        before=before,
        note=_("Sign-in link issued, valid until %(until)s") % {"until": until},
    )
    return link


@transaction.atomic
def sign_in_link_use(*, user: User, password: str) -> User:
    """Set the password of ``user`` from their sign-in link, which then stops working.

    The link is claimed with a conditional update, so two tries at once set the password
    once; the caller has checked the token and the password (Django's validators).
    """
    issued = user.sign_in_link_issued_at
    claimed = User.objects.filter(pk=user.pk, sign_in_link_issued_at=issued).update(
        sign_in_link_issued_at=None
    )
    if issued is None or not claimed:
        raise ValidationError(_("This sign-in link has already been used."))
    before = audit.snapshot(user)
    user.sign_in_link_issued_at = None
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        actor=user, obj=user, before=before, note=_("Sign-in link used: the password was set")
    )
    return user
