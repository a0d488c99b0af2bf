"""Check an uploaded PDF attachment before it is stored and offered to villagers.

Pure module (no Django): ``check_pdf`` takes any binary stream (a Django
``UploadedFile`` is one), refuses what must not be published and returns the page
count. The file's *content* decides, never its name: a JPEG or a ``.docx`` renamed
``.pdf`` is refused as ``not_pdf``.

Refusals raise ``PDFCheckError`` whose ``code`` is one of ``CODES``; the caller
maps it to a translated message for the officer.

- ``too_large``: more than ``MAX_BYTES`` (the size given, or measured by seeking);
- ``empty``: no bytes at all;
- ``not_pdf``: no ``%PDF-`` header within the first 1024 bytes;
- ``corrupt``: pypdf cannot read it, or it has no page;
- ``encrypted``: protected by a password or permissions (readers on cheap phones
  cannot always open those, and the portal cannot index them);
- ``javascript``: carries JavaScript — an action with a script (``/JS``,
  ``/S /JavaScript``) or the document-level scripts of ``/Names /JavaScript``,
  wherever they hang (the opening action, an outline item, a link, a form field,
  an event), or a link to a ``javascript:`` address;
- ``launch``: an action that leaves the document: ``/Launch`` (run a program),
  ``/GoToR``/``/GoToE`` (open another file), ``/SubmitForm``, ``/ImportData``,
  ``/RichMediaExecute``;
- ``embedded_file``: files carried inside (``/EmbeddedFiles``, a file specification's
  ``/EF``, ``/FileAttachment`` or ``/RichMedia`` annotations, ``/EmbeddedFile`` streams);
- ``xfa``: an XFA form (``/AcroForm /XFA``): phones cannot show it, it may script;
- ``auto_action``: additional actions (``/AA``), run by events (a page opens, a field
  changes…), whatever they do.

The walk visits the whole object graph — the trailer and every object of the
cross-reference tables, referenced or not — not a few known places; as a cheap
safety net the raw bytes are also scanned for those names (``/JavaScript``,
``/JS``, ``/Launch``, ``/EmbeddedFile``…). A file with several is refused by the
first of ``javascript``, ``launch``, ``embedded_file``, ``xfa``, ``auto_action``.
Harmless actions stay allowed: links to web pages, going to a page, an opening
action that shows page 1.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

__all__ = ["CODES", "MAX_BYTES", "PDFCheckError", "check_pdf"]

MAX_BYTES = 20 * 1024 * 1024
HEADER_WINDOW = 1024
"""A PDF header may follow some bytes of junk; readers look for it this far."""

CODES = frozenset(
    {
        "too_large",
        "not_pdf",
        "corrupt",
        "encrypted",
        "empty",
        "javascript",
        "launch",
        "embedded_file",
        "xfa",
        "auto_action",
    }
)

_MAX_DEPTH = 32  # a chain of indirect references to an indirect reference…
# Nodes of the object graph (dictionaries, arrays, values) looked at: a 20 MB file of
# ordinary text and scans has far fewer; only a hostile one reaches this.
_MAX_OBJECTS = 3_000_000


class PDFCheckError(Exception):
    """A PDF that must not be published; ``code`` says why (one of ``CODES``)."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in CODES:
            raise ValueError(f"unknown PDF check code: {code!r}")
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def check_pdf(stream: BinaryIO, *, size: int | None = None) -> int:
    """Check the PDF in ``stream`` and return its page count; raise ``PDFCheckError``.

    ``size`` is the upload's size when already known; otherwise it is measured by
    seeking. At most ``MAX_BYTES + 1`` bytes are ever read into memory, and the
    stream is rewound to position 0 afterwards (also when the check fails), so the
    caller can save it.
    """
    try:
        return _check(stream, size)
    finally:
        stream.seek(0)


def _check(stream: BinaryIO, size: int | None) -> int:
    data = _read_bounded(stream, size)
    reader, pages = _open(data)
    _refuse_what_it_carries(reader, data)
    return pages


def _read_bounded(stream: BinaryIO, size: int | None) -> bytes:
    """The stream's bytes, at most ``MAX_BYTES``, starting with a PDF header."""
    if size is None:
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
    if size > MAX_BYTES:
        raise PDFCheckError("too_large", f"{size} bytes")
    stream.seek(0)
    # Bounded read: a stream longer than its announced size is caught here too.
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PDFCheckError("too_large", f"more than {MAX_BYTES} bytes")
    if not data:
        raise PDFCheckError("empty")
    if data.find(b"%PDF-", 0, HEADER_WINDOW + len(b"%PDF-") - 1) < 0:
        raise PDFCheckError("not_pdf", "no %PDF- header")
    return data


