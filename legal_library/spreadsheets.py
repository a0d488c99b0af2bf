"""Document spreadsheets: read and check an import (XLSX or CSV), write the export.

The export and the import share one column layout, so an officer can export the
library, edit it in Excel and import it back (which changes nothing when nothing was
edited). Headers are matched without case or diacritics ("so hieu" = "Số hiệu"), in
Vietnamese or English; values are written in Vietnamese whatever the page's language,
and a type or a yes/no is read however people write it ("Nghị định", "nghi dinh", "NĐ").

A row whose number is stored (``searching.number_key``: "126/2014/NĐ-CP" is
"126-2014-nd-cp"), or without a number whose title is stored without one, updates that
document; any other row adds one. "Được thay thế bởi" names the newer documents, in the
file or stored, that replace the row's. Each row's own fields are checked by the admin's
rules (``forms.DocumentImportForm``); nothing is written here (``services.documents_import``).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

import openpyxl
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from kit import spreadsheets as shared
from kit.spreadsheets import MAX_BYTES, Row, SpreadsheetError
from kit.text import fold

from .forms import DocumentImportForm
from .models import Category, Document, Issuer, LibraryPoint
from .searching import number_key

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "Row",
    "SpreadsheetError",
    "check_rows",
    "export_documents_csv",
    "export_documents_xlsx",
    "read_rows",
]

# key, Vietnamese header (what the export writes), English header, other accepted headers
COLUMNS = [
    ("number", "Số hiệu", "Number", "Số ký hiệu", "Số văn bản"),
    ("doc_type", "Loại văn bản", "Type", "Loại"),
    ("title", "Tên văn bản", "Title", "Tên", "Trích yếu"),
    ("issuer", "Cơ quan ban hành", "Issued by", "Cơ quan"),
    ("issued_on", "Ngày ban hành", "Issued on"),
    ("effective_on", "Ngày có hiệu lực", "In force from", "Ngày hiệu lực"),
    ("expires_on", "Ngày hết hiệu lực", "In force until"),
    ("replaced_by", "Được thay thế bởi", "Replaced by", "Thay thế bởi"),
    ("categories", "Lĩnh vực", "Categories"),
    ("summary", "Tóm tắt", "Summary"),
    ("body", "Nội dung", "Text", "Nội dung (Markdown)"),
    ("points", "Điểm thư viện", "Library points"),
    ("published", "Công bố", "Published"),
]
HEADERS = {column[0]: column[1] for column in COLUMNS}
# Every column: an update sets each field, so a missing one would empty it.
REQUIRED = tuple(HEADERS)
MULTILINE = ("summary", "body")
DATES = ("issued_on", "effective_on", "expires_on")
ALL_POINTS = "tất cả"
YES, NO = "có", "không"
_LIST = re.compile(r"\s*;\s*")
_CODES = re.compile(r"[\s,;]+")

# Short forms people write, besides each type's value and its labels.
_TYPE_ALIASES = {
    Document.Type.CODE: ("BL",),
    Document.Type.RESOLUTION: ("NQ",),
    Document.Type.ORDINANCE: ("PL",),
    Document.Type.DECREE: ("NĐ",),
    Document.Type.DECISION: ("QĐ",),
    Document.Type.DIRECTIVE: ("CT",),
    Document.Type.CIRCULAR: ("TT",),
    Document.Type.OFFICIAL_LETTER: ("CV",),
    Document.Type.GUIDANCE: ("HD",),
    Document.Type.LEAFLET: ("Tài liệu", "Tờ rơi", "Tuyên truyền"),
}


def read_rows(content: bytes, filename: str) -> list[Row]:
    """The data rows of the file, keyed by column, or SpreadsheetError for the whole file."""
    return shared.read_rows(content, filename, COLUMNS, required=REQUIRED, multiline=MULTILINE)


def _label(choice, language: str) -> str:
    with translation.override(language):
        return str(choice.label)


def _types() -> dict[str, str]:
    """Folded value, label (Vietnamese, English, the active language) or short form → type."""
    types: dict[str, str] = {}
    for choice in Document.Type:
        names = (
            choice.value,
            _label(choice, "vi"),
            _label(choice, "en"),
            str(choice.label),
            *_TYPE_ALIASES.get(choice, ()),
        )
        for name in names:
            types.setdefault(fold(name), choice.value)
    return types


@dataclass(frozen=True)
class _Known:
    """What every row is checked against, read once (five queries, however many rows)."""

    types: dict[str, str]
    issuers: dict[str, Issuer]  # folded name or short name
    categories: dict[str, Category]  # folded name
    points: dict[str, LibraryPoint]  # folded code → the importer's points
    stored: dict[str, Document]  # number key → stored document
    stored_titles: dict[str, Document]  # folded title → a stored document without a number
    may_add_categories: bool  # categories are province-wide: only their keepers add one
    owner_id: int | None  # whose documents the import writes (None: the province's)


def _known(
    rows: list[Row],
    points: QuerySet[LibraryPoint],
    may_add_categories: bool,
    owner_id: int | None,
) -> _Known:
    keys = {number_key(row.values["number"]) for row in rows}
    for row in rows:
        keys |= {number_key(n) for n in _split(row.values["replaced_by"])}
    keys.discard("")
    titles = {row.values["title"] for row in rows if not number_key(row.values["number"])}
    issuers: dict[str, Issuer] = {}
    for issuer in Issuer.objects.all():
        for name in (issuer.name, issuer.short_name):
            if name:
                issuers.setdefault(fold(name), issuer)
    stored_titles: dict[str, Document] = {}
    for document in Document.objects.filter(number_key="", title__in=titles).order_by("pk"):
        stored_titles.setdefault(fold(document.title), document)
    return _Known(
        types=_types(),
        issuers=issuers,
        categories={fold(c.name): c for c in Category.objects.all()},
        points={fold(point.code): point for point in points},
        stored={d.number_key: d for d in Document.objects.filter(number_key__in=keys)},
        stored_titles=stored_titles,
        may_add_categories=may_add_categories,
        owner_id=owner_id,
    )


def _split(text: str) -> list[str]:
    return [part for part in _LIST.split(text.strip()) if part]


def check_rows(
    rows: list[Row],
    points: QuerySet[LibraryPoint],
    *,
    may_add_categories: bool = True,
    owner_id: int | None = None,
) -> list[Row]:
    """Fill each row's errors and notes (in the active language) and ``cleaned``.

    Nothing is written. ``points`` are those the importer may put documents on (an
    officer's: their commune's); ``tất cả`` is all of them. A replacement refused
    (a row of the file with errors, not stored) refuses the rows it replaces, so
    nothing is half-saved. Five queries, however many rows. A category not in the
    province-wide list is added only where ``may_add_categories`` (the command, a user
    with ``legal_library.add_category``); otherwise its row is refused. ``owner_id`` is
    whose documents the import writes (a commune's, None: the province's): a row that
    would update another owner's stored document is refused.
    """
    known = _known(rows, points, may_add_categories, owner_id)
    in_file: dict[str, Row] = {}
    for row in rows:
        _check_row(row, known)
        _check_once(row, in_file, known)
    _check_replacements(rows, in_file, known)
    for row in rows:
        if not row.ok:
            row.cleaned = {}
    return rows


def _check_row(row: Row, known: _Known) -> None:
    v = row.values
    data, unread = _form_data(v, known)
    fields = shared.check_with_form(row, DocumentImportForm(data), unread, headers=HEADERS)
    issuer = _issuer(v["issuer"], known, row)
    categories = _categories(v["categories"], known, row)
    points = _points(v["points"], known, row)
    row.cleaned = {
        "fields": fields,
        "issuer": issuer,
        "categories": categories,
        "points": points,
        "replaced_by": [number_key(n) for n in _split(v["replaced_by"])],
        "document": None,
    }


def _form_data(values: dict[str, str], known: _Known) -> tuple[dict, dict[str, str]]:
    """The row's cells as ``DocumentImportForm``'s data, and why a cell could not be read
    (by field); a cell that cannot be read is left out of the data."""
    data: dict = {name: values[name] for name in ("title", "number", "summary", "body")}
    unread: dict[str, str] = {}
    written = values["doc_type"]
    data["doc_type"] = known.types.get(fold(written), "") if written else ""
    if written and not data["doc_type"]:
        unread["doc_type"] = _(
            '%(column)s: unknown type "%(value)s"; write one of: %(choices)s.'
        ) % {
            "column": HEADERS["doc_type"],
            "value": written,
            "choices": ", ".join(_label(choice, "vi") for choice in Document.Type),
        }
    for name in DATES:
        try:
            data[name] = shared.parse_date(values[name])
        except ValueError:
            unread[name] = _(
                '%(column)s: "%(value)s" is not a date; write day/month/year, e.g. 05/12/2026.'
            ) % {"column": HEADERS[name], "value": values[name]}
    published = shared.yes_no(values["published"], default=False)
    data["published"] = bool(published)
    if published is None:
        unread["published"] = _('%(column)s: write "%(yes)s" or "%(no)s", not "%(value)s".') % {
            "column": HEADERS["published"],
            "yes": YES,
            "no": NO,
            "value": values["published"],
        }
    return data, unread


def _issuer(written: str, known: _Known, row: Row) -> str:
    """The issuer's name as stored (or as written, for a new one, with a note)."""
    if not written:
        return ""
    issuer = known.issuers.get(fold(written))
    if issuer is not None:
        return issuer.name
    if len(written) > Issuer._meta.get_field("name").max_length:
        row.errors.append(_("%(column)s: the name is too long.") % {"column": HEADERS["issuer"]})
    else:
        row.notes.append(
            _('%(column)s: "%(value)s" is not in the list yet; it will be added.')
            % {"column": HEADERS["issuer"], "value": written}
        )
    return written


