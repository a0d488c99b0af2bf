"""Reads shared by every app: communes, villages, who may see what, health; reports."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Count, QuerySet
from django.http import Http404

from kit.text import fold

from .indicators import Indicator, for_program
from .models import AdoptionReport, Commune, User, Village
from .roles import Role


def user_has_role(user: User, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    names = getattr(user, "_role_names", None)
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


def users_for_user(user: User) -> QuerySet[User]:
    """The accounts ``user`` may pick or look up (a vendor's or a volunteer's sign-in):
    every one for a superuser; for a commune officer the accounts of their commune
    (by commune or by village), never a superuser's; nobody's for anyone else."""
    from django.db.models import Q

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


def public_communes() -> QuerySet[Commune]:
    return Commune.objects.annotate(village_count=Count("villages")).order_by("province", "name")


def commune_villages(commune: Commune) -> QuerySet[Village]:
    return commune.villages.order_by("position", "name")


def database_state() -> str:
    """``ok`` when a query round-trips to the database, ``error`` otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "error"
    return "ok"


def broker_state() -> str:
    """``eager`` without a broker (tasks run in-process), else ``ok``/``error``."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    import redis

    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        client.ping()
    except redis.RedisError:
        return "error"
    finally:
        client.close()
    return "ok"


# ------------------------------------------------------------------ adoption reports

DASHBOARD_SECONDS = 300  # live figures are recomputed at most every 5 minutes per commune


def reports_for_user(user: User) -> QuerySet[AdoptionReport]:
    """Reports of the communes the user is an officer of (nobody else's, not even by id)."""
    if not user.has_perm("chuprong.view_adoptionreport"):
        return AdoptionReport.objects.none()
    return AdoptionReport.objects.filter(commune__in=communes_for_user(user)).select_related(
        "commune", "village", "requested_by"
    )


def report_for_user(user: User, pk: int) -> AdoptionReport:
    report = reports_for_user(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def dashboard_commune(user: User, pk: int | None) -> Commune:
    """The commune whose dashboard the user opens: their own, or one they choose."""
    if not user.has_perm("chuprong.view_adoptionreport"):
        raise Http404
    communes = communes_for_user(user).order_by("province", "name")
    commune = communes.filter(pk=pk).first() if pk else None
    commune = commune or (communes.filter(pk=user.commune_id).first() if user.commune_id else None)
    commune = commune or communes.first()
    if commune is None:
        raise Http404
    return commune


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    now: float | int | None
    before: float | int | None

    @property
    def change(self):
        if self.now is None or self.before is None:
            return None
        return round(self.now - self.before, 2)

    @property
    def reached(self) -> bool | None:
        return self.indicator.reached(self.now)


@dataclass(frozen=True)
class Dashboard:
    commune: Commune
    this_month: tuple
    last_month: tuple
    now: dict
    before: dict

    def rows(self, program: str) -> list[IndicatorRow]:
        return [
            IndicatorRow(
                i,
                self.now["indicators"][i.code]["value"],
                self.before["indicators"][i.code]["value"],
            )
            for i in for_program(program)
        ]

    def villages(self, sort: str, descending: bool) -> list[dict]:
        rows = self.now["tables"]["villages"]
        if not sort:
            return rows
        if sort == "village":
            return sorted(rows, key=lambda r: fold(r["village"]), reverse=descending)
        return sorted(
            rows,
            key=lambda r: (r.get(sort) is None, r.get(sort) or 0),
            reverse=descending,
        )


def dashboard(commune: Commune, today: datetime.date) -> Dashboard:
    """This month so far and last month, live (cached for a few minutes), for a commune."""
    from .reporting import Scope, compute, period_bounds, previous_month

    this_month = period_bounds(AdoptionReport.PeriodKind.MONTH, today)
    last_month = previous_month(today)
    key = f"dashboard:{commune.pk}:{today:%Y-%m}"
    figures = cache.get(key)
    if figures is None:
        scope = Scope.of(commune)
        figures = {
            "now": compute(scope, this_month[0], min(today, this_month[1]), kind="month"),
            "before": compute(scope, *last_month, kind="month"),
        }
        cache.set(key, figures, DASHBOARD_SECONDS)
    return Dashboard(commune, this_month, last_month, figures["now"], figures["before"])


# ------------------------------------------------------------------ audit history


def audit_entries_for_user(user: User) -> QuerySet:
    """The audit entries ``user`` may read: those of their communes (every one for a
    superuser), and the system's changes to records every commune shares (documents)."""
    from django.db.models import Q

    from .audit import shared_models
    from .models import AuditEntry

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
    from django.contrib.contenttypes.models import ContentType

    owner_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return audit_entries_for_user(user).filter(owner_type=owner_type, owner_id=str(obj.pk))
