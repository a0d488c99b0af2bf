"""An adoption report's files (XLSX, CSV, PDF), made from its frozen snapshot alone.

The snapshot is the JSON document described in ``reports/reporting.py``; names,
units, targets and table columns come from ``reports/indicators.py``. Nothing
here reads the database: the only models touched are the two label enums of
the "service" and "kind" columns. Every cell is shown by its column's kind:

- XLSX: numbers stay numbers (percents rounded to one decimal), dates are real
  dates shown dd/mm/yyyy, months are "mm/yyyy" text, None is an empty cell.
  The workbook is write-only, so memory stays flat however long a table is.
- CSV: one tidy table (section, item, measure, value) for pivoting; numbers in
  plain machine form (``45.5``), dates dd/mm/yyyy.
- PDF: A4, DejaVu fonts (every Vietnamese letter), numbers in the active
  language's format (``1.234``, ``45,5`` in Vietnamese).
"""

import datetime
import functools
import io
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from django.utils import formats, numberformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from kit.pdf import BOLD, REGULAR, register_fonts
from kit.spreadsheets import sheet_title, xlsx_append, xlsx_cell
from kit.spreadsheets import write_csv as csv_bytes
from reports.indicators import (
    BY_CODE,
    CHECKS,
    INDICATORS,
    PROGRAM_NAMES,
    SEVERITY_NAMES,
    TABLE_BY_KEY,
    TABLES,
    UNIT_NAMES,
    Column,
    Indicator,
    Program,
    Table,
    Unit,
    check_severity,
    progress,
)
from trainings.models import TrainingSession
from volunteers.models import Service

NUMERIC = {"int", "percent"}
MAX_CELL = 32_000  # Excel refuses a cell longer than 32,767 characters


# ------------------------------------------------------------------ reading the snapshot


def _indicator(snapshot: dict, code: str) -> dict:
    return (snapshot.get("indicators") or {}).get(code) or {}


def _rows(snapshot: dict, key: str) -> list[dict]:
    return (snapshot.get("tables") or {}).get(key) or []


def _scope(snapshot: dict) -> str:
    return (snapshot.get("scope") or {}).get("name", "")


def _day(value: str | None) -> str:
    return datetime.date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def _period(snapshot: dict) -> str:
    period = snapshot.get("period") or {}
    return f"{_day(period.get('start'))} – {_day(period.get('end'))}"


def _made_at(snapshot: dict) -> datetime.datetime | None:
    """When the report was made, in the local time zone, without tzinfo (Excel has none)."""
    if not snapshot.get("made_at"):
        return None
    made = datetime.datetime.fromisoformat(snapshot["made_at"])
    if timezone.is_aware(made):
        made = timezone.localtime(made)
    return made.replace(tzinfo=None)


def _as_of(snapshot: dict) -> str:
    """The last day the figures count, dd/mm/yyyy ("" for a report made before it was kept)."""
    return _day(snapshot.get("as_of"))


def _severity(check: dict) -> str:
    return str(SEVERITY_NAMES.get(check_severity(check), ""))


def _sending_lines(snapshot: dict) -> list[tuple[str, str]]:
    """(label, text) of how the report went to the province: ``snapshot["sending"]``, which
    the files of a sent report carry (reports.services.report_deliver), else nothing."""
    sending = snapshot.get("sending") or {}
    if not sending:
        return []
    sent = datetime.datetime.fromisoformat(sending["sent_at"])
    lines = [
        (
            _("Sent to the province"),
            _("%(when)s by %(name)s")
            % {"when": timezone.localtime(sent).strftime("%d/%m/%Y %H:%M"), "name": sending["by"]},
        )
    ]
    if sending.get("corrects"):
        lines.append((_("Correction of"), _("version %(n)s") % {"n": sending["corrects"]}))
    if sending.get("reason"):
        lines.append((_("Explanation for the province"), sending["reason"]))
    return lines


def _program_tables(program: str) -> list[Table]:
    return [table for table in TABLES if table.program == program]


# ------------------------------------------------------------------ cells by kind


def _label(enum, code: str) -> str:
    try:
        return str(enum(code).label)
    except ValueError:  # a code dropped since the report was made: show it as it is
        return str(code)


def _month(value: Any) -> str:
    year, month = str(value).split("-")[:2]
    return f"{month}/{year}"


