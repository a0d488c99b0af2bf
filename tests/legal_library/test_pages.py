import datetime as dt
import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone

from legal_library import services
from legal_library.models import DocumentDailyCount, LibraryPoint, PointDailyCount
from tests.legal_library.conftest import save
from tests.legal_library.factories import DocumentFactory

pytestmark = pytest.mark.django_db
PHONE = (
    "Mozilla/5.0 (Linux; Android 10; SM-A105F) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"
)


def get(client, url, **extra):
    return client.get(url, HTTP_USER_AGENT=PHONE, **extra)


def test_point_page_lists_documents_pinned_first(client, point_a, law, land_law):
    point_a.shows_all = False
    point_a.save()
    services.point_add_documents(point=point_a, documents=[law], actor=None)
    services.point_add_documents(point=point_a, documents=[land_law], pinned=True, actor=None)
    html = get(client, "/l/T03/").content.decode()
    assert html.index("Luật Đất đai") < html.index("Luật Hôn nhân và gia đình")
    assert "Ghim" in html and "Còn hiệu lực" in html and "<script" in html  # the optional extras
    # sections: pinned, then each category of the others (each document once)
    assert html.index('id="tai-diem"') < html.index('id="hon-nhan-gia-dinh"')
    assert 'id="dat-dai"' not in html and html.count("Luật Đất đai</a>") == 1
    assert "<form" in html and "csrfmiddlewaretoken" not in html


def test_codes_are_looked_up_exactly_and_another_case_is_sent_to_the_code(
    client, point_a, law, officer
):
    response = get(client, "/l/t03/")
    assert (response.status_code, response["Location"]) == (301, "/l/T03/")
    response = get(client, "/l/t03/c/hon-nhan-gia-dinh/?q=ket+hon")
    assert (response.status_code, response["Location"]) == (301, "/l/T03/c/hon-nhan-gia-dinh/")
    assert get(client, "/l/t03/", data={"q": "hon"})["Location"] == "/l/T03/?q=hon"
    assert get(client, "/l/T0/").status_code == 404
    assert (
        "Tủ sách pháp luật Thôn 3"
        not in get(client, f"/van-ban/{law.slug}/?diem=t03").content.decode()
    )  # ?diem= is a link the page made: exact only
    client.force_login(officer)
    assert client.get("/l/T03/ap-phich.pdf").status_code == 200
    assert client.get("/l/t03/ap-phich.pdf").status_code == 404


