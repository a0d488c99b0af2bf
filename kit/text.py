"""Vietnamese text helpers. Pure Python: no Django import.

Vietnamese letters carry stacked diacritics (ắ, ộ, ữ) and one letter, đ/Đ,
that Unicode does not decompose, so ``unicodedata`` alone turns "Đoàn" into
"oan". These helpers fold text for search, slugs and bank-style names.
"""

import re
import unicodedata

_D_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def strip_diacritics(text: str) -> str:
    """Remove every diacritic, keeping case: "Nguyễn Văn Đức" → "Nguyen Van Duc"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_LETTERS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def fold(text: str) -> str:
    """A search key: no diacritics, lower case, single spaces ("Hôn  Nhân" → "hon nhan")."""
    return _SPACES.sub(" ", strip_diacritics(text).casefold()).strip()


def slugify(text: str, *, max_length: int = 80) -> str:
    """An ASCII slug from Vietnamese text: "Làng Kte, Chư Prông" → "lang-kte-chu-prong"."""
    slug = _NON_SLUG.sub("-", fold(text)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rstrip("-")
    return slug


_NON_WORD = re.compile(r"[^0-9a-z]+")


def words(text: str) -> list[str]:
    """The folded words of a text, for search: "Số 52/2014/QH13" → ["so", "52", "2014", "qh13"]."""
    return [w for w in _NON_WORD.split(fold(text)) if w]


_PHONE_PUNCTUATION = re.compile(r"[\s.\-()]")
_VN_PHONE = re.compile(r"0\d{9}")
_ID_NUMBER = re.compile(r"(?<!\d)(\d{12}|\d{9})(?!\d)")


def vn_phone(text: str) -> str | None:
    """A Vietnamese phone number as ten digits ("+84 912.345.678" → "0912345678").

    ``""`` for an empty value and ``None`` when it is not a Vietnamese number.
    """
    digits = _PHONE_PUNCTUATION.sub("", text.strip())
    if not digits:
        return ""
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _VN_PHONE.fullmatch(digits) else None


def has_id_number(text: str) -> bool:
    """Whether the text holds what looks like an identity-card number (9 or 12 digits)."""
    return bool(_ID_NUMBER.search(text))


def mask_phone(phone: str) -> str:
    """A phone number for paper that passes from hand to hand: "0905111222" → "0905***222"."""
    return f"{phone[:4]}***{phone[-3:]}" if len(phone) >= 8 else phone
