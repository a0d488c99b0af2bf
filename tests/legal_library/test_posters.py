"""Legal library posters: real PDFs, rasterized and scanned back, text extracted and checked."""

from dataclasses import dataclass

import pypdfium2
import pytest
import zxingcpp
from django.utils import translation

from legal_library.posters import PointPoster, printed_url, render_point_posters
from tests.pdf_reading import SCALE, Box, normalize, qr_square

A4_SIZE = (595.28, 841.89)
PRINTER_MARGIN = 14  # points (5 mm) a cheap printer may leave blank on every side


def point(code: str, village: str, *, place: str | None = None) -> PointPoster:
    return PointPoster(
        url=f"https://portal.example.vn/l/{code}/",
        code=code,
        point_name=f"Tủ sách pháp luật {village}",
        place=f"Nhà văn hóa {village}" if place is None else place,
        village_name=village,
        commune_name="Chư Prông",
        province_name="Gia Lai",
    )


KTE = point("L01", "Làng Kte")
VILLAGES = [
    point("T01", "Thôn 1"),
    point("T02", "Thôn 2"),
    point("T03", "Thôn 3"),
    KTE,
    point("L02", "Làng Bàu"),
    point("L03", "Làng Ia Bang", place=""),
    point("T06", "Thôn Hòa Bình"),
    point("L04", "Làng Grông", place="Nhà rông"),
]

LONG = PointPoster(
    url="https://portal.example.vn/l/KTE-2024-AB/",
    code="KTE-2024-AB",
    point_name=(
        "Tủ sách pháp luật và điểm đọc sách cộng đồng Làng Kte, "
        "dành cho thanh thiếu niên và người cao tuổi"
    ),
    place=(
        "Nhà văn hóa cộng đồng Làng Kte, cạnh sân bóng chuyền và trường mẫu giáo "
        "Hoa Mai, đường Hùng Vương"
    ),
    village_name="Làng Kte",
    commune_name="Chư Prông",
    province_name="Gia Lai",
)

# Far longer than anyone would type: the text shrinks, the code keeps its size.
HUGE = PointPoster(
    url="https://portal.example.vn/l/HUGE-POINT1/",
    code="HUGE-POINT1",
    point_name=" ".join(["Tủ sách pháp luật cộng đồng Làng Kte"] * 6),
    place=" ".join(["Nhà văn hóa cộng đồng, cạnh trường mẫu giáo Hoa Mai"] * 6),
    village_name="Làng Kte",
    commune_name="Chư Prông Ia Boòng Ia Phìn Ia Drăng Ia Pia",
    province_name="Gia Lai Kon Tum Đắk Lắk",
)

# Words too long to wrap well: two lines at almost full size take the code's room, so
# all the text must shrink a little.
TALL = PointPoster(
    url="https://portal.example.vn/l/TALL/",
    code="TALL",
    point_name="Tủ-sách-pháp-luật-cộng-đồng Làng-Kte-xã-Chư-Prông-mới",
    place="Nhà-văn-hóa-cộng-đồng-làng Kte-cạnh-trường-mẫu-giáo",
    village_name="Làng Kte",
    commune_name="Chư Prông Ia Boòng Ia Phìn",
    province_name="Gia Lai Kon Tum Đắk Lắk Bình Định",
)


@dataclass
class Code:
    text: str
    width_fraction: float  # the dark part's width as a fraction of the page width
    square: Box  # the code with its four-module quiet zone, in PDF points


@dataclass
class Page:
    size: tuple[float, float]
    text: str  # NFC, whitespace collapsed to single spaces
    codes: list[Code]
    char_boxes: list[tuple[str, int, Box]]  # every printed character, its line and box


@dataclass
class Document:
    title: str
    author: str
    pages: list[Page]


def _code(result, image_width: int, page_height: float) -> Code:
    return Code(
        text=result.text,
        width_fraction=(result.position.top_right.x - result.position.top_left.x) / image_width,
        square=qr_square(result, page_height),
    )


