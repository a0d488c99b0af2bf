"""The point and the document on a phone (issue 14 §4): placed documents first, the way
back to the point, the share button, lang="vi", the offline page and the service worker."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from legal_library import counting, services
from legal_library.models import DocumentDailyCount, PointDailyCount
from tests.legal_library.conftest import save

pytestmark = pytest.mark.django_db
PHONE = "Mozilla/5.0 (Linux; Android 10) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"


def get(client, url, **extra):
    return client.get(url, HTTP_USER_AGENT=PHONE, **extra)


@pytest.fixture
def commune_wide(marriage):
    return save(
        categories=[marriage],
        title="Nghị định về kết hôn",
        summary="Thủ tục đăng ký kết hôn.",
        body="Đăng ký tại xã.",
        published=True,
    )


def test_a_point_lists_its_placed_documents_first_then_the_commune_wide_ones(
    client, point_a, village_b, law, land_law, commune_wide
):
    """Placing a document at a point = an officer chose it for that point: it comes first,
    under its own heading, once; the commune-wide ones follow by category."""
    assert commune_wide.published
    services.point_create(village=village_b, name="Tủ sách B", code="B01", actor=None)
    services.point_add_documents(point=point_a, documents=[land_law], actor=None)
    html = get(client, "/l/T03/").content.decode()
    first = html.index('id="tai-diem"')
    assert first < html.index("Luật Đất đai") < html.index('id="hon-nhan-gia-dinh"')
    assert "Tại điểm này" in html and "văn bản chung của cả xã" in html
    assert html.count("Luật Đất đai</a>") == 1 and 'id="dat-dai"' not in html
    assert html.index('id="hon-nhan-gia-dinh"') < html.index("Nghị định về kết hôn")
    # a point with nothing placed lists the commune's documents by category, as before
    html = get(client, "/l/B01/").content.decode()
    assert 'id="tai-diem"' not in html and 'id="dat-dai"' in html


def test_the_point_page_has_the_short_phone_header(client, point_a, law):
    html = get(client, "/l/T03/").content.decode()
    assert '<body class="counter library-point">' in html
    assert 'class="chips scroll"' in html


def test_the_point_page_remembers_its_code_only(client, point_a, law):
    response = get(client, "/l/T03/")
    cookie = response.cookies["diem"]
    assert cookie.value == "T03" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "public" in response["Cache-Control"]  # the same cookie for every visitor
    assert get(client, "/l/T03/?q=hon").cookies["diem"].value == "T03"
    assert "diem" not in get(client, f"/van-ban/{law.slug}/").cookies


def test_back_goes_to_the_last_point_else_to_the_list(client, point_a, law):
    response = get(client, "/phap-luat/quay-lai/")
    assert (response.status_code, response["Location"]) == (302, "/phap-luat/")
    get(client, "/l/T03/")
    response = get(client, "/phap-luat/quay-lai/")
    assert (response.status_code, response["Location"]) == (302, "/l/T03/")
    control = response["Cache-Control"]
    assert "private" in control and "no-store" in control and "Cookie" in response["Vary"]
    for made_up in ["T99", "<script>", "x" * 40]:
        client.cookies["diem"] = made_up
        assert get(client, "/phap-luat/quay-lai/")["Location"] == "/phap-luat/"
    client.cookies["diem"] = "T03"
    point_a.active = False
    point_a.save()
    assert get(client, "/phap-luat/quay-lai/")["Location"] == "/l/T03/"  # it says it is closed


def test_every_document_ends_with_a_big_way_back_the_cache_does_not_bake_in(
    client, point_a, other_village, law
):
    """The cached document page is one page for everyone: its back link goes through
    /phap-luat/quay-lai/, which reads the phone's own cookie."""
    other = services.point_create(village=other_village, name="Tủ sách B", code="B01", actor=None)
    get(client, "/l/T03/")
    html = get(client, f"/van-ban/{law.slug}/").content.decode()
    assert 'class="button big primary" href="/phap-luat/quay-lai/"' in html
    assert html.index("</article>") < html.index("/phap-luat/quay-lai/")
    get(client, "/l/B01/")  # another point, then the same cached document
    again = get(client, f"/van-ban/{law.slug}/")
    assert again.content.decode() == html and "T03" not in html and "B01" not in html
    assert get(client, "/phap-luat/quay-lai/")["Location"] == f"/l/{other.code}/"
    # opened from a point's list: straight back to that point
    html = get(client, f"/van-ban/{law.slug}/?diem=T03").content.decode()
    assert 'class="button big primary" href="/l/T03/"' in html


