"""``manage.py seed_scale``: the synthetic province for benchmarks, at tiny sizes.

The command exists only under bench.settings (the ``bench`` app); the tests call its
module's Command directly, on the suite's settings.

Runs on the suite's database: SQLite (executemany) by default, PostgreSQL (COPY)
when DATABASE_URL points at one.
"""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max, Min
from django.utils import timezone

from bench.management.commands import seed_scale
from bench.management.commands.seed_scale import (
    HISTORY_DAYS,
    POINT_PREFIX,
    PROVINCE,
    SLUG_PREFIX,
    TOUCHED,
)
from core.models import Commune, User, Village
from legal_library.models import (
    Category,
    Document,
    DocumentDailyCount,
    LibraryPoint,
    PointDailyCount,
)
from market.models import Bank, Market, PaymentAccount, Vendor, VendorStatusChange
from tests.factories import CommuneFactory, UserFactory
from tests.legal_library.factories import DocumentFactory, PointFactory
from tests.market.factories import PaymentAccountFactory, VendorFactory
from tests.trainings.factories import AttendanceFactory, TrainingSessionFactory
from tests.volunteers.factories import AssistanceRecordFactory, VolunteerFactory
from trainings.models import Attendance, Topic, TrainingSession
from volunteers.models import (
    AssistanceRecord,
    Campaign,
    Outcome,
    Service,
    ServiceGiven,
    Volunteer,
)

pytestmark = pytest.mark.django_db

SMALL = {
    "communes": 2,
    "villages": 7,
    "vendors": 40,
    "records": 250,
    "scans": 300,
    "points": 4,
    "documents": 6,
    "seed": 7,
    "batch": 64,  # several chunks per big table
}
RecordLinks = AssistanceRecord.volunteers.through


def seed(**options) -> str:
    out = io.StringIO()
    call_command(seed_scale.Command(), force=True, stdout=out, **options)
    return out.getvalue()


def in_province(model, path: str):
    return model.objects.filter(**{f"{path}__name": PROVINCE})


def snapshot() -> dict:
    """Every row of every table the command writes, by model and id."""
    models = [*TOUCHED, Category, Bank, Topic, User]
    return {
        model._meta.label: {row["id"]: row for row in model.objects.values()} for model in models
    }


def fingerprint() -> dict:
    """What a seed decides (not the random tokens and codes, nor the ids)."""
    records = in_province(AssistanceRecord, "village__commune__province").order_by("pk")
    return {
        "villages": list(
            in_province(Village, "commune__province").order_by("pk").values_list("code", "name")
        ),
        "vendors": list(
            in_province(Vendor, "market__village__commune__province")
            .order_by("pk")
            .values_list("full_name", "stall", "status", "status_changed_at")
        ),
        "records": list(
            records.values_list("village__code", "helped_on", "resident_name", "resident_phone")
        ),
        "services": list(
            ServiceGiven.objects.filter(record__in=records)
            .order_by("record", "service")
            .values_list("service", "outcome")
        ),
        "links": RecordLinks.objects.filter(assistancerecord__in=records).count(),
        "attendances": Attendance.objects.filter(session__commune__province__name=PROVINCE).count(),
        "visits": list(
            PointDailyCount.objects.filter(point__code__startswith=POINT_PREFIX)
            .order_by("point__code", "day")
            .values_list("visits", flat=True)
        ),
    }


def test_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command(seed_scale.Command(), communes=1, villages=1, stdout=io.StringIO())
    assert not Commune.objects.filter(province__name=PROVINCE).exists()


def test_runs_with_debug_on(settings):
    settings.DEBUG = True
    call_command(seed_scale.Command(), **SMALL, stdout=io.StringIO())
    assert Commune.objects.filter(province__name=PROVINCE).count() == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"communes": 3, "villages": 2}, "--villages must be >="),
        ({"scale": 0}, "--scale"),
        ({"vendors": -1}, "negative"),
        ({"scans": 10, "points": 0}, "--points"),
        ({"batch": 0}, "--batch"),
    ],
)
def test_bad_sizes_are_refused(options, message):
    with pytest.raises(CommandError, match=message):
        seed(**{**SMALL, **options})


