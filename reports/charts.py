"""Small inline SVG bar charts for the officers' dashboard: pure, no Django.

The SVG is meant to be inlined in a page served under a strict Content Security
Policy: it has no script and no ``style`` attribute, only presentation
attributes (``fill``, ``stroke``, ``font-size``). It scales to its container
(``viewBox`` and ``width="100%"``), is announced as one image (``role="img"``
with an ``aria-label``), and lists its numbers in ``<desc>`` for screen readers.
Callers pass every word already translated (``title``, ``empty_text``, ...).
"""

from collections.abc import Callable, Sequence
from html import escape

WIDTH = 600
LABEL_WIDTH = 230  # labels end here, right-aligned (MAX_LABEL characters fit)
BAR_START = LABEL_WIDTH + 8
BAR_WIDTH = 300  # room is left after the bar for its value
ROW = 26
TOP = 10
COLOURS = ("#1f6f50", "#9cc9b4")  # this period, the one before
TARGET_COLOUR = "#b3261e"
MAX_LABEL = 30


def number(value: float | None) -> str:
    """12 → "12", 45.46 → "45,5" (a Vietnamese decimal comma), None → "–"."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


Format = Callable[[float | None], str]


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _open(height: float, title: str, desc: str) -> list[str]:
    label = escape(title or desc)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:g}" '
        f'width="100%" role="img" aria-label="{label}" font-family="sans-serif" '
        'font-size="12">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(desc)}</desc>",
    ]


def _empty(title: str, empty_text: str) -> str:
    parts = _open(40, title, empty_text)
    parts.append(f'<text x="{WIDTH / 2:g}" y="24" text-anchor="middle" fill="#555">')
    parts += [escape(empty_text), "</text></svg>"]
    return "".join(parts)


def _scale(values: Sequence[float | None], target: float | None, max_value: float | None):
    top = max_value or max([v for v in values if v is not None] + [target or 0, 0])
    top = top if top > 0 else 1
    return lambda v: BAR_START + BAR_WIDTH * min(max(v or 0, 0), top) / top


def _label(y: float, label: str) -> str:
    return (
        f'<text x="{LABEL_WIDTH:g}" y="{y:g}" text-anchor="end" dominant-baseline="middle">'
        f"<title>{escape(label)}</title>{escape(_short(label))}</text>"
    )


def _bar(x_of, y: float, height: float, value: float | None, fill: str, fmt: Format, unit: str):
    end = x_of(value)
    text = escape(fmt(value) + (f" {unit}" if unit and value is not None else ""))
    return (
        f'<rect x="{BAR_START}" y="{y:g}" width="{end - BAR_START:g}" height="{height:g}" '
        f'fill="{fill}"/><text x="{end + 4:g}" y="{y + height / 2:g}" '
        f'dominant-baseline="middle">{text}</text>'
    )


def _target(x_of, target: float, bottom: float, text: str) -> str:
    x = x_of(target)
    return (
        f'<line x1="{x:g}" y1="{TOP - 6}" x2="{x:g}" y2="{bottom:g}" stroke="{TARGET_COLOUR}" '
        f'stroke-width="1.5" stroke-dasharray="5 4"/><text x="{x:g}" y="{bottom + 14:g}" '
        f'text-anchor="middle" fill="{TARGET_COLOUR}" font-size="11">{escape(text)}</text>'
    )


def _describe(label: str, values: Sequence[float | None], fmt: Format, unit: str) -> str:
    shown = " / ".join(fmt(v) for v in values)
    return f"{label}: {shown}{f' {unit}' if unit else ''}"


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    target: float | None = None,
    max_value: float | None = None,
    unit: str = "",
    title: str = "",
    target_text: str = "",
    empty_text: str = "No data",
    fmt: Format = number,
) -> str:
    """Horizontal bars, one per (label, value), with a dashed line at ``target`` if given."""
    if not bars:
        return _empty(title, empty_text)
    x_of = _scale([v for _, v in bars], target, max_value)
    bottom = TOP + ROW * len(bars)
    desc = "; ".join(_describe(label, [value], fmt, unit) for label, value in bars)
    parts = _open(bottom + (24 if target is not None else 8), title, desc)
    for index, (label, value) in enumerate(bars):
        y = TOP + ROW * index
        parts.append(_label(y + ROW / 2, label))
        parts.append(_bar(x_of, y + 4, ROW - 8, value, COLOURS[0], fmt, unit))
    if target is not None:
        parts.append(_target(x_of, target, bottom, target_text or f"{fmt(target)} {unit}".strip()))
    parts.append("</svg>")
    return "".join(parts)


def comparison_bars(
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    current_text: str = "This month",
    previous_text: str = "Last month",
    max_value: float | None = None,
    unit: str = "",
    title: str = "",
    empty_text: str = "No data",
    fmt: Format = number,
) -> str:
    """Two bars per (label, this period, the period before); None draws no bar and "–"."""
    if not rows:
        return _empty(title, empty_text)
    x_of = _scale([v for _, *pair in rows for v in pair], None, max_value)
    legend = 22
    bottom = TOP + legend + ROW * 1.5 * len(rows)
    desc = "; ".join(_describe(label, [now, before], fmt, unit) for label, now, before in rows)
    desc = f"{current_text} / {previous_text}. {desc}"
    parts = _open(bottom + 8, title, desc)
    for index, (text, fill) in enumerate(zip((current_text, previous_text), COLOURS, strict=True)):
        x = BAR_START + index * 150
        parts.append(f'<rect x="{x}" y="{TOP}" width="12" height="12" fill="{fill}"/>')
        parts.append(f'<text x="{x + 16}" y="{TOP + 10}">{escape(text)}</text>')
    for index, (label, now, before) in enumerate(rows):
        y = TOP + legend + ROW * 1.5 * index
        parts.append(_label(y + ROW * 0.75, label))
        parts.append(_bar(x_of, y + 3, 15, now, COLOURS[0], fmt, unit))
        parts.append(_bar(x_of, y + 20, 15, before, COLOURS[1], fmt, unit))
    parts.append("</svg>")
    return "".join(parts)
