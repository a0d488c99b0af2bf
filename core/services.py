"""Writes shared by every app: communes, villages, users and their roles."""

import logging
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Commune, User, Village
from core.roles import STAFF_ROLES, Role
from kit.text import slugify

logger = logging.getLogger(__name__)


@transaction.atomic
def commune_upsert(*, name: str, province: str, code: str = "", intro: str = "") -> Commune:
    """Create a commune, or update the one of that name in that province (idempotent).

    Its slug is the transliterated name, with the province added when another
    province already has a commune of the same name.
    """
    commune = Commune.objects.filter(name=name, province=province).first()
    if commune is None:
        slug = slugify(name)
        if Commune.objects.filter(slug=slug).exists():
            slug = slugify(f"{name} {province}")
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
    commune: Commune | None = None,
    village: Village | None = None,
) -> User:
    """Create a user in one role, scoped to a commune or a village.

    Commune officers become staff so they can use the Django admin. Without a
    password the account cannot sign in until a password is set or reset.
    """
    scope = _role_scope(role, commune, village)
    user = User(
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
