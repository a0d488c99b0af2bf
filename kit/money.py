"""Amounts of dong as people write them, and lists of prices ("Áo sơ mi — 150.000").

Pure: no Django. ``parse_amount`` reads what a vendor types at the counter:

- digits, grouped by thousands with dots, commas or spaces: ``150000``,
  ``150.000``, ``150,000``, ``150 000`` (any one of them; groups of three);
- a unit, with an optional decimal part written with a comma or a dot:
  ``150k``, ``150 nghìn``/``ngàn``, ``1,5tr``, ``1.5 triệu``, ``2 tỷ``/``tỉ``;
  the spoken form ``1tr5`` (1,5 million) and ``1tr250`` (1,25 million) too;
- an optional currency at the end: ``đ``, ``d``, ``vnd``, ``vnđ``, ``đồng``.

An amount that is not a whole number of dong (``1,5``, ``1,2345k``), a group
that is not three digits (``1.50``), mixed separators (``1.500,000``) or
anything else raises ``AmountError`` with a stable ``code``: ``empty``,
``format`` or ``not_whole``. Range (zero, too many digits, a vendor's ceiling)
is the caller's to check.
"""

import re
import unicodedata
from dataclasses import dataclass

UNITS = {
    "k": 1_000,
    "nghin": 1_000,
    "ngan": 1_000,
    "tr": 1_000_000,
    "trieu": 1_000_000,
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
}
CURRENCIES = ("vnd", "dong", "d")
MAX_LENGTH = 40  # longer text is no amount (and never reaches the regular expressions)

_DIGITS = re.compile(r"[0-9]+")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_LONE_SPACE = re.compile(r"(?<![0-9]) | (?![0-9])")
_GROUPED = re.compile(r"[0-9]{1,3}(?:([., ])[0-9]{3})(?:\1[0-9]{3})*")
_DECIMAL = re.compile(r"([0-9]+)(?:[.,]([0-9]+))?")
_UNIT = "|".join(sorted(UNITS, key=len, reverse=True))
_WITH_UNIT = re.compile(rf"([0-9]+(?:[.,][0-9]+)?)({_UNIT})([0-9]*)")
_CURRENCY = re.compile(r"(?:vnd|dong|d)$")


class AmountError(ValueError):
    """Why a text is not an amount; ``code`` is ``empty``, ``format`` or ``not_whole``."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{text!r} is not an amount of dong ({code})")
        self.code = code
        self.text = text


def _fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), no spaces but those between digits (a
    thousands separator): "1,5 Triệu đ" → "1,5trieud", "150 000" stays."""
    text = text.lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return _LONE_SPACE.sub("", _SPACES.sub(" ", text.strip()))


def _scaled(whole: str, fraction: str, unit: int, text: str) -> int:
    """``whole``,``fraction`` times ``unit``, which must come out a whole number."""
    numerator = int(whole + fraction) * unit
    denominator = 10 ** len(fraction)
    if numerator % denominator:
        raise AmountError("not_whole", text)
    return numerator // denominator


def parse_amount(text: str) -> int:
    """The amount of dong ``text`` means (see the module's docstring), as an int ≥ 0."""
    if len(text) > MAX_LENGTH:
        raise AmountError("format", text[:MAX_LENGTH])
    folded = _fold(text)
    digits_only = _DIGITS.fullmatch(folded) is not None  # ASCII: "²" is no amount
    folded = folded if digits_only else _CURRENCY.sub("", folded)
    if not folded:
        raise AmountError("empty", text)
    if _DIGITS.fullmatch(folded) is not None:
        return int(folded)
    if (match := _WITH_UNIT.fullmatch(folded)) is not None:
        number, unit, spoken = match.groups()
        scale = UNITS[unit]
        whole, _separator, fraction = number.replace(",", ".").partition(".")
        if spoken:  # "1tr5": the digits after the unit are its decimals
            if fraction:
                raise AmountError("format", text)
            fraction = spoken
        return _scaled(whole, fraction, scale, text)
    if _GROUPED.fullmatch(folded) is not None:
        return int(re.sub(r"[., ]", "", folded))
    if _DECIMAL.fullmatch(folded) is not None:  # "1,5", "150.00": decimals of a dong
        raise AmountError("not_whole", text)
    raise AmountError("format", text)


def format_vnd(amount: int) -> str:
    """1250000 → "1.250.000" (the Vietnamese grouping)."""
    return f"{amount:,}".replace(",", ".")


# ------------------------------------------------------------------ price lists

# What may stand between an item and its price, strongest first.
SEPARATORS = ("\t", "—", "–", " - ", ":", "=", "|")
MAX_NAME = 60


@dataclass(frozen=True)
class PriceLine:
    line: int  # 1-based, as the person counts the lines they typed
    name: str
    amount: int


@dataclass(frozen=True)
class PriceLineError:
    line: int
    code: str  # "no_price", "no_name", "name_too_long", and AmountError's codes
    text: str


def _split(line: str) -> tuple[str, str] | None:
    """(name, price) of one typed line, or None when no price can be found."""
    for separator in SEPARATORS:
        name, found, price = line.rpartition(separator)
        if found:
            return name.strip(), price.strip()
    # "Áo sơ mi 150.000", "Bó rau 10 000": the longest ending that is an amount.
    words = line.split()
    for start in range(1, len(words)):
        price = " ".join(words[start:])
        try:
            parse_amount(price)
        except AmountError:
            continue
        return " ".join(words[:start]), price
    return None


def parse_price_list(text: str) -> tuple[list[PriceLine], list[PriceLineError]]:
    """Items and prices, one a line ("Áo sơ mi — 150.000"); blank lines are skipped.

    Returns what was read and, for each line that could not be, why.
    """
    items: list[PriceLine] = []
    errors: list[PriceLineError] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        split = _split(line)
        if split is None:
            errors.append(PriceLineError(number, "no_price", raw.strip()))
            continue
        name, price = " ".join(split[0].split()), split[1]
        if not name:
            errors.append(PriceLineError(number, "no_name", raw.strip()))
        elif len(name) > MAX_NAME:
            errors.append(PriceLineError(number, "name_too_long", raw.strip()))
        else:
            try:
                items.append(PriceLine(number, name, parse_amount(price)))
            except AmountError as exc:
                errors.append(PriceLineError(number, exc.code, raw.strip()))
    return items, errors
