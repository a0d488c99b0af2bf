"""PDF attachment checks (legal_library.pdfcheck) on real files built here.

Good PDFs come from reportlab (like the portal's own posters), JavaScript-carrying
ones from pypdf; images and a .docx are made on the spot and named ``.pdf`` in
spirit only — the content decides. Each JavaScript case is checked twice: with the
raw-bytes safety net and with only the structural walk, so each layer is tested.
"""

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from legal_library import pdfcheck
from legal_library.pdfcheck import CODES, MAX_BYTES, PDFCheckError, check_pdf

ROOT = Path(__file__).resolve().parents[2]
ALERT = "app.alert('x');"


# ---------------------------------------------------------------- builders


def reportlab_pdf(pages: int = 2, **canvas_options) -> bytes:
    """A real, ordinary PDF: text, a web link and an internal link on each page."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, **canvas_options)
    pdf.bookmarkPage("top")
    for number in range(1, pages + 1):
        # Mentions JavaScript in the text, as a legal text about cybercrime might.
        pdf.drawString(72, 720, f"Page {number}: JavaScript is mentioned here")
        pdf.linkURL("https://vbpl.vn/", (72, 700, 200, 715))
        pdf.linkAbsolute("top", "top", (72, 680, 200, 695))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pypdf_bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def js_action(code: str = ALERT) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(code),
        }
    )


def blank_writer(pages: int = 1) -> PdfWriter:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    return writer


def link_annotation(action: DictionaryObject) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, 700, 200, 720)]),
            NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
            NameObject("/A"): action,
        }
    )


def pdf_document_level_js() -> bytes:
    """pypdf's own way: a script in the catalog's /Names /JavaScript tree."""
    writer = blank_writer()
    writer.add_open_action(JavaScript(ALERT))
    return pypdf_bytes(writer)


def pdf_open_action_js() -> bytes:
    writer = blank_writer()
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(js_action())
    return pypdf_bytes(writer)


def pdf_open_action_chained_js() -> bytes:
    """A harmless-looking /OpenAction (go to page 1) whose /Next runs a script."""
    writer = blank_writer()
    go_to = DictionaryObject(
        {
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")]),
            NameObject("/Next"): ArrayObject([writer._add_object(js_action())]),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = go_to
    return pypdf_bytes(writer)


def pdf_catalog_additional_action_js() -> bytes:
    writer = blank_writer()
    writer.root_object[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): js_action()})
    return pypdf_bytes(writer)


def pdf_page_additional_action_js() -> bytes:
    writer = blank_writer(pages=2)
    writer.pages[1][NameObject("/AA")] = DictionaryObject({NameObject("/O"): js_action()})
    return pypdf_bytes(writer)


def pdf_link_annotation_js() -> bytes:
    writer = blank_writer()
    writer.add_annotation(0, link_annotation(js_action()))
    return pypdf_bytes(writer)


def pdf_annotation_additional_action_js() -> bytes:
    writer = blank_writer()
    annotation = link_annotation(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/URI"),
                NameObject("/URI"): TextStringObject("https://a.vn"),
            }
        )
    )
    annotation[NameObject("/AA")] = DictionaryObject({NameObject("/E"): js_action()})
    writer.add_annotation(0, annotation)
    return pypdf_bytes(writer)


def pdf_form_field_js() -> bytes:
    """A form field, not on any page, whose keystroke action is a script."""
    writer = blank_writer()
    field = DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject("name"),
            NameObject("/AA"): DictionaryObject({NameObject("/K"): js_action()}),
        }
    )
    parent = DictionaryObject(
        {
            NameObject("/T"): TextStringObject("form"),
            NameObject("/Kids"): ArrayObject([writer._add_object(field)]),
        }
    )
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([writer._add_object(parent)])}
    )
    return pypdf_bytes(writer)


def pdf_javascript_uri_link() -> bytes:
    """A /URI link to a javascript: URL: no /JS name at all, only the walk sees it."""
    writer = blank_writer()
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/URI"),
            NameObject("/URI"): TextStringObject(" JavaScript:alert(1)"),
        }
    )
    writer.add_annotation(0, link_annotation(action))
    return pypdf_bytes(writer)


JS_BUILDERS = [
    pdf_document_level_js,
    pdf_open_action_js,
    pdf_open_action_chained_js,
    pdf_catalog_additional_action_js,
    pdf_page_additional_action_js,
    pdf_link_annotation_js,
    pdf_annotation_additional_action_js,
    pdf_form_field_js,
    pdf_javascript_uri_link,
]


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (30, 200, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    """A zip with Word's first members: what a .docx renamed to .pdf looks like."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", "<w:document>Điều 1</w:document>")
    return buffer.getvalue()


