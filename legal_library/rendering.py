"""Officers' Markdown → safe, light HTML for the public legal-library pages.

Pure module (no Django): ``render_markdown`` turns the Markdown an officer types
(legal documents: headings, numbered articles, lists, bold, tables, block quotes,
links, footnotes) into HTML that is safe to show to anybody, and ``plain_text``
gives the visible text of that HTML for search indexing and Open Graph
descriptions.

Safety does not rely on Markdown: Python-Markdown lets raw HTML through, and the
result is then sanitized by nh3 (ammonia, an HTML5 parser-based sanitizer) with
an explicit allow-list. Whatever is not on the list is stripped — tags that hide
code (``<script>``, ``<style>``, ``<iframe>``, ``<svg>``, ``<math>``, …) lose
their content too — so raw HTML typed into a document can format text (``<u>``,
``<sub>``, ``<br>``) but never run.

Images are deliberately not allowed in the body, neither ``![](…)`` nor
``<img>``: public pages are read on cheap phones over slow mobile data and must
stay light, an external image would leak readers' visits to another server, and
a document's scans belong in its PDF attachments, which are checked on upload.
"""

from __future__ import annotations

import atexit
import os
import re
import select
import struct
import subprocess
import sys
import threading
import time
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import markdown
import nh3

__all__ = [
    "MAX_CHARS",
    "TooComplex",
    "check_markdown",
    "plain_text",
    "render_markdown",
    "render_plain",
]

MAX_CHARS = 500_000
"""Longest Markdown accepted, in characters; officers' documents are far smaller."""
MAX_BRACKETS = 1_000
"""Most ``[`` in one paragraph (a thousand links); 1,000 render in half a second."""
MAX_TAGS = 2_000
"""Most ``<`` in one paragraph (raw HTML tags such as ``<u>``, ``<sub>``, ``<br>``)."""
RENDER_SECONDS = 10.0
"""Longest a rendering may take; a real document of ``MAX_CHARS`` takes about one."""


class TooComplex(ValueError):
    """Markdown that would take too long to render (see ``render_markdown``)."""


# Python-Markdown's "extra" (tables, footnotes, abbreviations, definition lists, fenced
# code, attribute lists, markdown in HTML) and "sane_lists" (an ordered list keeps its
# own start number and does not absorb a following bullet list). "nl2br": a single line
# break an officer types stays a line break (legal texts set out "a)", "b)" and
# addresses line by line), as it does in the plain rendering. No "smarty": legal texts
# keep their quotes and dashes exactly as typed.
_EXTENSIONS = ["extra", "sane_lists", "nl2br"]
_EXTENSION_CONFIGS = {
    "extra": {
        # align="right" instead of style="text-align: right" (style is never allowed).
        "tables": {"use_align_attribute": True},
        # The body is Vietnamese whatever the interface language is.
        "footnotes": {"BACKLINK_TITLE": "Quay lại chú thích %d"},
    }
}

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6",  # h1 is turned into h2 after cleaning
        "strong", "em", "b", "i", "u", "s", "sub", "sup", "code", "pre",
        "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
        "table", "thead", "tbody", "tr", "th", "td",
        "a", "abbr",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    # Footnotes: the reference (<sup id="fnref:1">) and the note (<li id="fn:1">).
    "sup": {"id"},
    "li": {"id"},
}

_ALIGN = {"left", "center", "right"}
ALLOWED_ATTRIBUTE_VALUES = {"th": {"align": _ALIGN}, "td": {"align": _ALIGN}}

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
LINK_REL = "noopener noreferrer nofollow"

# The body's ids (footnotes only) are prefixed so they can never collide with, or
# clobber, an id of the page around them; in-page links are prefixed to match.
ID_PREFIX = "md-"

# Tags removed together with everything inside them (the rest keep their text).
_CLEAN_CONTENT_TAGS = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset",
        "object", "embed", "applet", "svg", "math", "textarea", "select", "title",
        "xmp", "noembed", "noframes", "plaintext",
    }
)  # fmt: skip