def test_exact_sizes_and_constraints():
    output = seed(**SMALL)
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=HISTORY_DAYS - 1)
    assert "Synthetic province" in output and "assistance records" in output

    communes = in_province(Commune, "province")
    assert list(communes.order_by("code").values_list("code", flat=True)) == [
        "SEED001",
        "SEED002",
    ]
    assert all(c.slug.startswith(SLUG_PREFIX) for c in communes)
    villages = in_province(Village, "commune__province")
    assert villages.count() == 7
    assert all(c.villages.exists() for c in communes)
    codes = list(villages.values_list("commune", "code"))
    assert len(set(codes)) == len(codes)

    markets = in_province(Market, "village__commune__province")
    assert markets.count() == 2 * 2
    vendors = in_province(Vendor, "market__village__commune__province")
    assert vendors.count() == 40
    assert in_province(Vendor, "village__commune__province").count() == 40
    for vendor in vendors.select_related("market__village", "village"):
        assert vendor.village.commune_id == vendor.market.village.commune_id
        assert len(vendor.token) == 16
    assert vendors.values("token").distinct().count() == 40
    stalls = list(vendors.exclude(stall="").values_list("market", "stall"))
    assert len(set(stalls)) == len(stalls)
    assert set(vendors.values_list("status", flat=True)) <= set(Vendor.Status.values)
    changes = VendorStatusChange.objects.filter(vendor__in=vendors)
    assert changes.count() == 40 + vendors.exclude(status="not_yet").count()
    for vendor in vendors.exclude(status="not_yet"):
        last = vendor.status_changes.order_by("changed_at").last()
        assert (last.status, last.changed_at) == (vendor.status, vendor.status_changed_at)
        assert last.changed_at.date() >= first_day - dt.timedelta(days=1)
    accounts = PaymentAccount.objects.filter(vendor__in=vendors)
    assert 0 < accounts.count() <= 40
    assert accounts.values("vendor").distinct().count() == accounts.count()
    assert not accounts.filter(is_primary=False).exists()
    assert accounts.filter(vendor__status="cashless").count() == (
        vendors.filter(status="cashless").count()
    )

    volunteers = in_province(Volunteer, "village__commune__province")
    assert volunteers.count() == 7 * 10
    assert volunteers.filter(branch_role="secretary").count() == 7
    phones = list(volunteers.exclude(phone="").values_list("village", "phone"))
    assert len(set(phones)) == len(phones)

    campaigns = in_province(Campaign, "commune__province")
    assert campaigns.count() == 2 * 3
    for campaign in campaigns:
        assert campaign.ends_on >= campaign.starts_on
        assert {v.commune_id for v in campaign.villages.all()} == {campaign.commune_id}

    sessions = in_province(TrainingSession, "commune__province")
    assert sessions.count() == 2 * 20
    assert sessions.values("checkin_code").distinct().count() == 40
    attendances = Attendance.objects.filter(session__in=sessions)
    assert attendances.exists()
    assert attendances.values("certificate_code").distinct().count() == attendances.count()
    pairs = list(attendances.exclude(volunteer=None).values_list("session", "volunteer"))
    assert len(set(pairs)) == len(pairs)
    assert not attendances.filter(session__ends_at__gt=timezone.now()).exists()

    records = in_province(AssistanceRecord, "village__commune__province")
    assert records.count() == 250
    days = list(records.order_by("pk").values_list("helped_on", flat=True))
    assert days == sorted(days)  # ids follow the dates, as in a table filled day by day
    assert records.aggregate(first=Min("helped_on"), last=Max("helped_on"))["first"] >= first_day
    assert records.aggregate(last=Max("helped_on"))["last"] <= today
    assert records.filter(resident_name="").exists() and records.exclude(resident_name="").exists()
    per_record = records.annotate(n=Count("services")).aggregate(low=Min("n"), high=Max("n"))
    assert (per_record["low"], per_record["high"]) == (1, 3)
    services = ServiceGiven.objects.filter(record__in=records)
    assert set(services.values_list("service", flat=True)) <= set(Service.values)
    assert set(services.values_list("outcome", flat=True)) <= set(Outcome.values)
    pairs = list(services.values_list("record", "service"))
    assert len(set(pairs)) == len(pairs)
    helpers = records.annotate(n=Count("volunteers")).aggregate(low=Min("n"), high=Max("n"))
    assert (helpers["low"], helpers["high"]) == (1, 2)
    links = RecordLinks.objects.filter(assistancerecord__in=records)
    assert not links.exclude(volunteer__village=F("assistancerecord__village")).exists()
    for record in records.exclude(campaign=None).select_related("campaign"):
        assert record.campaign.starts_on <= record.helped_on <= record.campaign.ends_on
        assert record.campaign.villages.filter(pk=record.village_id).exists()

    points = LibraryPoint.objects.filter(village__commune__province__name=PROVINCE)
    assert sorted(points.values_list("code", flat=True)) == [
        f"{POINT_PREFIX}{n:05d}" for n in range(1, 5)
    ]
    counts = PointDailyCount.objects.filter(point__in=points)
    assert counts.count() == 300
    days = list(counts.order_by("pk").values_list("day", flat=True))
    assert days == sorted(days)
    for point in points:
        days = point.daily_counts.aggregate(n=Count("id"), first=Min("day"), last=Max("day"))
        assert days == {"n": 75, "first": today - dt.timedelta(days=74), "last": today}
        assert point.opened_on == days["first"]
    assert not counts.filter(visits__lt=1).exists()

    documents = Document.objects.filter(slug__startswith=SLUG_PREFIX)
    assert documents.count() == 6
    assert all(d.search_text and d.body_html for d in documents)
    reads = DocumentDailyCount.objects.filter(document__in=documents)
    for row in reads.values("document").annotate(n=Count("id"), first=Min("day"), last=Max("day")):
        assert row["last"] == today
        assert row["n"] == (row["last"] - row["first"]).days + 1  # one per day, no gap
    assert not DocumentDailyCount.objects.exclude(document__in=documents).exists()


