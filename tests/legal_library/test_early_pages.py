"""Anonymous point and document pages answered from the cache before the session,
authentication and messages layers (kit/earlycache.py, legal_library/views.py)."""

import pytest
from django.conf import settings

from legal_library import counting, services
from legal_library.models import DocumentDailyCount, PointDailyCount
from tests.legal_library.conftest import save
from tests.legal_library.test_pages import PHONE, get

pytestmark = pytest.mark.django_db
PREFETCH = {"HTTP_X_CHUPRONG_PREFETCH": "offline"}
COUNT_QUERIES = 0 if settings.REDIS_URL else 1  # the count's upsert without Redis


def early(response) -> bool:
    """Answered before AuthenticationMiddleware ran (the view always has request.user)."""
    return not hasattr(response.wsgi_request, "user")


def test_a_cached_point_page_is_answered_before_the_session_with_no_query(
    client, point_a, law, django_assert_num_queries
):
    first = get(client, "/l/T03/")
    assert not early(first)  # built by the view, then cached
    with django_assert_num_queries(0):
        response = get(client, "/l/T03/", **PREFETCH)  # not counted: nothing but the cache
    assert early(response) and response.status_code == 200
    assert response.content == first.content
    with django_assert_num_queries(COUNT_QUERIES):
        assert early(get(client, "/l/T03/"))


def test_the_early_answer_has_the_views_headers(client, point_a, law):
    for url in ["/l/T03/", f"/van-ban/{law.slug}/", f"/van-ban/{law.slug}/?diem=T03"]:
        built = get(client, url, HTTP_ACCEPT_ENCODING="gzip")
        cached = get(client, url, HTTP_ACCEPT_ENCODING="gzip")
        assert not early(built) and early(cached), url
        assert cached.content == built.content, url
        for name in built.headers:
            assert cached.headers.get(name) == built.headers[name], (url, name)
        assert set(cached.headers) == set(built.headers), url
        etag = get(client, url, HTTP_IF_NONE_MATCH=built["ETag"])
        assert early(etag) and etag.status_code == 304, url


def test_reads_and_visits_are_counted_on_cached_hits_but_not_prefetches(client, point_a, law):
    for _ in range(3):
        get(client, "/l/T03/")
        get(client, f"/van-ban/{law.slug}/?diem=T03")
    get(client, "/l/T03/", **PREFETCH)
    get(client, f"/van-ban/{law.slug}/?diem=T03", **PREFETCH)
    get(client, f"/van-ban/{law.slug}/", HTTP_SEC_PURPOSE="prefetch")
    client.get("/l/T03/", HTTP_USER_AGENT="Googlebot/2.1")
    assert early(get(client, f"/van-ban/{law.slug}/", **PREFETCH))
    counting.flush()
    assert PointDailyCount.objects.get(point=point_a).visits == 3
    assert DocumentDailyCount.objects.get(document=law).reads == 3


def test_a_signed_in_user_is_never_given_the_anonymous_copy(client, officer, point_a, law):
    for url in ["/l/T03/", f"/van-ban/{law.slug}/"]:
        get(client, url)
        assert early(get(client, url)), url
    client.force_login(officer)
    for url in ["/l/T03/", f"/van-ban/{law.slug}/"]:
        response = get(client, url)
        assert not early(response) and response.wsgi_request.user == officer, url
        assert "no-store" in response["Cache-Control"], url


def test_only_the_plain_addresses_are_answered_early(client, point_a, law, land):
    get(client, "/l/T03/")
    get(client, f"/van-ban/{law.slug}/")
    assert not early(get(client, "/l/T03/?q=hon"))  # a search is never cached
    assert not early(get(client, "/l/T03/?utm_source=zalo"))
    assert not early(get(client, f"/van-ban/{law.slug}/?diem=T03&diem=T04"))
    assert not early(get(client, f"/van-ban/{law.slug}/?xem-truoc=1"))
    assert not early(client.post("/l/T03/", HTTP_USER_AGENT=PHONE))
    # what cannot be a code goes through the request guard to the view (the plain page)
    odd = get(client, f"/van-ban/{law.slug}/?diem=%3Cscript%3E")
    assert not early(odd) and odd.content == get(client, f"/van-ban/{law.slug}/").content
    assert get(client, f"/van-ban/{law.slug}/?diem=T0%00").status_code == 400
    # a point's page not cached yet is built by the view first
    assert not early(get(client, f"/van-ban/{law.slug}/?diem=T03"))
    assert early(get(client, f"/van-ban/{law.slug}/?diem=T03"))
    save(title="Đất", published=True, categories=[land])
    assert not early(get(client, "/l/T03/c/dat-dai/"))
    assert early(get(client, "/l/T03/c/dat-dai/"))