# What a cell of each kind holds in the XLSX, from the value the report stores.
_CELL_VALUES: dict[str, Callable[[Any], Any]] = {
    "int": int,
    "percent": lambda value: round(float(value), 1),
    "date": datetime.date.fromisoformat,
    "month": _month,
    "service": functools.partial(_label, Service),
    "kind": functools.partial(_label, TrainingSession.Kind),
}


def cell_value(kind: str, value: Any) -> Any:
    """A cell as the XLSX holds it: int, float (1 decimal), date, text or None."""
    if value is None or value == "":
        return None
    return _CELL_VALUES.get(kind, str)(value)


def number_text(value: float | Decimal, decimals: int | None = None) -> str:
    """A number in the active language, thousands grouped: 1.234 and 45,5 in Vietnamese."""
    if decimals is None and float(value).is_integer():
        value = int(value)
    return numberformat.format(
        value,
        formats.get_format("DECIMAL_SEPARATOR"),
        decimals,
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def cell_text(kind: str, value: Any) -> str:
    """A cell as people read it in the active language: 1.234, 45,5, 05/11/2026."""
    shown = cell_value(kind, value)
    if shown is None:
        return "–" if kind in NUMERIC else ""
    if isinstance(shown, datetime.date):
        return shown.strftime("%d/%m/%Y")
    if kind == "percent":
        return number_text(shown, 1)
    if kind == "int":
        return number_text(shown)
    return shown


def _csv_value(kind: str, value: Any) -> Any:
    shown = cell_value(kind, value)
    return shown.strftime("%d/%m/%Y") if isinstance(shown, datetime.date) else shown


def _number(value: Decimal | float | None, unit: str) -> int | float | None:
    if value is None:
        return None
    if unit == Unit.COUNT and float(value).is_integer():
        return int(value)
    return round(float(value), 1)


def _plain(number) -> int | float | None:
    if number is None:
        return None
    number = Decimal(str(number))
    return int(number) if number == number.to_integral_value() else float(number)


def _goal(snapshot: dict, indicator: Indicator) -> dict:
    """The target and baseline the report was made with (``snapshot["targets"]``), or,
    for a report made before they were kept, the indicator's defaults."""
    kept = snapshot.get("targets")
    if kept is not None:
        return kept.get(indicator.code) or {}
    return {"target": indicator.target, "baseline": indicator.baseline}


def _target(snapshot: dict, indicator: Indicator) -> int | float | None:
    return _plain(_goal(snapshot, indicator).get("target"))


def _baseline(snapshot: dict, indicator: Indicator) -> int | float | None:
    return _plain(_goal(snapshot, indicator).get("baseline"))


def _baseline_day(snapshot: dict, indicator: Indicator) -> datetime.date | None:
    day = _goal(snapshot, indicator).get("baseline_as_of")
    return datetime.date.fromisoformat(day) if day else None


def _progress(snapshot: dict, indicator: Indicator, value) -> float | None:
    return progress(value, _target(snapshot, indicator), _baseline(snapshot, indicator))


def _is_reached(snapshot: dict, indicator: Indicator, value) -> bool | None:
    target = _target(snapshot, indicator)
    if target is None or value is None:
        return None
    return Decimal(str(value)) >= Decimal(str(target))


def _reached(snapshot: dict, indicator: Indicator, value) -> str:
    """Whether the target is reached: yes, no, or "" when there is no target or no value."""
    reached = _is_reached(snapshot, indicator, value)
    if reached is None:
        return ""
    return pgettext("target reached", "Yes") if reached else pgettext("target reached", "No")


def _ids(ids: Sequence[int], limit: int | None = None) -> str:
    shown = ", ".join(str(i) for i in ids[:limit])
    if limit is not None and len(ids) > limit:
        shown += ", …"
    return shown[:MAX_CELL]


def _key_columns(table: Table) -> tuple[tuple[Column, ...], tuple[Column, ...]]:
    """The columns that name a row (those before the first number), and the measures."""
    first = next((i for i, c in enumerate(table.columns) if c.kind in NUMERIC), 1)
    first = max(first, 1)
    return table.columns[:first], table.columns[first:]


# ------------------------------------------------------------------ XLSX

_KIND_WIDTH = {"text": 32, "service": 40, "kind": 20, "date": 12, "month": 10}


def _width(column: Column) -> float:
    return min(max(_KIND_WIDTH.get(column.kind, 10), len(str(column.heading)) + 2), 45)


def _set_widths(sheet: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _xlsx_row(sheet: WriteOnlyWorksheet, table: Table, row: dict) -> list:
    cells = []
    for column in table.columns:
        cell = xlsx_cell(sheet, cell_value(column.kind, row.get(column.key)))
        if column.kind == "percent":
            cell.number_format = "0.0"
        cells.append(cell)
    return cells


def _xlsx_table(sheet: WriteOnlyWorksheet, table: Table, rows: list[dict]) -> None:
    xlsx_append(sheet, [str(column.heading) for column in table.columns], bold=True)
    for row in rows:
        sheet.append(_xlsx_row(sheet, table, row))
    if not rows:
        xlsx_append(sheet, [_("No data")])


def _indicator_cells(
    sheet: WriteOnlyWorksheet, snapshot: dict, indicator: Indicator, numbers: dict
) -> list:
    value = _number(numbers.get("value"), indicator.unit)
    values = [
        str(PROGRAM_NAMES[indicator.program]),
        str(indicator.name),
        value,
        str(UNIT_NAMES[indicator.unit]),
        _target(snapshot, indicator),
        _reached(snapshot, indicator, numbers.get("value")) or None,
        numbers.get("numerator"),
        numbers.get("denominator"),
        _baseline(snapshot, indicator),
        _baseline_day(snapshot, indicator),
        _progress(snapshot, indicator, numbers.get("value")),
    ]
    cells = [xlsx_cell(sheet, v) for v in values]
    if indicator.unit != Unit.COUNT:
        cells[2].number_format = cells[4].number_format = cells[8].number_format = "0.0"
    cells[10].number_format = "0.0"
    return cells


def _summary_sheet(sheet: WriteOnlyWorksheet, snapshot: dict) -> None:
    _set_widths(sheet, (26, 46, 12, 12, 10, 10, 12, 12, 10, 12, 12))
    xlsx_append(sheet, [_("Digital transformation report")], bold=True)
    xlsx_append(sheet, [_("Scope"), _scope(snapshot)])
    xlsx_append(sheet, [_("Period"), _period(snapshot)])
    xlsx_append(sheet, [_("Made at"), _made_at(snapshot)])
    xlsx_append(sheet, [_("Figures up to"), _as_of(snapshot)])
    for label, text in _sending_lines(snapshot):
        xlsx_append(sheet, [label, text[:MAX_CELL]])
    sheet.append([])
    headings = [_("Program"), _("Indicator"), _("Value"), _("Unit"), _("Target")]
    headings += [_("Reached"), _("Numerator"), _("Denominator")]
    headings += [_("Baseline"), _("Baseline as of"), _("Progress (%)")]
    xlsx_append(sheet, headings, bold=True)
    for program in PROGRAM_NAMES:
        for indicator in (i for i in INDICATORS if i.program == program):
            numbers = _indicator(snapshot, indicator.code)
            sheet.append(_indicator_cells(sheet, snapshot, indicator, numbers))


def _program_sheet(sheet: WriteOnlyWorksheet, tables: list[Table], snapshot: dict) -> None:
    widths: dict[int, float] = {}
    for table in tables:
        for index, column in enumerate(table.columns):
            widths[index] = max(widths.get(index, 0), _width(column))
    _set_widths(sheet, [widths[i] for i in sorted(widths)])
    for table in tables:
        xlsx_append(sheet, [str(table.title)], bold=True)
        _xlsx_table(sheet, table, _rows(snapshot, table.key))
        sheet.append([])


def _checks_sheet(sheet: WriteOnlyWorksheet, snapshot: dict) -> None:
    _set_widths(sheet, (70, 10, 60, 16))
    headings = [_("Check"), _("Count"), _("Record ids"), _("Severity")]
    xlsx_append(sheet, headings, bold=True)
    for check in snapshot.get("checks") or []:
        name = str(CHECKS.get(check["code"], check["code"]))
        ids = _ids(check.get("ids") or [])
        xlsx_append(sheet, [name, check.get("count", 0), ids, _severity(check)])


def _new_sheet(book: Workbook, title: str, default: str, taken: set[str]) -> WriteOnlyWorksheet:
    name = sheet_title(title, default)
    while name.lower() in taken:  # Excel compares sheet names without case
        name = sheet_title(f"{name[:27]} {len(taken)}", default)
    taken.add(name.lower())
    return book.create_sheet(name)


def write_xlsx(snapshot: dict, out: BinaryIO) -> None:
    """Write the report as a workbook: summary, a sheet per program, by village, checks."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    _summary_sheet(_new_sheet(book, _("Summary"), "Summary", taken), snapshot)
    for program, name in PROGRAM_NAMES.items():
        sheet = _new_sheet(book, str(name), program, taken)
        _program_sheet(sheet, _program_tables(program), snapshot)
    villages = TABLE_BY_KEY["villages"]
    sheet = _new_sheet(book, str(villages.title), "Villages", taken)
    _set_widths(sheet, [_width(column) for column in villages.columns])
    sheet.freeze_panes = "B2"
    _xlsx_table(sheet, villages, _rows(snapshot, villages.key))
    _checks_sheet(_new_sheet(book, _("Data-quality checks"), "Checks", taken), snapshot)
    book.save(out)


# ------------------------------------------------------------------ CSV


def _csv_report_rows(snapshot: dict) -> Iterator[list]:
    period = snapshot.get("period") or {}
    report = _("Report")
    yield [report, _("Scope"), "", _scope(snapshot)]
    yield [report, _("Period"), _("From"), _day(period.get("start"))]
    yield [report, _("Period"), _("To"), _day(period.get("end"))]
    yield [report, _("Figures up to"), "", _as_of(snapshot)]
    made = _made_at(snapshot)
    yield [report, _("Made at"), "", made.strftime("%d/%m/%Y %H:%M") if made else ""]
    for label, text in _sending_lines(snapshot):
        yield [report, label, "", text]


def _csv_indicator_rows(snapshot: dict) -> Iterator[list]:
    for indicator in INDICATORS:
        numbers = _indicator(snapshot, indicator.code)
        section, item = str(PROGRAM_NAMES[indicator.program]), str(indicator.name)
        yield [section, item, _("Value"), _number(numbers.get("value"), indicator.unit)]
        yield [section, item, _("Unit"), str(UNIT_NAMES[indicator.unit])]
        target = _target(snapshot, indicator)
        if target is not None:
            yield [section, item, _("Target"), target]
            yield [section, item, _("Reached"), _reached(snapshot, indicator, numbers.get("value"))]
        baseline = _baseline(snapshot, indicator)
        if baseline is not None:
            yield [section, item, _("Baseline"), baseline]
            day = _baseline_day(snapshot, indicator)
            if day is not None:
                yield [section, item, _("Baseline as of"), day.strftime("%d/%m/%Y")]
        if target is not None:
            done = _progress(snapshot, indicator, numbers.get("value"))
            yield [section, item, _("Progress (%)"), done if done is not None else ""]
        for key, measure in (("numerator", _("Numerator")), ("denominator", _("Denominator"))):
            if numbers.get(key) is not None:
                yield [section, item, measure, numbers[key]]


def _csv_table_rows(snapshot: dict) -> Iterator[list]:
    for table in TABLES:
        keys, measures = _key_columns(table)
        for row in _rows(snapshot, table.key):
            shown = (cell_text(c.kind, row.get(c.key)) for c in keys)
            item = " – ".join(text for text in shown if text)
            for column in measures:
                value = _csv_value(column.kind, row.get(column.key))
                yield [str(table.title), item, str(column.heading), value]


def _csv_check_rows(snapshot: dict) -> Iterator[list]:
    section = _("Data-quality checks")
    for check in snapshot.get("checks") or []:
        name = str(CHECKS.get(check["code"], check["code"]))
        yield [section, name, _("Count"), check.get("count", 0)]
        yield [section, name, _("Record ids"), _ids(check.get("ids") or [])]
        yield [section, name, _("Severity"), _severity(check)]


def csv_rows(snapshot: dict) -> Iterator[list]:
    """The report as tidy rows: (section, item, measure, value), a header first."""
    yield [_("Section"), _("Item"), _("Measure"), _("Value")]
    yield from _csv_report_rows(snapshot)
    yield from _csv_indicator_rows(snapshot)
    yield from _csv_table_rows(snapshot)
    yield from _csv_check_rows(snapshot)


def write_csv(snapshot: dict) -> bytes:
    """The report as one tidy CSV in UTF-8 with a byte-order mark."""
    return csv_bytes(csv_rows(snapshot))


# ------------------------------------------------------------------ PDF

PAGE_WIDTH = A4[0] - 30 * mm - 12  # the frame pads 6 points on each side
GREEN, RED = colors.HexColor("#1f6f50"), colors.HexColor("#b3261e")
GREY = colors.HexColor("#555555")
SERIES = [colors.HexColor(c) for c in ("#1f6f50", "#e0a526", "#8fb3d9", "#b3261e")]
TOP_BARS = 15


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=12)
    return {
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=17, leading=22),
        "h2": ParagraphStyle(
            "h2",
            body,
            fontName=BOLD,
            fontSize=13,
            leading=17,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "h3": ParagraphStyle(
            "h3",
            body,
            fontName=BOLD,
            fontSize=10,
            leading=13,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "body": body,
        "note": ParagraphStyle("note", body, fontSize=8, leading=10, textColor=GREY),
        "cell": ParagraphStyle("cell", body, fontSize=7.5, leading=9),
        "head": ParagraphStyle("head", body, fontName=BOLD, fontSize=7.5, leading=9),
        "head_right": ParagraphStyle(
            "head_right", body, fontName=BOLD, fontSize=7.5, leading=9, alignment=TA_RIGHT
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _grid(data: list[list], widths: Sequence[float], numeric: Sequence[int]) -> PdfTable:
    """A table whose header row repeats on every page it runs onto."""
    table = PdfTable(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3efe9")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f5f5f5")]),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, GREEN),
        ("LINEBELOW", (0, -1), (-1, -1), 0.3, GREY),
    ]
    commands += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i in numeric]
    table.setStyle(TableStyle(commands))
    return table


def _indicator_text(indicator: Indicator, value, decimals: int | None = 1) -> str:
    """1.234 for a count; 45,5% or 70% (a target) for a percent; 3,4 for a ratio."""
    if value is None:
        return "–"
    number = _number(value, indicator.unit)
    shown = number_text(number, None if indicator.unit == Unit.COUNT else decimals)
    return f"{shown}{UNIT_NAMES[Unit.PERCENT]}" if indicator.unit == Unit.PERCENT else shown


def _reached_cell(snapshot: dict, indicator: Indicator, value, style: ParagraphStyle):
    reached = _is_reached(snapshot, indicator, value)
    if reached is None:
        return ""
    colour, mark = ("#1f6f50", "✓") if reached else ("#b3261e", "✗")
    text = escape(_reached(snapshot, indicator, value))
    return Paragraph(f'<font color="{colour}">{mark} {text}</font>', style)


def _progress_text(snapshot: dict, indicator: Indicator, value) -> str:
    """The progress cell: "45,5%" (from the baseline when there is one), "–" without a
    target or a value."""
    done = _progress(snapshot, indicator, value)
    return "–" if done is None else f"{number_text(done, 1)}%"


def _pdf_indicators(snapshot: dict, styles: dict) -> list[Flowable]:
    head, right = styles["head"], styles["head_right"]
    header = (
        (_("Indicator"), head),
        (_("Value"), right),
        (_("Baseline"), right),
        (_("Target"), right),
        (_("Progress"), right),
        (_("Reached"), head),
    )
    data: list[list] = [[_p(text, style) for text, style in header]]
    spans = []
    for program, name in PROGRAM_NAMES.items():
        spans.append(len(data))
        data.append([_p(name, styles["head"]), "", "", "", "", ""])
        for indicator in (i for i in INDICATORS if i.program == program):
            value = _indicator(snapshot, indicator.code).get("value")
            target, baseline = _target(snapshot, indicator), _baseline(snapshot, indicator)
            data.append(
                [
                    _p(indicator.name, styles["cell"]),
                    _indicator_text(indicator, value),
                    "" if baseline is None else _indicator_text(indicator, baseline, None),
                    "" if target is None else _indicator_text(indicator, target, None),
                    _progress_text(snapshot, indicator, value) if target is not None else "",
                    _reached_cell(snapshot, indicator, value, styles["cell"]),
                ]
            )
    table = _grid(
        data, (72 * mm, 24 * mm, 22 * mm, 22 * mm, 20 * mm, 20 * mm), numeric=(1, 2, 3, 4)
    )
    for row in spans:
        table.setStyle(
            TableStyle(
                [
                    ("SPAN", (0, row), (-1, row)),
                    ("BACKGROUND", (0, row), (-1, row), colors.HexColor("#eeeeee")),
                ]
            )
        )
    return [_p(_("Indicators"), styles["h2"]), table]


@dataclass(frozen=True)
class ChartSpec:
    table: str
    label: str  # the column naming each bar
    values: tuple[str, ...]  # one series per column; several are stacked
    sort: str  # the column the largest bars are chosen by
    target: Decimal | None = None
    max_value: float | None = None
    unit: str = ""  # after the target's number, and bar labels get one decimal


CHARTS: dict[str, ChartSpec] = {
    Program.MARKET: ChartSpec(
        "markets",
        "market",
        ("share",),
        "share",
        target=BY_CODE["market.cashless_share"].target,
        max_value=100,
        unit="%",
    ),
    Program.ASSISTANCE: ChartSpec(
        "services", "service", ("done", "referred", "follow_up"), "total"
    ),
    Program.TRAININGS: ChartSpec("training_topics", "topic", ("attendances",), "attendances"),
    Program.LIBRARY: ChartSpec("library_points", "point", ("scans",), "scans"),
    Program.VOLUNTEERS: ChartSpec("volunteer_visits", "volunteer", ("visits",), "visits"),
}


def _fit(text: str, width: float, size: float) -> str:
    if stringWidth(text, REGULAR, size) <= width:
        return text
    while text and stringWidth(text + "…", REGULAR, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _bar_drawing(labels: list[str], series: list[list], spec: ChartSpec, names: list[str]):
    """Horizontal bars (stacked when several series), the first label at the top."""
    size, row, legend = 7, 15, (14 if len(series) > 1 else 0)
    label_width = min(max(stringWidth(t, REGULAR, size) for t in labels) + 6, PAGE_WIDTH * 0.4)
    drawing = Drawing(PAGE_WIDTH, row * len(labels) + 22 + legend)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 16
    chart.width, chart.height = PAGE_WIDTH - label_width - 30, row * len(labels)
    chart.data = [list(reversed(s)) for s in series]
    chart.categoryAxis.categoryNames = [_fit(t, label_width - 6, size) for t in reversed(labels)]
    _style_axes(chart, size)
    flat = [v or 0 for s in series for v in s]
    if spec.max_value or spec.target is not None:
        chart.valueAxis.valueMax = spec.max_value or max([*flat, float(spec.target or 0)])
    elif not spec.unit:  # counts: whole-number ticks, and an axis even when all are zero
        stacked = [sum(v or 0 for v in values) for values in zip(*series, strict=True)]
        top = max(stacked or [0])
        step = max(1, math.ceil(top / 5))
        chart.valueAxis.valueMax = max(step * math.ceil(top / step), 1)
        chart.valueAxis.valueStep = step
    for index, colour in enumerate(SERIES[: len(series)]):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    if len(series) > 1:
        chart.categoryAxis.style = "stacked"
    else:
        chart.barLabelFormat = lambda v: number_text(v, 1 if spec.unit else None)
        chart.barLabels.fontName, chart.barLabels.fontSize = REGULAR, size
        chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 2
    drawing.add(chart)
    if spec.target is not None:
        _target_line(drawing, chart, float(spec.target), spec.unit)
    if legend:
        _legend(drawing, names, size)
    return drawing


def _style_axes(chart: HorizontalBarChart, size: float) -> None:
    """DejaVu labels (Vietnamese letters), numbers in the active language, from zero."""
    for labels in (chart.categoryAxis.labels, chart.valueAxis.labels):
        labels.fontName, labels.fontSize = REGULAR, size
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = number_text


def _target_line(drawing: Drawing, chart: HorizontalBarChart, target: float, unit: str):
    x = chart.x + chart.width * target / chart.valueAxis.valueMax
    top = chart.y + chart.height
    drawing.add(
        Line(x, chart.y, x, top + 4, strokeColor=RED, strokeWidth=1, strokeDashArray=[4, 3])
    )
    text = _("Target %(target)s") % {"target": number_text(target) + unit}
    drawing.add(
        String(x, top + 6, text, fontName=REGULAR, fontSize=7, fillColor=RED, textAnchor="middle")
    )


def _legend(drawing: Drawing, names: list[str], size: float) -> None:
    legend = Legend()
    legend.x, legend.y = 0, drawing.height - 2
    legend.fontName, legend.fontSize = REGULAR, size
    legend.alignment, legend.columnMaximum = "right", 1
    legend.dx = legend.dy = 7
    legend.deltax = max(stringWidth(n, REGULAR, size) for n in names) + 24
    legend.colorNamePairs = list(zip(SERIES, names, strict=False))
    drawing.add(legend)


def _chart(program: str, snapshot: dict, styles: dict) -> list[Flowable]:
    spec = CHARTS[program]
    table = TABLE_BY_KEY[spec.table]
    rows = _rows(snapshot, spec.table)
    if not rows:
        return []
    columns = {c.key: c for c in table.columns}
    chosen = sorted(rows, key=lambda r: r.get(spec.sort) or 0, reverse=True)[:TOP_BARS]
    labels = [cell_text(columns[spec.label].kind, r.get(spec.label)) for r in chosen]
    series = [[cell_value(columns[k].kind, r.get(k)) for r in chosen] for k in spec.values]
    names = [str(columns[k].heading) for k in spec.values]
    caption = str(table.title)
    if len(names) == 1:
        caption = _("%(table)s: %(measure)s") % {"table": caption, "measure": names[0]}
    flowables = [_p(PROGRAM_NAMES[program], styles["h3"]), _p(caption, styles["note"])]
    if len(rows) > TOP_BARS:
        note = _("The %(count)s largest of %(total)s.") % {"count": TOP_BARS, "total": len(rows)}
        flowables.append(_p(note, styles["note"]))
    return [*flowables, _bar_drawing(labels, series, spec, names)]


def _pdf_charts(snapshot: dict, styles: dict) -> list[Flowable]:
    """Each chart kept on one page with its caption; the section's heading with the first."""
    charts = [chart for program in CHARTS if (chart := _chart(program, snapshot, styles))]
    if charts:
        charts[0].insert(0, _p(_("Charts"), styles["h2"]))
    return [KeepTogether(chart) for chart in charts]


_PDF_WIDTH = {"int": 15 * mm, "percent": 15 * mm, "date": 21 * mm, "month": 16 * mm}
MIN_TEXT_WIDTH = 26 * mm


def _pdf_widths(table: Table) -> list[float]:
    """Number and date columns as wide as their heading's longest word; text shares the rest."""
    wanted: list[float | None] = []
    for column in table.columns:
        if column.kind not in _PDF_WIDTH:
            wanted.append(None)
            continue
        word = max(stringWidth(w, BOLD, 7.5) for w in str(column.heading).split()) + 13
        wanted.append(max(_PDF_WIDTH[column.kind], min(word, 24 * mm)))
    flexible = wanted.count(None)
    fixed = sum(w for w in wanted if w)
    shrink = min(1, (PAGE_WIDTH - flexible * MIN_TEXT_WIDTH) / fixed) if fixed else 1
    share = (PAGE_WIDTH - fixed * shrink) / flexible if flexible else 0
    return [w * shrink if w else share for w in wanted]


def _pdf_table(table: Table, rows: list[dict], styles: dict) -> list[Flowable]:
    heading = _p(table.title, styles["h3"])
    if not rows:
        return [heading, _p(_("No data"), styles["note"])]
    data = [
        [
            _p(c.heading, styles["head_right" if c.kind in NUMERIC else "head"])
            for c in table.columns
        ]
    ]
    for row in rows:
        data.append(
            [
                cell_text(c.kind, row.get(c.key))
                if c.kind in NUMERIC
                else _p(cell_text(c.kind, row.get(c.key)), styles["cell"])
                for c in table.columns
            ]
        )
    numeric = [i for i, c in enumerate(table.columns) if c.kind in NUMERIC]
    return [heading, _grid(data, _pdf_widths(table), numeric)]


def _pdf_tables(snapshot: dict, styles: dict) -> list[Flowable]:
    villages = TABLE_BY_KEY["villages"]
    flowables = [_p(villages.title, styles["h2"])]
    flowables += _pdf_table(villages, _rows(snapshot, villages.key), styles)[1:]
    for program, name in PROGRAM_NAMES.items():
        flowables.append(_p(name, styles["h2"]))
        for table in _program_tables(program):
            flowables += _pdf_table(table, _rows(snapshot, table.key), styles)
    return flowables


def _pdf_checks(snapshot: dict, styles: dict) -> list[Flowable]:
    heading = _p(_("Data-quality checks"), styles["h2"])
    checks = snapshot.get("checks") or []
    if not checks:
        return [heading, _p(_("No data"), styles["note"])]
    head, right = styles["head"], styles["head_right"]
    data = [
        [
            _p(_("Check"), head),
            _p(_("Severity"), head),
            _p(_("Count"), right),
            _p(_("Record ids"), head),
        ]
    ]
    for check in checks:
        name = CHECKS.get(check["code"], check["code"])
        ids = _ids(check.get("ids") or [], limit=30)
        count = number_text(check.get("count", 0))
        severity = _p(_severity(check), styles["cell"])
        data.append([_p(name, styles["cell"]), severity, count, _p(ids, styles["cell"])])
    return [heading, _grid(data, (80 * mm, 22 * mm, 16 * mm, 62 * mm), numeric=(2,))]


def _pdf_heading(snapshot: dict, styles: dict) -> list[Flowable]:
    made = _made_at(snapshot)
    lines = [
        _p(_("Digital transformation report"), styles["title"]),
        _p(_scope(snapshot), styles["h2"]),
        _p(_("Period: %(period)s") % {"period": _period(snapshot)}, styles["body"]),
    ]
    if snapshot.get("as_of"):
        lines.append(_p(_("Figures up to %(day)s") % {"day": _as_of(snapshot)}, styles["body"]))
    if made:
        when = made.strftime("%d/%m/%Y %H:%M")
        lines.append(_p(_("Made on %(when)s") % {"when": when}, styles["note"]))
    for label, text in _sending_lines(snapshot):
        lines.append(_p(f"{label}: {text}", styles["body"]))
    return [*lines, Spacer(0, 4 * mm)]


def write_pdf(snapshot: dict) -> bytes:
    """The report as an A4 PDF: indicators, charts, every table, the data checks."""
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    title = _("Digital transformation report")
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        initialFontName=REGULAR,
        title=f"{title} – {_scope(snapshot)}",
        author=_scope(snapshot),
    )

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(15 * mm, 10 * mm, f"{title} – {_scope(snapshot)} – {_period(snapshot)}")
        page = _("Page %(number)s") % {"number": doc.page}
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, page)
        canvas.restoreState()

    story = [
        *_pdf_heading(snapshot, styles),
        *_pdf_indicators(snapshot, styles),
        *_pdf_charts(snapshot, styles),
        *_pdf_tables(snapshot, styles),
        *_pdf_checks(snapshot, styles),
    ]
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


