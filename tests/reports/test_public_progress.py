"""The public progress pages: a commune's figures (/xa/<slug>/tien-do/) and its province's
communes side by side (/tinh/<slug>/tien-do/). Anyone reads them; counts only."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from legal_library.models import PointDailyCount
from market.models import Vendor, VendorStatusChange
from reports import public
from tests.factories import CommuneFactory, VillageFactory
from tests.legal_library.factories import DocumentFactory, PointFactory
from tests.market.factories import MarketFactory, VendorFactory
from tests.trainings.factories import AttendanceFactory, TrainingSessionFactory
from tests.volunteers.factories import AssistanceRecordFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)  # the unit tests' "today": mid-month, mid-year


def moment(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def cashless_vendor(market, *, first: datetime.datetime, full_name: str = "") -> Vendor:
    vendor = VendorFactory(market=market, status=Vendor.Status.CASHLESS)
    if full_name:
        Vendor.objects.filter(pk=vendor.pk).update(full_name=full_name)
    VendorStatusChange.objects.create(vendor=vendor, status="cashless", changed_at=first)
    return vendor


@pytest.fixture
def dataset(commune, village_a, village_b, other_commune, other_village, far_commune):
    """A small province: figures known by hand for Chư Prông, a few for Ia Boòng."""
    market = MarketFactory(village=village_a)
    cashless_vendor(market, first=moment(datetime.date(2026, 6, 3)))  # new this month
    cashless_vendor(market, first=moment(datetime.date(2026, 2, 3)))
    # cashless since February, back to cash in April, cashless again in June: not new
    again = cashless_vendor(market, first=moment(datetime.date(2026, 2, 10)))
    VendorStatusChange.objects.create(
        vendor=again, status="cashless", changed_at=moment(datetime.date(2026, 6, 5))
    )
    VendorFactory(market=market)  # not yet
    VendorFactory(market=MarketFactory(village=other_village), status=Vendor.Status.CASHLESS)

    # residents: "Ksor H'Bia" twice in Thôn 3 (one resident, two visits), once in Làng Kte
    # (another village: another resident, as the reports count); two anonymous visits
    for day, village, name in [
        (datetime.date(2026, 3, 2), village_a, "Ksor H'Bia"),
        (datetime.date(2026, 6, 2), village_a, "ksor h'bia"),
        (datetime.date(2026, 6, 10), village_b, "Ksor H'Bia"),
        (datetime.date(2026, 6, 11), village_a, ""),
        (datetime.date(2026, 1, 20), village_b, ""),
        (datetime.date(2025, 12, 31), village_a, "Năm Ngoái"),  # last year: not counted
        (datetime.date(2026, 6, 16), village_a, "Ngày Mai"),  # after today: not counted
    ]:
        AssistanceRecordFactory(
            village=village, helped_on=day, resident_name=name, resident_phone="0912345678"
        )
    AssistanceRecordFactory(village=other_village, helped_on=datetime.date(2026, 6, 1))

    point = PointFactory(village=village_a, code="T03")
    PointFactory(village=village_b, code="L01", active=False)
    for day, visits in [
        (datetime.date(2026, 6, 1), 5),
        (datetime.date(2026, 5, 31), 7),
        (datetime.date(2025, 12, 31), 100),
    ]:
        PointDailyCount.objects.create(point=point, day=day, visits=visits)
    DocumentFactory.create_batch(3)
    DocumentFactory(published=False)

    held = TrainingSessionFactory(commune=commune, starts_at=moment(datetime.date(2026, 6, 4)))
    AttendanceFactory.create_batch(2, session=held)
    spring = TrainingSessionFactory(commune=commune, starts_at=moment(datetime.date(2026, 4, 1)))
    AttendanceFactory(session=spring)
    TrainingSessionFactory(commune=commune, starts_at=moment(datetime.date(2026, 6, 20)))
    TrainingSessionFactory(commune=other_commune, starts_at=moment(datetime.date(2026, 6, 4)))
    TrainingSessionFactory(commune=far_commune, starts_at=moment(datetime.date(2026, 6, 4)))


@pytest.mark.usefixtures("dataset")
def test_figures_for_a_small_dataset(commune, other_commune):
    figures = public.figures_of([commune.pk, other_commune.pk], TODAY)
    mine = figures[commune.pk]
    assert (mine.vendors, mine.cashless, mine.cashless_new_month) == (4, 3, 1)
    assert mine.cashless_share == 75.0
    assert (mine.visits_year, mine.residents_year) == (5, 4)
    assert (mine.visits_month, mine.residents_month) == (3, 3)
    assert (mine.points, mine.point_visits_year, mine.point_visits_month) == (1, 12, 5)
    assert (mine.sessions_year, mine.sessions_month) == (2, 1)
    assert (mine.attendances_year, mine.attendances_month) == (3, 2)
    other = figures[other_commune.pk]
    assert (other.vendors, other.cashless, other.cashless_share) == (1, 1, 100.0)
    assert (other.visits_year, other.residents_year, other.sessions_year) == (1, 1, 1)
    assert public.published_documents() == 3
    months = public.visits_by_month(commune.pk, TODAY)
    assert months == [
        ("01/2026", 1),
        ("02/2026", 0),
        ("03/2026", 1),
        ("04/2026", 0),
        ("05/2026", 0),
        ("06/2026", 3),
    ]


def test_a_commune_with_nothing_has_zeros_and_no_share(far_commune):
    figures = public.figures_of([far_commune.pk], TODAY)[far_commune.pk]
    assert figures.vendors == figures.visits_year == figures.sessions_year == 0
    assert figures.cashless_share is None
    assert public.figures_of([], TODAY) == {}


def test_commune_page_in_vietnamese_without_anyone_named(client, commune, village_a):
    AssistanceRecordFactory(
        village=village_a, resident_name="Ksor H'Bia", resident_phone="0912345678"
    )
    vendor = VendorFactory(
        market=MarketFactory(village=village_a), status=Vendor.Status.CASHLESS, phone="0987654321"
    )
    AttendanceFactory(session=TrainingSessionFactory(commune=commune), name="Rơ Châm Khách")
    response = client.get("/xa/chu-prong/tien-do/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Xã Chư Prông: kết quả" in html or "Chư Prông" in html
    for text in ("người dân", "lượt", "Tiểu thương thanh toán không dùng tiền mặt", "<svg"):
        assert text in html, text
    assert "không bao giờ hỏi tiền" in html  # the sentence against scams
    for secret in ("Ksor", "H'Bia", "H&#x27;Bia", "0912345678", vendor.full_name, "0987654321"):
        assert secret not in html, secret
    assert "Rơ Châm Khách" not in html
    assert "<script" not in html and "https://" not in re.sub(r'xmlns="[^"]*"', "", html)
    assert "/tinh/gia-lai/tien-do/" in html and "/xa/chu-prong/" in html


@pytest.mark.usefixtures("dataset")
def test_province_page_lists_every_commune(client, commune, other_commune, far_commune):
    response = client.get("/tinh/gia-lai/tien-do/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/xa/chu-prong/tien-do/" in html and "/xa/ia-boong/tien-do/" in html
    assert far_commune.name not in html  # another province's commune
    for secret in ("Ksor", "H'Bia", "0912345678", "Người Bán Thứ"):
        assert secret not in html, secret


@pytest.mark.usefixtures("dataset")
def test_province_page_query_count_does_not_grow(
    client, province, commune, django_assert_num_queries
):
    # province, communes, vendors, visits, library points, their visits, sessions,
    # attendances, documents
    with django_assert_num_queries(9):
        assert client.get("/tinh/gia-lai/tien-do/").status_code == 200
    for n in range(12):
        new = CommuneFactory(province=province, name=f"Xã Thêm {n}", slug=f"xa-them-{n}")
        village = VillageFactory(commune=new)
        AssistanceRecordFactory(village=village)
        VendorFactory(market=MarketFactory(village=village))
        TrainingSessionFactory(commune=new)
        PointFactory(village=village)
    cache.clear()
    with django_assert_num_queries(9):
        html = client.get("/tinh/gia-lai/tien-do/").content.decode()
    assert "Xã Thêm 11" in html
    with django_assert_num_queries(1):  # cached: the province only
        assert client.get("/tinh/gia-lai/tien-do/").status_code == 200


@pytest.mark.usefixtures("dataset")
def test_commune_page_query_count_and_cache(client, commune, village_a, django_assert_num_queries):
    # commune, vendors, visits, library points, their visits, sessions, attendances,
    # visits by month, documents
    with django_assert_num_queries(9):
        assert client.get("/xa/chu-prong/tien-do/").status_code == 200
    keys = cached_keys()
    assert any("public-progress" in key and f"commune:{commune.pk}:" in key for key in keys)
    AssistanceRecordFactory(village=village_a)
    with django_assert_num_queries(1):  # within ten minutes: the figures from the cache
        assert client.get("/xa/chu-prong/tien-do/").status_code == 200
    cache.clear()
    with django_assert_num_queries(9):
        assert client.get("/xa/chu-prong/tien-do/").status_code == 200


def cached_keys() -> set[str]:
    """Every key in the real shared cache (LocMemCache, or Redis with REDIS_URL)."""
    if settings.REDIS_URL:
        return {key.decode() for key in cache._cache.get_client(None).scan_iter("*")}
    return set(cache._cache)


def test_cached_figures_are_today_s_and_fresh(commune, village_a):
    today = timezone.localdate()
    AssistanceRecordFactory(village=village_a, helped_on=today)
    assert public.commune_progress(commune, today).figures.visits_year == 1
    AssistanceRecordFactory(village=village_a, helped_on=today)
    assert public.commune_progress(commune, today).figures.visits_year == 1  # cached
    if settings.REDIS_URL:  # a short life in the real Redis: nothing needs to invalidate it
        ttl = cache._cache.get_client(None).ttl(cache.make_key(cache_key(commune)))
        assert 0 < ttl <= public.PUBLIC_SECONDS
    cache.delete(cache_key(commune))
    assert public.commune_progress(commune, today).figures.visits_year == 2


def cache_key(commune) -> str:
    return f"{public.KEY}:commune:{commune.pk}:{timezone.localdate():%Y-%m-%d}"


@pytest.mark.parametrize(
    "path",
    [
        "/xa/khong-co/tien-do/",
        "/tinh/khong-co/tien-do/",
        "/xa/chu-prong/tien-do/x/",
    ],
)
def test_unknown_slug_is_404(client, commune, path):
    assert client.get(path).status_code == 404


def test_only_get(client, commune):
    assert client.post("/xa/chu-prong/tien-do/").status_code == 405
    assert client.post("/tinh/gia-lai/tien-do/").status_code == 405


def test_english_page(client, commune):
    client.get("/ngon-ngu/en/")
    html = client.get("/xa/chu-prong/tien-do/").content.decode()
    assert "Residents helped this year" in html
