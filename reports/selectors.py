"""Reads of the adoption reports: who sees which, the dashboard's live figures."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404

from core.models import Commune, User
from core.selectors import communes_read_by
from kit.text import fold

from .indicators import Indicator, for_program
from .models import AdoptionReport
from .reporting import Scope, compute, period_bounds, previous_month

DASHBOARD_SECONDS = 300  # live figures are recomputed at most every 5 minutes per commune


def reports_for_user(user: User) -> QuerySet[AdoptionReport]:
    """Reports of the communes the user is an officer of, or of their province for a
    province officer (nobody else's, not even by id)."""
    if not user.has_perm("reports.view_adoptionreport"):
        return AdoptionReport.objects.none()
    return AdoptionReport.objects.filter(commune__in=communes_read_by(user)).select_related(
        "commune", "village", "requested_by"
    )


def report_for_user(user: User, pk: int) -> AdoptionReport:
    report = reports_for_user(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def dashboard_commune(user: User, pk: int | None) -> Commune:
    """The commune whose dashboard the user opens: their own, or one they choose."""
    if not user.has_perm("reports.view_adoptionreport"):
        raise Http404
    communes = communes_read_by(user).select_related("province").order_by("province__name", "name")
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
                # figures cached before an indicator was added have none of it
                self.now["indicators"].get(i.code, {}).get("value"),
                self.before["indicators"].get(i.code, {}).get("value"),
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
