"""The officers' market pages: figures, posters, spreadsheets and reading a code from a photo."""

import io
import zipfile

import openpyxl
import pypdfium2
import pytest
import qrcode
import zxingcpp
from PIL import Image

from market import services, vietqr
from market.models import Vendor
from market.services import AccountData
from tests.market.test_vietqr import CASH_WITHDRAWAL, MERCHANT_STATIC

pytestmark = pytest.mark.django_db


def test_market_list_shows_adoption_in_a_fixed_number_of_queries(
    client, officer, vendor_a, vendor_b, market_a, django_assert_num_queries
):
    services.vendor_set_status(vendor=vendor_a, status=Vendor.Status.CASHLESS, actor=officer)
    services.vendor_register(market=market_a, full_name="Chưa Có Mã", stall="Z9", actor=None)
    client.force_login(officer)
    client.get("/cho/")
    # session, user, 2 permission queries, groups, markets with counts, the menu's vendor link
    with django_assert_num_queries(7):
        response = client.get("/cho/")
    html = response.content.decode()
    assert "Chợ tạm Thôn 3" in html and "Chợ Làng Kte" in html
    figures = dict((m.name, a) for m, a in response.context["pairs"])
    assert (
        figures["Chợ tạm Thôn 3"].vendors,
        figures["Chợ tạm Thôn 3"].with_code,
        figures["Chợ tạm Thôn 3"].cashless,
    ) == (2, 1, 1)
    assert figures["Chợ tạm Thôn 3"].percent_cashless == 50
    total = response.context["total"]
    assert (total.vendors, total.with_code, total.cashless) == (3, 2, 1)


def test_market_page_query_count_does_not_grow_with_vendors(
    client, officer, market_a, vcb, django_assert_num_queries
):
    client.force_login(officer)
    for n in range(12):
        services.vendor_register(
            market=market_a,
            full_name=f"Người Bán {n}",
            stall=f"K{n}",
            accounts=[AccountData(bank=vcb, account_number=f"7{n:07d}", holder_name="Ten")],
            actor=None,
        )
    client.get(f"/cho/{market_a.pk}/")
    # the 7 of the list page, with the market's figures counted in its own query,
    # plus its vendors and their accounts, and whether the persona has the market's
    # officer tools (export, import: volunteers of the village do not)
    with django_assert_num_queries(10):
        response = client.get(f"/cho/{market_a.pk}/")
    assert response.content.decode().count('class="vendor"') == 12


