"""Adoption reports: every program's records turned into frozen numbers.

A report's numbers (``AdoptionReport.data``, "the snapshot") are a JSON
document, written once when the report is made and never recomputed:

```
{
  "schema": 1,
  "scope": {"level": "commune" | "village" | "province", "name": "Xã Chư Prông",
            "commune": "Chư Prông", "province": "Gia Lai", "village": ""},
  "period": {"kind": "month" | "quarter" | "year" | "custom",
             "start": "2026-11-01", "end": "2026-11-30"},       # both days included
  "as_of": "2026-11-30",            # the last day counted: the period's end, or the day
                                    # the report was made while its period ran
  "made_at": "2026-12-01T06:00:00+07:00",
  "indicators": {code: {"value": int | float | None,
                        "numerator": int | None, "denominator": int | None}},
  "tables": {table key: [{column key: cell}, ...]},            # reports.indicators.TABLES
  "checks": [{"code": check code, "severity": "blocking" | "warning",  # indicators.CHECKS
              "count": int, "ids": [int, ...]}],
  "targets": {code: {"target": float | None, "level": "commune" | "province" | "default" | "",
                     "baseline": float | None, "baseline_as_of": "2023-06-01" | None}},
               # a commune's report only, added when it is made (reports.selectors.Goal)
}
```

Indicator codes, names, definitions, units and targets are in
``reports/indicators.py``; a cell's kind (its column's ``kind``) says how to
show it: "text" as is, "int" a whole number, "percent" a float with one
decimal or None (nothing to divide by), "date" ISO ``YYYY-MM-DD``, "month"
``YYYY-MM``, "service" a ``volunteers.models.Service`` value, "kind" a
``trainings.models.TrainingSession.Kind`` value. Reports keep counts only:
no resident's name or phone is ever in a snapshot.
"""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Concat, Lower, TruncMonth
from django.utils import timezone

from core.models import Commune, Province, Village
from legal_library.models import DocumentDailyCount, LibraryPoint, PointDailyCount
from market.models import Market, PaymentAccount, Vendor, VendorStatusChange
from market.selectors import with_followup
from trainings.models import Attendance, TrainingSession
from volunteers.models import AssistanceRecord, Campaign, Outcome, Service, ServiceGiven, Volunteer
from volunteers.selectors import resident_counts, resident_name_key

from .indicators import check_severity
from .models import AdoptionReport

SCHEMA = 1
TOP = 15  # rows kept in "top" tables (documents, volunteers)
CHECK_IDS = 50  # record ids kept per data-quality check

Progress = Callable[[int], None]


# ------------------------------------------------------------------ scope and period


@dataclass(frozen=True)
class Scope:
    """What a report covers: a commune, one of its villages, or a whole province."""

    level: str  # "commune" | "village" | "province"
    commune: Commune | None = None
    village: Village | None = None
    province: Province | None = None

    @classmethod
    def of(cls, commune: Commune, village: Village | None = None) -> "Scope":
        if village is not None:
            return cls("village", commune=commune, village=village)
        return cls("commune", commune=commune)

    def q(self, path: str) -> Q:
        """A filter for rows whose village is reached by ``path`` ("" for a Village itself)."""
        prefix = f"{path}__" if path else ""
        if self.level == "village":
            return Q(**{f"{prefix}id" if not path else f"{path}_id": self.village.pk})
        if self.level == "commune":
            return Q(**{f"{prefix}commune_id": self.commune.pk})
        return Q(**{f"{prefix}commune__province_id": self.province.pk})

    def villages(self) -> QuerySet[Village]:
        return Village.objects.filter(self.q(""))

    def describe(self) -> dict:
        commune = self.commune
        return {
            "level": self.level,
            "name": self.village.name
            if self.village
            else (f"{commune.name}" if commune else self.province.name),
            "commune": commune.name if commune else "",
            "province": commune.province.name if commune else self.province.name,
            "village": self.village.name if self.village else "",
        }


