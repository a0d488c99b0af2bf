"""Printable documents of a training session: the sign-in sheet and the certificate.

- ``render_sign_in_sheet``: an A4 portrait list to sign, for a place without a
  connection. The expected volunteers come pre-filled, numbered in the order the
  officer's attendance page shows them, so ticking the paper back in is quick; empty
  numbered rows follow for walk-ins. The table's header repeats on every page.
- ``render_certificate``: an A4 landscape certificate of attendance with a QR code of
  the page that says whether it is genuine.

Built on the shared helpers of ``kit.pdf`` (DejaVu fonts for every Vietnamese
letter, vector QR codes, text that shrinks and wraps to fit). Text is translated with
the active language when a function runs; dates and times are shown in the project's
time zone (Asia/Ho_Chi_Minh). Nothing here writes to the database; the callers pass
the session with its commune and topics, and volunteers with their village, already
fetched (see ``selectors.session_for_user``, ``selectors.roster``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from kit.pdf import BOLD, REGULAR, TextBlock, draw_qr, register_fonts, text_block
from kit.text import mask_phone

from .models import Attendance, TrainingSession

if TYPE_CHECKING:
    from volunteers.models import Volunteer

GREY = Color(0.35, 0.35, 0.35)
HEADER_FILL = Color(0.88, 0.88, 0.88)
CERTIFICATE_RED = Color(0.62, 0.08, 0.08)

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"

# The sign-in sheet, in points (1/72 inch).
SHEET_MARGIN = 36.0  # half an inch on every side: inside what any printer prints
ROW_HEIGHT = 24.0  # room enough to sign by hand
HEAD_ROW_HEIGHT = 20.0
CELL_PADDING = 3.0
FOOTER_HEIGHT = 18.0
COLUMN_SHARES = (0.06, 0.33, 0.17, 0.16, 0.28)
"""No. | Full name | Village | Phone | Signature, as shares of the table's width."""

SMALLEST_SCALE = 0.4
"""How far the certificate's text may shrink, so that even a huge name leaves the QR code alone."""


# ------------------------------------------------------------------ shared


def session_time(session: TrainingSession) -> str:
    """When the session runs: "20/05/2025 08:00 - 10:30", the end's date only if it differs."""
    zone = timezone.get_default_timezone()
    start = timezone.localtime(session.starts_at, zone)
    end = timezone.localtime(session.ends_at, zone)
    end_format = "%H:%M" if end.date() == start.date() else DATETIME_FORMAT
    # Translators: a training session's time span, e.g. "20/05/2025 08:00 - 10:30".
    return _("%(start)s - %(end)s") % {
        "start": start.strftime(DATETIME_FORMAT),
        "end": end.strftime(end_format),
    }


def _topics(session: TrainingSession) -> str:
    return ", ".join(topic.name for topic in session.topics.all())


def _youth_union(commune: str) -> str:
    return _("%(commune)s commune Youth Union") % {"commune": commune}


def _new_canvas(buffer: io.BytesIO, page_size: tuple[float, float]) -> Canvas:
    register_fonts()
    return Canvas(
        buffer,
        pagesize=page_size,
        initialFontName=REGULAR,  # else reportlab declares Helvetica, which lacks "ễ"
        lang=translation.get_language() or "vi",
    )


def _draw_left(canvas: Canvas, block: TextBlock, x: float, top: float) -> float:
    """Draw the lines of ``block`` left-aligned at ``x`` below ``top``; return its bottom."""
    for index, line in enumerate(block.lines):
        row = TextBlock(lines=(line,), size=block.size, leading=block.leading)
        row.draw(canvas, x + row.width / 2, top - index * block.line_height)
    return top - block.height


