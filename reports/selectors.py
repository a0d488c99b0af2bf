"""Reads of the adoption reports: who sees which, the dashboard's live figures."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.models import Commune, Province, User
from core.selectors import communes_for_user, communes_read_by, provinces_for_user
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
    report = (
        reports_for_user(user)
        .select_related("commune__province", "sent_by", "received_by", "corrects")
        .filter(pk=pk)
        .first()
    )
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


# ------------------------------------------------------------------ sending upward


def may_send(user: User, report: AdoptionReport) -> bool:
    """An officer of the report's commune (or a superuser) sends it; a province officer,
    who reads it, does not."""
    return user.has_perm("reports.send_adoptionreport") and (
        communes_for_user(user).filter(pk=report.commune_id).exists()
    )


def may_receive(user: User, report: AdoptionReport) -> bool:
    """A province officer of the report's province (or a superuser) marks it received."""
    return user.has_perm("reports.receive_adoptionreport") and (
        provinces_for_user(user).filter(pk=report.commune.province_id).exists()
    )


def send_refusal(report: AdoptionReport) -> str | None:
    """Why this report cannot be sent to the province, or None when it can."""
    if report.sent_state != AdoptionReport.SentState.DRAFT:
        return _("This report has been sent already; a correction is a new version.")
    if report.status != AdoptionReport.Status.DONE:
        return _("Only a finished report can be sent.")
    if report.village_id or report.period_kind != AdoptionReport.PeriodKind.MONTH:
        return _("Only a whole commune's monthly report is sent to the province.")
    if not report.is_current:
        return _("A newer version of this report exists: send that one.")
    return None


def delivery_snapshot(report: AdoptionReport) -> dict:
    """The figures with how they were sent: what the files of a sent report are made of."""
    sender = report.sent_by
    return {
        **report.data,
        "sending": {
            "sent_at": report.sent_at.isoformat(),
            "by": (sender.full_name or sender.username) if sender else "",
            "reason": report.send_reason,
            "corrects": report.corrects.version if report.corrects_id else None,
        },
    }


def inbox_province(user: User, pk: int | None) -> Province:
    """The province whose inbox the user opens: a province officer's own, a superuser's
    choice (or the first); 404 for everyone else."""
    provinces = provinces_for_user(user)
    province = (provinces.filter(pk=pk).first() if pk else None) or provinces.first()
    if province is None:
        raise Http404
    return province


def inbox_months(today: datetime.date, year: int | None) -> list[datetime.date]:
    """The first days of the inbox's months: a year's twelve, or the last twelve."""
    if year:
        return [datetime.date(year, month, 1) for month in range(1, 13)]
    index = today.year * 12 + today.month - 1
    return [datetime.date(i // 12, i % 12 + 1, 1) for i in range(index - 11, index + 1)]


@dataclass(frozen=True)
class InboxRow:
    commune: Commune
    cells: list[list[dict]]  # per month: the versions sent, oldest first (none: not sent)


def province_inbox(province: Province, months: list[datetime.date]) -> list[InboxRow]:
    """Which commune sent which month's report: two queries, whatever the communes."""
    communes = list(Commune.objects.filter(province=province).order_by("name"))
    sent = (
        AdoptionReport.objects.filter(
            commune__province=province,
            village=None,
            period_kind=AdoptionReport.PeriodKind.MONTH,
            period_start__in=months,
            sent_state__in=[AdoptionReport.SentState.SENT, AdoptionReport.SentState.RECEIVED],
        )
        .order_by("version")
        .values(
            "pk", "commune_id", "period_start", "version", "sent_state", "sent_at", "received_at"
        )
    )
    found: dict[tuple[int, datetime.date], list[dict]] = {}
    for row in sent:
        found.setdefault((row["commune_id"], row["period_start"]), []).append(row)
    return [
        InboxRow(commune, [found.get((commune.pk, month), []) for month in months])
        for commune in communes
    ]