def test_scale_multiplies_every_default_size():
    seed(scale=0.001)
    assert in_province(Commune, "province").count() == 1
    assert in_province(Village, "commune__province").count() == 4
    assert in_province(Vendor, "market__village__commune__province").count() == 30
    assert in_province(AssistanceRecord, "village__commune__province").count() == 2_000
    assert (
        LibraryPoint.objects.filter(code__startswith=POINT_PREFIX).count() == 4
    )  # one per village
    assert PointDailyCount.objects.filter(point__code__startswith=POINT_PREFIX).count() == 5_000
    assert Document.objects.filter(slug__startswith=SLUG_PREFIX).count() == 1


def test_second_run_refuses_and_reset_replaces():
    seed(**SMALL)
    before = fingerprint()
    with pytest.raises(CommandError, match="--reset"):
        seed(**SMALL)
    assert fingerprint() == before

    output = seed(**{**SMALL, "communes": 1, "villages": 3, "records": 90}, reset=True)
    assert "Deleting the previous synthetic province" in output
    assert in_province(Commune, "province").count() == 1
    assert in_province(Village, "commune__province").count() == 3
    assert in_province(AssistanceRecord, "village__commune__province").count() == 90
    assert in_province(Volunteer, "village__commune__province").count() == 30
    assert in_province(Vendor, "market__village__commune__province").count() == 40
    assert Document.objects.filter(slug__startswith=SLUG_PREFIX).count() == 6
    assert PointDailyCount.objects.count() == 300


def test_if_missing_seeds_once():
    seed(**SMALL, if_missing=True)
    first = fingerprint()
    output = seed(**{**SMALL, "seed": 8}, if_missing=True)
    assert "already there" in output
    assert fingerprint() == first
    with pytest.raises(CommandError, match="contradict"):
        seed(**SMALL, if_missing=True, reset=True)


def test_same_seed_same_data():
    seed(**SMALL)
    first = fingerprint()
    seed(**SMALL, reset=True)
    assert fingerprint() == first
    seed(**{**SMALL, "seed": 8}, reset=True)
    assert fingerprint() != first


def test_data_outside_the_province_is_untouched(commune, village_a, other_village):
    record = AssistanceRecordFactory(
        village=village_a, services={"vneid_created": "done", "payment_app": "referred"}
    )
    record.volunteers.set([VolunteerFactory(village=village_a)])
    account = PaymentAccountFactory(vendor=VendorFactory(market__village=other_village))
    AttendanceFactory(session=TrainingSessionFactory(commune=commune), name="Khách mời")
    campaign = Campaign.objects.create(
        commune=commune,
        name="Chiến dịch thật",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    campaign.villages.set([village_a])
    point = PointFactory(village=village_a, code="T03")
    PointDailyCount.objects.create(point=point, day=timezone.localdate(), visits=3)
    document = DocumentFactory()
    DocumentDailyCount.objects.create(document=document, day=timezone.localdate(), reads=2)
    document.categories.set(Category.objects.all()[:1])
    VendorStatusChange.objects.create(
        vendor=account.vendor, status="not_yet", changed_at=timezone.now()
    )
    before = snapshot()

    seed(**SMALL)
    seed(**{**SMALL, "seed": 3}, reset=True)
    after = snapshot()
    for label, rows in before.items():
        assert {pk: after[label][pk] for pk in rows if pk in after[label]} == rows, label

    # The ids the command took leave the sequences usable for ordinary inserts.
    CommuneFactory()
    AssistanceRecordFactory(village=village_a)
    PointDailyCount.objects.create(point=point, day=timezone.localdate() - dt.timedelta(1))


def test_reset_refuses_while_users_belong_to_the_province():
    seed(**SMALL)
    village = Village.objects.filter(commune__province__name=PROVINCE).first()
    UserFactory(username="lac_duong", village=village)
    with pytest.raises(CommandError, match="lac_duong"):
        seed(**SMALL, reset=True)
    assert in_province(Village, "commune__province").count() == 7
