"""Printable stall posters and price tags: a vendor's VietQR bank-transfer codes, as PDFs.

One bank account's code is one poster. A4 and A6 print one poster per page; A6_SHEET
puts four A6 posters on an A4 page with thin grey cut lines, for an office printer.
A price-tag sheet puts 15 small tags on each A4 page (3 × 5, 70 × 59 mm, cut lines),
each a code with its item's price built in: the buyer scans it and types nothing.

The module gets plain data (``Poster``) and never touches the database. Text is
translated with the active language when ``render_posters`` runs.
"""

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4, A6
from reportlab.pdfgen.canvas import Canvas

from kit.pdf import BOLD, REGULAR, TextBlock, draw_qr, register_fonts, runs_block, text_block

GREY = Color(0.3, 0.3, 0.3)
LIGHT_GREY = Color(0.7, 0.7, 0.7)


@dataclass(frozen=True)
class Poster:
    """What one poster shows: one bank account's static VietQR code and who it pays."""

    payload: str  # the VietQR payload (static code)
    vendor_name: str  # "Lê Thị Bưởi"
    stall: str  # stall number, e.g. "A12" ("" when none)
    market_name: str  # "Chợ tạm Thôn 3"
    bank_name: str  # short bank name, e.g. "Vietcombank"
    holder_name: str  # bank style, e.g. "LE THI BUOI"
    account: str  # "0011001932418"
    label: str = ""  # e.g. "MoMo" ("" when none)


@dataclass(frozen=True)
class PriceTag:
    """One tag: an item, its price, and the dynamic code that carries both."""

    payload: str  # the VietQR payload with the amount (and the item as its note)
    item: str  # "Áo sơ mi"
    amount: int  # 150000
    bank_name: str  # "Vietcombank" (or the account's label, "MoMo")
    holder_name: str  # "LE THI BUOI"
    stall: str  # "A12" ("" when none)
    vendor_name: str  # "Lê Thị Bưởi"


class Layout(StrEnum):
    A4 = "a4"
    A6 = "a6"
    A6_SHEET = "a6-sheet"  # four A6 posters per A4 page, with cut lines


PER_SHEET = 4


def render_posters(posters: Sequence[Poster], layout: Layout) -> bytes:
    """The PDF of ``posters`` in ``layout``; raises ValueError when there are none."""
    if not posters:
        raise ValueError("No posters to render.")
    layout = Layout(layout)
    buffer = io.BytesIO()
    page_size = A6 if layout is Layout.A6 else A4
    canvas = _canvas(buffer, page_size)
    canvas.setTitle(_document_title(posters))
    width, height = page_size
    if layout is Layout.A6_SHEET:
        cell_width, cell_height = width / 2, height / 2
        for first in range(0, len(posters), PER_SHEET):
            for index, poster in enumerate(posters[first : first + PER_SHEET]):
                column, row = index % 2, index // 2
                x = column * cell_width
                y = height - (row + 1) * cell_height
                _draw_poster(canvas, poster, x, y, cell_width, cell_height)
            _draw_cut_lines(canvas, width, height)
            canvas.showPage()
    else:
        for poster in posters:
            _draw_poster(canvas, poster, 0, 0, width, height)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


TAG_COLUMNS, TAG_ROWS = 3, 5
TAGS_PER_PAGE = TAG_COLUMNS * TAG_ROWS


def render_price_tags(tags: Sequence[PriceTag]) -> bytes:
    """The A4 PDF of ``tags``, 15 a page; raises ValueError when there are none."""
    if not tags:
        raise ValueError("No price tags to render.")
    buffer = io.BytesIO()
    canvas = _canvas(buffer, A4)
    canvas.setTitle(_("Price tags: %(name)s") % {"name": tags[0].vendor_name})
    width, height = A4
    cell_width, cell_height = width / TAG_COLUMNS, height / TAG_ROWS
    for first in range(0, len(tags), TAGS_PER_PAGE):
        for index, tag in enumerate(tags[first : first + TAGS_PER_PAGE]):
            column, row = index % TAG_COLUMNS, index // TAG_COLUMNS
            _draw_tag(
                canvas,
                tag,
                column * cell_width,
                height - (row + 1) * cell_height,
                cell_width,
                cell_height,
            )
        _draw_cut_lines(canvas, width, height, columns=TAG_COLUMNS, rows=TAG_ROWS)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_tag(
    canvas: Canvas, tag: PriceTag, x: float, y: float, width: float, height: float
) -> None:
    """One tag in the box with lower-left corner (x, y): the item and its price on top,
    the code in the middle, whose account it pays at the bottom."""
    pad = 0.05 * width
    inner = width - 2 * pad
    centre = x + width / 2
    item = text_block(tag.item, BOLD, max_size=11, min_size=7.5, max_width=inner)
    price = text_block(
        _("%(amount)s VND") % {"amount": f"{tag.amount:,}".replace(",", ".")},
        BOLD,
        max_size=15,
        min_size=10,
        max_width=inner,
        max_lines=1,
    )
    account = text_block(
        f"{tag.bank_name} · {tag.holder_name}", REGULAR, max_size=7, min_size=5.5, max_width=inner
    )
    place = text_block(
        _("Stall %(stall)s") % {"stall": tag.stall} if tag.stall else tag.vendor_name,
        REGULAR,
        max_size=7,
        min_size=5.5,
        max_width=inner,
        max_lines=1,
    )
    canvas.setFillColor(black)
    cursor = item.draw(canvas, centre, y + height - pad)
    cursor = price.draw(canvas, centre, cursor)
    bottom = y + pad + account.height + place.height
    qr_size = max(0.0, min(inner, cursor - bottom))
    draw_qr(canvas, tag.payload, centre - qr_size / 2, cursor - qr_size, qr_size)
    canvas.setFillColor(GREY)
    cursor = account.draw(canvas, centre, bottom)
    place.draw(canvas, centre, cursor)


