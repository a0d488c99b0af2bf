"""The province dashboard: every commune side by side, from aggregate queries."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.utils import timezone

from core.models import Commune
from core.roles import Role
from market.models import Vendor
from reports import selectors
from reports import services as report_services
from reports.province import NOT_PER_COMMUNE, commune_figures
from reports.reporting import Scope, compute
from tests.factories import CommuneFactory, UserFactory, VillageFactory
from tests.legal_library.factories import PointFactory
from tests.market.factories import MarketFactory, PaymentAccountFactory, VendorFactory
from tests.trainings.factories import AttendanceFactory, TrainingSessionFactory
from tests.volunteers.factories import AssistanceRecordFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

URL = "/bao-cao/tinh/"


def _vendors(village, n, cashless):
    market = MarketFactory(village=village)
    for i in range(n):
        status = Vendor.Status.CASHLESS if i < cashless else Vendor.Status.NOT_YET
        vendor = VendorFactory(market=market, status=status)
        if status == Vendor.Status.CASHLESS:
            PaymentAccountFactory(vendor=vendor)


@pytest.fixture
def figures(commune, village_a, village_b, other_commune, other_village, far_village):
    """Chư Prông: 4 vendors (2 cashless), 3 visits; Ia Boòng: 1 vendor (cashless), 1 visit;
    Ea Kar (another province): 5 visits."""
    _vendors(village_a, 4, 2)
    _vendors(other_village, 1, 1)
    for village in (village_a, village_a, village_b):
        AssistanceRecordFactory(village=village)
    AssistanceRecordFactory(village=other_village)
    for _n in range(5):
        AssistanceRecordFactory(village=far_village)
    VolunteerFactory(village=village_a, active=True)
    PointFactory(village=village_a, active=True)
    session = TrainingSessionFactory(commune=commune)
    AttendanceFactory(session=session)


def _communes_in(html: str) -> list[str]:
    table = html[html.index('id="communes"') : html.index("<tfoot>")]
    names = ["Chư Prông", "Ia Boòng", "Ea Kar"]
    return sorted((n for n in names if n in table), key=table.index)


def test_a_province_officer_sees_their_provinces_communes(client, province_officer, figures):
    client.force_login(province_officer)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert _communes_in(html) == ["Chư Prông", "Ia Boòng"]
    commune = Commune.objects.get(name="Chư Prông")
    assert f'href="/bao-cao/?xa={commune.pk}"' in html  # each row opens the commune's dashboard
    assert "<script" not in html.split("<main", 1)[-1]


def test_the_far_province_officer_sees_none_of_gia_lai(client, far_province_officer, figures):
    client.force_login(far_province_officer)
    gia_lai = Commune.objects.get(name="Chư Prông").province
    html = client.get(f"{URL}?tinh={gia_lai.pk}").content.decode()  # the choice is ignored
    assert _communes_in(html) == ["Ea Kar"]
    response = client.get(f"/bao-cao/tinh/tai/xlsx/?tinh={gia_lai.pk}")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Chư Prông" not in str([list(r) for r in book.worksheets[0].values])


def test_a_superuser_chooses_the_province(client, figures, far_province):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    html = client.get(f"{URL}?tinh={far_province.pk}").content.decode()
    assert _communes_in(html) == ["Ea Kar"]


@pytest.mark.parametrize("who", ["officer", "volunteer", "secretary_a", "vendor"])
@pytest.mark.parametrize("url", [URL, "/bao-cao/tinh/tai/xlsx/"])
def test_nobody_else_opens_it(request, client, who, url):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [URL, "/bao-cao/tinh/tai/xlsx/"])
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_sorted_by_any_column(client, province_officer, figures):
    client.force_login(province_officer)
    html = client.get(f"{URL}?sap-xep=assistance.visits&chieu=giam").content.decode()
    assert _communes_in(html) == ["Chư Prông", "Ia Boòng"]
    html = client.get(f"{URL}?sap-xep=assistance.visits").content.decode()
    assert _communes_in(html) == ["Ia Boòng", "Chư Prông"]
    html = client.get(f"{URL}?chieu=giam").content.decode()  # by name, Z to A
    assert _communes_in(html) == ["Ia Boòng", "Chư Prông"]
    assert client.get(f"{URL}?sap-xep=<script>").status_code == 200  # unknown: by name


def test_totals_recompute_shares_and_spread(province, figures):
    board = selectors.province_board(province, timezone.localdate())
    assert board.totals["market.vendors"] == 5
    # 3 cashless of 5 vendors: 60%, not the average of 50% and 100%
    assert board.totals["market.cashless_share"] == 60.0
    assert board.totals["assistance.visits"] == 4  # Ea Kar's are another province's
    assert board.spread["assistance.visits"] == (1, 2, 3)  # min, median, max
    assert board.spread["market.cashless_share"] == (50.0, 75.0, 100.0)
    assert board.totals["trainings.people_trained"] == 1
    assert board.totals["volunteers.visits_per_volunteer"] == 4.0  # 4 visits ÷ 1 volunteer
    assert "library.reads" not in board.totals


def test_furthest_from_target(province, commune, other_commune, province_officer, figures):
    year = timezone.localdate().year
    for c, target in ((commune, 10), (other_commune, 2)):
        report_services.target_set(
            commune=c,
            indicator="assistance.visits",
            year=year,
            value=Decimal(target),
            actor=province_officer,
        )
    board = selectors.province_board(province, timezone.localdate(), "year")
    behind = board.furthest["assistance.visits"]
    assert [(r.name, done) for r, done in behind] == [("Chư Prông", 30.0), ("Ia Boòng", 50.0)]
    # a month's visits are not measured against the year's target; a month's share is
    month = selectors.province_board(province, timezone.localdate())
    assert "assistance.visits" not in month.furthest
    assert "market.cashless_share" in month.furthest
    # the programme's default target: Chư Prông 50% cashless of 70%, Ia Boòng 100%
    assert [r.name for r, _done in board.furthest["market.cashless_share"]] == [
        "Chư Prông",
        "Ia Boòng",
    ]


def test_xlsx_of_the_table(client, province_officer, figures):
    client.force_login(province_officer)
    response = client.get("/bao-cao/tinh/tai/xlsx/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="bang-tinh-gia-lai')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = [list(r) for r in book.worksheets[0].values]
    assert rows[0][0] == "Gia Lai"
    header = rows[3]
    visits = next(i for i, h in enumerate(header) if h and h.startswith("Lượt hỗ trợ"))
    share = next(i for i, h in enumerate(header) if h and h.startswith("Tỷ lệ tiểu thương"))
    by_name = {r[0]: r for r in rows[4:]}
    assert by_name["Chư Prông"][visits] == 3 and by_name["Ia Boòng"][visits] == 1
    assert by_name["Tổng toàn tỉnh"][visits] == 4
    assert by_name["Tổng toàn tỉnh"][share] == 60.0
    assert by_name["Trung vị"][visits] == 2
    targets = [list(r) for r in book.worksheets[1].values]
    assert any(r[0] == "Chư Prông" and r[4] == 70 for r in targets[1:])  # the default target


def test_the_same_figures_as_a_communes_report(commune, figures):
    """The per-commune aggregates say what a report of the commune says."""
    today = timezone.localdate()
    start = datetime.date(today.year, 1, 1)
    mine = commune_figures([commune.pk], start, today)[commune.pk]
    report = compute(Scope.of(commune), start, today)["indicators"]
    assert set(mine) == set(report) - NOT_PER_COMMUNE
    assert {code: mine[code] for code in mine} == {code: report[code] for code in mine}


def test_query_count_does_not_grow_with_the_communes(
    client, province, province_officer, figures, django_assert_num_queries
):
    client.force_login(province_officer)
    client.get(URL)
    cache.clear()
    # session, user, groups, province, its communes, 10 figures + people trained,
    # targets, baselines, 2 × permissions (the menu), the menu's vendor link
    with django_assert_num_queries(21):
        assert client.get(URL).status_code == 200
    for n in range(6):
        village = VillageFactory(commune=CommuneFactory(name=f"Xã {n}", province=province))
        AssistanceRecordFactory(village=village)
        _vendors(village, 2, 1)
    cache.clear()
    with django_assert_num_queries(21):
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(9):  # cached: only the targets and baselines are read
        assert client.get(URL).status_code == 200


def test_a_province_officer_opens_a_communes_dashboard_without_the_report_form(
    client, province_officer, other_commune
):
    client.force_login(province_officer)
    response = client.get(f"/bao-cao/?xa={other_commune.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ia Boòng" in html
    assert 'action="/bao-cao/lap/"' not in html  # no add permission, no form
    assert client.post("/bao-cao/lap/", {"xa": other_commune.pk}).status_code == 404
    assert UserFactory(role=Role.PROVINCE_OFFICER, province=other_commune.province)


def test_the_year_so_far(client, province_officer, figures):
    client.force_login(province_officer)
    html = client.get(f"{URL}?ky=nam").content.decode()
    assert f"01/01/{timezone.localdate():%Y}" in html
    assert "sap-xep=assistance.visits&amp;chieu=giam&amp;ky=nam" in html  # sorting keeps it
    assert 'href="/bao-cao/tinh/tai/xlsx/?ky=nam"' in html
    response = client.get("/bao-cao/tinh/tai/xlsx/?ky=nam")
    assert f"-{timezone.localdate():%Y}0101-" in response["Content-Disposition"]
