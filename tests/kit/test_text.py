import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit.text import fold, has_id_number, mask_phone, slugify, strip_diacritics, vn_phone

VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)


def test_examples():
    assert strip_diacritics("Nguyễn Văn Đức") == "Nguyen Van Duc"
    assert strip_diacritics("ĐOÀN THANH NIÊN") == "DOAN THANH NIEN"
    assert fold("  Hôn   NHÂN và Gia đình ") == "hon nhan va gia dinh"
    assert slugify("Làng Kte, Chư Prông") == "lang-kte-chu-prong"
    assert slugify("Luật Hôn nhân và Gia đình 2014") == "luat-hon-nhan-va-gia-dinh-2014"
    assert slugify("!!!") == ""
    # "đ" is a letter of its own (Unicode does not decompose it): d, never "dj" or dropped.
    assert slugify("Định danh điện tử") == "dinh-danh-dien-tu"
    assert slugify("ĐOÀN THANH NIÊN Đắk Đoa") == "doan-thanh-nien-dak-doa"


def test_decomposed_input_folds_like_composed():
    # Phones and copy-paste send both NFC and NFD forms.
    import unicodedata

    text = "Phòng chống tảo hôn"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text) == "phong chong tao hon"


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " 0123456789"))
def test_vietnamese_text_folds_to_ascii(text):
    assert strip_diacritics(text).isascii()
    assert fold(text).isascii()
    assert fold(fold(text)) == fold(text)


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_slugs_are_url_safe_and_bounded(text, max_length):
    slug = slugify(text, max_length=max_length)
    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", slug)
    assert len(slug) <= max_length


def test_words_for_search():
    from kit.text import words

    assert words("Số 52/2014/QH13: Hôn-nhân!") == ["so", "52", "2014", "qh13", "hon", "nhan"]
    assert words("!!! ...") == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0912345678", "0912345678"),
        (" +84 912.345.678 ", "0912345678"),
        ("84912345678", "0912345678"),
        ("(0262) 3845-678", None),  # 11 digits: not a number we know
        ("", ""),
        ("12345", None),
        ("09123456789", None),
        ("091234567a", None),
    ],
)
def test_vn_phone(given, expected):
    assert vn_phone(given) == expected


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("CCCD 064090001234", True),
        ("CMND 230987654 cũ", True),
        ("gọi 0912345678", False),  # a phone number is not an identity number
        ("sinh năm 1958, thôn 3", False),
        ("0640900012345", False),  # 13 digits: not a card number
    ],
)
def test_has_id_number(text, found):
    assert has_id_number(text) is found


def test_mask_phone():
    assert mask_phone("0905111222") == "0905***222"
    assert mask_phone("") == ""
