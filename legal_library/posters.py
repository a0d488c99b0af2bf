"""Printable A4 posters for the legal library points: one QR code per village point.

Each poster hangs on the wall of a village cultural house. Villagers scan its QR code
with the phone camera or Zalo and read the legal documents of that point on the phone.
The code holds the point's short, stable address (``https://…/l/T03/``), so a poster
never needs reprinting.

Designed for a cheap black-and-white printer and for reading from two metres: black
only, no logos, large type. The module gets plain data (``PointPoster``) and never
touches the database. Text is translated with the active language when
``render_point_posters`` runs.
"""

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.colors import black
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from kit.pdf import BOLD, REGULAR, TextBlock, draw_qr, register_fonts, text_block

QR_MAX = 76
"""Side of the code's square, quiet zone included, in % of the page width, at most."""

QR_MIN = 72
"""…and at least. A short URL makes a 29-module code (37 with the quiet zone): its dark
part is then 72 * 29 / 37 ≈ 56% of the page width, big enough to scan from afar."""

SMALLEST_SCALE = 0.6
"""How far the text may shrink to leave the code its room (long names and places)."""

RULE_WIDTH = 0.6  # the short thick rule under the title, in % of the page width
RULE_GAP = 1.4  # the space above and below it


@dataclass(frozen=True)
class PointPoster:
    """What one poster shows: a legal library point, where it is, and its address."""

    url: str  # absolute URL the QR encodes, e.g. "https://portal.example.vn/l/T03/"
    code: str  # "T03"
    point_name: str  # "Tủ sách pháp luật Thôn 3"
    place: str  # "Nhà văn hóa Thôn 3" ("" when none)
    village_name: str  # "Thôn 3"
    commune_name: str  # "Chư Prông"
    province_name: str  # "Gia Lai"


def render_point_posters(posters: Sequence[PointPoster]) -> bytes:
    """The PDF of ``posters``, one A4 portrait page each; ValueError when there are none."""
    if not posters:
        raise ValueError("No posters to render.")
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=A4,
        initialFontName=REGULAR,  # else reportlab declares Helvetica, which lacks "ễ"
        lang=translation.get_language() or "vi",
    )
    canvas.setTitle(_document_title(posters))
    canvas.setSubject(_("Legal library"))
    canvas.setAuthor(
        ", ".join(dict.fromkeys(_youth_union(poster.commune_name) for poster in posters))
    )
    width, height = A4
    for poster in posters:
        _draw_poster(canvas, poster, width, height)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def printed_url(url: str) -> str:
    """The address as people type it: without "https://" (or "http://")."""
    return re.sub(r"^https?://", "", url.strip(), flags=re.IGNORECASE)


def _document_title(posters: Sequence[PointPoster]) -> str:
    if len(posters) == 1:
        return posters[0].point_name
    codes = ", ".join(dict.fromkeys(poster.code for poster in posters))
    # Translators: the PDF's title; "codes" lists the points' short codes, e.g. "T01, T02".
    return _("Legal library posters: %(codes)s") % {"codes": codes}


def _youth_union(commune: str) -> str:
    return _("%(commune)s commune Youth Union") % {"commune": commune}


def _mentions(text: str, name: str) -> bool:
    def fold(value: str) -> str:
        return unicodedata.normalize("NFC", value).casefold()

    return bool(name.strip()) and fold(name) in fold(text)


def _place_line(poster: PointPoster) -> str:
    """The place, followed by the village unless the name or the place already says it."""
    village = poster.village_name.strip()
    if not village or _mentions(poster.point_name, village) or _mentions(poster.place, village):
        return poster.place
    if not poster.place.strip():
        return village
    # Translators: where a legal library point is, e.g. "Nhà rông, Làng Kte".
    return _("%(place)s, %(village)s") % {"place": poster.place, "village": village}


