"""Reads of the public progress pages: a commune's figures, and its province's side by side.

Counts only, never a person: no resident, volunteer or vendor is named, and no
figure is small enough to be about one record that is not also on the officers'
dashboard. Every figure is computed for many communes at once (one query per
program, ``GROUP BY`` the commune), so the province page costs the same number of
queries for 3 communes or 135. The figures are cached for ``PUBLIC_SECONDS``
(Redis in production): a change shows within a few minutes, nothing invalidates.

The definitions follow the adoption reports (``reports/reporting.py``):

* vendors paying cashless: vendors of the commune's markets whose status is
  "cashless" now, and their share of all its vendors; "new this month": vendors
  whose first change to "cashless" fell in this month (``market.onboarded``);
* residents helped: visits ("lượt") in the period, and the different residents
  ("người dân") among them, a named resident once per village (same name and year
  of birth), each anonymous visit one (``volunteers.selectors.resident_counts``);
* library: active library points, the visits counted at them, and the documents
  published in the library every commune shares;
* trainings held: sessions of the commune that have started, and attendances.
"""

import datetime
from dataclasses import asdict, dataclass, field, fields

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone

from core.models import Commune, Province
from legal_library.models import Document, LibraryPoint, PointDailyCount
from market.models import Vendor, VendorStatusChange
from trainings.models import Attendance, TrainingSession
from volunteers.models import AssistanceRecord

from .province import visits_by_commune

PUBLIC_SECONDS = 600  # the public figures are at most 10 minutes old
KEY = "public-progress:v1"  # a new version when ``Figures`` changes: old entries unread


