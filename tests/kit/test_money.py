"""Amounts as people write them at the counter, and price lists for the tag sheet (kit/money.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit.money import AmountError, format_vnd, parse_amount, parse_price_list

AMOUNTS = st.integers(min_value=0, max_value=10**13 - 1)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("150000", 150_000),
        ("150.000", 150_000),
        ("150,000", 150_000),
        ("150 000", 150_000),
        ("150\u00a0000", 150_000),  # a no-break space, as phones' number formatting puts
        ("150k", 150_000),
        ("150 K", 150_000),
        ("1,5tr", 1_500_000),
        ("1.5tr", 1_500_000),
        ("1,5 triệu", 1_500_000),
        ("1tr5", 1_500_000),
        ("1tr250", 1_250_000),
        ("50 nghìn", 50_000),
        ("50 ngàn", 50_000),
        ("2 tỷ", 2_000_000_000),
        ("1.500.000", 1_500_000),
        ("150.000đ", 150_000),
        ("150.000 đ", 150_000),
        ("150.000 VNĐ", 150_000),
        ("150000 vnd", 150_000),
        ("150 000 đồng", 150_000),
        ("  25000  ", 25_000),
        ("2,5k", 2_500),
    ],
)
def test_what_people_write_means_what_they_say(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("đ", "empty"),
        ("abc", "format"),
        ("1.500,000", "format"),  # two separators: which one is the decimal?
        ("40 150000", "format"),  # a space that does not group by thousands
        ("1.5000", "not_whole"),
        ("k", "format"),
        ("1,5tr5", "format"),
        ("-5000", "format"),
        ("1e5", "format"),
        ("1,5", "not_whole"),  # one and a half dong
        ("150.00", "not_whole"),
        ("1,2345k", "not_whole"),
        ("9" * 50, "format"),
        ("²", "format"),  # a digit to str.isdigit(), not to int()
        ("١٢٣", "format"),
    ],
)
def test_what_is_not_an_amount_says_why(text, code):
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert caught.value.code == code


@given(AMOUNTS)
def test_digits_and_every_grouping_read_back(amount):
    grouped = format_vnd(amount)
    for text in (str(amount), grouped, grouped.replace(".", ","), grouped.replace(".", " ")):
        assert parse_amount(text) == amount
        assert parse_amount(text + " đ") == amount


@given(st.integers(min_value=1, max_value=10**9))
def test_thousands_with_k(thousands):
    assert parse_amount(f"{thousands}k") == thousands * 1000


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=9))
def test_millions_with_a_decimal_comma_and_the_spoken_form(millions, tenths):
    expected = millions * 1_000_000 + tenths * 100_000
    assert parse_amount(f"{millions},{tenths}tr") == expected
    assert parse_amount(f"{millions}.{tenths} triệu") == expected
    assert parse_amount(f"{millions}tr{tenths}") == expected


@given(st.text(max_size=60))
def test_any_text_is_an_amount_or_an_amount_error(text):
    try:
        assert parse_amount(text) >= 0
    except AmountError as exc:
        assert exc.code in {"empty", "format", "not_whole"}


def test_a_price_list_one_item_a_line_with_errors_by_line():
    items, errors = parse_price_list(
        "Áo sơ mi — 150.000\n"
        "Quần jean - 250k\n"
        "\n"
        "Bó rau 10 000\n"
        "Nón lá\n"
        "— 5000\n"
        "Khăn: 1,5\n"
        "Gạo\t20.000\n"
        "Áo size 40 150000\n"
        "Sầu riêng Ri6 = 1tr2\n"
    )
    assert [(i.line, i.name, i.amount) for i in items] == [
        (1, "Áo sơ mi", 150_000),
        (2, "Quần jean", 250_000),
        (4, "Bó rau", 10_000),
        (8, "Gạo", 20_000),
        (9, "Áo size 40", 150_000),
        (10, "Sầu riêng Ri6", 1_200_000),
    ]
    assert [(e.line, e.code) for e in errors] == [(5, "no_price"), (6, "no_name"), (7, "not_whole")]


def test_a_name_too_long_for_a_tag_is_refused():
    _items, errors = parse_price_list("x" * 61 + " — 5000")
    assert [e.code for e in errors] == ["name_too_long"]