def period_bounds(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The month, quarter or year that holds ``day``: its first and last days."""
    if kind == AdoptionReport.PeriodKind.MONTH:
        first = day.replace(day=1)
        return first, day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if kind == AdoptionReport.PeriodKind.QUARTER:
        month = 3 * ((day.month - 1) // 3) + 1
        first = datetime.date(day.year, month, 1)
        last_month = month + 2
        return first, datetime.date(
            day.year, last_month, calendar.monthrange(day.year, last_month)[1]
        )
    if kind == AdoptionReport.PeriodKind.YEAR:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    raise ValueError(kind)


def previous_month(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    return period_bounds(
        AdoptionReport.PeriodKind.MONTH, day.replace(day=1) - datetime.timedelta(1)
    )


def _instant(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in Asia/Ho_Chi_Minh, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _figure(value, numerator=None, denominator=None) -> dict:
    return {"value": value, "numerator": numerator, "denominator": denominator}


# ------------------------------------------------------------------ per program


@dataclass
class _Work:
    scope: Scope
    start: datetime.date
    end: datetime.date  # the as-of day: the last day counted
    # For a period still running, the moment the report is made: nothing after it counts
    # (a session planned for this afternoon has not been held).
    cutoff: datetime.datetime | None = None

    @property
    def since(self) -> datetime.datetime:
        return _instant(self.start)

    @property
    def until(self) -> datetime.datetime:  # exclusive
        day_after = _instant(self.end + datetime.timedelta(days=1))
        return min(day_after, self.cutoff) if self.cutoff else day_after


def as_of(end: datetime.date, today: datetime.date) -> datetime.date:
    """The last day a report of a period ending on ``end`` counts, made on ``today``."""
    return min(end, today)


def _first_cashless():
    return Subquery(
        VendorStatusChange.objects.filter(vendor=OuterRef("pk"), status=Vendor.Status.CASHLESS)
        .values("vendor")
        .annotate(first=Min("changed_at"))
        .values("first")[:1]
    )


MARKET_COUNTS = ("vendors", "with_qr", "cashless", "confirmed")


def market_figures(w: _Work) -> tuple[dict, dict, dict]:
    """Indicators, tables and per-village columns of the cashless market."""
    vendors = Vendor.objects.filter(w.scope.q("market__village"), created_at__lt=w.until)
    per_market = {
        row["market_id"]: row
        for row in with_followup(vendors, at=w.until)
        .annotate(has_account=Exists(PaymentAccount.objects.filter(vendor=OuterRef("pk"))))
        .values("market_id")
        .annotate(
            vendors=Count("id"),
            with_qr=Count("id", filter=Q(has_account=True)),
            cashless=Count("id", filter=Q(status=Vendor.Status.CASHLESS)),
            confirmed=Count("id", filter=Q(followup_confirmed=True)),
        )
        .order_by()
    }
    markets = []
    per_village: dict[int, dict] = {}
    for market in (
        Market.objects.filter(w.scope.q("village"))
        .order_by("village__position", "name")
        .values("id", "name", "village_id", "village__name")
    ):
        row = per_market.get(market["id"], {})
        counts = {k: row.get(k, 0) for k in MARKET_COUNTS}
        markets.append(
            {
                "market": market["name"],
                "village": market["village__name"],
                **counts,
                "share": _share(counts["cashless"], counts["vendors"]),
                "confirmed_share": _share(counts["confirmed"], counts["vendors"]),
            }
        )
        village = per_village.setdefault(
            market["village_id"], {"vendors": 0, "cashless": 0, "confirmed": 0}
        )
        for key in village:
            village[key] += counts[key]
    total = {k: sum(m[k] for m in markets) for k in MARKET_COUNTS}

    firsts = (
        Vendor.objects.filter(w.scope.q("market__village"))
        .annotate(first=_first_cashless())
        .filter(first__isnull=False)
    )
    months_back = w.end.year * 12 + w.end.month - 1 - 11  # the 12 months ending with the period
    window_start = datetime.date(months_back // 12, months_back % 12 + 1, 1)
    by_month = {
        timezone.localtime(row["month"]).strftime("%Y-%m")
        if isinstance(row["month"], datetime.datetime)
        else row["month"].strftime("%Y-%m"): row["n"]
        for row in firsts.filter(first__gte=_instant(window_start), first__lt=w.until)
        .annotate(month=TruncMonth("first"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    }
    running = firsts.filter(first__lt=_instant(window_start)).count()
    trend = []
    month = window_start
    while month <= w.end:
        key = f"{month:%Y-%m}"
        running += by_month.get(key, 0)
        trend.append({"month": key, "onboarded": by_month.get(key, 0), "cashless_total": running})
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    onboarded = firsts.filter(first__gte=w.since, first__lt=w.until).count()

    indicators = {
        "market.vendors": _figure(total["vendors"]),
        "market.vendors_with_qr": _figure(total["with_qr"]),
        "market.vendors_cashless": _figure(total["cashless"]),
        "market.cashless_share": _figure(
            _share(total["cashless"], total["vendors"]), total["cashless"], total["vendors"]
        ),
        "market.vendors_confirmed": _figure(total["confirmed"]),
        "market.confirmed_share": _figure(
            _share(total["confirmed"], total["vendors"]), total["confirmed"], total["vendors"]
        ),
        "market.onboarded": _figure(onboarded),
    }
    return indicators, {"markets": markets, "market_trend": trend}, per_village


def assistance_figures(w: _Work) -> tuple[dict, dict, dict]:
    records = AssistanceRecord.objects.filter(
        w.scope.q("village"), helped_on__gte=w.start, helped_on__lte=w.end
    )
    per_village: dict[int, dict] = {}
    for row in records.values("village_id").annotate(**resident_counts()).order_by():
        per_village[row["village_id"]] = {
            "visits": row["visits"],
            "residents": row["anonymous"] + row["named"],
        }
    services = ServiceGiven.objects.filter(record__in=records)
    for row in services.values("record__village_id").annotate(n=Count("id")).order_by():
        per_village.setdefault(row["record__village_id"], {})["services"] = row["n"]

    counts: dict[str, dict[str, int]] = {}
    for row in services.values("service", "outcome").annotate(n=Count("id")).order_by():
        counts.setdefault(row["service"], {})[row["outcome"]] = row["n"]
    service_rows = []
    for service in Service.values:
        by_outcome = counts.get(service, {})
        service_rows.append(
            {
                "service": service,
                "done": by_outcome.get(Outcome.DONE, 0),
                "referred": by_outcome.get(Outcome.REFERRED, 0),
                "follow_up": by_outcome.get(Outcome.FOLLOW_UP, 0),
                "total": sum(by_outcome.values()),
            }
        )

    per_campaign = {
        row["campaign_id"]: row
        for row in records.filter(campaign__isnull=False)
        .values("campaign_id")
        .annotate(**resident_counts())
        .order_by()
    }
    campaigns = []
    names = {}
    for campaign in (
        Campaign.objects.filter(id__in=list(per_campaign))
        .order_by("starts_on", "name")
        .values("id", "name", "goal")
    ):
        row = per_campaign[campaign["id"]]
        residents = row["anonymous"] + row["named"]
        names[campaign["id"]] = campaign["name"]
        campaigns.append(
            {
                "campaign": campaign["name"],
                "goal": campaign["goal"],
                "visits": row["visits"],
                "residents": residents,
                "share": _share(residents, campaign["goal"]),
            }
        )
    days = [
        {
            "campaign": names[row["campaign_id"]],
            "day": row["helped_on"].isoformat(),
            "visits": row["n"],
        }
        for row in records.filter(campaign__isnull=False)
        .values("campaign_id", "helped_on")
        .annotate(n=Count("id"))
        .order_by("campaign__starts_on", "campaign_id", "helped_on")
    ]

    visits = sum(v.get("visits", 0) for v in per_village.values())
    total_services = sum(r["total"] for r in service_rows)
    done = sum(r["done"] for r in service_rows)
    vneid = counts.get(Service.VNEID_ACTIVATED, {}).get(Outcome.DONE, 0)
    indicators = {
        "assistance.visits": _figure(visits),
        "assistance.residents": _figure(sum(v.get("residents", 0) for v in per_village.values())),
        "assistance.services": _figure(total_services),
        "assistance.services_done": _figure(done),
        "assistance.vneid_accounts": _figure(vneid),
        "assistance.referred": _figure(sum(r["referred"] for r in service_rows)),
    }
    tables = {"services": service_rows, "campaigns": campaigns, "campaign_days": days}
    return indicators, tables, per_village


def _sessions(w: _Work) -> QuerySet[TrainingSession]:
    sessions = TrainingSession.objects.filter(starts_at__gte=w.since, starts_at__lt=w.until)
    if w.scope.level == "village":
        return sessions.filter(village=w.scope.village)
    if w.scope.level == "commune":
        return sessions.filter(commune=w.scope.commune)
    return sessions.filter(commune__province_id=w.scope.province.pk)


def training_figures(w: _Work) -> tuple[dict, dict, dict]:
    sessions = _sessions(w)
    attendances = Attendance.objects.filter(session__in=sessions)
    kinds = {
        row["kind"]: row
        for row in sessions.values("kind")
        .annotate(sessions=Count("id"), external=Coalesce(Sum("external_participants"), 0))
        .order_by()
    }
    present = {
        row["session__kind"]: row["n"]
        for row in attendances.values("session__kind").annotate(n=Count("id")).order_by()
    }
    kind_rows = [
        {
            "kind": kind,
            "sessions": kinds.get(kind, {}).get("sessions", 0),
            "attendances": present.get(kind, 0),
            "external": kinds.get(kind, {}).get("external", 0),
        }
        for kind in TrainingSession.Kind.values
    ]
    topic_sessions = {
        row["topic__name"]: row["n"]
        for row in TrainingSession.topics.through.objects.filter(trainingsession__in=sessions)
        .values("topic__name")
        .annotate(n=Count("id"))
        .order_by()
    }
    topic_present = {
        row["session__topics__name"]: row["n"]
        for row in attendances.filter(session__topics__isnull=False)
        .values("session__topics__name")
        .annotate(n=Count("id"))
        .order_by()
    }
    topics = [
        {"topic": name, "sessions": n, "attendances": topic_present.get(name, 0)}
        for name, n in sorted(topic_sessions.items(), key=lambda item: (-item[1], item[0]))
    ]
    webinars = [
        {
            "title": s["title"],
            "day": timezone.localtime(s["starts_at"]).date().isoformat(),
            "attendances": s["n"],
            "external": s["external_participants"] or 0,
        }
        for s in sessions.filter(kind=TrainingSession.Kind.WEBINAR)
        .annotate(n=Count("attendances"))
        .order_by("starts_at")
        .values("title", "starts_at", "n", "external_participants")
    ]
    people = attendances.aggregate(
        volunteers=Count("volunteer_id", distinct=True),
        walk_ins=Count(
            Concat(Lower("name"), Value("|"), Coalesce(Cast("village_id", CharField()), Value(""))),
            filter=Q(volunteer__isnull=True),
            distinct=True,
        ),
    )
    per_village = {
        row["village_id"]: {"attendances": row["n"]}
        for row in attendances.filter(village__isnull=False)
        .values("village_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    indicators = {
        "trainings.sessions": _figure(sum(r["sessions"] for r in kind_rows)),
        "trainings.attendances": _figure(sum(r["attendances"] for r in kind_rows)),
        "trainings.people_trained": _figure(people["volunteers"] + people["walk_ins"]),
        "trainings.webinar_audience": _figure(
            sum(r["attendances"] + r["external"] for r in webinars)
        ),
    }
    tables = {"training_kinds": kind_rows, "training_topics": topics, "webinars": webinars}
    return indicators, tables, per_village


def library_figures(w: _Work, village_count: int) -> tuple[dict, dict, dict]:
    points = LibraryPoint.objects.filter(w.scope.q("village"))
    scans = {
        row["point_id"]: row["n"]
        for row in PointDailyCount.objects.filter(
            point__in=points, day__gte=w.start, day__lte=w.end
        )
        .values("point_id")
        .annotate(n=Sum("visits"))
        .order_by()
    }
    point_rows = []
    per_village: dict[int, dict] = {}
    covered = set()
    for point in points.order_by("village__position", "name").values(
        "id", "name", "village_id", "village__name", "active"
    ):
        n = scans.get(point["id"], 0)
        point_rows.append({"point": point["name"], "village": point["village__name"], "scans": n})
        village = per_village.setdefault(point["village_id"], {"scans": 0})
        village["scans"] += n
        if point["active"]:
            covered.add(point["village_id"])
    reads = DocumentDailyCount.objects.filter(
        day__gte=w.start, day__lte=w.end, document__published=True
    )
    read = F("reads") + F("listens")  # a play of an audio reading is a read (issue 14 §5)
    categories = [
        {"category": row["document__categories__name"], "reads": row["n"]}
        for row in reads.filter(document__categories__isnull=False)
        .values("document__categories__name")
        .annotate(n=Sum(read))
        .order_by("-n", "document__categories__name")
    ]
    top = [
        {"document": row["document__title"], "reads": row["n"]}
        for row in reads.values("document_id", "document__title")
        .annotate(n=Sum(read))
        .order_by("-n", "document__title")[:TOP]
    ]
    active = points.filter(active=True).count()
    indicators = {
        "library.points_active": _figure(active),
        "library.villages": _figure(village_count),
        "library.coverage": _figure(
            _share(len(covered), village_count), len(covered), village_count
        ),
        "library.scans": _figure(sum(scans.values())),
        "library.reads": _figure(reads.aggregate(n=Coalesce(Sum(read), 0))["n"]),
    }
    tables = {
        "library_points": point_rows,
        "library_categories": categories,
        "top_documents": top,
    }
    return indicators, tables, per_village


def volunteer_figures(w: _Work, visits: int, villages_visited: int) -> tuple[dict, dict, dict]:
    volunteers = Volunteer.objects.filter(w.scope.q("village"), active=True)
    per_village = {
        row["village_id"]: {"volunteers": row["n"]}
        for row in volunteers.values("village_id").annotate(n=Count("id")).order_by()
    }
    counts = volunteers.aggregate(active=Count("id"), tech=Count("id", filter=Q(on_tech_team=True)))
    through = AssistanceRecord.volunteers.through.objects.filter(
        assistancerecord__helped_on__gte=w.start,
        assistancerecord__helped_on__lte=w.end,
        volunteer__in=Volunteer.objects.filter(w.scope.q("village")),
    )
    top = [
        {
            "volunteer": row["volunteer__full_name"],
            "village": row["volunteer__village__name"],
            "visits": row["n"],
        }
        for row in through.values(
            "volunteer_id", "volunteer__full_name", "volunteer__village__name"
        )
        .annotate(n=Count("id"))
        .order_by("-n", "volunteer__full_name")[:TOP]
    ]
    active = counts["active"]
    indicators = {
        "volunteers.active": _figure(active),
        "volunteers.tech_team": _figure(counts["tech"]),
        "volunteers.visits_per_volunteer": _figure(
            round(visits / active, 2) if active else None, visits, active
        ),
        "volunteers.villages_covered": _figure(villages_visited),
    }
    return indicators, {"volunteer_visits": top}, per_village


# ------------------------------------------------------------------ data quality


def quality_checks(w: _Work) -> list[dict]:
    """What looks wrong in the records behind the report; officers look before sending."""
    records = AssistanceRecord.objects.filter(w.scope.q("village"))
    in_period = records.filter(helped_on__gte=w.start, helped_on__lte=w.end)
    checks = []

    phones = (
        in_period.exclude(resident_phone="")
        .values("resident_phone")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("resident_phone")
    )
    dup_phone = in_period.filter(resident_phone__in=Subquery(phones))
    checks.append(_check("duplicate_phone", dup_phone))

    named = in_period.exclude(resident_name="").annotate(
        key=Concat(Cast("village_id", CharField()), Value("|"), resident_name_key())
    )
    keys = named.values("key").annotate(n=Count("id")).filter(n__gt=1).values("key")
    checks.append(_check("duplicate_name", named.filter(key__in=Subquery(keys))))

    checks.append(
        _check(
            "cashless_without_account",
            Vendor.objects.filter(
                w.scope.q("market__village"),
                status=Vendor.Status.CASHLESS,
            ).filter(~Exists(PaymentAccount.objects.filter(vendor=OuterRef("pk")))),
        )
    )
    checks.append(_check("future_visits", records.filter(helped_on__gt=timezone.localdate())))
    over = (
        _sessions(w)
        .filter(capacity__isnull=False)
        .annotate(n=Count("attendances"))
        .filter(n__gt=F("capacity"))
    )
    checks.append(_check("over_capacity", over))
    return checks


def _check(code: str, qs: QuerySet) -> dict:
    """How many rows the check found, and the first ids: one query (a window count)."""
    rows = list(
        qs.annotate(found=Window(Count("pk"))).order_by("pk").values_list("pk", "found")[:CHECK_IDS]
    )
    return {
        "code": code,
        "severity": check_severity({"code": code}),
        "count": rows[0][1] if rows else 0,
        "ids": [pk for pk, _n in rows],
    }


# ------------------------------------------------------------------ the whole report


def compute(
    scope: Scope,
    start: datetime.date,
    end: datetime.date,
    *,
    kind: str = AdoptionReport.PeriodKind.CUSTOM,
    progress: Progress | None = None,
) -> dict:
    """Every program's numbers for the scope and period, as a snapshot (see the docstring)."""
    step = progress or (lambda _percent: None)
    now = timezone.now()
    today = timezone.localdate(now)
    last_day = as_of(end, today)
    # a period still running counts what happened until now, nothing planned or future-dated
    w = _Work(scope, start, last_day, cutoff=now if last_day == today else None)
    villages = list(
        scope.villages().order_by("commune_id", "position", "name").values("id", "name", "code")
    )
    indicators: dict = {}
    tables: dict = {}
    columns: dict[int, dict] = {}

    def merge(result: tuple[dict, dict, dict]) -> None:
        indicators.update(result[0])
        tables.update(result[1])
        for village_id, values in result[2].items():
            columns.setdefault(village_id, {}).update(values)

    merge(market_figures(w))
    step(20)
    merge(assistance_figures(w))
    step(40)
    merge(training_figures(w))
    step(55)
    merge(library_figures(w, len(villages)))
    step(70)
    visited = sum(1 for v in columns.values() if v.get("visits"))
    merge(volunteer_figures(w, indicators["assistance.visits"]["value"], visited))
    step(80)
    tables["villages"] = [_village_row(v, columns.get(v["id"], {})) for v in villages]
    checks = quality_checks(w)
    step(90)
    return {
        "schema": SCHEMA,
        "scope": scope.describe(),
        "period": {"kind": kind, "start": start.isoformat(), "end": end.isoformat()},
        "as_of": last_day.isoformat(),
        "made_at": timezone.localtime().isoformat(timespec="seconds"),
        "indicators": indicators,
        "tables": tables,
        "checks": checks,
    }


def _village_row(village: dict, values: dict) -> dict:
    vendors = values.get("vendors", 0)
    cashless = values.get("cashless", 0)
    return {
        "village": village["name"],
        "vendors": vendors,
        "cashless": cashless,
        "share": _share(cashless, vendors),
        "confirmed_share": _share(values.get("confirmed", 0), vendors),
        "visits": values.get("visits", 0),
        "residents": values.get("residents", 0),
        "services": values.get("services", 0),
        "volunteers": values.get("volunteers", 0),
        "attendances": values.get("attendances", 0),
        "scans": values.get("scans", 0),
    }