def noise(length: int, seed: bytes = b"noise") -> bytes:
    """Deterministic pseudo-random bytes."""
    return hashlib.shake_256(seed).digest(length)


def first_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def code_of(data: bytes, **kwargs) -> str:
    with pytest.raises(PDFCheckError) as caught:
        check_pdf(io.BytesIO(data), **kwargs)
    assert caught.value.code in CODES
    return caught.value.code


class LazyStream(io.RawIOBase):
    """A seekable stream of ``length`` bytes (``head`` then zeros) that exists only on demand.

    It records how many bytes were read, so tests can prove the check never
    pulls more than MAX_BYTES + 1 of them into memory.
    """

    def __init__(self, length: int, head: bytes = b"") -> None:
        self.length = length
        self.head = head
        self.position = 0
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self.position, os.SEEK_END: self.length}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        count = max(0, min(len(buffer), self.length - self.position))
        chunk = bytearray(count)
        head = self.head[self.position : self.position + count]
        chunk[: len(head)] = head
        buffer[:count] = chunk
        self.position += count
        self.bytes_read += count
        return count


# ---------------------------------------------------------------- good files


def test_a_good_pdf_returns_its_page_count_and_is_rewound():
    stream = io.BytesIO(reportlab_pdf(pages=3))
    assert check_pdf(stream) == 3
    assert stream.tell() == 0


def test_the_given_size_is_used_and_the_stream_rewound_from_anywhere():
    data = reportlab_pdf(pages=1)
    stream = io.BytesIO(data)
    stream.seek(17)  # a caller that has already peeked at the upload
    assert check_pdf(stream, size=len(data)) == 1
    assert stream.tell() == 0
    assert stream.read() == data  # nothing consumed or changed


def test_a_pdf_with_ordinary_links_and_the_word_javascript_passes():
    # reportlab's output: web link, internal link, the word in the (compressed) text.
    assert check_pdf(io.BytesIO(reportlab_pdf(pages=2))) == 2


def test_an_uncompressed_pdf_passes():
    assert check_pdf(io.BytesIO(reportlab_pdf(pages=1, pageCompression=0))) == 1


def test_a_pdf_made_by_pypdf_without_scripts_passes():
    assert check_pdf(io.BytesIO(pypdf_bytes(blank_writer(pages=4)))) == 4


def test_a_header_after_some_junk_within_1024_bytes_is_accepted():
    assert check_pdf(io.BytesIO(b"\x00" * 500 + reportlab_pdf(pages=1))) == 1


# ---------------------------------------------------------------- refusals by content


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.pdf (a JPEG)", jpeg_bytes()),
        ("scan.pdf (a PNG)", png_bytes()),
        ("van-ban.pdf (a .docx)", docx_bytes()),
        ("random bytes", noise(4096)),
        ("text", "Điều 1. Đây không phải PDF".encode()),
        ("header too far", b" " * 1024 + reportlab_pdf(pages=1)),
        ("lowercase header", reportlab_pdf(pages=1).replace(b"%PDF-", b"%pdf-", 1)),
    ],
)
def test_what_is_not_a_pdf_is_refused_by_its_content(name, data):
    stream = io.BytesIO(data)
    with pytest.raises(PDFCheckError) as caught:
        check_pdf(stream)
    assert caught.value.code == "not_pdf", name
    assert stream.tell() == 0  # rewound even when refused


