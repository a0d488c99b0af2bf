"""Spreadsheets every program shares: read an import (XLSX or CSV), write an export.

An import is read in two steps. ``read_rows`` refuses the whole file
(``SpreadsheetError``) when it cannot be trusted: wrong type, too large, a zip
bomb, not UTF-8, unknown or missing columns, too many rows. Each program's
``check_rows`` then fills every ``Row``'s errors one by one, so the officer
sees them all in a preview before anything is saved. Where the same records are
also entered on a page, each row is checked with that page's form
(``check_with_form``): one set of rules and messages serves both doors.

Columns are listed as ``(key, Vietnamese header, English header, *aliases)``;
headers are matched without case or diacritics ("ho va ten" = "Họ và tên").
Exports write cells as text or real dates, never as formulas, and CSV in UTF-8
with a byte-order mark so Excel shows Vietnamese letters.
"""

import contextlib
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from kit import dates
from kit.text import fold

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_UNZIPPED = 50 * 1024 * 1024  # an XLSX is a zip: refuse zip bombs before opening

Column = tuple[str, ...]  # (key, Vietnamese header, English header, *other accepted headers)


class SpreadsheetError(Exception):
    """The whole file is refused; the message says why, in the active language."""


@dataclass
class Row:
    number: int  # as the officer sees it in the spreadsheet (header = 1)
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth showing, but not errors
    cleaned: dict[str, Any] = field(default_factory=dict)  # what check_rows understood

    @property
    def ok(self) -> bool:
        return not self.errors


def check_with_form(
    row: Row,
    form: forms.BaseForm,
    unread: Mapping[str, str] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Check a row with the form its page uses, so both doors share rules and messages.

    The row's earlier findings are cleared; its errors are then the form's, field by
    field in the form's order (for a cell that could not be read into the form's data,
    ``unread`` says why instead), then the form's own. ``headers`` (field → column
    header) puts the column before a form's message ("Tên văn bản: This field is
    required."). Returns the cleaned data of a valid form, else ``{}``.
    """
    row.errors.clear()
    row.notes.clear()
    row.cleaned = {}
    unread = unread or {}
    headers = headers or {}
    valid = form.is_valid()
    for name in form.fields:
        if name in unread:
            row.errors.append(unread[name])
            continue
        for message in form.errors.get(name, []):
            shown = str(message)
            if name in headers:
                shown = _("%(column)s: %(message)s") % {"column": headers[name], "message": shown}
            row.errors.append(shown)
    row.errors.extend(str(message) for message in form.non_field_errors())
    return dict(form.cleaned_data) if valid and not unread else {}


def read_with(form: forms.BaseForm, name: str) -> Any:
    """The value of a bound form's field as the field reads it, or None if it cannot."""
    field = form.fields[name]
    try:
        return field.clean(form[name].data)
    except ValidationError:
        return None


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped: int  # rows left out because they had errors


# ------------------------------------------------------------------ reading


def cell_text(value, *, lines: bool = False) -> str:
    """A cell as one line of text; a date cell as ``yyyy-mm-dd``.

    ``lines``: a text keeps its line breaks and indentation (Markdown), with ``\n``
    line ends, no trailing spaces and no blank lines before or after.
    """
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if lines:
        text = str(value).replace("\r\n", "\n").replace("\r", "\n")
        return "\n".join(line.rstrip() for line in text.split("\n")).strip()
    return " ".join(str(value).split())


def read_table(content: bytes, filename: str, *, lines: bool = False) -> list[list[str]]:
    """Every row of the first sheet (XLSX) or of the file (CSV), as text (``cell_text``).

    Reads at most ``MAX_ROWS + 1`` rows of an XLSX; raises SpreadsheetError.
    """
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content, lines=lines)
    if name.endswith(".csv"):
        return _read_csv(content, lines=lines)
    raise SpreadsheetError(_("Upload an .xlsx or a .csv file."))


def _damaged_xlsx() -> SpreadsheetError:
    return SpreadsheetError(_("The file could not be read as an XLSX spreadsheet. Is it damaged?"))


