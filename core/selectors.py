"""Reads shared by every app: communes, villages, who may see what, the audit history."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from core.audit import shared_models
from core.models import AuditEntry, Commune, Province, User, Village
from core.roles import GIVEN_BY_OFFICERS, Role
from core.sign_in_links import sign_in_links


def user_has_role(user: User, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    names: set[str] | None = getattr(user, "_role_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._role_names = names  # one query per request, whatever the number of checks
    return role in names


def villages_for_user(user: User) -> QuerySet[Village]:
    """The villages whose records ``user`` may see.

    A superuser sees every village; a commune officer the villages of their
    commune; a branch secretary their own village; anyone else none. Program
    apps filter their querysets through this, so a new commune is isolated
    from the first without further code.
    """
    villages = Village.objects.select_related("commune")
    if not user.is_authenticated or not user.is_active:
        return villages.none()
    if user.is_superuser:
        return villages.all()
    if user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id:
        return villages.filter(commune_id=user.commune_id)
    if user_has_role(user, Role.VILLAGE_SECRETARY) and user.village_id:
        return villages.filter(pk=user.village_id)
    return villages.none()


def communes_for_user(user: User) -> QuerySet[Commune]:
    if not user.is_authenticated or not user.is_active:
        return Commune.objects.none()
    if user.is_superuser:
        return Commune.objects.all()
    if user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id:
        return Commune.objects.filter(pk=user.commune_id)  # even before it has villages
    return Commune.objects.filter(pk__in=villages_for_user(user).values("commune_id")).distinct()


def provinces_for_user(user: User) -> QuerySet[Province]:
    """The provinces whose figures ``user`` reads: every one for a superuser, a province
    officer's own, none for anyone else."""
    if not user.is_authenticated or not user.is_active:
        return Province.objects.none()
    if user.is_superuser:
        return Province.objects.all()
    if user_has_role(user, Role.PROVINCE_OFFICER) and user.province_id:
        return Province.objects.filter(pk=user.province_id)
    return Province.objects.none()


def communes_read_by(user: User) -> QuerySet[Commune]:
    """The communes whose figures, reports and dashboards ``user`` may read.

    Those of ``communes_for_user``, and for a province officer every commune of their
    province. Reading figures is all a province officer gets: ``villages_for_user``
    and ``communes_for_user`` (the records behind them, residents' names and phones
    among them, and every write) stay the commune's.
    """
    province = provinces_for_user(user).first() if not user.is_superuser else None
    if province is not None:
        return Commune.objects.filter(province=province)
    return communes_for_user(user)


def users_for_user(user: User) -> QuerySet[User]:
    """The accounts ``user`` may pick or look up (a vendor's or a volunteer's sign-in):
    every one for a superuser; for a commune officer the accounts of their commune
    (by commune or by village), never a superuser's; nobody's for anyone else."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    if user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id:
        return User.objects.filter(
            Q(commune_id=user.commune_id) | Q(village__commune_id=user.commune_id),
            is_superuser=False,
        )
    return User.objects.none()


# ------------------------------------------------------------------ sign-in accounts


def roles_given_by(user: User) -> tuple[Role, ...]:
    """The roles ``user`` may give when making someone's sign-in account: a commune
    officer (of a commune) or a superuser the roles below an officer's; anyone else none."""
    if not user.is_authenticated or not user.is_active:
        return ()
    if user.is_superuser or (user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id):
        return GIVEN_BY_OFFICERS
    return ()


def handed_over_by(user: User) -> QuerySet[User]:
    """The accounts whose sign-in links ``user`` may issue and show: their commune's
    volunteers, branch secretaries and vendors, never staff or a superuser, never an
    account that also holds a role they may not give."""
    given = roles_given_by(user)
    if not given:
        return User.objects.none()
    return (
        users_for_user(user)
        .filter(is_staff=False, is_superuser=False, groups__name__in=given)
        .exclude(groups__name__in=[role for role in Role if role not in given])
        .distinct()
    )


def handed_over_account(user: User, pk: int) -> User:
    """One account of ``handed_over_by``, or 404."""
    account = handed_over_by(user).select_related("village", "commune").filter(pk=pk).first()
    if account is None:
        raise Http404
    return account


def sign_in_link_account(uidb64: str, token: str) -> User | None:
    """The account a sign-in link opens while it is valid (once, 72 hours), else None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    account = User.objects.filter(pk=pk, is_active=True, is_staff=False, is_superuser=False).first()
    if account is None or not sign_in_links.check_token(account, token):
        return None
    return account


def public_communes() -> QuerySet[Commune]:
    return (
        Commune.objects.select_related("province")
        .annotate(village_count=Count("villages"))
        .order_by("province__name", "name")
    )


def public_province(slug: str) -> Province | None:
    """The province of this slug, or None (1 query)."""
    return Province.objects.filter(slug=slug).first()


def province_communes(province: Province) -> QuerySet[Commune]:
    """A province's communes with their villages in order, for its public page (2 queries)."""
    villages = Village.objects.order_by("position", "name")
    return (
        Commune.objects.filter(province=province)
        .prefetch_related(Prefetch("villages", queryset=villages))
        .order_by("name")
    )


def commune_villages(commune: Commune) -> QuerySet[Village]:
    return commune.villages.order_by("position", "name")


# ------------------------------------------------------------------ audit history


def audit_entries_for_user(user: User) -> QuerySet:
    """The audit entries ``user`` may read: those of their communes (every one for a
    superuser), and the system's changes to records every commune shares (documents)."""
    entries = AuditEntry.objects.select_related("actor", "content_type", "owner_type")
    if not user.is_authenticated or not user.is_active:
        return entries.none()
    if user.is_superuser:
        return entries.all()
    shared = Q(pk__in=[])
    for label in shared_models():
        app_label, model = label.split(".")
        shared |= Q(owner_type__app_label=app_label, owner_type__model=model)
    return entries.filter(Q(commune__in=communes_for_user(user)) | (Q(commune=None) & shared))


def audit_history(user: User, obj) -> QuerySet:
    """The entries shown on ``obj``'s admin "History" page (its own rows' changes too)."""
    owner_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return audit_entries_for_user(user).filter(owner_type=owner_type, owner_id=str(obj.pk))
