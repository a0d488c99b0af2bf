"""One deployment for a province (issue 16): each commune's page shows its own markets,
library points and calendar; a province's page lists its communes; the home page of a
deployment with several communes shows them by province. No 500, fixed query counts."""

import pytest
from django.urls import reverse

from legal_library import services as library
from market.services import market_create
from tests.factories import VillageFactory
from tests.trainings.factories import TrainingSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_communes(commune, other_commune, village_a, other_village):
    market_create(village=village_a, name="Chợ tạm Thôn 3", actor=None)
    market_create(village=other_village, name="Chợ Ia Boòng", actor=None)
    library.point_create(village=village_a, name="Tủ sách Thôn 3", code="T03", actor=None)
    library.point_create(village=other_village, name="Tủ sách Hòa Bình", code="HB1", actor=None)
    TrainingSessionFactory(commune=commune, title="Tập huấn VNeID Chư Prông", public=True)
    TrainingSessionFactory(commune=other_commune, title="Tập huấn VNeID Ia Boòng", public=True)


@pytest.mark.usefixtures("two_communes")
def test_each_commune_page_shows_its_own_markets_points_and_sessions(
    client, commune, other_commune, django_assert_num_queries
):
    # the commune with its province, then as on the home page: villages, markets,
    # library points, coming sessions
    with django_assert_num_queries(6):
        response = client.get(reverse("commune_detail", args=[other_commune.slug]))
    html = response.content.decode()
    assert "Chợ Ia Boòng" in html and "Tủ sách Hòa Bình" in html
    assert "Tập huấn VNeID Ia Boòng" in html
    assert "Chợ tạm Thôn 3" not in html and "Tủ sách Thôn 3" not in html
    assert "Tập huấn VNeID Chư Prông" not in html
    assert "trung tâm thương mại" not in html  # no more Chư Prông's markets in the text
    assert f"?xa={other_commune.slug}" in html  # the search adds the commune's documents
    html = client.get(reverse("commune_detail", args=[commune.slug])).content.decode()
    assert "Chợ tạm Thôn 3" in html and "Chợ Ia Boòng" not in html


def test_a_commune_without_a_market_says_so(client, commune):
    html = client.get("/").content.decode()
    assert "chưa có chợ nào của xã tham gia" in html


def test_the_home_page_of_several_communes_shows_them_by_province(
    client, commune, other_commune, far_commune, django_assert_num_queries
):
    with django_assert_num_queries(1):
        html = client.get("/").content.decode()
    assert reverse("province_detail", args=[commune.province.slug]) in html
    assert reverse("province_detail", args=[far_commune.province.slug]) in html
    assert html.index("Tỉnh Đắk Lắk") < html.index(far_commune.name)
    gia_lai = html.index("Tỉnh Gia Lai")
    assert gia_lai < html.index(f"/xa/{commune.slug}/") < html.index(f"/xa/{other_commune.slug}/")
    # each commune's figures, and the province's side by side
    assert f'href="/xa/{commune.slug}/tien-do/"' in html
    assert f'href="/tinh/{commune.province.slug}/tien-do/"' in html


def test_a_province_page_lists_its_communes_with_their_villages(
    client, commune, other_commune, village_a, village_b, other_village, far_commune,
    django_assert_num_queries,
):  # fmt: skip
    url = reverse("province_detail", args=[commune.province.slug])
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tỉnh Gia Lai" in html and "2 xã tham gia" in html
    assert reverse("commune_detail", args=[commune.slug]) in html
    assert reverse("commune_detail", args=[other_commune.slug]) in html
    assert "Thôn 3, Làng Kte" in html and "Thôn Hòa Bình" in html
    assert far_commune.name not in html


def test_a_province_pages_queries_do_not_grow_with_communes(
    client, commune, other_commune, django_assert_num_queries
):
    for one in (commune, other_commune):
        VillageFactory.create_batch(5, commune=one)
    with django_assert_num_queries(3):
        assert (
            client.get(reverse("province_detail", args=[commune.province.slug])).status_code == 200
        )


@pytest.mark.parametrize("slug", ["khong-co", "x" * 200, "gia-lai-"])
def test_unknown_province_and_commune_are_404(client, commune, slug):
    assert client.get(f"/tinh/{slug}/").status_code == 404
    assert client.get(f"/xa/{slug}/").status_code == 404


def test_the_commune_page_leaves_a_place_for_the_progress_link():
    from django.template.loader import get_template

    source = get_template("portal/home.html").template.source
    assert "{% block progress %}" in source


def test_the_commune_page_links_its_public_progress(client, commune):
    html = client.get(f"/xa/{commune.slug}/").content.decode()
    assert f'href="/xa/{commune.slug}/tien-do/"' in html
    assert "Kết quả của xã qua các con số" in html
