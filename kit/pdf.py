"""PDF helpers shared by the printable posters (market stalls, legal library).

Built on reportlab's canvas. Nothing here touches the database or Django: callers
pass plain text, already translated.

- ``register_fonts`` makes the DejaVu fonts shipped in ``kit/fonts`` available
  under the names ``DejaVuSans`` and ``DejaVuSans-Bold``. They carry every Vietnamese
  letter (ễ, ượ, Đ); reportlab's built-in Helvetica does not.
- ``draw_qr`` draws a QR code as vector squares, so it stays sharp at any print size.
- ``fit_text``, ``text_block``, ``runs_block`` and ``draw_centred_text`` size text to
  fit a width: shrink first, then wrap onto more lines.
"""

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.constants
from reportlab.lib.colors import black, white
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FONT_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

QR_QUIET_ZONE = 4
"""White modules around the code on each side, as ISO/IEC 18004 asks for."""

_fonts_lock = threading.Lock()
_fonts_ready = threading.Event()


def register_fonts() -> None:
    """Register the DejaVu fonts with reportlab; safe and cheap to call repeatedly."""
    if _fonts_ready.is_set():
        return
    with _fonts_lock:
        if _fonts_ready.is_set():
            return
        known = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in _FONT_FILES.items():
            if name not in known:
                pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        # Lets Paragraph markup such as <b> pick the bold face.
        pdfmetrics.registerFontFamily(
            REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
        )
        _fonts_ready.set()