def test_an_empty_file_is_refused():
    assert code_of(b"") == "empty"
    assert code_of(b"", size=0) == "empty"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("first half of a real PDF", first_half(reportlab_pdf(pages=3))),
        ("header then garbage", b"%PDF-1.4\n" + noise(2048)),
        ("header only", b"%PDF-1.7\n"),
        ("header then text", b"%PDF-1.4\n" + b"garbage " * 200),
        ("no page at all", pypdf_bytes(PdfWriter())),
    ],
)
def test_a_broken_pdf_is_corrupt(name, data):
    assert code_of(data) == "corrupt", name


def test_a_too_large_size_is_refused_before_reading_anything():
    stream = LazyStream(10, head=b"%PDF-1.4\n")
    with pytest.raises(PDFCheckError) as caught:
        check_pdf(stream, size=MAX_BYTES + 1)
    assert caught.value.code == "too_large"
    assert stream.bytes_read == 0


def test_a_too_large_stream_is_measured_by_seeking_not_reading():
    stream = LazyStream(MAX_BYTES + 1, head=b"%PDF-1.4\n")
    with pytest.raises(PDFCheckError) as caught:
        check_pdf(stream)
    assert caught.value.code == "too_large"
    assert stream.bytes_read == 0
    assert stream.tell() == 0


def test_a_real_20_mb_plus_one_byte_stream_is_too_large():
    assert code_of(b"%PDF-1.4\n" + bytes(MAX_BYTES + 1 - 9)) == "too_large"


def test_a_stream_longer_than_its_announced_size_is_read_at_most_max_plus_one():
    stream = LazyStream(MAX_BYTES + 10_000, head=b"%PDF-1.4\n")
    with pytest.raises(PDFCheckError) as caught:
        check_pdf(stream, size=1000)  # the caller's size is wrong
    assert caught.value.code == "too_large"
    assert stream.bytes_read <= MAX_BYTES + 1


def test_exactly_max_bytes_is_not_too_large():
    stream = LazyStream(MAX_BYTES, head=b"%PDF-1.4\n")
    with pytest.raises(PDFCheckError) as caught:
        check_pdf(stream)
    assert caught.value.code == "corrupt"  # it got past the size check: it is just zeros
    assert stream.bytes_read == MAX_BYTES


@pytest.mark.parametrize(
    "encrypt",
    [
        "pw",  # a user password: nobody opens it without the password
        StandardEncryption("", ownerPassword="owner", canPrint=1, canCopy=0),  # permissions only
    ],
    ids=["user-password", "owner-password-only"],
)
def test_an_encrypted_pdf_is_refused(encrypt):
    assert code_of(reportlab_pdf(pages=1, encrypt=encrypt)) == "encrypted"


# ---------------------------------------------------------------- JavaScript


@pytest.fixture(params=["with-raw-scan", "walk-only"])
def scan_layers(request, monkeypatch):
    """Run a JavaScript test with both layers, then with the structural walk alone."""
    if request.param == "walk-only":
        monkeypatch.setattr(pdfcheck, "_raw_bytes_mention", lambda data: set())
    return request.param


@pytest.mark.parametrize("build", JS_BUILDERS, ids=lambda build: build.__name__)
def test_a_pdf_with_javascript_is_refused(build, scan_layers):
    data = build()
    assert len(PdfReader(io.BytesIO(data)).pages) >= 1  # a valid PDF otherwise
    stream = io.BytesIO(data)
    with pytest.raises(PDFCheckError) as caught:
        check_pdf(stream)
    assert caught.value.code == "javascript"
    assert stream.tell() == 0


def test_the_add_js_helper_of_pypdf_is_caught(scan_layers):
    writer = blank_writer()
    with pytest.warns(DeprecationWarning):
        writer.add_js(ALERT)
    assert code_of(pypdf_bytes(writer)) == "javascript"


