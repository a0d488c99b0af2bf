"""The vendor's own page and its QR images, as a phone and as an intruder would use them."""

import io

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from market import vietqr

pytestmark = pytest.mark.django_db


def decode_png(content: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))]


def test_vendor_page_shows_every_account_in_two_queries(
    client, vendor_a, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the vendor with its market, the accounts with banks
        response = client.get(f"/v/{vendor_a.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lê Thị Bưởi" in html and "A12" in html
    assert "LE THI BUOI" in html and "1023456789" in html and "0912345678" in html
    assert "Vietcombank" in html and "MoMo" in html
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_plain_page_comes_from_the_cache_after_the_first_visit(
    client, vendor_a, django_assert_num_queries
):
    first = client.get(f"/v/{vendor_a.token}/")
    with django_assert_num_queries(0):  # the early middleware: the stamp is read in the cache
        again = client.get(f"/v/{vendor_a.token}/")
    assert again.content == first.content
    for header in ("Cache-Control", "Referrer-Policy", "X-Robots-Tag", "Content-Type"):
        assert again[header] == first[header], header
    for header in ("Vary", "Content-Language", "X-Frame-Options", "Content-Security-Policy"):
        assert again.get(header) == first.get(header), header
    with django_assert_num_queries(2):  # asking for an amount is never cached
        assert client.get(f"/v/{vendor_a.token}/?amount=5000").status_code == 200


def test_with_a_session_cookie_the_view_serves_the_same_cached_page(
    client, vendor_a, django_assert_num_queries
):
    first = client.get(f"/v/{vendor_a.token}/").content
    client.cookies["sessionid"] = "not-a-session"
    with django_assert_num_queries(1):  # the session is looked up; the page is the cached one
        again = client.get(f"/v/{vendor_a.token}/")
    assert again.content == first


def test_a_revoked_or_changed_page_is_never_served_from_the_cache(
    client, vendor_a, vcb, officer, django_capture_on_commit_callbacks
):
    from market.services import AccountData, account_add, vendor_reissue_token, vendor_update

    old = vendor_a.token
    client.get(f"/v/{old}/")
    with django_capture_on_commit_callbacks(execute=True):
        vendor_update(vendor=vendor_a, stall="B7", actor=officer)
    assert "B7" in client.get(f"/v/{old}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        account_add(
            vendor=vendor_a,
            data=AccountData(bank=vcb, account_number="9988776655", holder_name="Lê Thị Bưởi"),
            actor=officer,
        )
    assert "9988776655" in client.get(f"/v/{old}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        vendor_reissue_token(vendor=vendor_a, actor=officer)
    assert client.get(f"/v/{old}/").status_code == 404
    assert "B7" in client.get(f"/v/{vendor_a.token}/").content.decode()


def test_a_deleted_vendors_cached_page_answers_404_at_once(
    client, vendor_a, officer, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from market.services import vendor_delete

    url = f"/v/{vendor_a.token}/"
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        vendor_delete(vendor=vendor_a, actor=officer)
    with django_assert_num_queries(1):  # the stamp says "revoked": on to the database
        assert client.get(url).status_code == 404


def test_a_lost_stamp_sends_the_request_to_the_database(
    client, vendor_a, django_assert_num_queries
):
    from django.core.cache import cache

    from market import qr

    url = f"/v/{vendor_a.token}/"
    client.get(url)
    cache.delete(qr.stamp_key(vendor_a.token))  # evicted, or written while Redis was away
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):  # the view wrote the stamp back
        assert client.get(url).status_code == 200


def test_the_middleware_knows_the_vendor_addresses():
    from market.early import PATHS

    token = "AbCdEfGh12345678"
    for url in (
        reverse("market:vendor_page", args=[token]),
        reverse("market:vendor_qr", args=[token, "png"]),
        reverse("market:account_qr", args=[token, 12, "svg"]),
    ):
        assert PATHS.fullmatch(url), url
    assert not PATHS.fullmatch(f"/v/{token}/a/1/qr.gif")
    assert not PATHS.fullmatch("/v/short/")


def test_each_account_image_decodes_to_its_static_payload(client, vendor_a):
    for account in vendor_a.accounts.all():
        url = reverse("market:account_qr", args=[vendor_a.token, account.pk, "png"])
        response = client.get(url)
        assert response["Content-Type"] == "image/png"
        (text,) = decode_png(response.content)
        assert text == account.payload
        code = vietqr.parse(text)
        assert (code.bin, code.account, code.static) == (
            account.bank.bin,
            account.account_number,
            True,
        )


def test_primary_image_and_svg(client, vendor_a):
    primary = vendor_a.accounts.get(is_primary=True)
    response = client.get(f"/v/{vendor_a.token}/qr.png")
    assert decode_png(response.content) == [primary.payload]
    svg = client.get(f"/v/{vendor_a.token}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml") and b"<path" in svg.content


def test_images_are_rendered_once_then_served_from_the_cache_with_an_etag(
    client, vendor_a, django_assert_num_queries
):
    url = f"/v/{vendor_a.token}/qr.png"
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    versioned = client.get(url + "?v=abc")
    assert "max-age=31536000" in versioned["Cache-Control"]


def test_asking_for_an_amount_gives_a_dynamic_code_with_it(client, vendor_a):
    response = client.get(f"/v/{vendor_a.token}/", {"amount": "50000", "note": "Rau cải 2 bó"})
    html = response.content.decode()
    assert "50.000" in html
    start = html.index('src="', html.index('id="requested"')) + 5
    image_url = html[start : html.index('"', start)].replace("&amp;", "&")
    (text,) = decode_png(client.get(image_url).content)
    code = vietqr.parse(text)
    assert (code.amount, code.purpose, code.static) == (50000, "Rau cai 2 bo", False)


@pytest.mark.parametrize(
    "amount", ["0", "-5", "1,5", "1.500,000", "12345678901234", "abc", "đ", "1e5"]
)
def test_bad_amounts_are_explained_in_vietnamese(client, vendor_a, amount):
    response = client.get(f"/v/{vendor_a.token}/", {"amount": amount})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error"' in html
    assert 'id="requested"' not in html
    # at the top: before the codes, not below them
    assert html.index('id="form-errors"') < html.index('class="qr"')


def test_a_bad_amount_in_an_image_url_is_a_400_not_a_500(client, vendor_a):
    response = client.get(f"/v/{vendor_a.token}/qr.png", {"amount": "0"})
    assert response.status_code == 400


def test_unknown_revoked_and_malformed_keys_are_404(client, vendor_a, officer):
    from market.services import vendor_reissue_token

    old = vendor_a.token
    vendor_reissue_token(vendor=vendor_a, actor=officer)
    for url in (
        f"/v/{old}/",
        f"/v/{old}/qr.png",
        "/v/AAAAAAAAAAAAAAAA/",
        "/v/short/",
        f"/v/{vendor_a.token}/a/999999/qr.png",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/v/{vendor_a.token}/").status_code == 200


def test_an_account_of_another_vendor_is_not_found_under_this_key(client, vendor_a, vendor_b):
    other = vendor_b.accounts.get()
    url = reverse("market:account_qr", args=[vendor_a.token, other.pk, "png"])
    assert client.get(url).status_code == 404


def test_a_signed_in_vendor_reaches_their_own_page(
    client, vendor_a, vendor_b, vendor, vendor_b_user
):
    client.force_login(vendor)
    assert client.get("/v/")["Location"] == f"/v/{vendor_a.token}/"
    client.force_login(vendor_b_user)
    assert client.get("/v/")["Location"] == f"/v/{vendor_b.token}/"


def test_my_page_needs_a_vendor(client, volunteer):
    assert client.get("/v/").status_code == 302  # anonymous: to sign-in
    assert "/accounts/login/" in client.get("/v/")["Location"]
    client.force_login(volunteer)
    assert client.get("/v/").status_code == 404
