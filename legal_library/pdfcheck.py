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
- ``javascript``: carries JavaScript — document-level (``/Names /JavaScript``),
  on opening (``/OpenAction``), on events of the document, a page, an annotation
  or a form field (``/AA``), in a link (``/A``), directly or chained by ``/Next``;
  and, as a cheap safety net, any ``/JavaScript`` or ``/JS`` name in the raw bytes.
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

CODES = frozenset({"too_large", "not_pdf", "corrupt", "encrypted", "javascript", "empty"})

# Actions are trees (/Next); annotations and form fields are lists. Real files are
# shallow: these bounds only stop a hostile file from making the walk endless.
_MAX_DEPTH = 32
_MAX_FIELDS = 100_000


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

    try:
        found = _has_javascript(reader)
    except Exception as exc:
        # Fail closed: what cannot be inspected is not published.
        raise PDFCheckError("corrupt", _describe(exc)) from exc
    if found or _raw_bytes_mention_javascript(data):
        raise PDFCheckError("javascript")
    return pages


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


# --- the structural walk ------------------------------------------------------------


def _resolve(obj: object) -> object:
    """Follow indirect references (a chain of them, to be safe); None when unresolvable."""
    for _ in range(_MAX_DEPTH):
        if not isinstance(obj, IndirectObject):
            return obj
        obj = obj.get_object()
    return None


def _dict(obj: object) -> DictionaryObject | None:
    obj = _resolve(obj)
    return obj if isinstance(obj, DictionaryObject) else None


def _items(obj: object) -> list[PdfObject]:
    obj = _resolve(obj)
    return list(obj) if isinstance(obj, ArrayObject) else []


def _is_javascript_action(obj: object, depth: int = 0, seen: set[int] | None = None) -> bool:
    """True if ``obj`` is an action (or a list of actions) that runs JavaScript.

    ``/S /JavaScript`` with its ``/JS``, but any action holding ``/JS`` counts (e.g.
    ``/Rendition``), as does a ``/URI`` action to a ``javascript:`` URL. ``/Next``
    chains further actions.
    """
    if depth > _MAX_DEPTH:
        return True  # nobody chains actions this deep but an attacker: fail closed
    seen = set() if seen is None else seen
    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            return False  # a loop of /Next: already inspected
        seen.add(obj.idnum)
    resolved = _resolve(obj)
    if isinstance(resolved, ArrayObject):
        return any(_is_javascript_action(item, depth + 1, seen) for item in resolved)
    action = _dict(resolved)
    if action is None:
        return False
    kind = _resolve(action.get("/S"))
    if "/JS" in action or kind == "/JavaScript":
        return True
    if kind == "/URI":
        uri = _resolve(action.get("/URI"))
        text = uri.decode("latin-1", "replace") if isinstance(uri, bytes) else str(uri or "")
        if re.sub(r"[\x00-\x20]", "", text).lower().startswith("javascript:"):
            return True
    return "/Next" in action and _is_javascript_action(action.raw_get("/Next"), depth + 1, seen)


def _has_additional_actions_js(holder: DictionaryObject | None) -> bool:
    """True if ``holder``'s ``/AA`` (trigger → action) has a JavaScript action."""
    if holder is None:
        return False
    triggers = _dict(holder.get("/AA"))
    return triggers is not None and any(
        _is_javascript_action(action) for action in triggers.values()
    )


def _form_fields(acroform: DictionaryObject | None) -> Iterator[DictionaryObject]:
    """Every field of an interactive form, kids included, each once."""
    if acroform is None:
        return
    pending = list(_items(acroform.get("/Fields")))
    seen: set[tuple[int, int]] = set()
    count = 0
    while pending and count < _MAX_FIELDS:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
        field = _dict(item)
        if field is None:
            continue
        count += 1
        yield field
        pending.extend(_items(field.get("/Kids")))


def _has_javascript(reader: PdfReader) -> bool:
    """Walk the places where a PDF can hold JavaScript (see the module docstring)."""
    catalog = _dict(reader.trailer.get("/Root"))
    if catalog is None:
        return False
    names = _dict(catalog.get("/Names"))
    if names is not None and "/JavaScript" in names:
        return True
    if _is_javascript_action(catalog.get("/OpenAction")):
        return True
    if _has_additional_actions_js(catalog):
        return True
    for page in reader.pages:
        if _has_additional_actions_js(page):
            return True
        for item in _items(page.get("/Annots")):
            annotation = _dict(item)
            if annotation is None:
                continue
            if _is_javascript_action(annotation.get("/A")):
                return True
            if _has_additional_actions_js(annotation):
                return True
    return any(
        _is_javascript_action(field.get("/A")) or _has_additional_actions_js(field)
        for field in _form_fields(_dict(catalog.get("/AcroForm")))
    )


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


_RAW_JAVASCRIPT = re.compile(b"|".join(_name_pattern(name) for name in ("JavaScript", "JS")))


def _raw_bytes_mention_javascript(data: bytes) -> bool:
    """True if the raw bytes hold a ``/JavaScript`` or ``/JS`` name.

    Catches JavaScript in places the walk does not visit (or a file pypdf reads
    differently from a viewer). It cannot see inside compressed object streams —
    the walk does — and may refuse an uncompressed file whose text shows "/JS".
    """
    return _RAW_JAVASCRIPT.search(data) is not None