def _categories(written: str, known: _Known, row: Row) -> list[str]:
    names: list[str] = []
    for name in _split(written):
        category = known.categories.get(fold(name))
        if category is None and len(name) > Category._meta.get_field("name").max_length:
            row.errors.append(
                _("%(column)s: the name is too long.") % {"column": HEADERS["categories"]}
            )
            continue
        if category is None and not known.may_add_categories:
            row.errors.append(
                _(
                    '%(column)s: there is no category "%(value)s". Categories are shared by '
                    "the whole province: choose one of the list, or ask its keepers to add it."
                )
                % {"column": HEADERS["categories"], "value": name}
            )
            continue
        if category is None:
            row.notes.append(
                _('%(column)s: "%(value)s" is new; it will be added.')
                % {"column": HEADERS["categories"], "value": name}
            )
        kept = category.name if category else name
        if fold(kept) not in {fold(n) for n in names}:
            names.append(kept)
    return names


def _points(written: str, known: _Known, row: Row) -> list[int]:
    if fold(written) in {fold(ALL_POINTS), "all"}:
        return sorted(point.pk for point in known.points.values())
    chosen: list[int] = []
    for code in (c for c in _CODES.split(written) if c):
        point = known.points.get(fold(code))
        if point is None:
            row.errors.append(
                _('%(column)s: none of your library points has the code "%(value)s".')
                % {"column": HEADERS["points"], "value": code}
            )
        elif point.pk not in chosen:
            chosen.append(point.pk)
    return chosen