def read_pdf(data: bytes) -> Document:
    with pypdfium2.PdfDocument(data) as pdf:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            image = page.render(scale=SCALE).to_pil()
            results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            textpage = page.get_textpage()
            boxes, line = [], 0
            for char_index in range(textpage.count_chars()):
                char = textpage.get_text_range(char_index, 1)
                if char == "\n":
                    line += 1
                elif char.strip():
                    boxes.append((char, line, Box(*textpage.get_charbox(char_index))))
            pages.append(
                Page(
                    size=(width, height),
                    text=normalize(textpage.get_text_range()),
                    codes=[_code(result, image.width, height) for result in results],
                    char_boxes=boxes,
                )
            )
        metadata = pdf.get_metadata_dict()
        return Document(title=metadata["Title"], author=metadata["Author"], pages=pages)


@pytest.mark.parametrize("count", [1, 8])
def test_one_a4_page_per_poster_with_its_own_large_code(count):
    posters = VILLAGES[:count]
    document = read_pdf(render_point_posters(posters))

    assert len(document.pages) == count
    for poster, page in zip(posters, document.pages, strict=True):
        assert page.size == pytest.approx(A4_SIZE, abs=0.5)
        assert [code.text for code in page.codes] == [poster.url]
        assert page.codes[0].width_fraction >= 0.55


def test_pdf_title_and_author():
    assert read_pdf(render_point_posters([KTE])).title == "Tủ sách pháp luật Làng Kte"
    with translation.override("en"):
        document = read_pdf(render_point_posters(VILLAGES[:3]))
    assert document.title == "Legal library posters: T01, T02, T03"
    assert document.author == "Chư Prông commune Youth Union"


def test_vietnamese_text_is_in_the_pdf_with_diacritics():
    data = render_point_posters([KTE])
    text = read_pdf(data).pages[0].text

    assert "Tủ sách pháp luật Làng Kte" in text
    assert "Nhà văn hóa Làng Kte" in text
    assert "portal.example.vn/l/L01/" in text
    assert "https://" not in text
    assert "Gia Lai" in text
    assert "Chư Prông" in text
    # The embedded DejaVu fonts set every letter; Helvetica (no "ậ") is not even declared.
    assert b"DejaVuSans" in data
    assert b"DejaVuSans-Bold" in data
    assert b"/Helvetica" not in data


def test_english_sentences():
    with translation.override("en"):
        text = read_pdf(render_point_posters([KTE])).pages[0].text

    assert "Gia Lai province · Chư Prông commune" in text
    assert "Legal library" in text
    assert "Scan the code to read the law on your phone" in text
    assert "Open the phone camera and point it at the code." in text
    assert "Or open Zalo, tap the QR icon next to the search bar and scan." in text
    assert "Chư Prông commune Youth Union" in text
    assert "Point code: L01" in text


@pytest.mark.parametrize(
    ("expected", "fallback"),
    [
        ("Tỉnh Gia Lai · Xã Chư Prông", "Gia Lai province · Chư Prông commune"),
        (
            "Quét mã để đọc pháp luật trên điện thoại",
            "Scan the code to read the law on your phone",
        ),
        ("Đoàn Thanh niên xã Chư Prông", "Chư Prông commune Youth Union"),
    ],
)
def test_vietnamese_sentences(expected, fallback):
    with translation.override("vi"):
        text = read_pdf(render_point_posters([KTE])).pages[0].text
    # Until the catalogue has the entry, Vietnamese falls back to the English text.
    assert expected in text or fallback in text