def test_a_loop_of_next_actions_ends_and_is_not_javascript(scan_layers):
    writer = blank_writer()
    first = DictionaryObject({NameObject("/S"): NameObject("/GoTo")})
    second = DictionaryObject({NameObject("/S"): NameObject("/GoTo")})
    first_ref, second_ref = writer._add_object(first), writer._add_object(second)
    first[NameObject("/D")] = ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])
    second[NameObject("/D")] = first[NameObject("/D")]
    first[NameObject("/Next")] = second_ref
    second[NameObject("/Next")] = first_ref
    writer.root_object[NameObject("/OpenAction")] = first_ref
    assert check_pdf(io.BytesIO(pypdf_bytes(writer))) == 1


@pytest.mark.parametrize(
    "hidden",
    [
        b"/JS (app.alert(1))",
        b"/S/JavaScript",
        b"/J#53 (app.alert(1))",  # a name spelt with #xx escapes
        b"/#4a#61vaScript<<>>",
    ],
)
def test_the_raw_scan_catches_javascript_the_walk_cannot_see(hidden):
    # An object appended after %%EOF that nothing references: pypdf ignores it.
    data = reportlab_pdf(pages=1) + b"\n99 0 obj\n<< /S /Launch " + hidden + b" >>\nendobj\n"
    assert code_of(data) == "javascript"


@pytest.mark.parametrize("text", [b"/JSON (x)", b"/JavaScripts 1", b"(JS) Tj", b"/Js 1"])
def test_the_raw_scan_matches_whole_names_only(text):
    assert not pdfcheck._raw_bytes_mention_javascript(b"<< " + text + b" >>")


# ---------------------------------------------------------------- other active content


def action(kind: str, **entries) -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject(kind)}
        | {NameObject(f"/{key}"): value for key, value in entries.items()}
    )


def launch() -> DictionaryObject:
    return action("/Launch", F=TextStringObject("cmd.exe"))


def pdf_outline_item(item_action: DictionaryObject) -> bytes:
    """An outline (bookmark) entry whose action is ``item_action``."""
    writer = blank_writer()
    item = writer.add_outline_item("Điều 1", 0).get_object()
    item[NameObject("/A")] = writer._add_object(item_action)
    return pypdf_bytes(writer)


def pdf_open_action(open_action: DictionaryObject) -> bytes:
    writer = blank_writer()
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(open_action)
    return pypdf_bytes(writer)


def pdf_link(link_action: DictionaryObject) -> bytes:
    writer = blank_writer()
    writer.add_annotation(0, link_annotation(link_action))
    return pypdf_bytes(writer)


def pdf_unreferenced(obj: DictionaryObject) -> bytes:
    """An object in the cross-reference table that nothing points to."""
    writer = blank_writer()
    writer._add_object(obj)
    return pypdf_bytes(writer)


def pdf_xfa() -> bytes:
    writer = blank_writer()
    xfa = writer._add_object(StreamObject())
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(),
            NameObject("/XFA"): ArrayObject([TextStringObject("template"), xfa]),
        }
    )
    return pypdf_bytes(writer)


def pdf_attachment() -> bytes:
    writer = blank_writer()
    writer.add_attachment("ghi-chu.txt", b"not the document")
    return pypdf_bytes(writer)


def pdf_file_attachment_annotation() -> bytes:
    writer = blank_writer()
    writer.add_annotation(
        0,
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/FileAttachment"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, 700, 90, 720)]),
                NameObject("/FS"): TextStringObject("virus.exe"),
            }
        ),
    )
    return pypdf_bytes(writer)


