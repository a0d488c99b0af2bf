"""Officers' Markdown → safe HTML (legal_library.rendering): formatting, XSS, properties."""

import contextlib
import re
import time
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from legal_library import rendering
from legal_library.rendering import MAX_CHARS, TooComplex, plain_text, render_markdown

ROOT = Path(__file__).resolve().parents[2]
REL = 'rel="noopener noreferrer nofollow"'

# What may come out: h1 is always turned into h2.
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
    "strong", "em", "b", "i", "u", "s", "sub", "sup", "code", "pre",
    "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td", "a", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
    "sup": {"id"},
    "li": {"id"},
}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


class Elements(HTMLParser):
    """Every start tag of a fragment with its attributes, and any comment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)


def elements(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


def href_scheme(href: str) -> str | None:
    """The scheme a browser would see: tabs and newlines dropped, controls and spaces trimmed."""
    cleaned = re.sub(r"[\t\n\r]", "", href).strip(C0_AND_SPACE)
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", cleaned)
    return match.group(1).lower() if match else None


def assert_safe(html: str) -> None:
    """Only allowed tags and attributes, safe links, no comments."""
    parsed = elements(html)
    assert parsed.comments == []
    for tag, attrs in parsed.elements:
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()), (tag, name, html)
            if name == "href":
                scheme = href_scheme(value or "")
                assert scheme is None or scheme in SAFE_SCHEMES, (value, html)
                assert re.match(r"(https?:|mailto:|tel:|/|#)", value) or scheme is None
        if tag == "a":
            assert ("rel", "noopener noreferrer nofollow") in attrs, html


# ---------------------------------------------------------------- formatting kept


def test_headings_h1_becomes_h2_the_page_title_is_the_only_h1():
    html = render_markdown("# Luật Hôn nhân\n\n## Chương I\n\n### Điều 8\n\n#### Khoản 1")
    assert "<h1" not in html
    assert "<h2>Luật Hôn nhân</h2>" in html
    assert "<h2>Chương I</h2>" in html
    assert "<h3>Điều 8</h3>" in html
    assert "<h4>Khoản 1</h4>" in html


def test_a_raw_h1_also_becomes_h2_without_its_attributes():
    assert render_markdown('<h1 class="big" id="x">Tiêu đề</h1>') == "<h2>Tiêu đề</h2>"


def test_ordered_lists_keep_their_start_and_bullets_stay_bullets():
    html = render_markdown("3. Khoản ba\n4. Khoản bốn\n\n- điểm a\n- điểm b")
    assert '<ol start="3">' in html
    assert "<li>Khoản ba</li>" in html
    assert "<ul>\n<li>điểm a</li>\n<li>điểm b</li>\n</ul>" in html


def test_nested_lists():
    html = render_markdown("1. Khoản 1\n    - điểm a\n    - điểm b\n2. Khoản 2")
    assert re.search(r"<ol>\s*<li>Khoản 1\s*<ul>\s*<li>điểm a</li>", html), html


def test_tables_with_alignment_as_attribute_never_style():
    html = render_markdown(
        "| Độ tuổi | Nam | Nữ |\n|:--|:-:|--:|\n| Kết hôn | 20 | 18 |\n| Lao động | 15 | 15 |"
    )
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html
    assert '<th align="left">Độ tuổi</th>' in html
    assert '<th align="center">Nam</th>' in html
    assert '<td align="right">18</td>' in html
    assert "style" not in html


def test_raw_table_cells_keep_spans_and_lose_bad_values():
    html = render_markdown(
        '<table><tr><td colspan="2" rowspan="3" align="justify" style="color:red">a</td>'
        '<td colspan="2x">b</td></tr></table>'
    )
    assert '<td colspan="2" rowspan="3">a</td>' in html
    assert "<td>b</td>" in html


def test_bold_italics_and_inline_formatting():
    html = render_markdown("Hai bên **tự nguyện**, *không* bị ép; H<sub>2</sub>O, <u>gạch</u>.")
    assert "<strong>tự nguyện</strong>" in html
    assert "<em>không</em>" in html
    assert "<sub>2</sub>" in html
    assert "<u>gạch</u>" in html


def test_block_quotes_code_rules_and_line_breaks():
    html = render_markdown("> Trích Điều 5.\n\n---\n\n```\nx < 1\n```\n\ndòng một  \ndòng hai")
    assert "<blockquote>\n<p>Trích Điều 5.</p>\n</blockquote>" in html
    assert "<hr>" in html
    assert "<pre><code>x &lt; 1\n</code></pre>" in html
    assert "dòng một<br>" in html


def test_a_single_line_break_typed_stays_a_line_break():
    typed = "Điều 3. Giải thích từ ngữ\na) Định danh điện tử;\nb) Tài khoản.\n\nĐoạn sau"
    html = render_markdown(typed)
    assert html == (
        "<p>Điều 3. Giải thích từ ngữ<br>\na) Định danh điện tử;<br>\nb) Tài khoản.</p>\n"
        "<p>Đoạn sau</p>"
    )
    # The same breaks as the plain rendering of text too complex to render.
    assert rendering.render_plain("một\nhai") == "<p>một<br>\nhai</p>"


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[Luật](https://vbpl.vn/luat?id=1&x=2)", "https://vbpl.vn/luat?id=1&amp;x=2"),
        ("[cũ](http://example.com)", "http://example.com"),
        ("[thư](mailto:ubnd@chuprong.gov.vn)", "mailto:ubnd@chuprong.gov.vn"),
        ("[gọi](tel:+842693000000)", "tel:+842693000000"),
        ("[tủ sách](/l/T03/)", "/l/T03/"),
        ("[tương đối](van-ban/luat-dat-dai/)", "van-ban/luat-dat-dai/"),
        ("<https://vbpl.vn/>", "https://vbpl.vn/"),
    ],
)
def test_links_are_kept_with_rel(markdown, href):
    html = render_markdown(markdown)
    assert f'href="{href}"' in html
    assert REL in html


def test_a_link_title_is_kept():
    html = render_markdown('[Luật](https://vbpl.vn/ "Cơ sở dữ liệu")')
    assert 'title="Cơ sở dữ liệu"' in html


def test_vietnamese_text_is_untouched():
    text = "Điều 8. Điều kiện kết hôn"
    assert render_markdown(text) == f"<p>{text}</p>"
    html = render_markdown(f"## {text}\n\nNam, nữ kết hôn với nhau phải tuân theo các điều kiện.")
    assert f"<h2>{text}</h2>" in html
    assert "Nam, nữ kết hôn với nhau phải tuân theo các điều kiện." in html
    assert "&#" not in html  # no character turned into an entity


def test_no_smart_quotes_or_dashes():
    html = render_markdown("Khoản \"a\" -- điểm 'b' ...")
    assert "\"a\" -- điểm 'b' ..." in unescape(html)


def test_footnotes_link_to_their_prefixed_ids():
    html = render_markdown("Nam từ đủ 20 tuổi[^1].\n\n[^1]: Điều 8 khoản 1 điểm a.")
    assert '<sup id="md-fnref:1"><a href="#md-fn:1"' in html
    assert '<li id="md-fn:1">' in html
    assert 'href="#md-fnref:1"' in html
    assert "class=" not in html


def test_abbreviations_and_definition_lists():
    html = render_markdown("UBND xã\n\n*[UBND]: Ủy ban nhân dân\n\nHộ tịch\n:   Việc đăng ký")
    assert '<abbr title="Ủy ban nhân dân">UBND</abbr>' in html
    assert "<dl>" in html and "<dt>Hộ tịch</dt>" in html and "<dd>Việc đăng ký</dd>" in html


@pytest.mark.parametrize("blank", ["", " ", "\n\n", "\t \r\n "])
def test_blank_input_gives_nothing(blank):
    assert render_markdown(blank) == ""


# ---------------------------------------------------------------- size


def test_text_over_the_limit_is_refused():
    assert MAX_CHARS == 500_000
    with pytest.raises(ValueError, match="too long"):
        render_markdown("a" * (MAX_CHARS + 1))


def test_a_huge_real_document_renders():
    article = (
        "## Điều {n}. Điều kiện kết hôn\n\n"
        "1. Nam từ **đủ 20 tuổi** trở lên, nữ từ đủ 18 tuổi trở lên; xem [luật](https://vbpl.vn/).\n"
        "2. Việc kết hôn do nam và nữ *tự nguyện* quyết định.\n\n"
        "| Cột | Giá trị |\n|---|---:|\n| tuổi | 20 |\n\n> Trích dẫn.\n\n"
    )
    text = "".join(article.format(n=n) for n in range(1, 2000))
    text = text[: text.rindex("## Điều", 0, MAX_CHARS)]  # whole articles, under the limit
    assert 450_000 < len(text) <= MAX_CHARS
    assert len(text.encode()) > 500_000  # well over half a megabyte once encoded
    html = render_markdown(text)
    last = text.count("## Điều")
    assert f"<h2>Điều {last}. Điều kiện kết hôn</h2>" in html
    assert html.count("<table>") == last
    assert_safe(html)


# Each took seconds to minutes in Python-Markdown (50,000 "[": nine minutes).
PATHOLOGICAL = {
    "50,000 [": "[" * 50_000,
    "50,000 ![": "![" * 50_000,
    "[ on 3,000 lines": "[\n" * 3_000,
    "30,000 <b>": "<b>" * 30_000,
    "10,000 <a": "<a " * 10_000,
    "20,000 [](": "[](" * 20_000,
    "5,000 [ ": "[ " * 5_000,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_markdown_is_refused_at_once(text):
    started = time.monotonic()
    with pytest.raises(TooComplex):
        render_markdown(text)
    assert time.monotonic() - started < 1
    assert "[" in rendering.render_plain(text) or "&lt;" in rendering.render_plain(text)


def test_the_same_signs_spread_over_paragraphs_render():
    text = "\n\n".join("Điều [1] và <u>2</u> [x](https://vbpl.vn/)" for _ in range(2_000))
    assert render_markdown(text).count("<u>2</u>") == 2_000


def test_a_rendering_past_its_time_is_stopped_and_the_next_one_works():
    slow = "[ " * 900  # under the limits, a few tenths of a second
    started = time.monotonic()
    with pytest.raises(TooComplex):
        render_markdown(slow, seconds=0.01)
    assert time.monotonic() - started < 1
    assert render_markdown("**Điều 1**") == "<p><strong>Điều 1</strong></p>"
    assert render_markdown(slow).startswith("<p>[ [")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.lists(
        st.sampled_from(
            ["[", "]", "(", ")", "![", "<b>", "<a ", "*", "_", "`", ">", "\n", " ", "x"]
        ),
        max_size=6_000,
    ).map("".join)
)
def test_any_pile_of_signs_renders_or_is_refused_within_the_time(text):
    started = time.monotonic()
    with contextlib.suppress(TooComplex):
        assert_safe(render_markdown(text, seconds=3))
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("nesting", ["- " * 3000 + "x", "1. " * 3000 + "x"])
def test_absurd_nesting_renders_as_plain_text_instead_of_failing(nesting):
    html = render_markdown(nesting + "\n\nĐiều <b>1</b> <script>alert(1)</script>")
    first, second = html.split("\n")
    assert first.startswith("<p>") and first.endswith(" x</p>")
    assert second == "<p>Điều &lt;b&gt;1&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert_safe(html)


def test_deeply_nested_quotes_render():
    # Python-Markdown stops nesting near the recursion limit and keeps the rest as text.
    html = render_markdown("> " * 3000 + "x")
    assert 50 < html.count("<blockquote>") == html.count("</blockquote>")
    assert plain_text(html).endswith("> x")
    assert_safe(html)


# ---------------------------------------------------------------- XSS


XSS = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" &#x09;javascript:alert(1)">x</a>',
    "<iframe src=//evil>",
    "<svg onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">',
    '<p onclick="x()">t</p>',
    "[x](vbscript:msgbox)",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!-- <script>x</script> -->",
    "![img](https://example.com/a.png)",
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;vascript&colon;alert(1)">x</a>',
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<body onload="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<style>*{background:url(javascript:alert(1))}</style>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="https://vbpl.vn" onmouseover="alert(1)" style="x">x</a>',
    'x\n{: onclick="alert(1)" style="color:red" }\n\n## T {: onmouseover="alert(1)" }',
    '<div markdown="1" onclick="alert(1)">**x**</div>',
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    '<a href="javascript&#58;alert(1)">x</a>',
    "<template><script>alert(1)</script></template>",
    '<table><tr><td background="javascript:alert(1)">x</td></tr></table>',
    "<base href=javascript:/>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<input autofocus onfocus="alert(1)">',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)>",
]


@pytest.mark.parametrize("payload", XSS)
def test_xss_payloads_come_out_harmless(payload):
    html = render_markdown(payload)
    lowered = html.lower()
    for form in (lowered, unescape(lowered)):
        assert "<script" not in form
        assert "javascript:" not in form
        assert "vbscript:" not in form
        assert "data:text" not in form
    for forbidden in ("<img", "<iframe", "<svg", "<math", "<style", "<object", "<embed", "<form"):
        assert forbidden not in lowered
    assert "style=" not in lowered
    assert "<!--" not in html
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", lowered), html
    assert_safe(html)


@pytest.mark.parametrize("tag", sorted(ALLOWED_TAGS | {"h1"}))
def test_allowed_tags_lose_every_attribute_not_on_their_list(tag):
    html = render_markdown(
        f'<table><tr><td><{tag} style="color:red" onclick="alert(1)" class="x" name="y"'
        f' background="z" href="javascript:alert(1)" lang="vi">Điều 1</{tag}></td></tr></table>'
    )
    assert "Điều 1" in html
    for attribute in (
        "style=",
        "onclick=",
        "class=",
        "name=",
        "background=",
        "lang=",
        "javascript",
    ):
        assert attribute not in html
    assert_safe(html)


def test_an_image_leaves_no_image_and_no_request():
    html = render_markdown("Sơ đồ: ![sơ đồ](https://example.com/a.png) hết.")
    assert "<img" not in html and "example.com" not in html
    assert "Sơ đồ:" in html and "hết." in html


def test_a_javascript_link_keeps_its_text_but_loses_its_href():
    html = render_markdown("[Bấm vào đây](javascript:alert(1))")
    assert html == f"<p><a {REL}>Bấm vào đây</a></p>"


def test_typed_html_that_is_allowed_passes_and_the_rest_is_stripped():
    html = render_markdown('<p onclick="x()">Điều <b>1</b><span class="x">.</span></p>')
    assert html == "<p>Điều <b>1</b>.</p>"


# ---------------------------------------------------------------- properties

MARKDOWN_PIECES = st.sampled_from(
    [
        "# ", "## ", "\n", "\n\n", "- ", "1. ", "> ", "**", "*", "_", "`", "```\n", "---",
        "| a | b |\n|---|--:|\n| 1 | 2 |\n", "[", "]", "(", ")", "[x](", "![", "<", ">", "/",
        "=", '"', "'", "&", "&#", ";", ":", "javascript:", "JaVaScRiPt:", "data:", "vbscript:",
        "http://", "https://x.vn/", "mailto:", "tel:", "//", "#", "[^1]", "[^1]: note\n",
        "*[HTML]: x\n", "{: ", " }", "<a href=", "<img src=x ", "onerror=", "onclick=",
        "<script>", "</script>", "<svg>", "<math>", "<style>", "<!--", "-->", "<iframe>",
        "<div markdown=1>", "</div>", "<p style=", "<h1>", "</h1>", "<table>", "<td colspan=",
        "<ol start=", " title=", " lang=", " id=", " class=", "\t", "&lt;", "&colon;",
        "&#106;", "\x00", "Điều 8. ", "ư", "\u200b",
    ]
)  # fmt: skip
MARKDOWNISH = st.lists(MARKDOWN_PIECES | st.text(max_size=12), max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300) | MARKDOWNISH)
@example(text="[x](javascript:alert(1))")
@example(text='<a href="java\nscript:alert(1)">x</a>')
@example(text="[a](b:c) [d](1x:y) [e](/p) [f](#g) [h](?q)")
@example(text='<p title="t" lang="vi" id="x">a</p>')
def test_any_text_renders_to_allowed_tags_attributes_and_links(text):
    assert_safe(render_markdown(text))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200) | MARKDOWNISH)
def test_rendering_is_stable_and_plain_text_never_fails(text):
    html = render_markdown(text)
    assert render_markdown(text) == html  # no state kept between calls
    visible = plain_text(html)
    assert visible == " ".join(visible.split())


# ---------------------------------------------------------------- plain_text


def test_plain_text_removes_tags_and_collapses_whitespace():
    html = render_markdown("## Điều 8.\n\nĐiều kiện **kết hôn**:\n\n- nam\n- nữ")
    assert plain_text(html) == "Điều 8. Điều kiện kết hôn: nam nữ"


def test_plain_text_unescapes_entities_once():
    assert plain_text("<p>Tom &amp; Jerry &lt;b&gt; &amp;lt; &nbsp;x&#7889;</p>") == (
        "Tom & Jerry <b> &lt; xố"
    )


def test_plain_text_separates_cells_and_blocks():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\nmột<br>hai")
    assert plain_text(html) == "a b 1 2 một hai"
    assert plain_text("<p>a</p><p>b</p><ul><li>c</li><li>d</li></ul>") == "a b c d"


def test_plain_text_drops_invisible_content():
    assert plain_text("<p>a</p><script>var x = 1;</script><style>p{}</style><p>b</p>") == "a b"


@pytest.mark.parametrize("empty", ["", "<p></p>", "<br>", " \n "])
def test_plain_text_of_nothing_is_empty(empty):
    assert plain_text(empty) == ""


def test_where_no_process_can_be_started_it_renders_here(monkeypatch):
    monkeypatch.setattr(rendering, "_COMMAND", ["/nonexistent/python"])
    monkeypatch.setattr(rendering, "_worker", rendering._Worker())
    assert render_markdown("**Điều 1**") == "<p><strong>Điều 1</strong></p>"
