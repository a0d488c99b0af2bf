"""The vendor's page as a counter screen: amounts as people write them, the ceiling that
asks to confirm, the labelled "Save image" card, and the price-tag sheet (issue 13 §2)."""

import io
import re

import pypdfium2
import pytest
import zxingcpp
from django.urls import reverse
from django.utils import translation
from PIL import Image

from core.models import AuditEntry
from market import vietqr
from market.models import Vendor
from market.services import vendor_update

pytestmark = pytest.mark.django_db


def decode_png(content: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))]


def requested_code(client, html: str) -> vietqr.VietQR:
    start = html.index('src="', html.index('id="requested"')) + 5
    image_url = html[start : html.index('"', start)].replace("&amp;", "&")
    (text,) = decode_png(client.get(image_url).content)
    return vietqr.parse(text)


# ------------------------------------------------------------------ asking for an amount


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("150000", 150_000),
        ("150.000", 150_000),
        ("150,000", 150_000),
        ("150 000", 150_000),
        ("150k", 150_000),
        ("1,5tr", 1_500_000),
    ],
)
def test_amounts_as_people_write_them_mean_what_they_say(client, vendor_a, typed, amount):
    response = client.get(f"/v/{vendor_a.token}/", {"amount": typed})
    html = response.content.decode()
    assert 'class="error"' not in html
    shown = re.search(r'<p class="amount" id="requested-title">([^<]*)</p>', html)
    assert shown is not None and f"{amount:,}".replace(",", ".") in shown.group(1)
    code = requested_code(client, html)
    assert (code.amount, code.static) == (amount, False)


def test_the_amount_field_has_no_pattern_and_the_note_says_its_limit(client, vendor_a):
    html = client.get(f"/v/{vendor_a.token}/?amount=x").content.decode()
    amount_input = re.search(r'<input[^>]*name="amount"[^>]*>', html).group(0)
    assert "pattern" not in amount_input and 'inputmode="numeric"' not in amount_input
    note_input = re.search(r'<input[^>]*name="note"[^>]*>', html).group(0)
    assert 'maxlength="25"' in note_input
    with translation.override("vi"):
        html = client.get(f"/v/{vendor_a.token}/?amount=x").content.decode()
    assert "25" in html and "dấu" in html  # the hint: 25 characters, diacritics dropped


def test_a_note_of_25_letters_with_diacritics_goes_into_the_code(client, vendor_a):
    note = "Rau cải 2 bó cà chua một"  # 24 letters once folded
    response = client.get(f"/v/{vendor_a.token}/", {"amount": "25k", "note": note})
    code = requested_code(client, response.content.decode())
    assert (code.amount, code.purpose) == (25_000, "Rau cai 2 bo ca chua mot")


def test_while_an_amount_code_is_shown_the_codes_without_amount_are_hidden(client, vendor_a):
    html = client.get(f"/v/{vendor_a.token}/", {"amount": "50k"}).content.decode()
    static_images = [
        reverse("market:account_qr", args=[vendor_a.token, account.pk, "png"]) + '"'
        for account in vendor_a.accounts.all()
    ]
    assert not any(url in html for url in static_images)
    assert f'href="/v/{vendor_a.token}/"' in html  # back to the codes without an amount
    assert html.count('class="qr"') == 1
    plain = client.get(f"/v/{vendor_a.token}/").content.decode()
    assert all(url in plain for url in static_images)


def test_an_amount_over_the_ceiling_asks_to_confirm(client, vendor_a):
    url = f"/v/{vendor_a.token}/"
    html = client.get(url, {"amount": "15tr"}).content.decode()
    assert 'id="requested"' not in html
    assert 'type="checkbox" name="confirm"' in html
    assert "15.000.000" in html and "10.000.000" in html
    assert html.index('id="form-errors"') < html.index('class="qr"')  # the error on top
    html = client.get(url, {"amount": "15tr", "confirm": "on"}).content.decode()
    assert requested_code(client, html).amount == 15_000_000
    # the fresh form for the next amount does not carry the confirmation
    assert 'name="confirm" value="True"' not in html
    # at the ceiling: no question
    html = client.get(url, {"amount": "10tr"}).content.decode()
    assert 'id="requested"' in html


def test_the_vendors_own_ceiling_is_the_one_asked_against(client, vendor_a, officer):
    vendor_update(vendor=vendor_a, amount_ceiling=100_000, actor=officer)
    html = client.get(f"/v/{vendor_a.token}/", {"amount": "150k"}).content.decode()
    assert 'id="requested"' not in html and 'name="confirm"' in html


