"""The program's indicators: one place that says what every reported number means.

Each indicator has a stable code (the key in a report's frozen numbers), a
Vietnamese name (through the catalogue), a definition that names its numerator
and denominator, a unit, and optionally a target and a baseline. Reports,
the dashboard, the XLSX, the PDF and the CSV all read names and targets from
here; a report keeps only codes and numbers, so a name can be reworded later
without changing what was sent upward.

The queries behind them are in ``reports/reporting.py`` (one GROUP BY query
per table); ARCHITECTURE.md lists them too.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Program:
    MARKET = "market"
    ASSISTANCE = "assistance"
    TRAININGS = "trainings"
    LIBRARY = "library"
    VOLUNTEERS = "volunteers"


PROGRAM_NAMES: dict[str, Promise] = {
    Program.MARKET: _("Cashless market"),
    Program.ASSISTANCE: _("Residents helped"),
    Program.TRAININGS: _("Trainings"),
    Program.LIBRARY: _("Legal library"),
    Program.VOLUNTEERS: _("Volunteers"),
}


class Unit:
    COUNT = "count"
    PERCENT = "percent"
    RATIO = "ratio"


UNIT_NAMES: dict[str, Promise] = {
    Unit.COUNT: _("number"),
    Unit.PERCENT: _("%"),
    Unit.RATIO: _("per person"),
}


@dataclass(frozen=True)
class Indicator:
    code: str
    program: str
    name: Promise
    definition: Promise
    unit: str = Unit.COUNT
    target: Decimal | None = None  # reached when value >= target
    baseline: Decimal | None = None  # where the program started (Nov 2026)
    # what stands at the end of the period (vendors, points, shares), not what happened
    # during it: only such a figure of a month is measured against the year's target
    stock: bool = False

    def reached(self, value) -> bool | None:
        if self.target is None or value is None:
            return None
        return Decimal(str(value)) >= self.target


INDICATORS: tuple[Indicator, ...] = (
    # ---------------------------------------------------------------- market
    Indicator(
        "market.vendors",
        Program.MARKET,
        _("Vendors registered"),
        _("Vendors of the scope's markets registered by the end of the period."),
        stock=True,
    ),
    Indicator(
        "market.vendors_with_qr",
        Program.MARKET,
        _("Vendors with a QR code"),
        _("Registered vendors with at least one bank account, so a VietQR code."),
        stock=True,
    ),
    Indicator(
        "market.vendors_cashless",
        Program.MARKET,
        _("Vendors paid cashless"),
        _("Registered vendors whose status is “cashless” when the report is made."),
        stock=True,
    ),
    Indicator(
        "market.cashless_share",
        Program.MARKET,
        _("Share of vendors paid cashless"),
        _("Vendors paid cashless ÷ vendors registered × 100; target 70%."),
        unit=Unit.PERCENT,
        target=Decimal(70),
        stock=True,
    ),
    Indicator(
        "market.vendors_confirmed",
        Program.MARKET,
        _("Vendors confirmed receiving transfers"),
        lazy(
            lambda: (
                gettext(
                    "Vendors paid cashless whose latest follow-up (“is the vendor still receiving "
                    "transfers?”), since they went cashless and within the %(days)s days before "
                    "the end of the period, answered “yes”: a code on the wall is not a transfer "
                    "received."
                )
                % {"days": settings.MARKET_FOLLOWUP_EVERY_DAYS}
            ),
            str,
        )(),
        stock=True,
    ),
    Indicator(
        "market.confirmed_share",
        Program.MARKET,
        _("Share of vendors confirmed receiving transfers"),
        _("Vendors confirmed receiving transfers ÷ vendors registered × 100; target 70%."),
        unit=Unit.PERCENT,
        target=Decimal(70),
        stock=True,
    ),
    Indicator(
        "market.onboarded",
        Program.MARKET,
        _("Vendors onboarded in the period"),
        _("Vendors whose status first became “cashless” during the period (status history)."),
    ),
    # ---------------------------------------------------------------- assistance
    Indicator(
        "assistance.visits",
        Program.ASSISTANCE,
        pgettext_lazy("door-to-door", "Visits"),
        _("Assistance records dated in the period: one resident helped at one visit."),
    ),
    Indicator(
        "assistance.residents",
        Program.ASSISTANCE,
        _("Residents helped"),
        _(
            "Different residents among the visits: a named resident counts once per "
            "village (same name and birth year), each anonymous visit counts as one."
        ),
    ),
    Indicator(
        "assistance.services",
        Program.ASSISTANCE,
        _("Services given"),
        _("Services ticked on the period's visits, whatever their outcome."),
    ),
    Indicator(
        "assistance.services_done",
        Program.ASSISTANCE,
        _("Services completed"),
        _("Services given with the outcome “done”."),
    ),
    Indicator(
        "assistance.vneid_accounts",
        Program.ASSISTANCE,
        _("VNeID accounts activated"),
        _(
            "Services “VNeID account activated and signed in” done in the period; "
            "an account only created is not counted."
        ),
    ),
    Indicator(
        "assistance.referred",
        Program.ASSISTANCE,
        _("Services referred"),
        _("Services given with the outcome “referred” (e.g. to the police for level 2)."),
    ),
    # ---------------------------------------------------------------- trainings
    Indicator(
        "trainings.sessions",
        Program.TRAININGS,
        _("Training sessions"),
        _("Sessions that started in the period: classes, hands-on practice and webinars."),
    ),
    Indicator(
        "trainings.attendances",
        Program.TRAININGS,
        _("Attendances"),
        _("People marked present at the period's sessions (one per person and session)."),
    ),
    Indicator(
        "trainings.people_trained",
        Program.TRAININGS,
        _("People trained"),
        _(
            "Different people present at one or more of the period's sessions "
            "(volunteers once each, walk-ins by name and village)."
        ),
    ),
    Indicator(
        "trainings.webinar_audience",
        Program.TRAININGS,
        _("Webinar audience"),
        _("People present at the period's webinars plus their external participants."),
    ),
    # ---------------------------------------------------------------- library
    Indicator(
        "library.points_active",
        Program.LIBRARY,
        _("Active library points"),
        _("Legal library points open in the scope's villages."),
        stock=True,
    ),
    Indicator(
        "library.villages",
        Program.LIBRARY,
        _("Villages"),
        _("Villages of the scope: each should have a library point."),
        stock=True,
    ),
    Indicator(
        "library.coverage",
        Program.LIBRARY,
        _("Villages with a library point"),
        _("Active library points ÷ villages × 100; target: every village."),
        unit=Unit.PERCENT,
        target=Decimal(100),
        stock=True,
    ),
    Indicator(
        "library.scans",
        Program.LIBRARY,
        _("Library point visits"),
        _("Openings of the scope's library points (their QR codes) in the period."),
    ),
    Indicator(
        "library.reads",
        Program.LIBRARY,
        _("Document reads"),
        _(
            "Openings of published documents and plays of their audio readings in the "
            "period, from every point and link: documents are shared by the whole province."
        ),
    ),
    # ---------------------------------------------------------------- volunteers
    Indicator(
        "volunteers.active",
        Program.VOLUNTEERS,
        _("Active volunteers"),
        _("Volunteers of the scope's branches marked active."),
        stock=True,
    ),
    Indicator(
        "volunteers.tech_team",
        Program.VOLUNTEERS,
        _("Community digital-technology team"),
        _("Active volunteers who are members of the community digital-technology team."),
        stock=True,
    ),
    Indicator(
        "volunteers.visits_per_volunteer",
        Program.VOLUNTEERS,
        _("Visits per active volunteer"),
        _("Visits of the period ÷ active volunteers."),
        unit=Unit.RATIO,
    ),
    Indicator(
        "volunteers.villages_covered",
        Program.VOLUNTEERS,
        _("Villages visited"),
        _("Villages with at least one visit in the period."),
    ),
)

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}


def for_program(program: str) -> list[Indicator]:
    return [i for i in INDICATORS if i.program == program]


# ---------------------------------------------------------------- tables
# A report's tables, in the order the outputs show them: (key, program, title,
# columns). Columns are (key, heading, kind): kind "text", "int", "percent",
# "date" or "month" tells writers how to format a cell.


@dataclass(frozen=True)
class Column:
    key: str
    heading: Promise
    kind: str = "int"


@dataclass(frozen=True)
class Table:
    key: str
    program: str
    title: Promise
    columns: tuple[Column, ...]


TABLES: tuple[Table, ...] = (
    Table(
        "villages",
        "",
        _("By village"),
        (
            Column("village", _("Village"), "text"),
            Column("vendors", _("Vendors")),
            Column("cashless", _("Cashless")),
            Column("share", _("Share cashless (%)"), "percent"),
            Column("confirmed_share", _("Confirmed receiving (%)"), "percent"),
            Column("visits", pgettext_lazy("door-to-door", "Visits")),
            Column("residents", _("Residents helped")),
            Column("services", _("Services given")),
            Column("volunteers", _("Active volunteers")),
            Column("attendances", _("Attendances")),
            Column("scans", _("Library visits")),
        ),
    ),
    Table(
        "markets",
        Program.MARKET,
        _("Markets"),
        (
            Column("market", _("Market"), "text"),
            Column("village", _("Village"), "text"),
            Column("vendors", _("Vendors")),
            Column("with_qr", _("With a QR code")),
            Column("cashless", _("Cashless")),
            Column("share", _("Share cashless (%)"), "percent"),
            Column("confirmed", _("Confirmed receiving")),
            Column("confirmed_share", _("Confirmed receiving (%)"), "percent"),
        ),
    ),
    Table(
        "market_trend",
        Program.MARKET,
        _("Vendors onboarded, last 12 months"),
        (
            Column("month", _("Month"), "month"),
            Column("onboarded", _("Onboarded")),
            Column("cashless_total", _("Cashless in total")),
        ),
    ),
    Table(
        "services",
        Program.ASSISTANCE,
        _("Services by type and outcome"),
        (
            Column("service", _("Service"), "service"),
            Column("done", _("Done")),
            Column("referred", _("Referred")),
            Column("follow_up", _("To follow up")),
            Column("total", _("Total")),
        ),
    ),
    Table(
        "campaigns",
        Program.ASSISTANCE,
        _("Campaigns"),
        (
            Column("campaign", _("Campaign"), "text"),
            Column("goal", _("Goal (residents)")),
            Column("visits", pgettext_lazy("door-to-door", "Visits")),
            Column("residents", _("Residents helped")),
            Column("share", _("Of the goal (%)"), "percent"),
        ),
    ),
    Table(
        "campaign_days",
        Program.ASSISTANCE,
        _("Visits per day of each campaign"),
        (
            Column("campaign", _("Campaign"), "text"),
            Column("day", _("Day"), "date"),
            Column("visits", pgettext_lazy("door-to-door", "Visits")),
        ),
    ),
    Table(
        "training_kinds",
        Program.TRAININGS,
        _("Sessions by kind"),
        (
            Column("kind", _("Kind"), "kind"),
            Column("sessions", _("Sessions")),
            Column("attendances", _("Attendances")),
            Column("external", _("External participants")),
        ),
    ),
    Table(
        "training_topics",
        Program.TRAININGS,
        _("By topic"),
        (
            Column("topic", _("Topic"), "text"),
            Column("sessions", _("Sessions")),
            Column("attendances", _("Attendances")),
        ),
    ),
    Table(
        "webinars",
        Program.TRAININGS,
        _("Webinars"),
        (
            Column("title", _("Webinar"), "text"),
            Column("day", _("Day"), "date"),
            Column("attendances", _("Attendances")),
            Column("external", _("External participants")),
        ),
    ),
    Table(
        "library_points",
        Program.LIBRARY,
        _("Visits per library point"),
        (
            Column("point", _("Library point"), "text"),
            Column("village", _("Village"), "text"),
            Column("scans", _("Visits")),
        ),
    ),
    Table(
        "library_categories",
        Program.LIBRARY,
        _("Reads per category"),
        (
            Column("category", _("Category"), "text"),
            Column("reads", _("Reads")),
        ),
    ),
    Table(
        "top_documents",
        Program.LIBRARY,
        _("Most read documents"),
        (
            Column("document", _("Document"), "text"),
            Column("reads", _("Reads")),
        ),
    ),
    Table(
        "volunteer_visits",
        Program.VOLUNTEERS,
        _("Visits per volunteer"),
        (
            Column("volunteer", _("Volunteer"), "text"),
            Column("village", _("Village"), "text"),
            Column("visits", pgettext_lazy("door-to-door", "Visits")),
        ),
    ),
)

TABLE_BY_KEY: dict[str, Table] = {t.key: t for t in TABLES}

# Data-quality checks run before each report: code → what it found.
CHECKS: dict[str, Promise] = {
    "duplicate_phone": _("Possible duplicate residents: the same phone on several records"),
    "duplicate_name": _(
        "Possible duplicate residents: the same name and birth year in one village"
    ),
    "cashless_without_account": _("Vendors marked cashless without a bank account"),
    "future_visits": _("Visits dated in the future"),
    "over_capacity": _("Sessions with more people present than places"),
}


class Severity:
    """How much a data-quality problem matters when a report is sent upward."""

    BLOCKING = "blocking"  # the figures are wrong: sending needs a written reason
    WARNING = "warning"  # worth a look; the figures stand


SEVERITY_NAMES: dict[str, Promise] = {
    Severity.BLOCKING: pgettext_lazy("check severity", "Blocking"),
    Severity.WARNING: pgettext_lazy("check severity", "Warning"),
}


@dataclass(frozen=True)
class Check:
    code: str
    severity: str
    explanation: Promise

    @property
    def name(self) -> Promise:
        return CHECKS[self.code]

    @property
    def blocking(self) -> bool:
        return self.severity == Severity.BLOCKING


# What each check means for the figures. The other examples, vendors without a
# market and visits without a village, cannot exist: Vendor.market and
# AssistanceRecord.village are required foreign keys (PROTECT), so there is no check.
CHECK_RULES: dict[str, Check] = {
    c.code: c
    for c in (
        Check(
            "cashless_without_account",
            Severity.BLOCKING,
            _(
                "These vendors are counted as paid cashless but have no bank account on "
                "record: the cashless share is too high until their account is added or "
                "their status corrected."
            ),
        ),
        Check(
            "future_visits",
            Severity.BLOCKING,
            _(
                "These visits are dated after today: the date was probably typed wrong, so "
                "each is missing from the month it happened in. Correct their dates."
            ),
        ),
        Check(
            "duplicate_phone",
            Severity.WARNING,
            _(
                "The same phone number is on several visits of the period: one resident "
                "counted twice, or a family sharing a phone. Look at the records."
            ),
        ),
        Check(
            "duplicate_name",
            Severity.WARNING,
            _(
                "The same name and year of birth are on several visits in one village: "
                "possibly one resident counted twice."
            ),
        ),
        Check(
            "over_capacity",
            Severity.WARNING,
            _(
                "More people were marked present than the session has places: check the "
                "attendance or the number of places."
            ),
        ),
    )
}


def check_severity(check: dict) -> str:
    """A stored check's severity: as it was when the report was made, else today's rule."""
    rule = CHECK_RULES.get(check.get("code", ""))
    return check.get("severity") or (rule.severity if rule else Severity.WARNING)


def problems(checks: list[dict]) -> list[dict]:
    """The checks that found something, blocking ones first, each with its severity."""
    found = [{**c, "severity": check_severity(c)} for c in checks if c.get("count")]
    return sorted(found, key=lambda c: c["severity"] != Severity.BLOCKING)


def blocking_problems(checks: list[dict]) -> list[dict]:
    return [c for c in problems(checks) if c["severity"] == Severity.BLOCKING]


def progress(value, target, baseline=None) -> float | None:
    """How far from the baseline to the target ``value`` is, in %: (value - baseline) ÷
    (target - baseline) × 100, or value ÷ target × 100 without a baseline. None when
    there is no target, no value, or nothing to divide by (target equal to baseline)."""
    if value is None or target is None:
        return None
    value, target = Decimal(str(value)), Decimal(str(target))
    start = Decimal(str(baseline)) if baseline is not None else Decimal(0)
    if target == start:
        return None
    return round(float(100 * (value - start) / (target - start)), 1)