def _check_once(row: Row, in_file: dict[str, Row], known: _Known) -> None:
    """A document once in the file; the stored one it updates, if any."""
    v = row.values
    key = number_key(v["number"])
    identity = key or f"title:{fold(v['title'])}"
    first = in_file.setdefault(identity, row)
    if first is not row:
        if key:
            message = _("%(column)s: the number %(value)s is also on row %(row)s.") % {
                "column": HEADERS["number"],
                "value": v["number"],
                "row": first.number,
            }
        else:
            message = _("%(column)s: this document without a number is also on row %(row)s.") % {
                "column": HEADERS["title"],
                "row": first.number,
            }
        row.errors.append(message)
    stored = known.stored.get(key) if key else known.stored_titles.get(fold(v["title"]))
    row.cleaned["document"] = stored.pk if stored else None
    if stored is not None and row.cleaned["fields"]:
        row.cleaned["fields"]["number"] = stored.number  # "126-2014-nd-cp" stays 126/2014/NĐ-CP
    if stored is not None and stored.commune_id != known.owner_id:
        row.errors.append(
            _(
                "%(column)s: %(document)s is the province's or another commune's document; "
                "you cannot change it with this import."
            )
            % {"column": HEADERS["number"] if key else HEADERS["title"], "document": str(stored)}
        )
    elif stored is not None:
        row.notes.append(
            _("Updates the stored document: %(document)s.") % {"document": str(stored)}
        )