@dataclass(frozen=True)
class _Texts:
    """The poster's text laid out at one scale: the header above the code, the rest below."""

    region: TextBlock
    title: TextBlock
    name: TextBlock
    place: TextBlock
    instruction: TextBlock
    camera: TextBlock
    zalo: TextBlock
    address: TextBlock

    @classmethod
    def make(cls, poster: PointPoster, unit: float, width: float, scale: float) -> "_Texts":
        def block(text: str, font: str, size: float, smallest: float, **kwargs) -> TextBlock:
            return text_block(
                text,
                font,
                max_size=size * scale * unit,
                min_size=smallest * scale * unit,
                max_width=width,
                **kwargs,
            )

        # The two "how to scan" lines at one size, the smaller one: tidier than two sizes.
        hints = (
            _("Open the phone camera and point it at the code."),
            _("Or open Zalo, tap the QR icon next to the search bar and scan."),
        )
        size = min(block(hint, REGULAR, 3.2, 2.6).size for hint in hints) / (scale * unit)
        camera, zalo = (block(hint, REGULAR, size, min(size, 2.6)) for hint in hints)
        return cls(
            region=block(
                _("%(province)s province · %(commune)s commune")
                % {"province": poster.province_name, "commune": poster.commune_name},
                REGULAR,
                3.4,
                2.6,
            ),
            title=block(_("Legal library"), BOLD, 9, 6.5),
            name=block(poster.point_name, BOLD, 5, 3.6, leading=1.15),
            place=block(_place_line(poster), REGULAR, 4, 3, leading=1.15),
            instruction=block(
                _("Scan the code to read the law on your phone"), BOLD, 4.6, 3.6, leading=1.15
            ),
            camera=camera,
            zalo=zalo,
            address=block(printed_url(poster.url), BOLD, 4.4, 3, max_lines=1),
        )

    def header(self, unit: float) -> list[tuple[float, TextBlock]]:
        """The blocks above the code, each with the space before it."""
        rule_space = RULE_GAP * 2 * unit + RULE_WIDTH * unit
        return [
            (0.0, self.region),
            (1.5 * unit, self.title),
            (rule_space, self.name),
            (0.4 * unit, self.place),
        ]

    def below(self, unit: float) -> list[tuple[float, TextBlock]]:
        """The blocks below the code, each with the space before it."""
        # Vietnamese stacked marks (ể, ộ) rise above the font's ascent: keep a gap
        # so they never touch the code's quiet zone.
        return [
            (1.0 * unit, self.instruction),
            (1.0 * unit, self.camera),
            (0.3 * unit, self.zalo),
            (1.8 * unit, self.address),
        ]


def _height(stack: Sequence[tuple[float, TextBlock]]) -> float:
    return sum(gap + block.height for gap, block in stack)


def _draw_stack(
    canvas: Canvas, stack: Sequence[tuple[float, TextBlock]], centre: float, top: float
) -> float:
    for gap, block in stack:
        top = block.draw(canvas, centre, top - gap)
    return top


def _draw_poster(canvas: Canvas, poster: PointPoster, width: float, height: float) -> None:
    """Draw one poster on the page; sizes are in units of 1% of the page width.

    Header from the top (province and commune, the title, the point and its place),
    footer from the bottom (who runs it, the point code), and in between the code,
    then what to do with it and the address to type, centred in the space left.
    The code is never smaller than ``QR_MIN`` units: when long names take that room,
    all the text shrinks a little instead, down to ``SMALLEST_SCALE``.
    """
    unit = width / 100
    inner = width - 14 * unit
    centre = width / 2
    left, right = centre - inner / 2, centre + inner / 2
    top, bottom = height - 4.5 * unit, 4.5 * unit

    footer_size = 2.4 * unit
    for _attempt in range(2):  # both at one size, the smaller one: tidier than two sizes
        union = text_block(
            _youth_union(poster.commune_name),
            REGULAR,
            max_size=footer_size,
            min_size=footer_size * 0.8,
            max_width=inner * 0.62,
            max_lines=1,
        )
        point_code = text_block(
            _("Point code: %(code)s") % {"code": poster.code},
            REGULAR,
            max_size=footer_size,
            min_size=footer_size * 0.8,
            max_width=inner * 0.34,
            max_lines=1,
        )
        footer_size = min(union.size, point_code.size)
    footer_height = max(union.height, point_code.height)
    footer_rule = bottom + footer_height + 1.2 * unit
    space_top, space_bottom = top, footer_rule + 1.8 * unit

    scale = 1.0
    while True:
        texts = _Texts.make(poster, unit, inner, scale)
        header, below = texts.header(unit), texts.below(unit)
        free = space_top - space_bottom - _height(header) - _height(below)
        if free >= QR_MIN * unit or scale <= SMALLEST_SCALE:
            break
        scale = max(SMALLEST_SCALE, scale - 0.05)
    qr_size = max(QR_MIN * unit, min(QR_MAX * unit, free))

    canvas.setFillColor(black)
    canvas.setStrokeColor(black)

    # Header from the top, with a short thick rule under the title.
    header_bottom = _draw_stack(canvas, header, centre, space_top)
    title_bottom = header_bottom + _height(header[2:])
    rule_y = title_bottom - RULE_GAP * unit - RULE_WIDTH * unit / 2
    canvas.setLineWidth(RULE_WIDTH * unit)
    canvas.line(centre - 9 * unit, rule_y, centre + 9 * unit, rule_y)

    # Footer from the bottom: a thin rule, who runs the point on the left, its code right.
    union.draw(canvas, left + union.width / 2, bottom + footer_height)
    point_code.draw(canvas, right - point_code.width / 2, bottom + footer_height)
    canvas.setLineWidth(max(0.5, 0.12 * unit))
    canvas.line(left, footer_rule, right, footer_rule)

    # The code and the lines below it, centred in between. The code's white quiet zone
    # (four modules each side) is its own margin from the text above and below.
    leftover = max(0.0, header_bottom - space_bottom - _height(below) - qr_size)
    qr_top = header_bottom - leftover / 2
    draw_qr(canvas, poster.url, centre - qr_size / 2, qr_top - qr_size, qr_size)
    _draw_stack(canvas, below, centre, qr_top - qr_size)