def _fitted(
    text: str,
    font_name: str,
    *,
    width: float,
    height: float,
    max_size: float,
    min_size: float,
    leading: float = 1.15,
) -> TextBlock:
    """``text`` within a box: shrink, wrap onto as many lines as fit, then shrink more.

    Never wider than ``width`` nor taller than ``height``, however long the text.
    """
    max_lines = max(1, int(height // (min_size * leading)))
    block = text_block(
        text,
        font_name,
        max_size=max_size,
        min_size=min_size,
        max_width=width,
        max_lines=max_lines,
        leading=leading,
    )
    if block.height > height:
        size = height / (len(block.lines) * leading)
        block = TextBlock(lines=block.lines, size=size, leading=leading)
    return block


# ------------------------------------------------------------------ sign-in sheet


@dataclass(frozen=True)
class SheetRow:
    """One numbered row of the sheet; an empty name is a blank row for a walk-in."""

    number: int
    name: str = ""
    village: str = ""
    phone: str = ""
    note: str = ""  # printed small in the signature cell, e.g. "Checked in by QR"


def sheet_rows(volunteers: Sequence[Volunteer], blank_rows: int) -> list[SheetRow]:
    """The volunteers in the given order, numbered from 1, then ``blank_rows`` empty rows."""
    if blank_rows < 0:
        raise ValueError("blank_rows cannot be negative.")
    rows = [
        SheetRow(
            number=number,
            name=volunteer.full_name,
            village=volunteer.village.name,
            phone=mask_phone(volunteer.phone),
            note=_("Already checked in") if getattr(volunteer, "attended", False) else "",
        )
        for number, volunteer in enumerate(volunteers, start=1)
    ]
    first_blank = len(rows) + 1
    rows.extend(SheetRow(number=n) for n in range(first_blank, first_blank + blank_rows))
    return rows


def paginate(rows: Sequence[SheetRow], first: int, rest: int) -> list[list[SheetRow]]:
    """Rows split into pages: ``first`` on the first page, ``rest`` on each other one.

    Always at least one page, so an empty list still prints its header.
    """
    pages = [list(rows[:first])]
    for start in range(first, len(rows), rest):
        pages.append(list(rows[start : start + rest]))
    return pages


def render_sign_in_sheet(
    session: TrainingSession, volunteers: Sequence[Volunteer], *, blank_rows: int = 10
) -> bytes:
    """The A4 portrait sign-in sheet of ``session`` as a PDF.

    ``volunteers`` are listed in the given order (that of ``selectors.roster``), numbered
    1..n, followed by ``blank_rows`` empty numbered rows for walk-ins. As many pages as
    needed, each with the table's header and "Page X of Y".
    """
    rows = sheet_rows(volunteers, blank_rows)
    buffer = io.BytesIO()
    canvas = _new_canvas(buffer, A4)
    width, height = A4
    commune = session.commune.name
    # Translators: the title of the printed sign-in sheet's PDF file.
    canvas.setTitle(_("Attendance sheet: %(title)s") % {"title": session.title})
    canvas.setAuthor(_youth_union(commune))
    canvas.setSubject(_("Attendance sheet"))

    inner = width - 2 * SHEET_MARGIN
    top, bottom = height - SHEET_MARGIN, SHEET_MARGIN + FOOTER_HEIGHT
    header = _sheet_header(session, inner)
    continued = _continued_header(session, inner)
    first_top = top - _stack_height(header)
    rest_top = top - _stack_height(continued)
    per_page = [
        max(1, int((table_top - HEAD_ROW_HEIGHT - bottom) // ROW_HEIGHT))
        for table_top in (first_top, rest_top)
    ]
    pages = paginate(rows, *per_page)
    widths = [share * inner for share in COLUMN_SHARES]
    for index, page_rows in enumerate(pages):
        stack, table_top = (header, first_top) if index == 0 else (continued, rest_top)
        _draw_stack(canvas, stack, SHEET_MARGIN, width / 2, top)
        _draw_table(canvas, page_rows, SHEET_MARGIN, table_top, widths)
        _draw_page_number(canvas, index + 1, len(pages), width)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class _Line:
    """A block of the sheet's header, with the space above it and how it is aligned."""

    gap: float
    block: TextBlock
    centred: bool = False


def _stack_height(stack: Sequence[_Line]) -> float:
    return sum(line.gap + line.block.height for line in stack)


def _draw_stack(
    canvas: Canvas, stack: Sequence[_Line], left: float, centre: float, top: float
) -> float:
    canvas.setFillColor(black)
    for line in stack:
        if line.centred:
            top = line.block.draw(canvas, centre, top - line.gap)
        else:
            top = _draw_left(canvas, line.block, left, top - line.gap)
    return top


def _session_details(session: TrainingSession) -> list[str]:
    """The lines under the sheet's title: kind, time, place or link, trainer, topics."""
    details = [
        _("Kind: %(kind)s") % {"kind": session.get_kind_display()},
        _("Time: %(time)s") % {"time": session_time(session)},
    ]
    if session.place:
        details.append(_("Place: %(place)s") % {"place": session.place})
    if session.online_link:
        details.append(_("Online: %(link)s") % {"link": session.online_link})
    if session.trainer:
        details.append(_("Trainer: %(trainer)s") % {"trainer": session.trainer})
    topics = _topics(session)
    if topics:
        details.append(_("Topics: %(topics)s") % {"topics": topics})
    return details


def _sheet_header(session: TrainingSession, width: float) -> list[_Line]:
    """The first page's header: who holds the session, the title, the session's details."""

    def block(text: str, font: str, size: float, smallest: float, lines: int = 2) -> TextBlock:
        return text_block(
            text, font, max_size=size, min_size=smallest, max_width=width, max_lines=lines
        )

    stack = [
        _Line(0.0, block(_youth_union(session.commune.name), REGULAR, 10, 8), centred=True),
        _Line(6.0, block(_("Attendance sheet").upper(), BOLD, 17, 13), centred=True),
        _Line(4.0, block(session.title, BOLD, 13, 10), centred=True),
    ]
    for index, detail in enumerate(_session_details(session)):
        stack.append(_Line(10.0 if index == 0 else 1.0, block(detail, REGULAR, 10, 8)))
    hint = _(
        "Please sign next to your name. If your name is not on the list, "
        "write it with your village and phone number in an empty row."
    )
    stack.append(_Line(6.0, block(hint, REGULAR, 9, 7.5)))
    stack.append(_Line(8.0, TextBlock(lines=(), size=1)))  # the space above the table
    return stack


def _continued_header(session: TrainingSession, width: float) -> list[_Line]:
    """The header of the other pages: which sheet this is, on one line."""
    title = _("Attendance sheet: %(title)s") % {"title": session.title}
    return [
        _Line(
            0.0,
            text_block(title, BOLD, max_size=10, min_size=6, max_width=width, max_lines=1),
        ),
        _Line(8.0, TextBlock(lines=(), size=1)),
    ]


def _column_titles() -> list[str]:
    return [
        # Translators: the column of row numbers on the sign-in sheet ("STT").
        pgettext("table column", "No."),
        _("Full name"),
        _("Village"),
        _("Phone"),
        _("Signature"),
    ]


def _draw_cell(
    canvas: Canvas,
    text: str,
    font_name: str,
    x: float,
    top: float,
    width: float,
    height: float,
    *,
    size: float = 9.5,
    centred: bool = False,
) -> None:
    """``text`` vertically centred in the cell, shrunk or wrapped never to leave it."""
    if not text.strip():
        return
    block = _fitted(
        text,
        font_name,
        width=width - 2 * CELL_PADDING,
        height=height - 2 * CELL_PADDING,
        max_size=size,
        min_size=min(size, 6.5),
    )
    block_top = top - (height - block.height) / 2
    if centred:
        block.draw(canvas, x + width / 2, block_top)
    else:
        _draw_left(canvas, block, x + CELL_PADDING, block_top)


def _draw_table(
    canvas: Canvas, rows: Sequence[SheetRow], left: float, top: float, widths: Sequence[float]
) -> None:
    """The column titles on a grey band, then the rows, with a thin grid."""
    total = sum(widths)
    lefts = [left + sum(widths[:index]) for index in range(len(widths))]
    bottom = top - HEAD_ROW_HEIGHT - ROW_HEIGHT * len(rows)

    canvas.setFillColor(HEADER_FILL)
    canvas.rect(left, top - HEAD_ROW_HEIGHT, total, HEAD_ROW_HEIGHT, stroke=0, fill=1)
    canvas.setFillColor(black)
    for index, title in enumerate(_column_titles()):
        _draw_cell(
            canvas,
            title,
            BOLD,
            lefts[index],
            top,
            widths[index],
            HEAD_ROW_HEIGHT,
            size=9,
            centred=True,
        )

    for index, row in enumerate(rows):
        row_top = top - HEAD_ROW_HEIGHT - index * ROW_HEIGHT
        cells = (str(row.number), row.name, row.village, row.phone)
        for column, text in enumerate(cells):
            _draw_cell(
                canvas,
                text,
                BOLD if column == 1 else REGULAR,
                lefts[column],
                row_top,
                widths[column],
                ROW_HEIGHT,
                centred=column == 0,
            )
        if row.note:
            canvas.setFillColor(GREY)
            _draw_cell(canvas, row.note, REGULAR, lefts[4], row_top, widths[4], ROW_HEIGHT, size=7)
            canvas.setFillColor(black)

    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.6)
    canvas.rect(left, bottom, total, top - bottom, stroke=1, fill=0)
    canvas.setLineWidth(0.4)
    for x in lefts[1:]:
        canvas.line(x, top, x, bottom)
    for index in range(len(rows)):
        y = top - HEAD_ROW_HEIGHT - index * ROW_HEIGHT
        canvas.line(left, y, left + total, y)


def _draw_page_number(canvas: Canvas, page: int, pages: int, width: float) -> None:
    label = _("Page %(page)s of %(pages)s") % {"page": page, "pages": pages}
    block = text_block(label, REGULAR, max_size=8.5, min_size=7, max_width=width / 2)
    canvas.setFillColor(GREY)
    block.draw(canvas, width / 2, SHEET_MARGIN + block.height)
    canvas.setFillColor(black)


# ------------------------------------------------------------------ certificate


def render_certificate(attendance: Attendance, *, verify_url: str) -> bytes:
    """The A4 landscape certificate of ``attendance`` as a one-page PDF.

    Its QR code holds ``verify_url``, the public page that confirms the certificate;
    the certificate code is printed under it for those who type it.
    """
    session = attendance.session
    buffer = io.BytesIO()
    page_size = landscape(A4)
    canvas = _new_canvas(buffer, page_size)
    # Translators: the title of a certificate's PDF file; "name" is the attendee's.
    canvas.setTitle(_("Certificate of attendance: %(name)s") % {"name": attendance.name})
    canvas.setAuthor(_youth_union(session.commune.name))
    canvas.setSubject(session.title)
    _draw_certificate(canvas, attendance, verify_url, *page_size)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class _CertificateBody:
    """The certificate's middle, laid out at one scale: who took part in what, when, where."""

    stack: tuple[tuple[float, TextBlock], ...]

    @property
    def height(self) -> float:
        return sum(gap + block.height for gap, block in self.stack)

    @classmethod
    def make(
        cls, attendance: Attendance, unit: float, width: float, scale: float
    ) -> _CertificateBody:
        session = attendance.session

        def block(text: str, font: str, size: float, smallest: float, lines: int = 2) -> TextBlock:
            return text_block(
                text,
                font,
                max_size=size * scale * unit,
                min_size=smallest * scale * unit,
                max_width=width,
                max_lines=lines,
                leading=1.15,
            )

        if session.place:
            place = _("Place: %(place)s") % {"place": session.place}
        elif session.online_link:
            place = _("Place: online")
        else:
            place = ""
        topics = _topics(session)
        gap = 1.2 * scale * unit
        stack = [
            # Translators: on the certificate, followed by the attendee's name on its own line.
            (0.0, block(_("This certifies that"), REGULAR, 1.7, 1.4)),
            (gap, block(attendance.name, BOLD, 3.4, 2.4, lines=3)),
            # Translators: on the certificate, followed by the session's title on its own line.
            (gap, block(_("took part in the training session"), REGULAR, 1.7, 1.4)),
            (gap, block(session.title, BOLD, 2.2, 1.6)),
        ]
        details = [
            _("Topics: %(topics)s") % {"topics": topics} if topics else "",
            _("Time: %(time)s") % {"time": session_time(session)},
            place,
        ]
        for index, detail in enumerate(detail for detail in details if detail):
            space = (1.6 if index == 0 else 0.4) * scale * unit
            stack.append((space, block(detail, REGULAR, 1.4, 1.1)))
        return cls(tuple(stack))

    def draw(self, canvas: Canvas, centre: float, top: float) -> float:
        for gap, block in self.stack:
            top = block.draw(canvas, centre, top - gap)
        return top


def _draw_rule(canvas: Canvas, centre: float, y: float, length: float) -> None:
    canvas.setLineWidth(0.8)
    canvas.line(centre - length / 2, y, centre + length / 2, y)


def _draw_frame(canvas: Canvas, width: float, height: float, unit: float) -> None:
    """A double border: a thick line, and a thin one just inside it."""
    canvas.setStrokeColor(CERTIFICATE_RED)
    canvas.setLineWidth(2.4)
    canvas.rect(3 * unit, 3 * unit, width - 6 * unit, height - 6 * unit, stroke=1, fill=0)
    canvas.setLineWidth(0.8)
    canvas.rect(3.8 * unit, 3.8 * unit, width - 7.6 * unit, height - 7.6 * unit, stroke=1, fill=0)
    canvas.setStrokeColor(black)


def _draw_corner_headers(
    canvas: Canvas, commune: str, left: float, right: float, top: float, unit: float
) -> float:
    """The organisation top left, the national motto top right; return the lower bottom."""
    column = 36 * unit

    def block(text: str, font: str, size: float) -> TextBlock:
        return text_block(
            text, font, max_size=size, min_size=size * 0.75, max_width=column, max_lines=2
        )

    org_centre = left + column / 2
    # Translators: first line of the issuer, top left ("ĐOÀN TNCS HỒ CHÍ MINH").
    cursor = block(_("HO CHI MINH COMMUNIST YOUTH UNION"), REGULAR, 11).draw(
        canvas, org_centre, top
    )
    # Translators: second line of the issuer, top left ("BCH ĐOÀN XÃ CHƯ PRÔNG").
    committee = block(
        _("Youth Union Committee of %(commune)s commune") % {"commune": commune}, BOLD, 11
    )
    cursor = committee.draw(canvas, org_centre, cursor - 1)
    _draw_rule(canvas, org_centre, cursor - 4, min(committee.width, 12 * unit))
    org_bottom = cursor - 4

    motto_centre = right - column / 2
    # Translators: the national name, top right ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").
    cursor = block(_("SOCIALIST REPUBLIC OF VIET NAM"), BOLD, 11).draw(canvas, motto_centre, top)
    # Translators: the national motto under it ("Độc lập - Tự do - Hạnh phúc").
    motto = block(_("Independence - Freedom - Happiness"), BOLD, 11.5)
    cursor = motto.draw(canvas, motto_centre, cursor - 1)
    _draw_rule(canvas, motto_centre, cursor - 4, motto.width)
    return min(org_bottom, cursor - 4)


def _draw_certificate(
    canvas: Canvas, attendance: Attendance, verify_url: str, width: float, height: float
) -> None:
    """Draw the certificate; sizes are in units of 1% of the page width.

    The corner headers and the title from the top; the QR code bottom left and where
    and when it was given bottom right; the body centred in the space between, its
    text shrinking (down to ``SMALLEST_SCALE``) when a long name or title wraps.
    """
    session = attendance.session
    commune = session.commune.name
    unit = width / 100
    left, right = 7 * unit, width - 7 * unit
    top, bottom = height - 6.5 * unit, 6 * unit
    centre = width / 2

    _draw_frame(canvas, width, height, unit)
    canvas.setFillColor(black)
    headers_bottom = _draw_corner_headers(canvas, commune, left, right, top, unit)

    title = text_block(
        _("CERTIFICATE OF ATTENDANCE"),
        BOLD,
        max_size=4 * unit,
        min_size=2.6 * unit,
        max_width=right - left,
        max_lines=1,
    )
    canvas.setFillColor(CERTIFICATE_RED)
    body_top = title.draw(canvas, centre, headers_bottom - 3.5 * unit)
    canvas.setFillColor(black)

    # Bottom left: the code, what it is for, and the certificate's code under it.
    qr_size = 13 * unit
    caption_width = 26 * unit
    qr_centre = left + caption_width / 2
    scan = text_block(
        _("Scan to check this certificate"),
        REGULAR,
        max_size=1.05 * unit,
        min_size=0.8 * unit,
        max_width=caption_width,
    )
    code = text_block(
        # Translators: printed under the certificate's QR code.
        _("Certificate code: %(code)s") % {"code": attendance.certificate_code},
        REGULAR,
        max_size=1.05 * unit,
        min_size=0.8 * unit,
        max_width=caption_width,
    )
    footer_top = bottom + code.height + scan.height + qr_size
    draw_qr(canvas, verify_url, qr_centre - qr_size / 2, footer_top - qr_size, qr_size)
    canvas.setFillColor(GREY)
    cursor = scan.draw(canvas, qr_centre, footer_top - qr_size)
    code.draw(canvas, qr_centre, cursor)
    canvas.setFillColor(black)

    # Bottom right: where and when it was given, and who gives it (room to sign below).
    given_on = timezone.localtime(session.ends_at, timezone.get_default_timezone())
    sign_width = 34 * unit
    sign_centre = right - sign_width / 2
    given = text_block(
        _("Given at %(commune)s, on %(date)s")
        % {"commune": commune, "date": given_on.strftime(DATE_FORMAT)},
        REGULAR,
        max_size=1.4 * unit,
        min_size=1.0 * unit,
        max_width=sign_width,
    )
    cursor = given.draw(canvas, sign_centre, footer_top)
    text_block(
        _("For the Youth Union Committee").upper(),
        BOLD,
        max_size=1.3 * unit,
        min_size=1.0 * unit,
        max_width=sign_width,
    ).draw(canvas, sign_centre, cursor - 0.5 * unit)

    # The body, centred between the title and the footer.
    space_top, space_bottom = body_top - 2.5 * unit, footer_top + 1.5 * unit
    body_width = 74 * unit
    scale = 1.0
    while True:
        body = _CertificateBody.make(attendance, unit, body_width, scale)
        if body.height <= space_top - space_bottom or scale <= SMALLEST_SCALE:
            break
        scale = max(SMALLEST_SCALE, scale - 0.05)
    leftover = max(0.0, space_top - space_bottom - body.height)
    body.draw(canvas, centre, space_top - leftover / 2)
