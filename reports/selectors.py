"""Reads of the adoption reports: who sees which, the dashboard's live figures."""

import datetime
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.models import Commune, Province, User
from core.roles import Role
from core.selectors import communes_for_user, communes_read_by, provinces_for_user, user_has_role
from kit.text import fold

from . import province as per_commune
from .indicators import BY_CODE, INDICATORS, Indicator, Unit, for_program, progress
from .models import AdoptionReport, IndicatorBaseline, IndicatorTarget
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
    year: float | int | None = None  # the year so far, measured against the year's target
    goal: "Goal | None" = None

    @property
    def progress(self) -> float | None:
        return self.goal.progress(self.year) if self.goal else None

    @property
    def change(self):
        if self.now is None or self.before is None:
            return None
        return round(self.now - self.before, 2)

    @property
    def reached(self) -> bool | None:
        target = self.goal.target if self.goal else self.indicator.target
        if target is None or self.year is None:
            return None
        return Decimal(str(self.year)) >= target


@dataclass(frozen=True)
class Dashboard:
    commune: Commune
    this_month: tuple
    last_month: tuple
    now: dict
    before: dict
    year: dict = field(default_factory=dict)  # code → figure, 1 January to today
    goals: dict = field(default_factory=dict)  # code → Goal of this year

    def rows(self, program: str) -> list[IndicatorRow]:
        return [
            IndicatorRow(
                i,
                # figures cached before an indicator was added have none of it
                self.now["indicators"].get(i.code, {}).get("value"),
                self.before["indicators"].get(i.code, {}).get("value"),
                # library.reads belongs to the whole province: its year is this month's report's
                self.year.get(i.code, {}).get("value"),
                self.goals.get(i.code),
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
    return Dashboard(
        commune,
        this_month,
        last_month,
        figures["now"],
        figures["before"],
        year=commune_year_figures(commune, today),
        goals=commune_goals(commune, today.year),
    )


# ------------------------------------------------------------------ targets and baselines


@dataclass(frozen=True)
class Goal:
    """An indicator's target for a commune and a year, where it came from, and its baseline.

    ``target`` is the effective one: the commune's refinement, else the province's,
    else the indicator's default (``level`` says which: "commune", "province",
    "default", or "" for none).
    """

    target: Decimal | None
    level: str
    province_target: Decimal | None = None
    commune_target: Decimal | None = None
    baseline: Decimal | None = None
    baseline_as_of: datetime.date | None = None

    def progress(self, value) -> float | None:
        return progress(value, self.target, self.baseline)

    @property
    def baseline_set(self) -> Decimal | None:
        """The commune's own baseline (an indicator's default one has no day)."""
        return self.baseline if self.baseline_as_of else None

    def as_json(self) -> dict:
        """What a report keeps of it (``AdoptionReport.data["targets"]``)."""

        def number(d: Decimal | None):
            return None if d is None else float(d)

        return {
            "target": number(self.target),
            "level": self.level,
            "baseline": number(self.baseline),
            "baseline_as_of": self.baseline_as_of.isoformat() if self.baseline_as_of else None,
        }


def goals(commune_ids: list[int], year: int) -> dict[int, dict[str, Goal]]:
    """commune id → indicator code → its ``Goal`` for the year (two queries)."""
    set_targets: dict[tuple[int, str], dict[str, Decimal]] = {}
    for t in IndicatorTarget.objects.filter(commune_id__in=commune_ids, year=year).values(
        "commune_id", "indicator", "level", "value"
    ):
        set_targets.setdefault((t["commune_id"], t["indicator"]), {})[t["level"]] = t["value"]
    baselines = {
        (b["commune_id"], b["indicator"]): b
        for b in IndicatorBaseline.objects.filter(commune_id__in=commune_ids).values(
            "commune_id", "indicator", "value", "as_of"
        )
    }
    result: dict[int, dict[str, Goal]] = {}
    for pk in commune_ids:
        result[pk] = {}
        for indicator in INDICATORS:
            levels = set_targets.get((pk, indicator.code), {})
            commune_target = levels.get(IndicatorTarget.Level.COMMUNE)
            province_target = levels.get(IndicatorTarget.Level.PROVINCE)
            if commune_target is not None:
                target, level = commune_target, "commune"
            elif province_target is not None:
                target, level = province_target, "province"
            elif indicator.target is not None:
                target, level = indicator.target, "default"
            else:
                target, level = None, ""
            baseline = baselines.get((pk, indicator.code))
            result[pk][indicator.code] = Goal(
                target=target,
                level=level,
                province_target=province_target,
                commune_target=commune_target,
                baseline=baseline["value"] if baseline else indicator.baseline,
                baseline_as_of=baseline["as_of"] if baseline else None,
            )
    return result


def commune_goals(commune: Commune, year: int) -> dict[str, Goal]:
    return goals([commune.pk], year)[commune.pk]


def year_so_far(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period the targets are measured on: 1 January to today."""
    return datetime.date(today.year, 1, 1), today


def commune_year_figures(commune: Commune, today: datetime.date) -> dict[str, dict]:
    """A commune's figures of the year so far (against the year's targets), cached."""
    key = f"year-figures:{commune.pk}:{today:%Y-%m-%d}"
    figures = cache.get(key)
    if figures is None:
        start, end = year_so_far(today)
        figures = per_commune.commune_figures([commune.pk], start, end)[commune.pk]
        cache.set(key, figures, DASHBOARD_SECONDS)
    return figures


# ------------------------------------------------------------------ the province dashboard

FURTHEST = 5  # communes listed as furthest from their target, per indicator
BOARD_INDICATORS: tuple[Indicator, ...] = tuple(
    i for i in INDICATORS if i.code not in per_commune.NOT_PER_COMMUNE
)


def provinces_board_for(user: User, pk: int | None) -> Province:
    """The province whose dashboard ``user`` opens: a province officer's own, or the one a
    superuser chooses (the first by name without a choice); 404 for everyone else."""
    if user.is_superuser:
        provinces = Province.objects.order_by("name")
        province = (provinces.filter(pk=pk).first() if pk else None) or provinces.first()
    elif user_has_role(user, Role.PROVINCE_OFFICER) and user.province_id:
        province = Province.objects.filter(pk=user.province_id).first()
    else:
        province = None
    if province is None:
        raise Http404
    return province


@dataclass
class CommuneRow:
    pk: int
    name: str
    figures: dict[str, dict]
    goals: dict[str, Goal] = field(default_factory=dict)
    whole_year: bool = True  # False: a month's figures, only stocks meet the year's target

    def value(self, code: str):
        return self.figures.get(code, {}).get("value")

    def progress(self, code: str) -> float | None:
        goal = self.goals.get(code)
        if goal is None or not (self.whole_year or BY_CODE[code].stock):
            return None
        return goal.progress(self.value(code))

    def cells(self, indicators) -> list[tuple]:
        """(indicator, value, goal, progress) for each of ``indicators``."""
        return [
            (i, self.value(i.code), self.goals.get(i.code), self.progress(i.code))
            for i in indicators
        ]


@dataclass
class ProvinceBoard:
    """Every commune of a province side by side, the year so far, with totals and spread."""

    province: Province
    period: str  # "month" (this month so far) or "year" (this year so far)
    start: datetime.date
    end: datetime.date
    rows: list[CommuneRow]
    totals: dict[str, float | int | None]
    spread: dict[str, tuple]  # code → (min, median, max), None values left out
    furthest: dict[str, list[tuple[CommuneRow, float]]]  # code → lowest progress first
    indicators: tuple[Indicator, ...] = BOARD_INDICATORS

    def sorted_rows(self, sort: str, descending: bool) -> list[CommuneRow]:
        if sort not in {i.code for i in self.indicators}:
            return sorted(self.rows, key=lambda r: fold(r.name), reverse=descending)
        with_value = [r for r in self.rows if r.value(sort) is not None]
        without = [r for r in self.rows if r.value(sort) is None]  # always last
        with_value.sort(key=lambda r: (r.value(sort), fold(r.name)), reverse=descending)
        return with_value + sorted(without, key=lambda r: fold(r.name))


def _total(indicator: Indicator, rows: list[CommuneRow], people: int):
    """The province's figure: a sum of counts, or the share (ratio) of the summed numerators
    and denominators: percentages are never averaged."""
    if indicator.code == "trainings.people_trained":
        return people  # different people across the communes, not a sum
    figures = [r.figures.get(indicator.code, {}) for r in rows]
    if indicator.unit == Unit.COUNT:
        return sum(f.get("value") or 0 for f in figures)
    numerator = sum(f.get("numerator") or 0 for f in figures)
    denominator = sum(f.get("denominator") or 0 for f in figures)
    if not denominator:
        return None
    if indicator.unit == Unit.PERCENT:
        return round(100 * numerator / denominator, 1)
    return round(numerator / denominator, 2)


def _spread(values: list) -> tuple:
    if not values:
        return (None, None, None)
    return (min(values), statistics.median(values), max(values))


BOARD_PERIODS = ("month", "year")


def province_board(
    province: Province, today: datetime.date, period: str = "month"
) -> ProvinceBoard:
    """The province dashboard's figures for every commune of ``province``: this month so
    far (``period`` "month", as the commune dashboard) or this year so far ("year"), from
    one aggregate query per table (``reports/province.py``), cached for
    ``DASHBOARD_SECONDS``; targets and baselines are read live (two queries).

    Progress towards the year's targets: every indicator over the year so far; over a
    month only the stocks (``Indicator.stock``: vendors, shares, points), since a month's
    visits are not a year's."""
    if period not in BOARD_PERIODS:
        raise ValueError(period)
    if period == "year":
        start, end = year_so_far(today)
    else:
        start, end = today.replace(day=1), today
    key = f"province-board:{province.pk}:{period}:{today:%Y-%m-%d}"
    cached = cache.get(key)
    if cached is None:
        names = dict(Commune.objects.filter(province=province).values_list("pk", "name"))
        cached = {
            "names": names,
            "figures": per_commune.commune_figures(list(names), start, end),
            "people": per_commune.people_trained(list(names), start, end),
        }
        cache.set(key, cached, DASHBOARD_SECONDS)
    ids = list(cached["names"])
    all_goals = goals(ids, today.year)
    rows = sorted(
        (
            CommuneRow(
                pk,
                name,
                cached["figures"].get(pk, {}),
                all_goals.get(pk, {}),
                whole_year=period == "year",
            )
            for pk, name in cached["names"].items()
        ),
        key=lambda r: fold(r.name),
    )
    totals = {i.code: _total(i, rows, cached["people"]) for i in BOARD_INDICATORS}
    spread = {
        i.code: _spread([r.value(i.code) for r in rows if r.value(i.code) is not None])
        for i in BOARD_INDICATORS
    }
    furthest = {}
    for i in BOARD_INDICATORS:
        behind = [(r, r.progress(i.code)) for r in rows if r.progress(i.code) is not None]
        if behind:
            behind.sort(key=lambda pair: (pair[1], fold(pair[0].name)))
            furthest[i.code] = behind[:FURTHEST]
    return ProvinceBoard(province, period, start, end, rows, totals, spread, furthest)


def goals_communes(user: User) -> QuerySet[Commune]:
    """The communes whose targets and baselines ``user`` sets: a province officer's every
    commune of their province, a commune officer's own (their refinement), every one for
    a superuser; none for anyone else (reports.services._goal_level checks the same)."""
    if not user.has_perm("reports.change_indicatortarget"):
        return Commune.objects.none()
    if user.is_superuser:
        return Commune.objects.all()
    if user_has_role(user, Role.PROVINCE_OFFICER) and user.province_id:
        return communes_read_by(user).filter(province_id=user.province_id)
    if user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id:
        return Commune.objects.filter(pk=user.commune_id)
    return Commune.objects.none()


def goal_level(user: User, commune: Commune) -> str | None:
    """At which level ``user`` sets ``commune``'s targets: "province" for a province
    officer of the commune's province (or a superuser), "commune" for the commune's own
    officer (a refinement kept beside the province's), None for anyone else."""
    if not user.is_active or not user.has_perm("reports.change_indicatortarget"):
        return None
    if user.is_superuser:
        return IndicatorTarget.Level.PROVINCE
    if (
        user_has_role(user, Role.PROVINCE_OFFICER)
        and user.province_id
        and commune.province_id == user.province_id
        and communes_read_by(user).filter(pk=commune.pk).exists()
    ):
        return IndicatorTarget.Level.PROVINCE
    if user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id == commune.pk:
        return IndicatorTarget.Level.COMMUNE
    return None


def goals_commune(user: User, pk: int | None) -> Commune:
    """The commune of the targets page: the chosen one, else the user's own, else the first."""
    communes = goals_communes(user).select_related("province").order_by("name")
    commune = communes.filter(pk=pk).first() if pk else None
    if pk and commune is None:
        raise Http404
    commune = commune or (communes.filter(pk=user.commune_id).first() if user.commune_id else None)
    commune = commune or communes.first()
    if commune is None:
        raise Http404
    return commune


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
    """The first days of the inbox's months: a year's twelve in order, or the last twelve
    newest first (on a phone the month being sent is the first column, not off-screen)."""
    if year:
        return [datetime.date(year, month, 1) for month in range(1, 13)]
    index = today.year * 12 + today.month - 1
    return [datetime.date(i // 12, i % 12 + 1, 1) for i in range(index, index - 12, -1)]


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