# ------------------------------------------------------------------ the province's table


def write_province_xlsx(board: Any, out: BinaryIO) -> None:
    """The province dashboard (``reports.selectors.ProvinceBoard``) as a workbook: the
    communes × indicators table with the province's total and spread, then every
    commune's targets, baselines and progress."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    sheet = _new_sheet(book, _("Communes"), "Communes", taken)
    indicators = board.indicators
    _set_widths(sheet, (28, *(14 for _i in indicators)))
    xlsx_append(sheet, [board.province.name], bold=True)
    period = _("%(start)s – %(end)s") % {
        "start": f"{board.start:%d/%m/%Y}",
        "end": f"{board.end:%d/%m/%Y}",
    }
    xlsx_append(sheet, [_("Period"), period])
    sheet.append([])
    headings = [_("Commune")]
    headings += [f"{i.name} ({UNIT_NAMES[i.unit]})" for i in indicators]
    xlsx_append(sheet, headings, bold=True)

    def numbers(label: str, values: list, *, bold: bool = False) -> None:
        cells = [xlsx_cell(sheet, label, bold=bold)]
        for indicator, value in zip(indicators, values, strict=True):
            cell = xlsx_cell(sheet, _number(value, indicator.unit), bold=bold)
            if indicator.unit != Unit.COUNT:
                cell.number_format = "0.0"
            cells.append(cell)
        sheet.append(cells)

    for row in board.rows:
        numbers(row.name, [row.value(i.code) for i in indicators])
    numbers(_("Province total"), [board.totals[i.code] for i in indicators], bold=True)
    for index, label in enumerate((_("Lowest"), _("Median"), _("Highest"))):
        numbers(label, [board.spread[i.code][index] for i in indicators])

    sheet = _new_sheet(book, _("Targets"), "Targets", taken)
    _set_widths(sheet, (28, 46, 12, 12, 12, 14, 12))
    headings = [_("Commune"), _("Indicator"), _("Value"), _("Baseline"), _("Target")]
    headings += [_("Target set by"), _("Progress (%)")]
    xlsx_append(sheet, headings, bold=True)
    levels = {
        "commune": _("Commune"),
        "province": _("Province"),
        "default": _("Program default"),
    }
    for row in board.rows:
        for indicator, value, goal, done in row.cells(indicators):
            if goal is None or goal.target is None:
                continue
            sheet.append(
                [
                    xlsx_cell(sheet, row.name),
                    xlsx_cell(sheet, str(indicator.name)),
                    xlsx_cell(sheet, _number(value, indicator.unit)),
                    xlsx_cell(sheet, _plain(goal.baseline)),
                    xlsx_cell(sheet, _plain(goal.target)),
                    xlsx_cell(sheet, str(levels.get(goal.level, ""))),
                    xlsx_cell(sheet, done),
                ]
            )
    book.save(out)