def page_count(count: int, layout: Layout) -> int:
    """How many pages ``count`` posters take in ``layout``."""
    return math.ceil(count / PER_SHEET) if Layout(layout) is Layout.A6_SHEET else count


def group_account(account: str) -> str:
    """The account number in groups of four for reading: "0011 0019 3241 8"."""
    compact = "".join(account.split())
    return " ".join(compact[start : start + 4] for start in range(0, len(compact), 4))


def _document_title(posters: Sequence[Poster]) -> str:
    names = list(dict.fromkeys(poster.vendor_name for poster in posters))
    return ", ".join(names[:3]) + (", …" if len(names) > 3 else "")


def _labelled(
    template: str,
    key: str,
    value: str,
    *,
    max_size: float,
    min_size: float,
    width: float,
    split_value: bool,
) -> TextBlock:
    """A "Label: value" line with the value in bold, wrapping between words if it must.

    ``template`` is a whole translated sentence with one placeholder (``%(key)s``), so
    translators keep the word order; it is split around the placeholder for the fonts.
    With ``split_value`` false the value (an account number) stays on one line.
    """
    marker = "\x00"
    before, _sep, after = (template % {key: marker}).partition(marker)
    values = value.split() if split_value else [value]
    groups = [
        *(((word, REGULAR),) for word in before.split()),
        *(((word, BOLD),) for word in values),
        *(((word, REGULAR),) for word in after.split()),
    ]
    return runs_block(groups, max_size=max_size, min_size=min_size, max_width=width)


def _stall_and_market(poster: Poster) -> str:
    if poster.stall:
        return _("Stall %(stall)s · %(market)s") % {
            "stall": poster.stall,
            "market": poster.market_name,
        }
    return poster.market_name


def _draw_poster(
    canvas: Canvas, poster: Poster, x: float, y: float, width: float, height: float
) -> None:
    """Draw one poster in the box with lower-left corner (x, y); sizes scale with the width.

    A6 and A4 have the same proportions, so one design in units of 1% of the width
    serves both. Header from the top, footer from the bottom, the code and the account
    centred in the space between; the code shrinks only if long names take two lines.
    """
    unit = width / 100
    inner = width - 12 * unit
    centre = x + width / 2
    top, bottom = y + height - 5.5 * unit, y + 5 * unit

    headline = text_block(
        _("Scan to pay"), BOLD, max_size=9 * unit, min_size=6 * unit, max_width=inner
    )
    hint = text_block(
        _("Open your banking app, choose QR, and scan this code."),
        REGULAR,
        max_size=3.4 * unit,
        min_size=2.8 * unit,
        max_width=inner,
    )
    vendor = text_block(
        poster.vendor_name,
        BOLD,
        max_size=4.2 * unit,
        min_size=3.2 * unit,
        max_width=inner,
        leading=1.15,
    )
    place = text_block(
        _stall_and_market(poster),
        REGULAR,
        max_size=3.2 * unit,
        min_size=2.6 * unit,
        max_width=inner,
        leading=1.15,
    )
    brand = text_block("VietQR", BOLD, max_size=2.4 * unit, min_size=2 * unit, max_width=inner)
    bank = _BankLine.make(poster, unit, inner)
    # Both lines at one size, the smaller of the two: tidier than two sizes.
    size, min_size = 4.4 * unit, 3.3 * unit
    for _attempt in range(2):
        holder = _labelled(
            _("Account holder: %(holder)s"),
            "holder",
            poster.holder_name,
            max_size=size,
            min_size=min_size,
            width=inner,
            split_value=True,
        )
        account = _labelled(
            _("Account number: %(account)s"),
            "account",
            group_account(poster.account),
            max_size=size,
            min_size=min_size,
            width=inner,
            split_value=False,
        )
        size = min(holder.size, account.size)

    # Header from the top.
    canvas.setFillColor(black)
    cursor = headline.draw(canvas, centre, top)
    canvas.setFillColor(GREY)
    header_bottom = hint.draw(canvas, centre, cursor - 0.8 * unit)

    # Footer from the bottom: vendor, stall and market, then "VietQR"; a rule above.
    footer_top = bottom + vendor.height + place.height + 0.8 * unit + brand.height
    canvas.setFillColor(black)
    cursor = vendor.draw(canvas, centre, footer_top)
    canvas.setFillColor(GREY)
    cursor = place.draw(canvas, centre, cursor)
    brand.draw(canvas, centre, cursor - 0.8 * unit)
    rule_y = footer_top + 2 * unit
    canvas.setStrokeColor(LIGHT_GREY)
    canvas.setLineWidth(max(0.5, 0.15 * unit))
    canvas.line(centre - inner / 2, rule_y, centre + inner / 2, rule_y)

    # The code and the account in between, centred in the space left. The code's own
    # white quiet zone separates it from the text above and below.
    details = bank.height + 0.6 * unit + holder.height + account.height
    space_top, space_bottom = header_bottom, rule_y + 1.5 * unit
    space = space_top - space_bottom
    qr_size = max(0.0, min(80 * unit, space - details))
    qr_top = space_top - (space - details - qr_size) / 2
    draw_qr(canvas, poster.payload, centre - qr_size / 2, qr_top - qr_size, qr_size)
    cursor = bank.draw(canvas, centre, qr_top - qr_size) - 0.6 * unit
    canvas.setFillColor(black)
    cursor = holder.draw(canvas, centre, cursor)
    account.draw(canvas, centre, cursor)