def test_the_share_button_is_hidden_until_javascript_finds_a_share_sheet(client, law):
    html = get(client, f"/van-ban/{law.slug}/").content.decode()
    assert re.search(r"<button[^>]*data-share hidden>", html)
    css = Path(settings.BASE_DIR, "static/css/site.css").read_text(encoding="utf-8")
    assert "[hidden] { display: none !important; }" in css  # .button sets display otherwise
    script = Path(settings.BASE_DIR, "static/js/library.js").read_text(encoding="utf-8")
    assert "navigator.share" in script and "share.hidden = false" in script


def test_in_english_the_vietnamese_content_keeps_lang_vi(client, point_a, law):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        html = get(client, f"/van-ban/{law.slug}/?diem=T03").content.decode()
        point = get(client, "/l/T03/").content.decode()
    assert '<html lang="en">' in html
    assert '<h1 lang="vi">Luật Hôn nhân và gia đình</h1>' in html
    assert '<div class="body" lang="vi">' in html and '<dd lang="vi">52/2014/QH13</dd>' in html
    assert re.search(r'<a class="doc-title" lang="vi" href="[^"]+">Luật Hôn nhân', point)
    assert '<h1 class="point-title" lang="vi">Tủ sách pháp luật Thôn 3' in point


def test_the_offline_page_is_vietnamese_public_and_listed_by_javascript(client):
    client.cookies["django_language"] = "en"
    response = get(client, "/phap-luat/ngoai-tuyen/")
    html = response.content.decode()
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert "Không có mạng: các văn bản đã lưu trên điện thoại này" in html
    assert "không liệt kê được các văn bản đã lưu" in html  # <noscript>
    assert "js/offline" in html and "<script>" not in html
    assert re.search(r"<form[^>]*data-saved-search hidden>", html)


def test_the_offline_page_is_the_same_anonymous_page_for_an_officer(client, officer):
    anonymous = get(client, "/phap-luat/ngoai-tuyen/").content
    client.force_login(officer)
    response = get(client, "/phap-luat/ngoai-tuyen/")
    assert response.content == anonymous and b"csrfmiddlewaretoken" not in anonymous
    assert "public" in response["Cache-Control"]  # the service worker keeps it


def test_the_service_worker_keeps_the_offline_page_and_the_stylesheet(client):
    script = get(client, "/sw.js").content.decode()
    precache = re.search(r"const PRECACHE = (\[.*\]);", script).group(1)
    assert '"/phap-luat/ngoai-tuyen/"' in precache
    assert "css/site" in precache and "js/offline" in precache
    assert 'const OFFLINE = "/phap-luat/ngoai-tuyen/";' in script
    assert "function normal(url)" in script and "cache.put(normal(" in script
    # its copies are still marked, and still not counted
    assert f'"{counting.PREFETCH_HEADER}": "offline"' in script


def test_the_offline_pages_and_their_copies_are_not_counted(client, point_a, law):
    marked = {"HTTP_X_CHUPRONG_PREFETCH": "offline"}
    for url in ["/phap-luat/ngoai-tuyen/", "/l/T03/", f"/van-ban/{law.slug}/?diem=T03"]:
        assert get(client, url, **marked).status_code == 200
    get(client, "/phap-luat/ngoai-tuyen/")
    get(client, "/phap-luat/quay-lai/")
    counting.flush()
    assert not PointDailyCount.objects.exists() and not DocumentDailyCount.objects.exists()


@override_settings(SESSION_COOKIE_SECURE=True)
def test_the_point_cookie_is_secure_where_the_session_is(client, point_a):
    assert get(client, "/l/T03/").cookies["diem"]["secure"]