# ------------------------------------------------------------------ the ceiling


def test_the_signed_in_vendor_sets_the_ceiling_from_their_page(client, vendor_a, vendor):
    client.force_login(vendor)
    page = client.get(f"/v/{vendor_a.token}/").content.decode()
    url = reverse("market:vendor_ceiling", args=[vendor_a.pk])
    assert f'action="{url}"' in page and 'value="10.000.000"' in page
    response = client.post(url, {"amount_ceiling": "20tr"})
    assert response.status_code == 302 and response["Location"] == f"/v/{vendor_a.token}/"
    vendor_a.refresh_from_db()
    assert vendor_a.amount_ceiling == 20_000_000
    entry = AuditEntry.objects.filter(object_id=str(vendor_a.pk)).latest("at")
    assert entry.actor == vendor and "amount_ceiling" in str(entry.changes)
    client.logout()
    html = client.get(f"/v/{vendor_a.token}/", {"amount": "15tr"}).content.decode()
    assert 'id="requested"' in html


def test_an_officer_sets_the_ceiling_and_goes_back_to_the_market(client, vendor_a, officer):
    client.force_login(officer)
    url = reverse("market:vendor_ceiling", args=[vendor_a.pk])
    assert "10.000.000" in client.get(url).content.decode()
    response = client.post(url, {"amount_ceiling": "5.000.000"})
    assert response["Location"].startswith(
        reverse("market:market_detail", args=[vendor_a.market_id])
    )
    assert Vendor.objects.get(pk=vendor_a.pk).amount_ceiling == 5_000_000