def pdf_page_additional_action_go_to() -> bytes:
    """An /AA that only goes to a page: still an action run by itself, refused."""
    writer = blank_writer(pages=2)
    go_to = action("/GoTo", D=ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")]))
    writer.pages[1][NameObject("/AA")] = DictionaryObject({NameObject("/O"): go_to})
    return pypdf_bytes(writer)


ACTIVE_CONTENT = [
    ("outline item with a script", lambda: pdf_outline_item(js_action()), "javascript"),
    ("script nothing points to", lambda: pdf_unreferenced(js_action()), "javascript"),
    ("opening action that launches", lambda: pdf_open_action(launch()), "launch"),
    ("link that launches", lambda: pdf_link(launch()), "launch"),
    ("outline item that launches", lambda: pdf_outline_item(launch()), "launch"),
    (
        "link to another file",
        lambda: pdf_link(action("/GoToR", F=TextStringObject("b.pdf"))),
        "launch",
    ),
    ("link that sends the form", lambda: pdf_link(action("/SubmitForm")), "launch"),
    ("XFA form", pdf_xfa, "xfa"),
    ("attached file", pdf_attachment, "embedded_file"),
    ("file attachment annotation", pdf_file_attachment_annotation, "embedded_file"),
    ("additional action", pdf_page_additional_action_go_to, "auto_action"),
]


@pytest.mark.parametrize(
    ("build", "code"),
    [(build, code) for _name, build, code in ACTIVE_CONTENT],
    ids=[name for name, _build, _code in ACTIVE_CONTENT],
)
def test_a_pdf_with_active_content_or_files_inside_is_refused(build, code, scan_layers):
    data = build()
    assert len(PdfReader(io.BytesIO(data)).pages) >= 1  # a valid PDF otherwise
    assert code_of(data) == code


def test_a_pdf_with_ordinary_bookmarks_links_and_opening_page_passes(scan_layers):
    writer = blank_writer(pages=3)
    writer.add_outline_item("Chương I", 0)
    writer.add_outline_item("Chương II", 2)
    writer.add_annotation(
        0, link_annotation(action("/URI", URI=TextStringObject("https://vbpl.vn/")))
    )
    go_to = action("/GoTo", D=ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")]))
    writer.root_object[NameObject("/OpenAction")] = go_to
    assert check_pdf(io.BytesIO(pypdf_bytes(writer))) == 3
    reportlab = io.BytesIO()
    pdf = canvas.Canvas(reportlab)
    pdf.bookmarkPage("p1")
    pdf.addOutlineEntry("Điều 1", "p1")
    pdf.drawString(72, 720, "Điều 1")
    pdf.showPage()
    pdf.save()
    assert check_pdf(io.BytesIO(reportlab.getvalue())) == 1


@pytest.mark.parametrize(
    ("hidden", "code"),
    [(b"/Launch", "launch"), (b"/EmbeddedFile", "embedded_file"), (b"/X#46A []", "xfa")],
)
def test_the_raw_scan_catches_other_names_the_walk_cannot_see(hidden, code):
    data = reportlab_pdf(pages=1) + b"\n99 0 obj\n<< /S " + hidden + b" >>\nendobj\n"
    assert code_of(data) == code


# ---------------------------------------------------------------- properties and API


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096), with_header=st.booleans())
def test_any_bytes_give_a_page_count_or_a_known_refusal(data, with_header):
    payload = (b"%PDF-1.4\n" + data) if with_header else data
    stream = io.BytesIO(payload)
    try:
        pages = check_pdf(stream)
    except PDFCheckError as exc:
        assert exc.code in CODES
    else:
        assert pages >= 1
    assert stream.tell() == 0


GOOD = reportlab_pdf(pages=2, pageCompression=0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    flips=st.lists(
        st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)), min_size=1, max_size=8
    ),
    cut=st.integers(1, len(GOOD)),
)
def test_a_damaged_real_pdf_never_escapes_as_another_exception(flips, cut):
    damaged = bytearray(GOOD[:cut])
    for position, value in flips:
        if position < len(damaged):
            damaged[position] = value
    try:
        pages = check_pdf(io.BytesIO(bytes(damaged)))
    except PDFCheckError as exc:
        assert exc.code in CODES
    else:
        assert pages >= 1


def test_the_error_carries_its_code_and_detail():
    error = PDFCheckError("corrupt", "xref broken")
    assert (error.code, error.detail) == ("corrupt", "xref broken")
    assert "corrupt" in str(error)
    assert PDFCheckError("empty").detail == ""
    with pytest.raises(ValueError, match="unknown"):
        PDFCheckError("virus")
