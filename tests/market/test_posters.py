"""Stall posters: real PDFs, rasterized and scanned back, text extracted and checked."""

import io
import math
import unicodedata
from dataclasses import dataclass

import pypdfium2
import pytest
import zxingcpp
from django.utils import translation
from reportlab.pdfgen.canvas import Canvas

from kit.pdf import BOLD, REGULAR, draw_qr, fit_text, register_fonts, text_block
from market.posters import Layout, Poster, group_account, page_count, render_posters

A4_SIZE = (595.28, 841.89)
A6_SIZE = (297.64, 419.53)
SCALE = 2  # 144 dpi: a module of the smallest code (A6 on a sheet) is about 10 px


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE as VietQR uses it: 4 uppercase hex digits."""
    crc = 0xFFFF
    for byte in data.encode("ascii"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def static_payload(bank_bin: str, account: str) -> str:
    """A static VietQR payload (transfer to an account); written here, not imported."""
    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    merchant = _tlv("00", "A000000727") + _tlv("01", beneficiary) + _tlv("02", "QRIBFTTA")
    body = (
        _tlv("00", "01")
        + _tlv("01", "11")
        + _tlv("38", merchant)
        + _tlv("53", "704")
        + _tlv("58", "VN")
        + "6304"
    )
    return body + crc16(body)


ACB = "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F"
BIDV_VIRTUAL = (
    "00020101021138590010A000000727012900069704180115V3CASLRPR13MT76"
    "0208QRIBFTTA53037045802VN6304ABD7"
)
MARKET = "Chợ tạm Thôn 3"

VENDORS = [
    Poster(
        ACB, "Nguyễn Thị Hồng Nhung", "A12", MARKET, "ACB", "NGUYEN THI HONG NHUNG", "257678859"
    ),
    Poster(
        static_payload("970415", "0011001932418"),
        "Đặng Văn Ước",
        "",
        MARKET,
        "VietinBank",
        "DANG VAN UOC",
        "0011001932418",
    ),
    Poster(
        static_payload("970454", "99MM24123456789"),
        "Lê Thị Bưởi",
        "B3",
        MARKET,
        "BVBank",
        "LE THI BUOI",
        "99MM24123456789",
        label="MoMo",
    ),
    Poster(
        static_payload("970405", "6280205123456"),
        "Rơ Mah H'Linh",
        "C1",
        MARKET,
        "Agribank",
        "RO MAH H LINH",
        "6280205123456",
    ),
    Poster(
        BIDV_VIRTUAL,
        "Phạm Thị Ngọc Ánh",
        "C7",
        MARKET,
        "BIDV",
        "PHAM THI NGOC ANH",
        "V3CASLRPR13MT76",
        label="Quầy rau",
    ),
]

LONG = Poster(
    static_payload("970436", "1234567890123456789"),
    "Nguyễn Thị Hồng Nhung Phương Thảo Nguyễn Thị Hồng Nhung Phương Thảo",
    "A123",
    "Chợ tạm Thôn 3, xã Chư Prông, tỉnh Gia Lai",
    "Ngân hàng TMCP Ngoại thương Việt Nam",
    "NGUYEN THI HONG NHUNG PHUONG THAO NGUYEN THI HONG",
    "1234567890123456789",
    label="Tài khoản bán hàng buổi sáng",
)


@dataclass
class Page:
    size: tuple[float, float]
    text: str  # NFC, whitespace collapsed to single spaces
    codes: list[str]  # decoded QR payloads, sorted
    code_widths: list[float]  # each code's width as a fraction of the page width


@dataclass
class Document:
    title: str
    pages: list[Page]


def normalize(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def read_pdf(data: bytes) -> Document:
    with pypdfium2.PdfDocument(data) as pdf:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            image = page.render(scale=SCALE).to_pil()
            codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            pages.append(
                Page(
                    size=page.get_size(),
                    text=normalize(page.get_textpage().get_text_range()),
                    codes=sorted(code.text for code in codes),
                    code_widths=[
                        (code.position.top_right.x - code.position.top_left.x) / image.width
                        for code in codes
                    ],
                )
            )
        return Document(title=pdf.get_metadata_dict().get("Title", ""), pages=pages)


def test_payload_helper_matches_the_reference_codes():
    assert crc16("123456789") == "29B1"
    assert static_payload("970416", "257678859") == ACB
    assert static_payload("970418", "V3CASLRPR13MT76") == BIDV_VIRTUAL
    assert len({poster.payload for poster in VENDORS}) == len(VENDORS)


@pytest.mark.parametrize("count", [1, 5])
@pytest.mark.parametrize("layout", list(Layout))
def test_pages_sizes_and_codes(layout, count):
    posters = VENDORS[:count]
    document = read_pdf(render_posters(posters, layout))

    expected_pages = math.ceil(count / 4) if layout is Layout.A6_SHEET else count
    assert len(document.pages) == expected_pages == page_count(count, layout)
    size = A6_SIZE if layout is Layout.A6 else A4_SIZE
    per_page = 4 if layout is Layout.A6_SHEET else 1
    for index, page in enumerate(document.pages):
        assert page.size == pytest.approx(size, abs=0.5)
        expected = posters[index * per_page : (index + 1) * per_page]
        assert page.codes == sorted(poster.payload for poster in expected)
        # The code is large: at least 60% of the poster's width (half the sheet's).
        poster_fraction = 0.5 if layout is Layout.A6_SHEET else 1.0
        assert min(page.code_widths) >= 0.6 * poster_fraction
    assert document.title.startswith(posters[0].vendor_name)


def test_pdf_title_is_the_vendor_name():
    document = read_pdf(render_posters(VENDORS[1:2], Layout.A6))
    assert document.title == "Đặng Văn Ước"


@pytest.mark.parametrize("layout", list(Layout))
def test_vietnamese_text_is_in_the_pdf_with_diacritics(layout):
    data = render_posters(VENDORS, layout)
    text = " ".join(page.text for page in read_pdf(data).pages)

    for name in ("Nguyễn Thị Hồng Nhung", "Đặng Văn Ước", "Lê Thị Bưởi", "Phạm Thị Ngọc Ánh"):
        assert name in text
    assert MARKET in text
    assert "NGUYEN THI HONG NHUNG" in text
    assert "0011 0019 3241 8" in text  # grouped by four for reading
    assert "0011001932418" not in text
    assert "MoMo" in text
    assert "Quầy rau" in text
    assert "VietQR" in text
    # The embedded DejaVu fonts set every letter; Helvetica (no "ễ") is not even declared.
    assert b"DejaVuSans" in data
    assert b"DejaVuSans-Bold" in data
    assert b"/Helvetica" not in data


@pytest.mark.parametrize(
    ("language", "headlines"),
    [
        ("en", {"Scan to pay"}),
        # Until the catalogue has the entry, Vietnamese falls back to the English text.
        ("vi", {"Quét mã để thanh toán", "Scan to pay"}),
    ],
)
def test_headline_and_stall_follow_the_language(language, headlines):
    with translation.override(language):
        page = read_pdf(render_posters(VENDORS[:1], Layout.A6)).pages[0]
    assert any(headline in page.text for headline in headlines)
    assert "Stall A12" in page.text or (language == "vi" and "Quầy A12" in page.text)


@pytest.mark.parametrize("layout", list(Layout))
def test_very_long_names_and_a_19_digit_account_still_render(layout):
    posters = [LONG, VENDORS[0], LONG]
    document = read_pdf(render_posters(posters, layout))

    text = " ".join(page.text for page in document.pages)
    assert LONG.vendor_name in text
    assert LONG.holder_name in text
    assert LONG.bank_name in text
    assert LONG.market_name in text
    assert "1234 5678 9012 3456 789" in text
    codes = sorted(code for page in document.pages for code in page.codes)
    assert codes == sorted(poster.payload for poster in posters)


@pytest.mark.parametrize("layout", list(Layout))
def test_no_posters_is_an_error(layout):
    with pytest.raises(ValueError, match="No posters"):
        render_posters([], layout)


def test_layout_given_as_its_value():
    assert len(read_pdf(render_posters(VENDORS[:2], "a6-sheet")).pages) == 1


def test_group_account():
    assert group_account("0011001932418") == "0011 0019 3241 8"
    assert group_account("V3CASLRPR13MT76") == "V3CA SLRP R13M T76"
    assert group_account(" 1234 5678 ") == "1234 5678"
    assert group_account("") == ""


# kit.pdf, the shared helpers


def test_register_fonts_is_idempotent():
    register_fonts()
    register_fonts()
    from reportlab.pdfbase import pdfmetrics

    assert {REGULAR, BOLD} <= set(pdfmetrics.getRegisteredFontNames())
    assert pdfmetrics.getFont(REGULAR).face.filename.endswith("kit/fonts/DejaVuSans.ttf")


def test_fit_text_shrinks_to_the_width_within_its_bounds():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    assert fit_text("Chợ", REGULAR, 40, 8, 500) == 40
    size = fit_text("Nguyễn Thị Hồng Nhung", BOLD, 40, 8, 150)
    assert 8 < size < 40
    assert stringWidth("Nguyễn Thị Hồng Nhung", BOLD, size) == pytest.approx(150)
    assert fit_text("Nguyễn Thị Hồng Nhung Phương Thảo", BOLD, 40, 8, 20) == 8


def test_text_block_wraps_onto_two_lines_only_below_the_minimum():
    register_fonts()
    short = text_block("Lê Thị Bưởi", BOLD, max_size=20, min_size=10, max_width=300)
    assert [len(line) for line in short.lines] == [5] and short.size == 20

    long_name = "Nguyễn Thị Hồng Nhung Phương Thảo"
    block = text_block(long_name, BOLD, max_size=20, min_size=10, max_width=150)
    assert len(block.lines) == 2
    assert block.size >= 10
    assert block.width <= 150 + 1e-6
    words = [text for line in block.lines for text, _font in line if text != " "]
    assert " ".join(words) == long_name

    huge = text_block("Supercalifragilistic", BOLD, max_size=20, min_size=10, max_width=50)
    assert len(huge.lines) == 1 and huge.width <= 50 + 1e-6  # shrinks rather than overflow


def test_draw_qr_draws_a_scannable_code_in_its_square_with_a_quiet_zone():
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(200, 200))
    draw_qr(canvas, ACB, 20, 30, 150)
    canvas.showPage()
    canvas.save()
    page = read_pdf(buffer.getvalue()).pages[0]
    assert page.codes == [ACB]
    # 33 modules plus 4 of quiet zone each side: the dark part is 33/41 of the square.
    assert page.code_widths[0] * 200 == pytest.approx(150 * 33 / 41, rel=0.05)
    assert len(buffer.getvalue()) < 20_000  # rows merged into rectangles: a small file