@pytest.mark.parametrize("value", ["abc", "500", "0", "1,5"])
def test_a_bad_ceiling_is_refused_in_vietnamese(client, vendor_a, vendor, value):
    client.force_login(vendor)
    client.cookies["django_language"] = "vi"
    response = client.post(
        reverse("market:vendor_ceiling", args=[vendor_a.pk]), {"amount_ceiling": value}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="form-errors"' in html and ("Số tiền" in html or "Hãy viết" in html)
    assert Vendor.objects.get(pk=vendor_a.pk).amount_ceiling == 10_000_000


def test_another_vendor_cannot_set_the_ceiling(client, vendor_a, vendor_b_user):
    client.force_login(vendor_b_user)
    url = reverse("market:vendor_ceiling", args=[vendor_a.pk])
    assert client.post(url, {"amount_ceiling": "1tr"}).status_code == 404
    assert Vendor.objects.get(pk=vendor_a.pk).amount_ceiling == 10_000_000


# ------------------------------------------------------------------ "Save image"


def test_save_image_is_a_labelled_card_named_after_its_bank(client, vendor_a):
    names = set()
    for account in vendor_a.accounts.select_related("bank"):
        url = reverse("market:account_qr", args=[vendor_a.token, account.pk, "png"])
        bare = client.get(url)
        card = client.get(url + "?download=1")
        assert card["Content-Type"] == "image/png"
        disposition = card["Content-Disposition"]
        assert disposition.startswith("attachment;")
        name = re.search(r'filename="([^"]+)"', disposition).group(1)
        names.add(name)
        assert name.endswith(f"-{account.account_number[-4:]}.png")
        image = Image.open(io.BytesIO(card.content))
        bare_image = Image.open(io.BytesIO(bare.content))
        assert image.height > image.width and image.height > bare_image.height  # room for text
        assert decode_png(card.content) == [account.payload]
        # the card is made once, then served from the cache like the codes
        assert client.get(url + "?download=1").content == card.content
    assert names == {"vietqr-vietcombank-6789.png", "vietqr-momo-5678.png"}


def test_the_card_shows_bank_holder_account_and_stall(vendor_a):
    from market import qr

    account = vendor_a.accounts.select_related("bank", "vendor__market").get(is_primary=True)
    seen = []
    original = qr.render_card

    def spy(payload, *, above, below):
        seen.extend(line.text for line in above + below)
        return original(payload, above=above, below=below)

    qr.render_card = spy
    try:
        with translation.override("vi"):
            qr.account_card(account)
    finally:
        qr.render_card = original
    assert "Vietcombank" in seen
    assert "LE THI BUOI" in seen
    assert "1023 4567 89" in seen
    assert "Lê Thị Bưởi · Quầy A12" in seen
    assert "Chợ tạm Thôn 3" in seen


# ------------------------------------------------------------------ the price-tag sheet

ITEMS = (
    "Áo sơ mi — 150.000\n"
    "Quần jean nam cỡ lớn màu xanh đậm - 250k\n"
    "Bó rau 10 000\n"
    "Sầu riêng: 1,5tr\n"
)


def read_codes(pdf: bytes) -> list[list[str]]:
    with pypdfium2.PdfDocument(pdf) as document:
        return [
            sorted(
                code.text
                for code in zxingcpp.read_barcodes(
                    document[index].render(scale=2).to_pil(),
                    formats=zxingcpp.BarcodeFormat.QRCode,
                )
            )
            for index in range(len(document))
        ]


def test_the_vendor_makes_a_sheet_whose_every_code_carries_its_price(client, vendor_a, vendor):
    from market import posters

    client.force_login(vendor)
    url = reverse("market:vendor_price_tags", args=[vendor_a.pk])
    page = client.get(f"/v/{vendor_a.token}/").content.decode()
    assert f'href="{url}"' in page
    account = vendor_a.accounts.get(is_primary=True)
    made = []
    original = posters.render_price_tags

    def keep(tags):
        made.extend(tags)
        return original(tags)

    posters.render_price_tags = keep
    try:
        response = client.post(url, {"items": ITEMS, "account": account.pk})
    finally:
        posters.render_price_tags = original
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    expected = [
        (150_000, "Ao so mi"),
        (250_000, "Quan jean nam co lon mau"),
        (10_000, "Bo rau"),
        (1_500_000, "Sau rieng"),
    ]
    decoded = [vietqr.parse(tag.payload) for tag in made]
    assert [(code.amount, code.purpose) for code in decoded] == expected
    assert all(
        (code.bin, code.account, code.static) == (account.bank.bin, account.account_number, False)
        for code in decoded
    )
    # and read again from the rendered page, as a phone would
    (page_codes,) = read_codes(response.content)
    assert page_codes == sorted(tag.payload for tag in made)


def test_sixteen_tags_take_two_pages_and_all_read_back(client, vendor_a, officer):
    client.force_login(officer)
    items = "\n".join(f"Món {n} — {n}k" for n in range(1, 17))
    response = client.post(
        reverse("market:vendor_price_tags", args=[vendor_a.pk]),
        {"items": items, "account": vendor_a.accounts.get(is_primary=True).pk},
    )
    pages = read_codes(response.content)
    assert [len(codes) for codes in pages] == [15, 1]
    amounts = sorted(vietqr.parse(text).amount for codes in pages for text in codes)
    assert amounts == [n * 1000 for n in range(1, 17)]


def test_errors_are_per_line_in_vietnamese(client, vendor_a, vendor):
    client.force_login(vendor)
    client.cookies["django_language"] = "vi"
    response = client.post(
        reverse("market:vendor_price_tags", args=[vendor_a.pk]),
        {"items": "Áo sơ mi — 150.000\nNón lá\nKhăn: 1,5\n— 5000", "account": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dòng 2 (Nón lá)" in html and "Dòng 3 (Khăn: 1,5)" in html and "Dòng 4" in html
    assert "Dòng 1" not in html


def test_a_price_over_the_ceiling_asks_to_confirm_on_the_sheet(client, vendor_a, vendor):
    client.force_login(vendor)
    url = reverse("market:vendor_price_tags", args=[vendor_a.pk])
    data = {"items": "Xe máy — 25tr", "account": vendor_a.accounts.get(is_primary=True).pk}
    response = client.post(url, data)
    assert response.status_code == 400 and 'name="confirm"' in response.content.decode()
    response = client.post(url, {**data, "confirm": "on"})
    assert response["Content-Type"] == "application/pdf"


def test_only_accounts_with_a_confirmed_holder_are_offered(client, vendor_a, vendor):
    vendor_a.accounts.filter(label="MoMo").update(holder_confirmed=False)
    client.force_login(vendor)
    url = reverse("market:vendor_price_tags", args=[vendor_a.pk])
    assert "0912345678" not in client.get(url).content.decode()
    momo = vendor_a.accounts.get(label="MoMo")
    response = client.post(url, {"items": "Áo — 5k", "account": momo.pk})
    assert response.status_code == 400


def test_another_vendor_or_commune_gets_404(client, vendor_a, vendor_b_user, other_officer):
    url = reverse("market:vendor_price_tags", args=[vendor_a.pk])
    for user in (vendor_b_user, other_officer):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"items": "Áo — 5k"}).status_code == 404