def qr_matrix(payload: str) -> list[list[bool]]:
    """The modules of the QR code of ``payload`` (error correction M), without border."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of ``payload`` in the square with lower-left corner (x, y).

    ``size`` is the side of the square, including a white quiet zone of four modules
    on each side. Runs of dark modules in a row become one rectangle, and all of them
    one filled path: small files, and no hairline seams between modules when printed.
    """
    matrix = qr_matrix(payload)
    count = len(matrix)
    module = size / (count + 2 * QR_QUIET_ZONE)
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (QR_QUIET_ZONE + row_index) * module
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            path.rect(
                x + (QR_QUIET_ZONE + start) * module,
                top - module,
                (column - start) * module,
                module,
            )
    canvas.setFillColor(black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def fit_text(
    text: str, font_name: str, max_size: float, min_size: float, max_width: float
) -> float:
    """The largest font size ≤ max_size at which ``text`` fits ``max_width``.

    Never below ``min_size``: the text may then still be too wide (see ``text_block``,
    which wraps it).
    """
    width_at_one = pdfmetrics.stringWidth(text, font_name, 1.0)
    if width_at_one <= 0:
        return max_size
    return max(min_size, min(max_size, max_width / width_at_one))


Run = tuple[str, str]
"""A piece of text and the font it is set in."""

Group = Sequence[Run]
"""Runs that stay together on one line; groups are separated by a space."""


@dataclass(frozen=True)
class TextBlock:
    """Lines of text, centred, at one font size, ready to draw."""

    lines: tuple[tuple[Run, ...], ...]
    size: float
    leading: float = 1.2

    @property
    def line_height(self) -> float:
        return self.size * self.leading

    @property
    def height(self) -> float:
        return self.line_height * len(self.lines)

    @property
    def width(self) -> float:
        return max((_runs_width(line, self.size) for line in self.lines), default=0.0)

    def draw(self, canvas: Canvas, centre_x: float, top: float) -> float:
        """Draw the lines centred on ``centre_x`` below ``top``; return the block's bottom."""
        for index, line in enumerate(self.lines):
            ascent, descent = _line_extent(line, self.size)
            half_leading = (self.line_height - (ascent - descent)) / 2
            baseline = top - index * self.line_height - half_leading - ascent
            x = centre_x - _runs_width(line, self.size) / 2
            for text, font_name in line:
                canvas.setFont(font_name, self.size)
                canvas.drawString(x, baseline, text)
                x += pdfmetrics.stringWidth(text, font_name, self.size)
        return top - self.height


def _runs_width(runs: Sequence[Run], size: float) -> float:
    return sum(pdfmetrics.stringWidth(text, font_name, size) for text, font_name in runs)


def _line_extent(runs: Sequence[Run], size: float) -> tuple[float, float]:
    extents = [pdfmetrics.getAscentDescent(font_name, size) for _, font_name in runs]
    if not extents:
        return pdfmetrics.getAscentDescent(REGULAR, size)
    return max(a for a, _ in extents), min(d for _, d in extents)


def _join(groups: Sequence[Group]) -> tuple[Run, ...]:
    """One line made of groups: a space (in the preceding group's last font) between them."""
    line: list[Run] = []
    for index, group in enumerate(groups):
        if index:
            line.append((" ", line[-1][1]))
        line.extend(group)
    return tuple(line)


def _balanced_split(groups: Sequence[Group], lines: int) -> list[tuple[Run, ...]]:
    """Split groups into ``lines`` lines so that the widest line is as narrow as possible."""
    count = len(groups)
    width = {
        (start, end): _runs_width(_join(groups[start:end]), 1.0)
        for start in range(count)
        for end in range(start + 1, count + 1)
    }
    # best[k][end]: (widest line, breaks) laying out groups[:end] on k lines.
    best: list[dict[int, tuple[float, tuple[int, ...]]]] = [
        {end: (width[0, end], (end,)) for end in range(1, count + 1)}
    ]
    for _ in range(1, lines):
        previous, current = best[-1], {}
        for end in range(1, count + 1):
            options = [
                (max(previous[cut][0], width[cut, end]), (*previous[cut][1], end))
                for cut in range(1, end)
                if cut in previous
            ]
            if options:
                current[end] = min(options)
        best.append(current)
    breaks = best[-1][count][1]
    starts = (0, *breaks[:-1])
    return [_join(groups[start:end]) for start, end in zip(starts, breaks, strict=True)]


def runs_block(
    groups: Sequence[Group],
    *,
    max_size: float,
    min_size: float,
    max_width: float,
    max_lines: int = 2,
    leading: float = 1.2,
) -> TextBlock:
    """Lay out groups of runs centred within ``max_width``.

    One line at the largest size ≤ max_size that fits; if even ``min_size`` does not
    fit, wrap onto 2, then up to ``max_lines`` balanced lines. When nothing fits at
    ``min_size`` (one enormous word), the text shrinks below it rather than overflow.
    """
    groups = [tuple(group) for group in groups if any(text for text, _ in group)]
    if not groups:
        return TextBlock(lines=(), size=max_size, leading=leading)
    most_lines = max(1, min(max_lines, len(groups)))
    for line_count in range(1, most_lines + 1):
        lines = _balanced_split(groups, line_count)
        widest = max(_runs_width(line, 1.0) for line in lines)
        size = min(max_size, max_width / widest) if widest > 0 else max_size
        if size >= min_size or line_count == most_lines:
            return TextBlock(lines=tuple(lines), size=size, leading=leading)
    raise AssertionError("unreachable")  # pragma: no cover


def text_block(
    text: str,
    font_name: str,
    *,
    max_size: float,
    min_size: float,
    max_width: float,
    max_lines: int = 2,
    leading: float = 1.2,
) -> TextBlock:
    """Lay out plain text in one font; it may wrap between words (see ``runs_block``)."""
    return runs_block(
        [((word, font_name),) for word in text.split()],
        max_size=max_size,
        min_size=min_size,
        max_width=max_width,
        max_lines=max_lines,
        leading=leading,
    )


def draw_centred_text(
    canvas: Canvas,
    text: str,
    centre_x: float,
    top: float,
    font_name: str,
    *,
    max_size: float,
    min_size: float,
    max_width: float,
    max_lines: int = 2,
) -> float:
    """Draw text centred below ``top``, shrunk or wrapped to fit; return its bottom."""
    block = text_block(
        text,
        font_name,
        max_size=max_size,
        min_size=min_size,
        max_width=max_width,
        max_lines=max_lines,
    )
    return block.draw(canvas, centre_x, top)