def test_the_admin_refuses_a_code_differing_only_in_case(
    client, other_officer, other_village, point_a
):
    client.force_login(other_officer)
    response = client.post(
        "/admin/legal_library/librarypoint/add/",
        {
            "village": other_village.pk,
            "name": "Tủ sách chiếm chỗ",
            "code": "t03",
            "active": "on",
            "shows_all": "on",
            "entries-TOTAL_FORMS": "0",
            "entries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "chữ hoa và chữ thường" in response.content.decode()
    assert list(LibraryPoint.objects.values_list("code", flat=True)) == ["T03"]


def test_point_page_queries_do_not_grow_with_documents(
    client, point_a, django_assert_max_num_queries
):
    DocumentFactory.create_batch(60)
    counting = 1 if not settings.REDIS_URL else 0  # the visit's upsert without Redis
    # point, documents, categories (+ the visit)
    with django_assert_max_num_queries(3 + counting):
        assert get(client, "/l/T03/", HTTP_COOKIE="").status_code == 200


def test_a_cached_point_page_needs_no_query_but_the_count(
    client, point_a, law, django_assert_num_queries
):
    get(client, "/l/T03/")
    counting = 1 if not settings.REDIS_URL else 0
    with django_assert_num_queries(counting):
        response = get(client, "/l/T03/")
    assert "Luật Hôn nhân" in response.content.decode()
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["ETag"]


def test_a_change_shows_at_once(client, point_a, law, django_capture_on_commit_callbacks):
    get(client, "/l/T03/")
    with django_capture_on_commit_callbacks(execute=True):
        before = services.snapshot_of(law)
        law.title = "Luật Hôn nhân và gia đình (sửa đổi)"
        services.document_save(document=law, actor=None, before=before)
    assert "(sửa đổi)" in get(client, "/l/T03/").content.decode()


def test_point_page_is_light(client, point_a):
    for n in range(30):
        save(
            title=f"Văn bản pháp luật số {n} về đất đai và hôn nhân gia đình",
            summary="Tóm tắt " * 40,
            published=True,
        )
    response = get(client, "/l/T03/", HTTP_ACCEPT_ENCODING="gzip")
    html_bytes = (
        gzip.decompress(response.content)
        if response.get("Content-Encoding") == "gzip"
        else response.content
    )
    with open(finders.find("css/site.css"), "rb") as handle:
        css = handle.read()
    assert response.get("Content-Encoding") == "gzip"
    assert len(response.content) + len(gzip.compress(css)) <= 30 * 1024
    assert not re.findall(rb"<script(?![^>]*\bsrc=)", html_bytes)  # no inline script


def test_unknown_point_is_a_vietnamese_404_with_a_link_home(client, db):
    response = get(client, "/l/KHONGCO/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html and 'href="/"' in html


def test_an_inactive_point_says_so_kindly(client, point_a, law):
    services.point_update(point=point_a, active=False, actor=None)
    response = get(client, "/l/T03/")
    assert response.status_code == 200
    assert "tạm đóng" in response.content.decode()


def test_document_page(client, point_a, law):
    response = get(client, f"/van-ban/{law.slug}/?diem=T03")
    html = response.content.decode()
    assert "Còn hiệu lực" in html and "52/2014/QH13" in html and "Tủ sách pháp luật Thôn 3" in html
    assert 'property="og:title"' in html and "facebook.com/sharer" in html
    assert get(client, "/van-ban/khong-co/").status_code == 404


def test_unpublished_documents_are_hidden_but_officers_can_preview(client, officer, db):
    draft = save(title="Bản nháp", body="Nội dung nháp")
    assert get(client, f"/van-ban/{draft.slug}/").status_code == 404
    assert get(client, f"/van-ban/{draft.slug}/?xem-truoc=1").status_code == 404
    client.force_login(officer)
    response = get(client, f"/van-ban/{draft.slug}/?xem-truoc=1")
    assert response.status_code == 200 and "Xem trước" in response.content.decode()


@pytest.mark.parametrize("query", ["hon nhan", "HÔN NHÂN", "Hôn nhân", "hôn", "52/2014", "ket hon"])
def test_search_ignores_diacritics_and_case(client, law, land_law, query):
    # the officer's documents are their commune's own: searched from the commune's page
    response = get(client, "/phap-luat/tim/", data={"q": query, "xa": law.commune.slug})
    titles = [d.title for d in response.context["documents"]]
    assert titles == ["Luật Hôn nhân và gia đình"], query


def test_search_within_a_point(client, point_a, law, land_law):
    response = get(client, "/l/T03/", data={"q": "dat dai"})
    assert [d.title for d in response.context["documents"]] == ["Luật Đất đai"]


@pytest.mark.parametrize(
    "query", ["x" * 2000, "!!! ??? ...", "<script>alert(1)</script>", "' OR 1=1 --", "\u202e"]
)  # a NUL character is a 400 before any view: tests/test_hostile_input.py
def test_odd_searches_are_handled(client, law, query):
    response = get(client, "/phap-luat/tim/", data={"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_visit_and_a_read_are_counted_once_without_personal_data(
    client, point_a, law, django_capture_on_commit_callbacks
):
    from legal_library import counting

    get(client, "/l/T03/", REMOTE_ADDR="203.0.113.9")
    get(client, f"/van-ban/{law.slug}/")
    counting.flush()
    assert PointDailyCount.objects.get(point=point_a).visits == 1
    assert DocumentDailyCount.objects.get(document=law).reads == 1
    fields = {f.name for f in PointDailyCount._meta.get_fields()} | {
        f.name for f in DocumentDailyCount._meta.get_fields()
    }
    assert fields == {"id", "day", "point", "visits", "document", "reads", "listens"}
    assert "sessionid" not in get(client, "/l/T03/").cookies


@pytest.mark.parametrize(
    "agent",
    ["Googlebot/2.1 (+http://www.google.com/bot.html)", "facebookexternalhit/1.1", "curl/8.0", ""],
)
def test_bots_and_prefetches_are_not_counted(client, point_a, agent):
    from legal_library import counting

    client.get("/l/T03/", HTTP_USER_AGENT=agent)
    get(client, "/l/T03/", HTTP_SEC_PURPOSE="prefetch")
    client.head("/l/T03/", HTTP_USER_AGENT=PHONE)
    counting.flush()
    assert not PointDailyCount.objects.exists()


def test_the_service_workers_offline_copies_are_not_counted(client, point_a, law):
    """The copies /sw.js makes in the background carry a header; the server counts none."""
    from legal_library import counting, views

    assert f'"{counting.PREFETCH_HEADER}": "offline"' in client.get("/sw.js").content.decode()
    marked = {"HTTP_X_CHUPRONG_PREFETCH": "offline"}
    assert get(client, "/l/T03/", **marked).status_code == 200
    assert get(client, f"/van-ban/{law.slug}/?diem=T03", **marked).status_code == 200
    counting.flush()
    assert not PointDailyCount.objects.exists() and not DocumentDailyCount.objects.exists()
    get(client, f"/van-ban/{law.slug}/?diem=T03")  # the person who then opens it counts
    counting.flush()
    assert DocumentDailyCount.objects.get(document=law).reads == 1
    assert views.SERVICE_WORKER.count("no-store") >= 2  # skips the HTTP cache, drops private


def test_only_anonymous_pages_may_be_kept_by_a_cache(client, officer, point_a, law):
    """Signed-in pages, previews and officers' posters: private, no-store (the service
    worker keeps only ``public`` answers); a villager's page stays public."""
    draft = save(title="Bản nháp riêng", body="Nháp")
    for url in ["/l/T03/", f"/van-ban/{law.slug}/"]:
        control = get(client, url)["Cache-Control"]
        assert "public" in control and "private" not in control, url
    client.force_login(officer)
    for url in [
        "/l/T03/",
        "/l/T03/?q=hon",
        f"/van-ban/{law.slug}/",
        f"/van-ban/{draft.slug}/?xem-truoc=1",
        "/l/T03/ap-phich.pdf",
        "/phap-luat/ap-phich.pdf",
    ]:
        response = get(client, url)
        assert response.status_code == 200, url
        control = response["Cache-Control"]
        assert "private" in control and "no-store" in control and "public" not in control, url


def test_posters_decode_to_the_point_addresses(client, officer, point_a):
    import pypdfium2
    import zxingcpp

    client.force_login(officer)
    response = client.get("/phap-luat/ap-phich.pdf")
    page = pypdfium2.PdfDocument(response.content)[0]
    (result,) = zxingcpp.read_barcodes(page.render(scale=2).to_pil())
    assert result.text == "http://testserver/l/T03/"
    assert client.get("/l/T03/ap-phich.pdf").status_code == 200


def test_posters_and_stats_are_for_officers(client, volunteer, other_officer, point_a):
    assert client.get("/phap-luat/ap-phich.pdf").status_code == 302
    client.force_login(volunteer)
    assert client.get("/phap-luat/ap-phich.pdf").status_code == 404
    client.force_login(other_officer)
    assert client.get("/l/T03/ap-phich.pdf").status_code == 404


def test_stats_page(client, officer, point_a, law):
    from legal_library import counting

    get(client, "/l/T03/")
    get(client, f"/van-ban/{law.slug}/")
    counting.flush()
    client.force_login(officer)
    response = client.get("/phap-luat/thong-ke/")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"Tủ sách pháp luật Thôn 3.*?<td>1</td>", html, re.S)
    assert "Hôn nhân và gia đình" in html


@pytest.mark.parametrize(
    ("start", "end"),
    [("05/11/2026", "20/11/2026"), ("2026-11-05", "2026-11-20"), ("05-11-2026", "20/11/26")],
)
def test_stats_period_is_read_day_first(client, officer, start, end):
    """A browser without a date picker sends what the officer typed: 05/11/2026 is
    5 November, never ignored, never 11 May."""
    client.force_login(officer)
    response = client.get("/phap-luat/thong-ke/", {"from": start, "to": end})
    assert response.status_code == 200
    period = response.context["period"]
    assert (period.start, period.end) == (dt.date(2026, 11, 5), dt.date(2026, 11, 20))


def test_stats_period_ignores_a_month_first_date(client, officer):
    client.force_login(officer)
    response = client.get("/phap-luat/thong-ke/", {"from": "12/31/2026"})
    assert response.status_code == 200
    assert response.context["period"].end == timezone.localdate()


def test_point_list_and_home_link(client, point_a):
    assert "Tủ sách pháp luật Thôn 3" in client.get("/phap-luat/").content.decode()


def test_a_big_library_keeps_the_point_page_small(
    client, point_a, land, django_assert_max_num_queries
):
    for n in range(40):
        save(
            title=f"Hướng dẫn đất đai số {n}",
            summary="Tóm tắt " * 30,
            published=True,
            categories=[land],
        )
    response = get(client, "/l/T03/", HTTP_ACCEPT_ENCODING="gzip")
    html = gzip.decompress(response.content).decode()
    assert html.count('class="doc"') == 8
    assert "Xem tất cả 40 văn bản" in html
    assert len(response.content) < 12 * 1024
    full = get(client, "/l/T03/c/dat-dai/")
    assert full.content.decode().count('class="doc"') == 40
    assert get(client, "/l/T03/c/khong-co/").status_code == 404


def cache_keys() -> set[str]:
    """Every key in the real shared cache (LocMemCache, or Redis with REDIS_URL)."""
    from django.core.cache import cache

    if settings.REDIS_URL:
        return {key.decode() for key in cache._cache.get_client(None).scan_iter("*")}
    return set(cache._cache)


def test_made_up_point_codes_make_no_cached_page(client, point_a, law):
    """``?diem=`` is honoured for a real point only: anything else is ignored (the plain
    page, from the cache) and adds no key, however many values the street sends."""
    import secrets

    get(client, f"/van-ban/{law.slug}/")
    with_point = get(client, f"/van-ban/{law.slug}/?diem=T03").content.decode()
    assert "Tủ sách pháp luật Thôn 3" in with_point
    before = cache_keys()
    for n in range(100):
        made_up = secrets.token_hex(5) if n % 2 else f"{secrets.token_urlsafe(30)}<>é"
        response = get(client, f"/van-ban/{law.slug}/", data={"diem": made_up})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Luật Hôn nhân" in html and "Tủ sách pháp luật Thôn 3" not in html
        assert made_up not in html
    assert cache_keys() == before


@pytest.mark.parametrize(
    "path",
    ["/l/T03/", "/l/T03/c/hon-nhan-gia-dinh/", "/van-ban/luat-hon-nhan-va-gia-dinh/"],
)
def test_a_cached_page_never_carries_the_first_visitors_query(client, point_a, law, path):
    first = get(client, path, data={"x": "theo-doi-nguoi-dau", "diem": "T03"})
    assert first.status_code == 200
    assert "theo-doi-nguoi-dau" not in first.content.decode()
    later = get(client, path, data={"diem": "T03"}).content.decode()
    assert "theo-doi-nguoi-dau" not in later
    # the language link goes back to the page itself, by its path
    assert f'href="/ngon-ngu/en/?next={path}"' in later