def _unpacked_size(content: bytes) -> int:
    """The bytes an XLSX (a zip) holds once unpacked, read from its directory alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except Exception as exc:  # not a zip, or a damaged one
        raise _damaged_xlsx() from exc


def _read_xlsx(content: bytes, *, lines: bool) -> list[list[str]]:
    if _unpacked_size(content) > MAX_UNZIPPED:
        raise SpreadsheetError(_("The spreadsheet is too large once unpacked."))
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _damaged_xlsx() from exc
    try:
        sheet = book.worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True):
            table.append([cell_text(v, lines=lines) for v in row])
            if len(table) > MAX_ROWS + 1:
                break
    except Exception as exc:  # a damaged sheet inside a sound zip
        raise _damaged_xlsx() from exc
    finally:
        book.close()
    return table


def _read_csv(content: bytes, *, lines: bool) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _('The CSV file is not in UTF-8. Save it again as "CSV UTF-8".')
        ) from exc
    if "\x00" in text:
        raise SpreadsheetError(_("The file is not a CSV text file."))
    dialect: type[csv.Dialect] = csv.excel
    with contextlib.suppress(csv.Error):  # a one-column file has no delimiter to find
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    try:
        return [
            [_from_csv(cell_text(v, lines=lines)) for v in row]
            for row in csv.reader(io.StringIO(text), dialect)
        ]
    except csv.Error as exc:
        raise SpreadsheetError(_("The file is not a CSV text file.")) from exc


def header_keys(columns: Sequence[Column]) -> dict[str, str]:
    """Folded header → column key, for every header a column accepts (and its key)."""
    keys: dict[str, str] = {}
    for key, *headers in columns:
        for header in (key, *headers):
            keys.setdefault(fold(header), key)
    return keys


def match_header(
    header: Sequence[str],
    columns: Sequence[Column],
    *,
    required: Iterable[str] = ("full_name",),
    ignore_unknown: bool = False,
) -> list[str | None]:
    """The key of each header cell (``None`` for an empty or ignored one).

    Raises SpreadsheetError for an unknown column (unless ``ignore_unknown``,
    for lists such as Google Forms' with a timestamp column), a column that
    appears twice, or a required column that is missing.
    """
    known = header_keys(columns)
    keys: list[str | None] = []
    for title in header:
        key = known.get(fold(title))
        if title and key is None and not ignore_unknown:
            raise SpreadsheetError(
                _('Unknown column "%(column)s". The columns are: %(columns)s.')
                % {"column": title, "columns": ", ".join(c[1] for c in columns)}
            )
        if key is not None and key in keys:
            raise SpreadsheetError(_('The column "%(column)s" appears twice.') % {"column": title})
        keys.append(key)
    missing = [column for column in columns if column[0] in required and column[0] not in keys]
    if len(missing) > 1:
        raise SpreadsheetError(
            _("These columns are missing: %(columns)s.")
            % {"columns": ", ".join(f'"{column[1]}"' for column in missing)}
        )
    for key, vi, en, *_aliases in missing:
        if key == "full_name":
            raise SpreadsheetError(_('The column "Họ và tên" (full name) is missing.'))
        raise SpreadsheetError(
            _('The column "%(column)s" (%(english)s) is missing.') % {"column": vi, "english": en}
        )
    return keys


def read_rows(
    content: bytes,
    filename: str,
    columns: Sequence[Column],
    *,
    required: Iterable[str] = ("full_name",),
    ignore_unknown: bool = False,
    multiline: Iterable[str] = (),
) -> list[Row]:
    """The data rows of the file, keyed by column, or SpreadsheetError for the whole file.

    Every row has a value (maybe ``""``) for every column; empty rows are dropped.
    The cells of the ``multiline`` columns keep their line breaks (``cell_text``).
    """
    if len(content) > MAX_BYTES:
        raise SpreadsheetError(_("The file is larger than 2 MB."))
    multiline = set(multiline)
    read = read_table(content, filename, lines=bool(multiline))
    # numbered as the spreadsheet shows them, empty rows left out
    table = [(n, row) for n, row in enumerate(read, start=1) if any(row)]
    if not table:
        raise SpreadsheetError(_("The file is empty."))
    header = [" ".join(title.split()) for title in table[0][1]]
    keys = match_header(header, columns, required=required, ignore_unknown=ignore_unknown)
    if len(table) - 1 > MAX_ROWS:
        raise SpreadsheetError(
            _("The file has more than %(max)s rows; split it into smaller files.")
            % {"max": MAX_ROWS}
        )
    rows = []
    for number, cells in table[1:]:
        values = {column[0]: "" for column in columns}
        for key, value in zip(keys, cells, strict=False):
            if key:
                values[key] = value if key in multiline else " ".join(value.split())
        rows.append(Row(number=number, values=values))
    return rows


# ------------------------------------------------------------------ cell values

_YES = {"co", "x", "yes", "y", "1", "true", "dung"}
_NO = {"khong", "no", "n", "0", "false", "sai"}


def yes_no(value: str, *, default: bool) -> bool | None:
    """Read "có"/"không" (or x, yes/no, 1/0) as a bool: ``default`` if empty, None if unclear."""
    folded = fold(value)
    if not folded:
        return default
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    return None


def parse_date(value: str) -> datetime.date | None:
    """A cell's date, day-first (05/12/2026, 05/12/26, 05-12-2026) or ISO, the way a form reads it.

    A real date cell arrives as ISO text (``cell_text``) and is taken as it is;
    ``None`` for an empty value; ValueError for anything else (12/31/2026,
    31/02/2024), so a month-first date is refused, never guessed.
    """
    return dates.parse_date(value)


def parse_datetime(value: str) -> datetime.datetime | None:
    """A cell's date and time, aware: a time without a zone is Viet Nam's (Excel keeps none)."""
    return dates.parse_datetime(value)


# ------------------------------------------------------------------ writing


def xlsx_cell(sheet, value, *, bold: bool = False) -> WriteOnlyCell:
    """A cell for a write-only sheet: text stays text (never a formula), dates are dates."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # "=HYPERLINK(...)" in a name must not run in Excel
    elif isinstance(value, datetime.datetime):
        cell.number_format = "dd/mm/yyyy hh:mm"
    elif isinstance(value, datetime.date):
        cell.number_format = "dd/mm/yyyy"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_append(sheet, values: Iterable, *, bold: bool = False) -> None:
    sheet.append([xlsx_cell(sheet, v, bold=bold) for v in values])


def sheet_title(text: str, default: str) -> str:
    """A valid worksheet name: no []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31].strip() or default


def xlsx_bytes(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # spreadsheet programs would run it as a formula
    return str(value)


def _from_csv(value: str) -> str:
    """A cell as written before ``_csv_text`` kept it from being run as a formula."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def write_csv(rows: Iterable[Iterable]) -> bytes:
    """CSV bytes in UTF-8 with a byte-order mark (Excel then reads Vietnamese letters)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=csv.excel)
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
