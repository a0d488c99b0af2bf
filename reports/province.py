"""Every commune's figures at once: one GROUP BY query per table, never one report per commune.

``commune_figures(ids, start, end)`` gives, for each of the communes ``ids``,
the indicators of ``reports/indicators.py`` for the period (as ``reporting.compute``
defines them, in the same ``{"value", "numerator", "denominator"}`` shape), from about
a dozen aggregate queries whatever the number of communes: the province dashboard
reads it for all of a province's communes, the commune dashboard for one (its figures
of the year so far, against the year's targets).

``library.reads`` is not among them: documents are shared by the whole province, so
their reads belong to no commune.
"""

import datetime

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Lower

from core.models import Village
from legal_library.models import LibraryPoint, PointDailyCount
from market.models import PaymentAccount, Vendor
from market.selectors import with_followup
from trainings.models import Attendance, TrainingSession
from volunteers.models import AssistanceRecord, Outcome, Service, ServiceGiven, Volunteer
from volunteers.selectors import ANONYMOUS, resident_key

from .reporting import _figure, _first_cashless, _instant, _share

NOT_PER_COMMUNE = frozenset({"library.reads"})


def _by(rows, key: str) -> dict[int, dict]:
    return {row[key]: row for row in rows}


def _walk_in_key():
    return Concat(Lower("name"), Value("|"), Coalesce(Cast("village_id", CharField()), Value("")))


def visits_by_commune(
    ids: list[int],
    start: datetime.date,
    end: datetime.date,
    since: datetime.date | None = None,
) -> dict[int, dict[str, int]]:
    """commune id → its visits from ``start`` to ``end`` (both days included), the
    different residents among them, and the villages visited; with ``since`` also
    ``visits_since`` and ``residents_since``, the same from that day (one statement).

    The residents are counted in two steps: the visits grouped by commune, village and
    resident (the ORM's query), then those groups counted per commune (the outer
    statement): a named resident once per village, as the reports count them
    (``resident_counts``), each anonymous visit one. The same count as
    ``Count(key, distinct=True)`` grouped by commune, which sorts every visit's key
    within each commune: at 1.4 million visits in a year, 8-11 s against 3 s.
    """
    later = Q(helped_on__gte=since or start)
    groups = (
        AssistanceRecord.objects.filter(
            village__commune_id__in=ids, helped_on__gte=start, helped_on__lte=end
        )
        .values(
            "village_id",
            commune=F("village__commune_id"),
            resident=Case(When(ANONYMOUS, then=Value(None)), default=resident_key()),
        )
        .annotate(n=Count("id"), n_since=Count("id", filter=later))
        .order_by()
    )
    inner, params = groups.query.sql_with_params()
    quote = connection.ops.quote_name
    commune, village, resident, n, n_since = (
        quote(c) for c in ("commune", "village_id", "resident", "n", "n_since")
    )
    sql = (
        f"SELECT {commune}, SUM({n}), SUM({n_since}), "  # noqa: S608 - our own names only
        f"SUM(CASE WHEN {resident} IS NULL THEN {n} ELSE 1 END), "
        f"SUM(CASE WHEN {resident} IS NULL THEN {n_since} WHEN {n_since} > 0 THEN 1 ELSE 0 END), "
        f"COUNT(DISTINCT {village}) "
        f"FROM ({inner}) groups GROUP BY {commune}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        pk: {
            "visits": int(visits),
            "visits_since": int(visits_since),
            "residents": int(residents),
            "residents_since": int(residents_since),
            "villages": int(villages),
        }
        for pk, visits, visits_since, residents, residents_since, villages in rows
    }