def _open(data: bytes) -> tuple[PdfReader, int]:
    """The file read by pypdf, and its page count: not encrypted, at least one page."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf's own errors and whatever a broken file causes
        raise PDFCheckError("corrupt", _describe(exc)) from exc
    if encrypted:
        # Before counting pages: an encrypted file's page tree cannot be read.
        raise PDFCheckError("encrypted")
    try:
        pages = len(reader.pages)
    except Exception as exc:
        raise PDFCheckError("corrupt", _describe(exc)) from exc
    if pages < 1:
        raise PDFCheckError("corrupt", "no page")
    return reader, pages


def _refuse_what_it_carries(reader: PdfReader, data: bytes) -> None:
    """Raise for the first of ``_ORDER`` that the object graph or the raw bytes hold."""
    try:
        found = _findings(reader)
    except PDFCheckError:
        raise
    except Exception as exc:
        # Fail closed: what cannot be inspected is not published.
        raise PDFCheckError("corrupt", _describe(exc)) from exc
    found |= _raw_bytes_mention(data)
    for code in _ORDER:
        if code in found:
            raise PDFCheckError(code)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


# --- the structural walk ------------------------------------------------------------

# Actions that leave the document: run a program, open another file, send or load data.
_LEAVING_ACTIONS = frozenset(
    {"/Launch", "/GoToR", "/GoToE", "/SubmitForm", "/ImportData", "/RichMediaExecute"}
)
# What is refused, most telling first: a file with several is reported by the first.
_ORDER = ("javascript", "launch", "embedded_file", "xfa", "auto_action")


def _resolve(obj: object) -> object:
    """Follow indirect references (a chain of them, to be safe); None when unresolvable."""
    for _ in range(_MAX_DEPTH):
        if not isinstance(obj, IndirectObject):
            return obj
        obj = obj.get_object()
    return None


def _value(obj: DictionaryObject, key: str) -> object:
    return _resolve(obj.raw_get(key)) if key in obj else None


def _is_javascript_uri(action: DictionaryObject) -> bool:
    uri = _value(action, "/URI")
    text = uri.decode("latin-1", "replace") if isinstance(uri, bytes) else str(uri or "")
    return re.sub(r"[\x00-\x20]", "", text).lower().startswith("javascript:")


def _what_is_in(obj: DictionaryObject) -> set[str]:
    """What one dictionary (or stream's dictionary) holds that must not be published."""
    found = set()
    kind = _value(obj, "/S")
    # /JS: a script (of a /JavaScript, /Rendition… action); /JavaScript as a key: the
    # document-level scripts of the /Names tree.
    if "/JS" in obj or "/JavaScript" in obj or kind == "/JavaScript":
        found.add("javascript")
    if kind == "/URI" and _is_javascript_uri(obj):
        found.add("javascript")
    if kind in _LEAVING_ACTIONS or "/Launch" in obj:
        found.add("launch")
    if (
        "/EmbeddedFiles" in obj  # the /Names tree of attached files
        or "/EF" in obj  # a file specification holding the file itself
        or _value(obj, "/Type") == "/EmbeddedFile"
        or _value(obj, "/Subtype") in {"/FileAttachment", "/RichMedia"}
    ):
        found.add("embedded_file")
    if "/XFA" in obj:
        found.add("xfa")
    if "/AA" in obj:  # actions run by events: opening, closing, a page, a field…
        found.add("auto_action")
    return found


def _objects(reader: PdfReader) -> Iterator[PdfObject]:
    """The trailer, then every object of the cross-reference tables, referenced or not."""
    yield reader.trailer
    for generation, table in reader.xref.items():
        for number in table:
            yield IndirectObject(number, generation, reader)
    for number in reader.xref_objStm:
        yield IndirectObject(number, 0, reader)


def _findings(reader: PdfReader) -> set[str]:
    """Walk the whole object graph once (not a few known places: outlines, annotations,
    form fields, name trees, anything a viewer may reach) and collect what is refused.

    Streams are not decoded: their dictionaries are what holds actions and files.
    More than ``_MAX_OBJECTS`` nodes fails closed (``corrupt``): no real file is so big.
    """
    found: set[str] = set()
    pending: list[object] = list(_objects(reader))
    seen: set[tuple[int, int]] = set()
    visited = 0
    while pending:
        obj = pending.pop()
        visited += 1
        if visited > _MAX_OBJECTS:
            raise PDFCheckError("corrupt", "too many objects to inspect")
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            found |= _what_is_in(obj)
            pending.extend(obj.raw_get(key) for key in obj)
        elif isinstance(obj, ArrayObject):
            pending.extend(obj)
    return found


# --- the safety net -------------------------------------------------------------------


def _name_pattern(name: str) -> bytes:
    """Regex for the PDF name ``/name`` as a whole token, each letter maybe ``#xx``-escaped.

    Names are case-sensitive, their ``#xx`` escapes are not: "#4a" and "#4A" are "J".
    """

    def letter(char: str) -> str:
        code = "".join(
            f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in f"{ord(char):02x}"
        )
        return f"(?:{re.escape(char)}|#{code})"

    letters = "".join(letter(char) for char in name).encode()
    # A name ends at whitespace or a delimiter (PDF 32000-1, 7.2.2).
    return b"/" + letters + rb"(?=[\x00\t\n\x0c\r ()<>\[\]{}/%]|\Z)"


_RAW_NAMES = {
    "javascript": ("JavaScript", "JS"),
    "launch": tuple(name[1:] for name in sorted(_LEAVING_ACTIONS)),
    "embedded_file": ("EmbeddedFiles", "EmbeddedFile", "FileAttachment"),
    "xfa": ("XFA",),
}
_RAW = {
    code: re.compile(b"|".join(_name_pattern(name) for name in names))
    for code, names in _RAW_NAMES.items()
}


def _raw_bytes_mention(data: bytes) -> set[str]:
    """What the raw bytes name: ``/JavaScript``, ``/JS``, ``/Launch``, ``/EmbeddedFile``…

    Catches what sits in places the walk does not visit (or a file pypdf reads
    differently from a viewer). It cannot see inside compressed object streams —
    the walk does — and may refuse an uncompressed file whose text shows "/JS".
    """
    return {code for code, pattern in _RAW.items() if pattern.search(data)}


def _raw_bytes_mention_javascript(data: bytes) -> bool:
    """True if the raw bytes hold a ``/JavaScript`` or ``/JS`` name."""
    return "javascript" in _raw_bytes_mention(data)