_SPAN = re.compile(r"[1-9][0-9]{0,3}")
_START = re.compile(r"-?[0-9]{1,9}")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:  # noqa: ARG001 - nh3 passes the tag
    if attribute == "id":
        return value if value.startswith(ID_PREFIX) else ID_PREFIX + value
    if attribute == "href" and value.startswith("#") and not value.startswith("#" + ID_PREFIX):
        return "#" + ID_PREFIX + value[1:]
    if attribute in {"colspan", "rowspan"}:
        return value if _SPAN.fullmatch(value.strip()) else None
    if attribute == "start":
        return value if _START.fullmatch(value.strip()) else None
    return value


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_CLEAN_CONTENT_TAGS),
    # "*": nothing on every tag, replacing ammonia's default of lang and title everywhere.
    attributes={"*": set()} | {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    tag_attribute_values={tag: dict(values) for tag, values in ALLOWED_ATTRIBUTE_VALUES.items()},
    attribute_filter=_filter_attribute,
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


def render_markdown(text: str, *, seconds: float | None = RENDER_SECONDS) -> str:
    """Return safe HTML for the Markdown ``text``; "" for blank text.

    Allowed: paragraphs, line breaks, rules, headings (a ``#`` heading becomes
    ``<h2>`` because the page's own title is its only ``<h1>``), bold, italics,
    underline, strike, sub/superscript, code, quotes, lists (ordered ones may keep
    their ``start``), tables (``colspan``, ``rowspan``, ``align``), abbreviations,
    definition lists, footnotes and links. Links may use ``http``, ``https``,
    ``mailto``, ``tel`` or a relative URL — any other scheme (``javascript:``,
    ``data:``, ``vbscript:`` …) loses its ``href`` — and all get
    ``rel="noopener noreferrer nofollow"``. No images (see the module docstring),
    no ``style``, no ``on*`` handlers, no comments.

    Raises ``ValueError("too long")`` for more than ``MAX_CHARS`` characters, and
    ``TooComplex`` for text that would take too long: a real document of that size
    renders in about a second, but Python-Markdown is quadratic or worse on some
    contrived input (50,000 ``[`` in one paragraph take nine minutes; 30,000 ``<b>``
    or 3,000 lines of ``[`` several seconds). So a paragraph with more than
    ``MAX_BRACKETS`` ``[`` or ``MAX_TAGS`` ``<`` is refused at once, and the rest is
    rendered in a separate process that is stopped after ``seconds`` (None: in this
    process, no limit). Render when a document is saved, not on each page view.
    """
    if len(text) > MAX_CHARS:
        raise ValueError("too long")
    if not text or not text.strip():
        return ""
    check_markdown(text)
    if seconds is None:
        return _convert(text)
    return _worker.run(text, seconds)


def check_markdown(text: str) -> None:
    """Raise ``TooComplex`` for a paragraph too dense in ``[`` or ``<`` (linear, cheap)."""
    for block in re.split(r"\n[ \t]*\n", text):
        if block.count("[") > MAX_BRACKETS or block.count("<") > MAX_TAGS:
            raise TooComplex("too many brackets or tags in one paragraph")


def render_plain(text: str) -> str:
    """``text`` as escaped paragraphs and line breaks, no markup: for text that is
    ``TooComplex`` to render (always fast)."""
    return _cleaner.clean(_plain_paragraphs(text[:MAX_CHARS]))


def _convert(text: str) -> str:
    # A fresh converter per call: Markdown instances keep state and are not thread-safe.
    converter = markdown.Markdown(
        extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS, output_format="html"
    )
    try:
        converted = converter.convert(text)
    except RecursionError:
        # Python-Markdown parses nested blocks recursively: a few hundred levels of
        # "- - - - …" or "1. 1. 1. …" exhaust the stack. No real document nests so
        # deep; show such text as plain paragraphs rather than fail.
        return _cleaner.clean(_plain_paragraphs(text))
    html = _cleaner.clean(converted)
    # h1 keeps no attribute and nh3 escapes "<" in text and attribute values, so
    # these exact strings can only be the tags themselves.
    return html.replace("<h1>", "<h2>").replace("</h1>", "</h2>").strip()


# --- rendering with a time limit ----------------------------------------------------------
# A thread cannot be stopped, a process can: one rendering process per process of the
# portal (a plain ``python -c`` that imports only this module, talking over its stdin and
# stdout), started on the first rendering, leaving by itself after a minute without work,
# killed and replaced when a rendering takes too long.

_IDLE_SECONDS = 60.0
_ROOT = str(Path(__file__).resolve().parents[1])
_COMMAND = [
    sys.executable,
    "-I",  # isolated: no PYTHONPATH, no user site, no current directory
    "-c",
    f"import sys; sys.path.insert(0, {_ROOT!r}); "
    "from legal_library.rendering import _serve; _serve()",
]


def _read(fd: int, size: int, deadline: float | None) -> bytes | None:
    """Exactly ``size`` bytes from ``fd``; None at end of file; TimeoutError past deadline."""
    chunks, missing = [], size
    while missing:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _frame(payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + payload


def _serve() -> None:
    """The rendering process: a length-prefixed text in, a status byte and the HTML out."""
    while select.select([0], [], [], _IDLE_SECONDS)[0]:
        header = _read(0, 4, None)
        text = header and _read(0, struct.unpack(">I", header)[0], None)
        if text is None:
            return
        try:
            status, reply = b"+", _convert(text.decode())
        except Exception as exc:  # the caller raises it again
            status, reply = b"!", f"{type(exc).__name__}: {exc}"
        os.write(1, status + _frame(reply.encode()))


class _Worker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._pid = 0

    def run(self, text: str, seconds: float) -> str:
        with self._lock:
            for _attempt in range(2):
                try:
                    process = self._start()
                except OSError:
                    # No process can be started here (a sandbox, no memory left): render
                    # in this process, without the limit, rather than fail the save.
                    return _convert(text)
                try:
                    process.stdin.write(_frame(text.encode()))
                    process.stdin.flush()
                    deadline = time.monotonic() + seconds
                    fd = process.stdout.fileno()
                    status = _read(fd, 1, deadline)
                    header = status and _read(fd, 4, deadline)
                    reply = header and _read(fd, struct.unpack(">I", header)[0], deadline)
                except TimeoutError:
                    self._stop()
                    raise TooComplex(f"rendering took more than {seconds} s") from None
                except OSError:
                    reply = None  # it had just left (idle) or died
                if reply is None:
                    self._stop()  # once more, afresh
                    continue
                if status != b"+":
                    raise RuntimeError(reply.decode())
                return reply.decode()
            raise TooComplex("the rendering process died twice")

    def _start(self) -> subprocess.Popen:
        if self._pid != os.getpid():  # inherited through a fork: not ours to talk to
            self._process = None
            self._pid = os.getpid()
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(  # noqa: S603 (our own interpreter and code)
                _COMMAND,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                close_fds=True,
            )
        return self._process

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(5)
            for pipe in (self._process.stdin, self._process.stdout):
                pipe.close()
        self._process = None


_worker = _Worker()
atexit.register(_worker._stop)


def _plain_paragraphs(text: str) -> str:
    """``text`` escaped, as paragraphs (blank lines) and line breaks: no markup at all."""
    paragraphs = (block.strip() for block in re.split(r"\n[ \t]*\n", text.replace("\r", "")))
    return "\n".join(
        "<p>" + "<br>\n".join(escape(line) for line in block.split("\n")) + "</p>"
        for block in paragraphs
        if block
    )


# Elements whose edges separate words, so "<td>a</td><td>b</td>" reads "a b", not "ab".
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl",
        "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_INVISIBLE_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag in _INVISIBLE_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def plain_text(html: str) -> str:
    """Return the visible text of ``html``: no tags, entities decoded, whitespace collapsed.

    The result is plain text, not HTML: "&lt;b&gt;" comes back as "<b>", so it
    must be escaped again wherever it is put into a page (Django templates do).
    """
    if not html:
        return ""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    # convert_charrefs=True has decoded the entities exactly once ("&amp;lt;" → "&lt;").
    return " ".join("".join(parser.parts).split())