def commune_figures(
    ids: list[int], start: datetime.date, end: datetime.date
) -> dict[int, dict[str, dict]]:
    """commune id → indicator code → figure for the communes ``ids``, for the period
    ``start``–``end`` (both days included; counts of records "by the end of the period"
    as of its last day)."""
    since, until = _instant(start), _instant(end + datetime.timedelta(days=1))
    in_communes = {"village__commune_id__in": ids}

    villages = _by(
        Village.objects.filter(commune_id__in=ids)
        .values("commune_id")
        .annotate(n=Count("id"))
        .order_by(),
        "commune_id",
    )
    vendors = _by(
        with_followup(
            Vendor.objects.filter(market__village__commune_id__in=ids, created_at__lt=until),
            at=until,
        )
        .annotate(has_account=Exists(PaymentAccount.objects.filter(vendor=OuterRef("pk"))))
        .values("market__village__commune_id")
        .annotate(
            vendors=Count("id"),
            with_qr=Count("id", filter=Q(has_account=True)),
            cashless=Count("id", filter=Q(status=Vendor.Status.CASHLESS)),
            confirmed=Count("id", filter=Q(followup_confirmed=True)),
        )
        .order_by(),
        "market__village__commune_id",
    )
    onboarded = _by(
        Vendor.objects.filter(market__village__commune_id__in=ids)
        .annotate(first=_first_cashless())
        .filter(first__gte=since, first__lt=until)
        .values("market__village__commune_id")
        .annotate(n=Count("id"))
        .order_by(),
        "market__village__commune_id",
    )
    visits = visits_by_commune(ids, start, end)
    services = _by(
        # the period's records joined directly, not a semi-join on their ids: a year of
        # the synthetic province (2.3 million services) in 1.9 s against 2.9 s
        ServiceGiven.objects.filter(
            record__village__commune_id__in=ids,
            record__helped_on__gte=start,
            record__helped_on__lte=end,
        )
        .values("record__village__commune_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(outcome=Outcome.DONE)),
            referred=Count("id", filter=Q(outcome=Outcome.REFERRED)),
            vneid=Count("id", filter=Q(outcome=Outcome.DONE, service=Service.VNEID_ACTIVATED)),
        )
        .order_by(),
        "record__village__commune_id",
    )
    sessions = TrainingSession.objects.filter(
        commune_id__in=ids, starts_at__gte=since, starts_at__lt=until
    )
    webinar = Q(kind=TrainingSession.Kind.WEBINAR)
    session_rows = _by(
        sessions.values("commune_id")
        .annotate(
            n=Count("id"),
            external=Coalesce(Sum("external_participants", filter=webinar), 0),
        )
        .order_by(),
        "commune_id",
    )
    attendances = _by(
        Attendance.objects.filter(session__in=sessions)
        .values("session__commune_id")
        .annotate(
            n=Count("id"),
            webinar=Count("id", filter=Q(session__kind=TrainingSession.Kind.WEBINAR)),
            volunteers=Count("volunteer_id", distinct=True),
            walk_ins=Count(_walk_in_key(), filter=Q(volunteer__isnull=True), distinct=True),
        )
        .order_by(),
        "session__commune_id",
    )
    points = _by(
        LibraryPoint.objects.filter(**in_communes)
        .values("village__commune_id")
        .annotate(
            open=Count("id", filter=Q(active=True)),
            covered=Count("village_id", filter=Q(active=True), distinct=True),
        )
        .order_by(),
        "village__commune_id",
    )
    scans = _by(
        PointDailyCount.objects.filter(
            point__village__commune_id__in=ids, day__gte=start, day__lte=end
        )
        .values("point__village__commune_id")
        .annotate(n=Sum("visits"))
        .order_by(),
        "point__village__commune_id",
    )
    volunteers = _by(
        Volunteer.objects.filter(**in_communes, active=True)
        .values("village__commune_id")
        .annotate(members=Count("id"), tech=Count("id", filter=Q(on_tech_team=True)))
        .order_by(),
        "village__commune_id",
    )

    figures = {}
    for pk in ids:
        v = vendors.get(pk, {})
        n_vendors, cashless, confirmed = (v.get(k, 0) for k in ("vendors", "cashless", "confirmed"))
        r = visits.get(pk, {})
        s = services.get(pk, {})
        a = attendances.get(pk, {})
        p = points.get(pk, {})
        n_villages = villages.get(pk, {}).get("n", 0)
        n_visits = r.get("visits", 0)
        active = volunteers.get(pk, {}).get("members", 0)
        figures[pk] = {
            "market.vendors": _figure(n_vendors),
            "market.vendors_with_qr": _figure(v.get("with_qr", 0)),
            "market.vendors_cashless": _figure(cashless),
            "market.cashless_share": _figure(_share(cashless, n_vendors), cashless, n_vendors),
            "market.vendors_confirmed": _figure(confirmed),
            "market.confirmed_share": _figure(_share(confirmed, n_vendors), confirmed, n_vendors),
            "market.onboarded": _figure(onboarded.get(pk, {}).get("n", 0)),
            "assistance.visits": _figure(n_visits),
            "assistance.residents": _figure(r.get("residents", 0)),
            "assistance.services": _figure(s.get("total", 0)),
            "assistance.services_done": _figure(s.get("done", 0)),
            "assistance.vneid_accounts": _figure(s.get("vneid", 0)),
            "assistance.referred": _figure(s.get("referred", 0)),
            "trainings.sessions": _figure(session_rows.get(pk, {}).get("n", 0)),
            "trainings.attendances": _figure(a.get("n", 0)),
            "trainings.people_trained": _figure(a.get("volunteers", 0) + a.get("walk_ins", 0)),
            "trainings.webinar_audience": _figure(
                a.get("webinar", 0) + session_rows.get(pk, {}).get("external", 0)
            ),
            "library.points_active": _figure(p.get("open", 0)),
            "library.villages": _figure(n_villages),
            "library.coverage": _figure(
                _share(p.get("covered", 0), n_villages), p.get("covered", 0), n_villages
            ),
            "library.scans": _figure(scans.get(pk, {}).get("n", 0)),
            "volunteers.active": _figure(active),
            "volunteers.tech_team": _figure(volunteers.get(pk, {}).get("tech", 0)),
            "volunteers.visits_per_volunteer": _figure(
                round(n_visits / active, 2) if active else None, n_visits, active
            ),
            "volunteers.villages_covered": _figure(r.get("villages", 0)),
        }
    return figures


def people_trained(ids: list[int], start: datetime.date, end: datetime.date) -> int:
    """Different people trained in all these communes together (a volunteer present in
    two communes' sessions is one person): the province's total, not a sum."""
    people = Attendance.objects.filter(
        session__commune_id__in=ids,
        session__starts_at__gte=_instant(start),
        session__starts_at__lt=_instant(end + datetime.timedelta(days=1)),
    ).aggregate(
        volunteers=Count("volunteer_id", distinct=True),
        walk_ins=Count(_walk_in_key(), filter=Q(volunteer__isnull=True), distinct=True),
    )
    return people["volunteers"] + people["walk_ins"]