def _instant(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


@dataclass(frozen=True)
class Period:
    """This year and this month up to today (both days included)."""

    today: datetime.date

    @property
    def year_start(self) -> datetime.date:
        return self.today.replace(month=1, day=1)

    @property
    def month_start(self) -> datetime.date:
        return self.today.replace(day=1)

    @property
    def until(self) -> datetime.datetime:  # the end of today, exclusive
        return _instant(self.today + datetime.timedelta(days=1))


@dataclass
class Figures:
    """One commune's public figures; ``months``: visits per month of this year."""

    vendors: int = 0
    cashless: int = 0
    cashless_new_month: int = 0
    points: int = 0
    point_visits_year: int = 0
    point_visits_month: int = 0
    visits_year: int = 0
    visits_month: int = 0
    residents_year: int = 0
    residents_month: int = 0
    sessions_year: int = 0
    sessions_month: int = 0
    attendances_year: int = 0
    attendances_month: int = 0
    months: list[tuple[str, int]] = field(default_factory=list)

    @property
    def cashless_share(self) -> float | None:
        return round(100 * self.cashless / self.vendors, 1) if self.vendors else None


# ------------------------------------------------------------------ the aggregates


def _first_cashless_in(since: datetime.datetime, until: datetime.datetime) -> Q:
    """The vendor's first change to cashless is in [since, until): one is, none before."""
    changes = VendorStatusChange.objects.filter(
        vendor=OuterRef("pk"), status=Vendor.Status.CASHLESS
    )
    return Q(Exists(changes.filter(changed_at__gte=since, changed_at__lt=until))) & ~Q(
        Exists(changes.filter(changed_at__lt=since))
    )


def _market(ids: list[int], p: Period, out: dict[int, Figures]) -> None:
    for row in (
        Vendor.objects.filter(market__village__commune_id__in=ids)
        .values("market__village__commune_id")
        .annotate(
            vendors=Count("id"),
            cashless=Count("id", filter=Q(status=Vendor.Status.CASHLESS)),
            new=Count("id", filter=_first_cashless_in(_instant(p.month_start), p.until)),
        )
        .order_by()
    ):
        figures = out[row["market__village__commune_id"]]
        figures.vendors, figures.cashless = row["vendors"], row["cashless"]
        figures.cashless_new_month = row["new"]


def _assistance(ids: list[int], p: Period, out: dict[int, Figures]) -> None:
    """Visits and different residents, this year and this month, in one statement
    (``reports.province.visits_by_commune``: the residents counted in two steps)."""
    for pk, row in visits_by_commune(ids, p.year_start, p.today, since=p.month_start).items():
        figures = out[pk]
        figures.visits_year, figures.visits_month = row["visits"], row["visits_since"]
        figures.residents_year, figures.residents_month = row["residents"], row["residents_since"]


def _library(ids: list[int], p: Period, out: dict[int, Figures]) -> None:
    for row in (
        LibraryPoint.objects.filter(village__commune_id__in=ids, active=True)
        .values("village__commune_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out[row["village__commune_id"]].points = row["n"]
    for row in (
        PointDailyCount.objects.filter(
            point__village__commune_id__in=ids, day__gte=p.year_start, day__lte=p.today
        )
        .values("point__village__commune_id")
        .annotate(
            year=Coalesce(Sum("visits"), 0),
            month=Coalesce(Sum("visits", filter=Q(day__gte=p.month_start)), 0),
        )
        .order_by()
    ):
        figures = out[row["point__village__commune_id"]]
        figures.point_visits_year, figures.point_visits_month = row["year"], row["month"]


def _trainings(ids: list[int], p: Period, out: dict[int, Figures]) -> None:
    held = {
        "starts_at__gte": _instant(p.year_start),
        # held: begun (not just planned), and by the end of ``today``
        "starts_at__lt": min(timezone.now(), p.until),
    }
    month = _instant(p.month_start)
    for row in (
        TrainingSession.objects.filter(commune_id__in=ids, **held)
        .values("commune_id")
        .annotate(year=Count("id"), month=Count("id", filter=Q(starts_at__gte=month)))
        .order_by()
    ):
        figures = out[row["commune_id"]]
        figures.sessions_year, figures.sessions_month = row["year"], row["month"]
    for row in (
        Attendance.objects.filter(
            session__commune_id__in=ids, **{f"session__{k}": v for k, v in held.items()}
        )
        .values("session__commune_id")
        .annotate(year=Count("id"), month=Count("id", filter=Q(session__starts_at__gte=month)))
        .order_by()
    ):
        figures = out[row["session__commune_id"]]
        figures.attendances_year, figures.attendances_month = row["year"], row["month"]


def figures_of(ids: list[int], today: datetime.date) -> dict[int, Figures]:
    """The figures of every commune in ``ids`` (6 queries, whatever their number)."""
    p = Period(today)
    out = {pk: Figures() for pk in ids}
    if ids:
        _market(ids, p, out)
        _assistance(ids, p, out)
        _library(ids, p, out)
        _trainings(ids, p, out)
    return out


def visits_by_month(commune_id: int, today: datetime.date) -> list[tuple[str, int]]:
    """Visits of each month of this year so far, "MM/YYYY" (one query)."""
    p = Period(today)
    counts = {
        row["month"].month: row["n"]
        for row in AssistanceRecord.objects.filter(
            village__commune_id=commune_id, helped_on__gte=p.year_start, helped_on__lte=p.today
        )
        .annotate(month=TruncMonth("helped_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    }
    return [(f"{m:02d}/{today.year}", counts.get(m, 0)) for m in range(1, today.month + 1)]


def published_documents() -> int:
    return Document.objects.filter(published=True).count()


# ------------------------------------------------------------------ the pages


@dataclass(frozen=True)
class Row:
    """A commune of the province page: its name and slug (for the link), its figures."""

    name: str
    slug: str
    figures: Figures


@dataclass(frozen=True)
class CommuneProgress:
    commune: Commune
    today: datetime.date
    figures: Figures
    documents: int


@dataclass(frozen=True)
class ProvinceProgress:
    province: Province
    today: datetime.date
    rows: list[Row]
    total: Figures
    documents: int


def public_commune(slug: str) -> Commune:
    commune = Commune.objects.select_related("province").filter(slug=slug).first()
    if commune is None:
        raise Http404
    return commune


def public_province(slug: str) -> Province:
    province = Province.objects.filter(slug=slug).first()
    if province is None:
        raise Http404
    return province


def _figures(data: dict) -> Figures:
    return Figures(**{**data, "months": [tuple(m) for m in data["months"]]})


def commune_progress(commune: Commune, today: datetime.date) -> CommuneProgress:
    """A commune's public figures, cached (7 queries when not)."""
    key = f"{KEY}:commune:{commune.pk}:{today:%Y-%m-%d}"
    cached = cache.get(key)
    if cached is None:
        figures = figures_of([commune.pk], today)[commune.pk]
        figures.months = visits_by_month(commune.pk, today)
        cached = {"figures": asdict(figures), "documents": published_documents()}
        cache.set(key, cached, PUBLIC_SECONDS)
    return CommuneProgress(commune, today, _figures(cached["figures"]), cached["documents"])


COUNTS = [f.name for f in fields(Figures) if f.name != "months"]


def province_progress(province: Province, today: datetime.date) -> ProvinceProgress:
    """Every commune of the province side by side, cached (8 queries when not, whatever
    the number of communes)."""
    key = f"{KEY}:province:{province.pk}:{today:%Y-%m-%d}"
    cached = cache.get(key)
    if cached is None:
        communes = list(
            Commune.objects.filter(province=province).order_by("name").values("id", "name", "slug")
        )
        figures = figures_of([c["id"] for c in communes], today)
        cached = {
            "rows": [
                {"name": c["name"], "slug": c["slug"], "figures": asdict(figures[c["id"]])}
                for c in communes
            ],
            "documents": published_documents(),
        }
        cache.set(key, cached, PUBLIC_SECONDS)
    rows = [Row(r["name"], r["slug"], _figures(r["figures"])) for r in cached["rows"]]
    total = Figures(**{name: sum(getattr(r.figures, name) for r in rows) for name in COUNTS})
    return ProvinceProgress(province, today, rows, total, cached["documents"])
