"""Every indicator against a small world whose answers are worked out by hand.

October 2026 in Chư Prông: two villages (Thôn 3 and Làng Kte), records just
outside the period and in another commune that must not be counted. The same
tests run on SQLite and on PostgreSQL (CI runs the suite on both).
"""

import datetime

import pytest
from django.utils import timezone

from legal_library.models import Category, DocumentDailyCount, PointDailyCount
from market.models import Vendor, VendorStatusChange
from reports import reporting
from reports.indicators import BY_CODE, INDICATORS, TABLES
from tests.factories import VillageFactory
from tests.legal_library.factories import DocumentFactory, PointFactory
from tests.market.factories import (
    MarketFactory,
    PaymentAccountFactory,
    VendorFactory,
    VendorFollowUpFactory,
)
from tests.trainings.factories import AttendanceFactory, TrainingSessionFactory, topic
from tests.volunteers.factories import AssistanceRecordFactory, CampaignFactory, VolunteerFactory
from trainings.models import TrainingSession

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 10, 1)
END = datetime.date(2026, 10, 31)


def at(day: str, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


def _vendor(market, status, *, created="2026-09-01", account=True, cashless_on=()):
    vendor = VendorFactory(market=market, status=status)
    Vendor.objects.filter(pk=vendor.pk).update(created_at=at(created))
    if account:
        PaymentAccountFactory(vendor=vendor)
    for day in cashless_on:
        VendorStatusChange.objects.create(
            vendor=vendor, status=Vendor.Status.CASHLESS, changed_at=at(day)
        )
    if cashless_on:
        Vendor.objects.filter(pk=vendor.pk).update(status_changed_at=at(cashless_on[-1]))
    return vendor


def _followups(vendor, *answers):
    for day, answer in answers:
        VendorFollowUpFactory(vendor=vendor, answer=answer, answered_at=at(day))


@pytest.fixture
def world(commune, village_a, village_b, other_village):
    cashless, not_yet = Vendor.Status.CASHLESS, Vendor.Status.NOT_YET
    market_a = MarketFactory(village=village_a, name="Trung tâm thương mại xã")
    market_b = MarketFactory(village=village_b, name="Chợ tạm thôn 3")
    w = {}
    w["v1"] = _vendor(market_a, cashless, cashless_on=["2026-10-10"])
    w["v2"] = _vendor(market_a, cashless, account=False, cashless_on=["2026-09-15"])
    _vendor(market_a, not_yet)
    _vendor(market_a, Vendor.Status.ONBOARDING, account=False)
    _vendor(market_a, cashless, created="2026-11-03", cashless_on=["2026-11-05"])  # after
    b1 = _vendor(market_b, cashless, cashless_on=["2026-05-01", "2026-07-01"])
    _vendor(market_b, not_yet, account=False)
    x1 = _vendor(MarketFactory(village=other_village), cashless, cashless_on=["2026-10-02"])
    # follow-ups: v1 confirmed; v2's latest is a "no"; b1's "yes" are before the 90
    # days that end with October and after it; another commune's is not counted
    yes, no = "yes", "no"
    _followups(w["v1"], ("2026-09-01", yes), ("2026-10-25", yes))  # the first before cashless
    _followups(w["v2"], ("2026-10-01", yes), ("2026-10-20", no))
    _followups(b1, ("2026-08-01", yes), ("2026-11-02", yes))
    _followups(x1, ("2026-10-20", yes))

    a1 = VolunteerFactory(village=village_a, full_name="Ksor Y Bim", on_tech_team=True)
    a2 = VolunteerFactory(village=village_a, full_name="Nguyễn Văn Đức", on_tech_team=False)
    VolunteerFactory(village=village_a, active=False)
    b1 = VolunteerFactory(village=village_b, full_name="Rơ Châm Thuận", on_tech_team=True)
    VolunteerFactory(village=other_village)
    campaign = w["campaign"] = CampaignFactory(
        commune=commune, starts_on=d("2026-10-01"), ends_on=d("2026-10-15"), goal=10
    )

    def record(village, day, services, volunteers=(), **resident):
        return AssistanceRecordFactory(
            village=village,
            helped_on=d(day),
            services=services,
            volunteers=list(volunteers),
            resident_name=resident.pop("name", ""),
            **resident,
        )

    w["r1"] = record(
        village_a,
        "2026-10-02",
        {"vneid_activated": "done", "payment_app": "done"},
        [a1],
        name="Rơ Mah Hồng",
        resident_birth_year=1960,
        resident_phone="0912000001",
    )
    w["r2"] = record(
        village_a,
        "2026-10-09",
        {"vneid_created": "done"},
        [a1],
        name="Rơ Mah Hồng",
        resident_birth_year=1960,
    )
    record(village_a, "2026-10-10", {"sim_owner": "referred"}, [a1, a2])
    w["r4"] = record(
        village_a, "2026-10-11", {"fee_paid": "follow_up"}, resident_phone="0912000001"
    )
    record(
        village_b,
        "2026-10-03",
        {"vneid_activated": "referred"},
        [b1],
        name="Siu Hiam",
        resident_birth_year=1985,
        campaign=campaign,
    )
    record(village_b, "2026-10-04", {"public_service": "done"}, name="Ksor Nam", campaign=campaign)
    record(village_a, "2026-09-30", {"other": "done"}, [a1])  # before the period
    record(other_village, "2026-10-05", {"fee_paid": "done"})  # another commune
    w["future"] = record(
        village_a, (timezone.localdate() + datetime.timedelta(days=5)).isoformat(), {}
    )

    class_ = TrainingSessionFactory(
        commune=commune,
        kind=TrainingSession.Kind.CLASS,
        starts_at=at("2026-10-12", 8),
        capacity=2,
        topics=[topic("dich-vu-cong-truc-tuyen"), topic("vneid")],
    )
    webinar = TrainingSessionFactory(
        commune=commune,
        kind=TrainingSession.Kind.WEBINAR,
        starts_at=at("2026-10-20", 14),
        external_participants=300,
        topics=[topic("an-toan-thong-tin")],
    )
    AttendanceFactory(session=class_, volunteer=a1)
    AttendanceFactory(session=class_, volunteer=a2)
    AttendanceFactory(session=class_, name="Khách mời Đinh Văn A", village=village_a)
    AttendanceFactory(session=webinar, volunteer=a1)
    later = TrainingSessionFactory(commune=commune, starts_at=at("2026-11-02"))
    AttendanceFactory(session=later, volunteer=b1)
    elsewhere = TrainingSessionFactory(commune=other_village.commune, starts_at=at("2026-10-12"))
    AttendanceFactory(session=elsewhere, name="Người xã khác")

    point_a = PointFactory(village=village_a)
    point_b = PointFactory(village=village_b, active=False)
    point_x = PointFactory(village=other_village)
    for point, day, visits in [
        (point_a, "2026-10-05", 10),
        (point_a, "2026-10-06", 5),
        (point_a, "2026-09-30", 99),
        (point_b, "2026-10-07", 2),
        (point_x, "2026-10-05", 50),
    ]:
        PointDailyCount.objects.create(point=point, day=d(day), visits=visits)
    family = Category.objects.create(name="Hôn nhân và gia đình thử", slug="hon-nhan-thu")
    d1 = DocumentFactory(title="Luật Hôn nhân và gia đình")
    d1.categories.set([family])
    d2 = DocumentFactory(title="Bản nháp", published=False)
    d2.categories.set([family])
    d3 = DocumentFactory(title="Luật Giao thông đường bộ")
    # reads of the text and plays of the audio readings, both reads (issue 14 §5)
    for document, day, reads, listens in [
        (d1, "2026-10-08", 8, 3),
        (d2, "2026-10-08", 5, 4),
        (d3, "2026-10-09", 2, 0),
    ]:
        DocumentDailyCount.objects.create(
            document=document, day=d(day), reads=reads, listens=listens
        )
    return w


def figures(data: dict) -> dict:
    return {code: f["value"] for code, f in data["indicators"].items()}


def test_every_indicator_of_the_commune(world, commune):
    data = reporting.compute(reporting.Scope.of(commune), START, END, kind="month")
    assert figures(data) == {
        "market.vendors": 6,
        "market.vendors_with_qr": 3,
        "market.vendors_cashless": 3,
        "market.cashless_share": 50.0,
        "market.vendors_confirmed": 1,
        "market.confirmed_share": 16.7,
        "market.onboarded": 1,
        "assistance.visits": 6,
        "assistance.residents": 5,
        "assistance.services": 7,
        "assistance.services_done": 4,
        "assistance.vneid_accounts": 1,
        "assistance.referred": 2,
        "trainings.sessions": 2,
        "trainings.attendances": 4,
        "trainings.people_trained": 3,
        "trainings.webinar_audience": 301,
        "library.points_active": 1,
        "library.villages": 2,
        "library.coverage": 50.0,
        "library.scans": 17,
        "library.reads": 13,
        "volunteers.active": 3,
        "volunteers.tech_team": 2,
        "volunteers.visits_per_volunteer": 2.0,
        "volunteers.villages_covered": 2,
    }
    assert set(data["indicators"]) == {i.code for i in INDICATORS}
    share = data["indicators"]["market.cashless_share"]
    assert (share["numerator"], share["denominator"]) == (3, 6)
    assert BY_CODE["market.cashless_share"].reached(share["value"]) is False
    assert data["scope"]["name"] == "Chư Prông"
    assert data["period"] == {"kind": "month", "start": "2026-10-01", "end": "2026-10-31"}


def test_tables_of_the_commune(world, commune):
    tables = reporting.compute(reporting.Scope.of(commune), START, END)["tables"]
    assert set(tables) == {t.key for t in TABLES}
    assert tables["markets"] == [
        {
            "market": "Trung tâm thương mại xã",
            "village": "Thôn 3",
            "vendors": 4,
            "with_qr": 2,
            "cashless": 2,
            "share": 50.0,
            "confirmed": 1,
            "confirmed_share": 25.0,
        },
        {
            "market": "Chợ tạm thôn 3",
            "village": "Làng Kte",
            "vendors": 2,
            "with_qr": 1,
            "cashless": 1,
            "share": 50.0,
            "confirmed": 0,
            "confirmed_share": 0.0,
        },
    ]
    trend = tables["market_trend"]
    assert [r["month"] for r in trend] == [f"2025-{m}" for m in ("11", "12")] + [
        f"2026-{m:02d}" for m in range(1, 11)
    ]
    assert {r["month"]: r["onboarded"] for r in trend if r["onboarded"]} == {
        "2026-05": 1,
        "2026-09": 1,
        "2026-10": 1,
    }
    assert trend[-1]["cashless_total"] == 3
    services = {r["service"]: r for r in tables["services"]}
    assert services["vneid_activated"] == {
        "service": "vneid_activated",
        "done": 1,
        "referred": 1,
        "follow_up": 0,
        "total": 2,
    }
    assert services["fee_paid"]["follow_up"] == 1
    assert services["other"]["total"] == 0  # the September visit is outside the period
    assert tables["campaigns"] == [
        {"campaign": world["campaign"].name, "goal": 10, "visits": 2, "residents": 2, "share": 20.0}
    ]
    assert [(r["day"], r["visits"]) for r in tables["campaign_days"]] == [
        ("2026-10-03", 1),
        ("2026-10-04", 1),
    ]
    assert {
        r["kind"]: (r["sessions"], r["attendances"], r["external"])
        for r in tables["training_kinds"]
    } == {"class": (1, 3, 0), "practice": (0, 0, 0), "webinar": (1, 1, 300)}
    assert {r["topic"]: (r["sessions"], r["attendances"]) for r in tables["training_topics"]} == {
        "Dịch vụ công trực tuyến": (1, 3),
        "Định danh điện tử VNeID": (1, 3),
        "An toàn thông tin": (1, 1),
    }
    assert [(r["day"], r["attendances"], r["external"]) for r in tables["webinars"]] == [
        ("2026-10-20", 1, 300)
    ]
    assert [r["scans"] for r in tables["library_points"]] == [15, 2]
    assert tables["library_categories"] == [{"category": "Hôn nhân và gia đình thử", "reads": 11}]
    assert tables["top_documents"] == [
        {"document": "Luật Hôn nhân và gia đình", "reads": 11},
        {"document": "Luật Giao thông đường bộ", "reads": 2},
    ]
    assert tables["volunteer_visits"] == [
        {"volunteer": "Ksor Y Bim", "village": "Thôn 3", "visits": 3},
        {"volunteer": "Nguyễn Văn Đức", "village": "Thôn 3", "visits": 1},
        {"volunteer": "Rơ Châm Thuận", "village": "Làng Kte", "visits": 1},
    ]
    assert tables["villages"] == [
        {
            "village": "Thôn 3",
            "vendors": 4,
            "cashless": 2,
            "share": 50.0,
            "confirmed_share": 25.0,
            "visits": 4,
            "residents": 3,
            "services": 5,
            "volunteers": 2,
            "attendances": 4,
            "scans": 15,
        },
        {
            "village": "Làng Kte",
            "vendors": 2,
            "cashless": 1,
            "share": 50.0,
            "confirmed_share": 0.0,
            "visits": 2,
            "residents": 2,
            "services": 2,
            "volunteers": 1,
            "attendances": 0,
            "scans": 2,
        },
    ]


def test_data_quality_checks(world, commune):
    checks = {
        c["code"]: c for c in reporting.compute(reporting.Scope.of(commune), START, END)["checks"]
    }
    assert checks["duplicate_phone"]["ids"] == sorted([world["r1"].pk, world["r4"].pk])
    assert checks["duplicate_name"]["ids"] == sorted([world["r1"].pk, world["r2"].pk])
    assert checks["cashless_without_account"]["ids"] == [world["v2"].pk]
    assert checks["future_visits"]["ids"] == [world["future"].pk]
    assert checks["over_capacity"]["count"] == 1


def test_one_village(world, commune, village_b):
    data = reporting.compute(reporting.Scope.of(commune, village_b), START, END)
    values = figures(data)
    assert values["market.vendors"] == 2
    assert values["market.cashless_share"] == 50.0
    assert values["assistance.visits"] == 2
    assert values["assistance.residents"] == 2
    assert values["library.coverage"] == 0.0
    assert values["volunteers.active"] == 1
    assert values["trainings.sessions"] == 0  # the commune's sessions are not the branch's
    assert [r["village"] for r in data["tables"]["villages"]] == ["Làng Kte"]
    assert data["scope"]["level"] == "village"


def test_empty_commune_divides_by_nothing(commune):
    values = figures(reporting.compute(reporting.Scope.of(commune), START, END))
    assert values["market.cashless_share"] is None
    assert values["volunteers.visits_per_volunteer"] is None
    assert values["assistance.visits"] == 0


def test_query_count_does_not_grow_with_data(world, commune, django_assert_num_queries):
    # 33 GROUP BY / aggregate queries: none per village, market, record or session
    scope = reporting.Scope.of(commune)
    with django_assert_num_queries(33):
        reporting.compute(scope, START, END)
    for _n in range(20):
        village = VillageFactory(commune=commune)
        AssistanceRecordFactory(village=village, helped_on=d("2026-10-15"))
        _vendor(MarketFactory(village=village), Vendor.Status.CASHLESS)
    with django_assert_num_queries(33):
        reporting.compute(scope, START, END)


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        ("month", "2026-02-14", ("2026-02-01", "2026-02-28")),
        ("month", "2028-02-14", ("2028-02-01", "2028-02-29")),
        ("quarter", "2026-11-27", ("2026-10-01", "2026-12-31")),
        ("quarter", "2026-01-01", ("2026-01-01", "2026-03-31")),
        ("year", "2026-06-30", ("2026-01-01", "2026-12-31")),
    ],
)
def test_period_bounds(kind, day, expected):
    assert reporting.period_bounds(kind, d(day)) == (d(expected[0]), d(expected[1]))


def test_previous_month():
    assert reporting.previous_month(d("2027-01-01")) == (d("2026-12-01"), d("2026-12-31"))


def test_a_check_counts_everything_but_keeps_fifty_ids(commune, village_a):
    future = timezone.localdate() + datetime.timedelta(days=2)
    records = [AssistanceRecordFactory(village=village_a, helped_on=future) for _ in range(53)]
    checks = {
        c["code"]: c for c in reporting.compute(reporting.Scope.of(commune), START, END)["checks"]
    }
    assert checks["future_visits"]["count"] == 53
    assert checks["future_visits"]["ids"] == [r.pk for r in records][: reporting.CHECK_IDS]