@dataclass(frozen=True)
class _BankLine:
    """The bank name in bold, followed by the label (if any) in a rounded outline."""

    name: TextBlock
    label: TextBlock
    unit: float

    @classmethod
    def make(cls, poster: Poster, unit: float, width: float) -> "_BankLine":
        label = text_block(
            poster.label, BOLD, max_size=4 * unit, min_size=3 * unit, max_width=width * 0.45
        )
        room = width - (label.width + 6 * unit if label.lines else 0.0)
        name = text_block(
            poster.bank_name, BOLD, max_size=6.5 * unit, min_size=4.5 * unit, max_width=room
        )
        if label.size > 0.8 * name.size:  # a long bank name shrank: the tag stays smaller
            label = text_block(
                poster.label,
                BOLD,
                max_size=0.8 * name.size,
                min_size=min(3 * unit, 0.8 * name.size),
                max_width=width * 0.45,
            )
        return cls(name=name, label=label, unit=unit)

    @property
    def _tag_size(self) -> tuple[float, float]:
        if not self.label.lines:
            return 0.0, 0.0
        return self.label.width + 3 * self.unit, self.label.height + 0.6 * self.unit

    @property
    def height(self) -> float:
        return max(self.name.height, self._tag_size[1])

    def draw(self, canvas: Canvas, centre: float, top: float) -> float:
        tag_width, tag_height = self._tag_size
        gap = 2 * self.unit if tag_width else 0.0
        left = centre - (self.name.width + gap + tag_width) / 2
        canvas.setFillColor(black)
        self.name.draw(
            canvas, left + self.name.width / 2, top - (self.height - self.name.height) / 2
        )
        if tag_width:
            tag_left = left + self.name.width + gap
            tag_top = top - (self.height - tag_height) / 2
            canvas.setStrokeColor(black)
            canvas.setLineWidth(max(0.6, 0.25 * self.unit))
            radius = min(tag_height / 2, 2.8 * self.unit)  # a pill; a rounded box if it wraps
            canvas.roundRect(tag_left, tag_top - tag_height, tag_width, tag_height, radius)
            self.label.draw(canvas, tag_left + tag_width / 2, tag_top - 0.3 * self.unit)
        return top - self.height


def _canvas(buffer: io.BytesIO, page_size: tuple[float, float]) -> Canvas:
    register_fonts()
    return Canvas(
        buffer,
        pagesize=page_size,
        initialFontName=REGULAR,  # else reportlab declares Helvetica, which lacks "ễ"
        lang=translation.get_language() or "vi",
    )


def _draw_cut_lines(
    canvas: Canvas, width: float, height: float, *, columns: int = 2, rows: int = 2
) -> None:
    """Thin dashed grey lines between the cells of a sheet."""
    canvas.saveState()
    canvas.setStrokeColor(LIGHT_GREY)
    canvas.setLineWidth(0.5)
    canvas.setDash(4, 3)
    for column in range(1, columns):
        canvas.line(width * column / columns, 0, width * column / columns, height)
    for row in range(1, rows):
        canvas.line(0, height * row / rows, width, height * row / rows)
    canvas.restoreState()
