"""Banks and account numbers as people write them. Pure Python: no Django import.

Officers copy account numbers the way a bank app or a sticker groups them
("1903 6789-012", "0912.345.678") and name a bank by its BIN, its code, its
short or its full name, with or without diacritics. These helpers turn that
into what the VietQR codec and the bank directory know.
"""

import re
from collections.abc import Iterable, Mapping

from kit.text import words

# spaces (also non-breaking ones), hyphens and dashes, dots: how digits are grouped
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.]+")
_BIN = re.compile(r"\d{6}")
_BIN_IN_PARENTHESES = re.compile(r"\(\s*(\d{6})\s*\)")


def clean_account_number(text: str) -> str:
    """The account number without the separators people group it with:
    "1903 6789-012" → "19036789012". Anything else is left for the codec to judge."""
    return _SEPARATORS.sub("", text or "")


def name_key(text: str) -> str:
    """A bank's name as compared: its folded words run together, so case, diacritics,
    spaces and punctuation do not count ("MB Bank" = "MBBank", "Ngân hàng TMCP Sài
    Gòn - Hà Nội" → "nganhangtmcpsaigonhanoi")."""
    return "".join(words(text))


def bank_keys(*, code: str, short_name: str, name: str) -> set[str]:
    """Every name a bank is known by (its BIN aside), as ``name_key`` gives them."""
    return {key for key in (name_key(code), name_key(short_name), name_key(name)) if key}


def split_bank_text(text: str) -> tuple[str | None, str]:
    """(BIN, name) in what was written for a bank: "970436" → ("970436", ""),
    "Vietcombank (970436)" → ("970436", "vietcombank"), "VCB" → (None, "vcb")."""
    text = (text or "").strip()
    if _BIN.fullmatch(text):
        return text, ""
    match = _BIN_IN_PARENTHESES.search(text)
    if match:
        return match.group(1), name_key(text[: match.start()] + text[match.end() :])
    return None, name_key(text)


def resolve_bank(text: str, *, by_bin: Mapping, by_name: Mapping[str, Iterable]) -> list:
    """The banks ``text`` may mean: one when it is clear, several when the name is
    shared (write the BIN then), none when it is unknown or a BIN and a name disagree.

    ``by_bin``: BIN → bank; ``by_name``: ``bank_keys`` → banks known by that name.
    """
    bin_, key = split_bank_text(text)
    if bin_ is not None:
        bank = by_bin.get(bin_)
        if bank is None:
            return []
        if key and bank not in list(by_name.get(key, ())):
            return []
        return [bank]
    if not key:
        return []
    return list(by_name.get(key, ()))