@pytest.mark.parametrize("persona", ["other_officer", "secretary_b", "volunteer", "vendor"])
def test_other_people_do_not_find_the_market(client, request, market_a, vendor_a, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in (
        f"/cho/{market_a.pk}/",
        f"/cho/{market_a.pk}/nguoi-ban.xlsx",
        f"/cho/{market_a.pk}/ap-phich.pdf",
        f"/cho/nguoi-ban/{vendor_a.pk}/ap-phich.pdf",
    ):
        # never a 403 that tells the market is there
        assert client.get(url).status_code == 404, (persona, url)


def test_branch_secretary_sees_the_market_of_her_village(client, secretary_a, market_a, vendor_a):
    client.force_login(secretary_a)
    assert client.get(f"/cho/{market_a.pk}/").status_code == 200
    assert client.post(f"/cho/nguoi-ban/{vendor_a.pk}/doi-lien-ket/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client, market_a):
    response = client.get(f"/cho/{market_a.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _decode_pdf(content: bytes) -> list[str]:
    texts = []
    for page in pypdfium2.PdfDocument(content):
        image = page.render(scale=3).to_pil()
        texts += [r.text for r in zxingcpp.read_barcodes(image)]
    return texts


def test_market_posters_decode_to_the_accounts_payloads(client, officer, market_a, vendor_a, vcb):
    unconfirmed = services.vendor_register(
        market=market_a,
        full_name="Chưa Xác Nhận",
        stall="U1",
        accounts=[AccountData(bank=vcb, account_number="55555555", holder_name="X")],
        actor=None,
    )
    client.force_login(officer)
    response = client.get(f"/cho/{market_a.pk}/ap-phich.pdf?layout=a6-sheet")
    assert response["Content-Type"] == "application/pdf"
    expected = {a.payload for a in vendor_a.accounts.all()}
    assert set(_decode_pdf(response.content)) == expected  # the unconfirmed account is left out
    assert unconfirmed.accounts.get().payload not in _decode_pdf(response.content)
    a4 = client.get(f"/cho/nguoi-ban/{vendor_a.pk}/ap-phich.pdf?layout=a4")
    assert set(_decode_pdf(a4.content)) == expected
    assert client.get(f"/cho/{market_a.pk}/ap-phich.pdf?layout=huge").status_code == 404


def test_export_then_import_round_trips(client, officer, market_a, vendor_a):
    """The officer's own export, uploaded again: every row is clean and nothing changes."""
    client.force_login(officer)
    response = client.get(f"/cho/{market_a.pk}/nguoi-ban.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.values)
    assert rows[0][0] == "Họ và tên"
    assert {r[8] for r in rows[1:]} == {"1023456789", "0912345678"}
    upload = io.BytesIO(response.content)
    upload.name = "nguoi-ban.xlsx"
    preview = client.post(f"/cho/{market_a.pk}/nhap/", {"file": upload})
    assert preview.status_code == 200
    # one vendor on two rows: her two accounts, both already hers
    assert [r.errors for r in preview.context["rows"]] == [[], []]
    response = client.post(
        f"/cho/{market_a.pk}/nhap/", {"import_id": preview.context["import_id"], "confirm": "all"}
    )
    assert response.status_code == 302
    assert Vendor.objects.filter(market=market_a).count() == 1
    assert vendor_a.accounts.count() == 2


def _csv(text: str, name: str = "nguoi-ban.csv"):
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = name
    return upload


GOOD_CSV = (
    "Ho va ten,Quầy,Mặt hàng,Ngân hàng,Số tài khoản,Chủ tài khoản,Trạng thái\n"
    "Nguyễn Thị Mai,C1,Rau,Vietcombank,1111111111,Nguyễn Thị Mai,đã dùng không tiền mặt\n"
    "Rơ Châm Hơn,C2,Gạo,970415,0011001932418,Rơ Châm Hơn,\n"
)


def test_a_clean_csv_is_saved_only_after_confirming(client, officer, market_a):
    client.force_login(officer)
    preview = client.post(f"/cho/{market_a.pk}/nhap/", {"file": _csv(GOOD_CSV)})
    assert [r.ok for r in preview.context["rows"]] == [True, True]
    assert not Vendor.objects.filter(market=market_a).exists()
    client.post(
        f"/cho/{market_a.pk}/nhap/", {"import_id": preview.context["import_id"], "confirm": "all"}
    )
    mai = Vendor.objects.get(full_name="Nguyễn Thị Mai")
    assert mai.status == "cashless" and mai.accounts.get().holder_name == "NGUYEN THI MAI"
    assert Vendor.objects.get(full_name="Rơ Châm Hơn").accounts.get().bank.bin == "970415"


def test_rows_with_errors_save_nothing_unless_only_clean_rows_are_chosen(client, officer, market_a):
    bad = GOOD_CSV + (
        "Trùng Quầy,C1,,,,,\n"
        ",C3,,,,,\n"
        "Sai Tài Khoản,C4,,Vietcombank,12/34,X,\n"
        "Sai Ngân Hàng,C5,,Ngân hàng Mặt Trăng,123,X,\n"
        "Sai Trạng Thái,C6,,,,,rồi\n"
    )
    client.force_login(officer)
    preview = client.post(f"/cho/{market_a.pk}/nhap/", {"file": _csv(bad)})
    rows = preview.context["rows"]
    assert [r.ok for r in rows] == [True, True, False, False, False, False, False]
    assert "Quầy C1" in " ".join(rows[2].errors) or "C1" in " ".join(rows[2].errors)
    response = client.post(
        f"/cho/{market_a.pk}/nhap/", {"import_id": preview.context["import_id"], "confirm": "all"}
    )
    assert response.status_code == 200
    assert not Vendor.objects.filter(market=market_a).exists()
    client.post(
        f"/cho/{market_a.pk}/nhap/", {"import_id": preview.context["import_id"], "confirm": "clean"}
    )
    assert Vendor.objects.filter(market=market_a).count() == 2


def _zip_bomb() -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    buffer.seek(0)
    buffer.name = "bom.xlsx"
    return buffer


@pytest.mark.parametrize(
    "upload",
    [
        lambda: _csv("Tên,Quầy\nA,1\n"),  # wrong column
        lambda: _csv("Quầy\n1\n"),  # no name column
        lambda: _csv(""),  # empty
        lambda: _csv("x", name="nguoi-ban.txt"),  # wrong type
        lambda: _csv("not really a spreadsheet", name="hong.xlsx"),  # corrupt
        lambda: io.BytesIO("Họ và tên\nA\n".encode("utf-16")),  # not UTF-8 (name set below)
        _zip_bomb,
    ],
)
def test_files_that_cannot_be_read_are_refused_whole(client, officer, market_a, upload):
    client.force_login(officer)
    file = upload()
    if not getattr(file, "name", None):
        file.name = "latin.csv"
    response = client.post(f"/cho/{market_a.pk}/nhap/", {"file": file})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert response.context["rows"] is None
    assert not Vendor.objects.filter(market=market_a).exists()


def _image_of(text: str, fmt: str = "PNG") -> io.BytesIO:
    buffer = io.BytesIO()
    qrcode.make(text).convert("RGB").save(buffer, fmt)
    buffer.seek(0)
    buffer.name = "ma." + fmt.lower()
    return buffer


def _png(image: Image.Image, name: str) -> io.BytesIO:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def _read_photo(client, officer, vendor, photo, **fields):
    """Press "Read the code" on the vendor's add-account page with this photo."""
    client.force_login(officer)
    url = f"/cho/nguoi-ban/{vendor.pk}/them-tai-khoan/"
    return client.post(url, {"photo": photo, "read": "1", **fields})


def test_a_photo_of_a_bank_code_fills_the_account(client, officer, vendor_a):
    payload = vietqr.build(bin="970415", account="0011001932418")
    client.force_login(officer)
    url = f"/cho/nguoi-ban/{vendor_a.pk}/them-tai-khoan/"
    response = client.post(
        url, {"photo": _image_of(payload, "JPEG"), "read": "1", "holder_name": "Lê Thị Bưởi"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["account_number"] == "0011001932418"
    assert form.initial["bank"] == str(services.Bank.objects.get(bin="970415"))
    assert form.initial["holder_name"] == "Lê Thị Bưởi"
    # Nothing is saved by reading.
    assert vendor_a.accounts.count() == 2


@pytest.mark.parametrize(
    "upload",
    [
        lambda: _image_of("https://chuprong.example.vn/"),  # a web link
        lambda: _image_of(
            "00020101021126280010A000000775011001234567895204541153037045802VN"
            "5910CUA HANG A6005HANOI6304ABCD"
        ),  # a merchant code, not VietQR
        lambda: io.BytesIO(b"%PDF-1.4 not an image"),
        lambda: io.BytesIO(b"\x89PNG\r\n\x1a\nbroken"),
    ],
)
def test_photos_without_a_vietqr_code_are_explained(client, officer, vendor_a, upload):
    file = upload()
    if not getattr(file, "name", None):
        file.name = "anh.png"
    client.force_login(officer)
    response = client.post(
        f"/cho/nguoi-ban/{vendor_a.pk}/them-tai-khoan/", {"photo": file, "read": "1"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["photo"]  # at the field and in the summary on top
    assert "form-errors" in response.content.decode()
    assert vendor_a.accounts.count() == 2


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (
            MERCHANT_STATIC,
            "Đây là mã thanh toán cửa hàng do ngân hàng cấp (mã merchant): mã không có số tài "
            "khoản nhận chuyển khoản. Hãy mở ứng dụng ngân hàng của người bán, chọn “Mã QR nhận "
            "tiền” và chụp lại, hoặc nhập số tài khoản.",
        ),
        (
            CASH_WITHDRAWAL,
            "Đây là mã rút tiền mặt, không dùng để nhận chuyển khoản. Hãy mở ứng dụng ngân "
            "hàng, chọn “Mã QR nhận tiền” và chụp lại.",
        ),
    ],
)
def test_a_photo_of_a_merchant_or_cash_code_says_why_in_vietnamese(
    client, officer, vendor_a, payload, reason
):
    assert vietqr.parse(payload).kind in ("merchant_payment", "cash_withdrawal")
    response = _read_photo(client, officer, vendor_a, _image_of(payload), holder_name="Lê Thị Bưởi")
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["photo"] == [reason]
    assert form.initial["account_number"] == ""  # nothing of the code is filled in
    assert form.initial["holder_name"] == "Lê Thị Bưởi"
    html = response.content.decode()
    assert html.index("form-errors") < html.index('name="photo"')  # the summary comes first
    assert vendor_a.accounts.count() == 2


def test_a_photo_with_a_merchant_code_beside_a_transfer_code_reads_the_transfer(
    client, officer, vendor_a
):
    """A screenshot may show both: the reader takes the one that can be a stall account."""
    transfer = vietqr.build(bin="970415", account="0011001932418")
    sheet = Image.new("RGB", (1000, 500), "white")
    for x, text in ((0, MERCHANT_STATIC), (500, transfer)):
        sheet.paste(qrcode.make(text).get_image().convert("RGB").resize((480, 480)), (x, 10))
    response = _read_photo(client, officer, vendor_a, _png(sheet, "hai-ma.png"))
    assert response.status_code == 200
    assert response.context["form"].initial["account_number"] == "0011001932418"


def test_a_blank_image_has_no_code(client, officer, vendor_a):
    blank = _png(Image.new("RGB", (400, 400), "white"), "trang.png")
    assert _read_photo(client, officer, vendor_a, blank).status_code == 400


def test_saving_an_account_form(client, officer, vendor_a, vcb):
    client.force_login(officer)
    url = f"/cho/nguoi-ban/{vendor_a.pk}/them-tai-khoan/"
    bad = client.post(
        url, {"bank": "VCB", "account_number": "12/34", "holder_name": "A", "save": "1"}
    )
    assert bad.status_code == 400
    ok = client.post(
        url,
        {
            "bank": "vietcombank",
            "account_number": "88888888",
            "holder_name": "Lê Bưởi",
            "holder_confirmed": "on",
            "save": "1",
        },
    )
    assert ok.status_code == 302
    assert vendor_a.accounts.get(account_number="88888888").holder_name == "LE BUOI"


def test_reissuing_a_link_from_the_market_page(client, officer, vendor_a):
    old = vendor_a.token
    client.force_login(officer)
    assert client.post(f"/cho/nguoi-ban/{vendor_a.pk}/doi-lien-ket/").status_code == 302
    vendor_a.refresh_from_db()
    assert vendor_a.token != old
    assert client.get(f"/v/{old}/").status_code == 404
