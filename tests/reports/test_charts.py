"""The dashboard's inline SVG charts: valid, escaped, accessible, CSP-friendly."""

import xml.etree.ElementTree as ET

from reports.charts import bar_chart, comparison_bars, number

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 600 ")
    assert "style=" not in svg and "<script" not in svg and "onload" not in svg.lower()
    return root


def _texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def test_bar_chart():
    svg = bar_chart(
        [("Chợ Chư Prông", 76.7), ("Chợ phiên Ia Boòng", 60)],
        target=70,
        max_value=100,
        unit="%",
        title="Tỷ lệ tiểu thương không dùng tiền mặt",
    )
    root = _parse(svg)
    assert root.find(f"{SVG}title").text == "Tỷ lệ tiểu thương không dùng tiền mặt"
    assert root.get("aria-label") == "Tỷ lệ tiểu thương không dùng tiền mặt"
    assert "Chợ phiên Ia Boòng: 60 %" in root.find(f"{SVG}desc").text
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 2
    assert float(bars[0].get("width")) > float(bars[1].get("width")) > 0
    lines = root.findall(f"{SVG}line")
    assert len(lines) == 1 and lines[0].get("stroke-dasharray")
    assert any("76,7 %" in text for text in _texts(root))


def test_target_line_sits_at_the_target():
    root = _parse(bar_chart([("a", 50)], target=50, max_value=100))
    line = root.find(f"{SVG}line")
    bar = root.find(f"{SVG}rect")
    end = float(bar.get("x")) + float(bar.get("width"))
    assert float(line.get("x1")) == end


def test_no_target_no_line():
    root = _parse(bar_chart([("a", 3)]))
    assert root.find(f"{SVG}line") is None


def test_labels_are_escaped():
    svg = bar_chart([('<script>alert("x")</script>', 3)], title="<b>&</b>")
    root = _parse(svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert root.find(f"{SVG}title").text == "<b>&</b>"
    label = next(el for el in root.iter(f"{SVG}text") if el.find(f"{SVG}title") is not None)
    assert label.find(f"{SVG}title").text == '<script>alert("x")</script>'


def test_long_labels_are_shortened_but_kept_whole_in_their_title():
    label = "Tài khoản VNeID được kích hoạt và đăng nhập thành công trên điện thoại"
    root = _parse(bar_chart([(label, 3)]))
    text = next(el for el in root.iter(f"{SVG}text") if el.find(f"{SVG}title") is not None)
    assert text.find(f"{SVG}title").text == label
    assert "".join(text.itertext()).endswith("…")


def test_empty_input_says_no_data():
    for svg in (
        bar_chart([], title="Lượt truy cập", empty_text="Chưa có dữ liệu"),
        comparison_bars([], empty_text="Chưa có dữ liệu"),
    ):
        root = _parse(svg)
        assert "Chưa có dữ liệu" in _texts(root)
    assert "No data" in _texts(_parse(bar_chart([])))


def test_comparison_bars():
    svg = comparison_bars(
        [("Làng Kte", 12, 8), ("Thôn 3", None, 5)],
        current_text="Tháng này",
        previous_text="Tháng trước",
        title="Lượt hỗ trợ",
    )
    root = _parse(svg)
    texts = _texts(root)
    assert "Tháng này" in texts and "Tháng trước" in texts
    assert "–" in texts  # nothing this month in Thôn 3
    rects = root.findall(f"{SVG}rect")
    assert len(rects) == 2 + 4  # the legend's two swatches, then two bars per row
    assert float(rects[2].get("width")) > float(rects[3].get("width"))
    assert float(rects[4].get("width")) == 0


def test_numbers_use_a_decimal_comma():
    assert number(1234) == "1.234"
    assert number(45.46) == "45,5"
    assert number(1234.5) == "1.234,5"
    assert number(None) == "–"


def test_negative_and_zero_values_do_not_break_the_scale():
    root = _parse(bar_chart([("a", 0), ("b", -3)]))
    assert all(float(r.get("width")) == 0 for r in root.findall(f"{SVG}rect"))