def _check_replacements(rows: list[Row], in_file: dict[str, Row], known: _Known) -> None:
    """Every "replaced by" number is in the file or stored; a replacing row of the file
    with errors (and not stored) refuses the rows it would replace, until none is left."""
    for row in rows:
        own = number_key(row.values["number"])
        for written in _split(row.values["replaced_by"]):
            key = number_key(written)
            if key and key == own:
                row.errors.append(
                    _("%(column)s: a document cannot replace itself.")
                    % {"column": HEADERS["replaced_by"]}
                )
            elif key not in in_file and key not in known.stored:
                row.errors.append(
                    _(
                        '%(column)s: no document numbered "%(value)s" is in this file or '
                        "stored; add its row to the file."
                    )
                    % {"column": HEADERS["replaced_by"], "value": written}
                )
    changed = True
    while changed:
        changed = False
        for row in rows:
            if not row.ok:
                continue
            for written in _split(row.values["replaced_by"]):
                newer = in_file.get(number_key(written))
                if newer is not None and not newer.ok and number_key(written) not in known.stored:
                    row.errors.append(
                        _(
                            "%(column)s: the document %(value)s on row %(row)s has errors; "
                            "correct it first."
                        )
                        % {"column": HEADERS["replaced_by"], "value": written, "row": newer.number}
                    )
                    changed = True
                    break


# ------------------------------------------------------------------ export


def _points_cell(document: Document, points: list[LibraryPoint]) -> str:
    """The importer's points showing the document: ``tất cả`` when every one does."""
    codes = [entry.point.code for entry in document.entries.all()]
    if points and len(codes) == len(points):
        return ALL_POINTS
    return ", ".join(sorted(codes))


def _table(documents: Iterable[Document], points: list[LibraryPoint]) -> list[list]:
    types = {choice.value: _label(choice, "vi") for choice in Document.Type}
    table = []
    for document in documents:
        replacing = [
            r.from_document.number or r.from_document.title
            for r in document.relations_in.all()  # the "replaces" ones (the selector)
        ]
        table.append(
            [
                document.number,
                types.get(document.doc_type, document.doc_type),
                document.title,
                document.issuer.name if document.issuer else "",
                document.issued_on,
                document.effective_on,
                document.expires_on,
                "; ".join(replacing),
                "; ".join(c.name for c in document.categories.all()),
                document.summary.replace("\r\n", "\n"),
                document.body.replace("\r\n", "\n"),
                _points_cell(document, points),
                YES if document.published else NO,
            ]
        )
    return table


def export_documents_xlsx(documents: Iterable[Document], points: list[LibraryPoint]) -> bytes:
    """The documents in the import layout, one row each (write-only XLSX, real dates).

    Pass them from ``selectors.documents_for_export`` (a fixed number of queries).
    """
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=shared.sheet_title(_("Legal documents"), "Documents"))
    shared.xlsx_append(sheet, [column[1] for column in COLUMNS], bold=True)
    for row in _table(documents, points):
        shared.xlsx_append(sheet, row)
    return shared.xlsx_bytes(book)


def export_documents_csv(documents: Iterable[Document], points: list[LibraryPoint]) -> bytes:
    """The same rows as CSV in UTF-8 with a byte-order mark, dates day-first."""
    rows = [
        [f"{cell:%d/%m/%Y}" if hasattr(cell, "strftime") else cell for cell in row]
        for row in _table(documents, points)
    ]
    return shared.write_csv([[column[1] for column in COLUMNS], *rows])