def test_each_language_has_its_own_cached_page(client, point_a, law):
    vietnamese = get(client, "/l/T03/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = get(client, "/l/T03/")
    assert not early(english) and english.content != vietnamese.content
    again = get(client, "/l/T03/")
    assert early(again) and again["Content-Language"] == "en"
    assert again.content == english.content


def test_a_changed_or_unpublished_document_is_never_served_stale(
    client, officer, point_a, law, django_capture_on_commit_callbacks
):
    urls = ["/l/T03/", f"/van-ban/{law.slug}/", f"/van-ban/{law.slug}/?diem=T03"]
    for url in urls:
        get(client, url)
        assert early(get(client, url)), url
    with django_capture_on_commit_callbacks(execute=True):
        before = services.snapshot_of(law)
        law.title = "Luật Hôn nhân và gia đình (sửa đổi)"
        services.document_save(document=law, actor=officer, before=before)
    for url in urls:
        response = get(client, url)
        assert not early(response) and "(sửa đổi)" in response.content.decode(), url
        assert early(get(client, url)), url
    with django_capture_on_commit_callbacks(execute=True):
        services.document_set_published(document=law, published=False, actor=officer)
    assert get(client, f"/van-ban/{law.slug}/").status_code == 404
    assert get(client, f"/van-ban/{law.slug}/?diem=T03").status_code == 404
    point_page = get(client, "/l/T03/")
    assert not early(point_page) and "(sửa đổi)" not in point_page.content.decode()


@pytest.mark.parametrize("documents", [3, 30])
def test_a_point_page_miss_takes_at_most_five_queries(
    client, point_a, marriage, land, documents, django_assert_max_num_queries
):
    for n in range(documents):
        save(title=f"Văn bản {n}", published=True, categories=[marriage, land][: 1 + n % 2])
    with django_assert_max_num_queries(5):
        response = get(client, "/l/T03/")
    assert f"Văn bản {documents - 1}<" in response.content.decode()
    with django_assert_max_num_queries(5):
        assert get(client, "/l/T03/c/dat-dai/").status_code == 200


def test_a_document_page_miss_takes_at_most_five_queries(
    client, point_a, law, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        assert get(client, f"/van-ban/{law.slug}/").status_code == 200
    with django_assert_max_num_queries(5):
        assert get(client, f"/van-ban/{law.slug}/?diem=T03").status_code == 200


def test_a_copy_found_stale_counts_once(
    client, officer, point_a, law, land_law, django_capture_on_commit_callbacks
):
    """With Redis the count and the version go in one round trip; a stale copy's count
    is taken back and the view counts the page it builds instead."""
    for url in ["/l/T03/", f"/van-ban/{law.slug}/"]:
        get(client, url)
        assert early(get(client, url)), url
    with django_capture_on_commit_callbacks(execute=True):
        services.document_set_published(document=land_law, published=False, actor=officer)
    for url in ["/l/T03/", f"/van-ban/{law.slug}/"]:
        assert not early(get(client, url)), url
    counting.flush()
    assert PointDailyCount.objects.get(point=point_a).visits == 3
    assert DocumentDailyCount.objects.get(document=law).reads == 3


def test_a_point_page_answered_early_still_remembers_the_point_for_the_way_back(
    client, point_a, law
):
    from django.test import Client

    get(client, "/l/T03/")  # built by the view, then cached
    phone = Client()
    response = get(phone, "/l/T03/")
    assert early(response)
    assert response.cookies["diem"].value == "T03"
    back = phone.get("/phap-luat/quay-lai/")
    assert back.status_code == 302 and back["Location"] == "/l/T03/"