@pytest.mark.parametrize(
    ("poster", "line", "village_count"),
    [
        # The name or the place already says the village: not once more.
        (KTE, "Nhà văn hóa Làng Kte", 2),
        (point("L04", "Làng Grông", place="Nhà rông"), "Làng Grông Nhà rông", 1),
        (point("L03", "Làng Ia Bang", place=""), "Làng Ia Bang", 1),
        (
            PointPoster(
                "https://portal.example.vn/l/L07/",
                "L07",
                "Tủ sách số 7",
                "Nhà văn hóa Làng Kte",
                "Làng Kte",
                "Chư Prông",
                "Gia Lai",
            ),
            "Tủ sách số 7 Nhà văn hóa Làng Kte",
            1,
        ),
        (
            PointPoster(
                "https://portal.example.vn/l/L05/",
                "L05",
                "Tủ sách số 5",
                "Nhà rông",
                "Làng Kte",
                "Chư Prông",
                "Gia Lai",
            ),
            "Nhà rông, Làng Kte",
            1,
        ),
        (
            PointPoster(
                "https://portal.example.vn/l/L06/",
                "L06",
                "Tủ sách số 6",
                "",
                "Làng Kte",
                "Chư Prông",
                "Gia Lai",
            ),
            "Tủ sách số 6 Làng Kte",
            1,
        ),
    ],
)
def test_the_village_is_named_once_under_the_point(poster, line, village_count):
    with translation.override("en"):
        text = read_pdf(render_point_posters([poster])).pages[0].text
    assert line in text
    assert text.count(poster.village_name) == village_count


def test_long_names_and_places_still_render():
    posters = [LONG, KTE, HUGE]
    document = read_pdf(render_point_posters(posters))

    assert LONG.point_name in document.pages[0].text
    assert LONG.place in document.pages[0].text
    assert "portal.example.vn/l/KTE-2024-AB/" in document.pages[0].text
    assert HUGE.point_name in document.pages[2].text
    for poster, page in zip(posters, document.pages, strict=True):
        assert [code.text for code in page.codes] == [poster.url]
        assert page.codes[0].width_fraction >= 0.55


@pytest.mark.parametrize("poster", [KTE, VILLAGES[5], LONG, HUGE, TALL], ids=lambda p: p.code)
def test_nothing_overlaps(poster):
    """No letter on the code (quiet zone included), on another letter or in the margin."""
    page = read_pdf(render_point_posters([poster])).pages[0]
    width, height = page.size
    square = page.codes[0].square
    inside = Box(PRINTER_MARGIN, PRINTER_MARGIN, width - PRINTER_MARGIN, height - PRINTER_MARGIN)

    assert len(page.char_boxes) > 100
    for char, _line, box in page.char_boxes:
        assert not box.overlaps(square), char
        assert inside.left <= box.left and box.right <= inside.right, char
        assert inside.bottom <= box.bottom and box.top <= inside.top, char
    assert inside.left <= square.left and square.right <= inside.right
    assert inside.bottom <= square.bottom and square.top <= inside.top
    # Letters of one line may touch ("Kt"); lines must not.
    glyphs = [(char, line, box.shrunk(0.2)) for char, line, box in page.char_boxes]
    assert len({line for _char, line, _box in glyphs}) >= 8
    for index, (char, line, box) in enumerate(glyphs):
        for other_char, other_line, other in glyphs[index + 1 :]:
            assert other_line == line or not box.overlaps(other), (char, other_char)


@pytest.mark.parametrize("posters", [[], ()])
def test_no_posters_is_an_error(posters):
    with pytest.raises(ValueError, match="No posters"):
        render_point_posters(posters)


@pytest.mark.parametrize(
    ("url", "printed"),
    [
        ("https://portal.example.vn/l/T03/", "portal.example.vn/l/T03/"),
        ("http://portal.example.vn/l/T03/", "portal.example.vn/l/T03/"),
        (" HTTPS://portal.example.vn/l/T03/ ", "portal.example.vn/l/T03/"),
        ("portal.example.vn/l/T03/", "portal.example.vn/l/T03/"),
    ],
)
def test_printed_url(url, printed):
    assert printed_url(url) == printed
