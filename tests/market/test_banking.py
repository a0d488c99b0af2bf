"""Banks and account numbers as people write them (market.banking, pure)."""

import pytest

from market.banking import clean_account_number, name_key, resolve_bank, split_bank_text


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("1903 6789-012", "19036789012"),
        ("0912.345.678", "0912345678"),
        ("\u00a00011 0019 3241 8\t", "0011001932418"),
        ("9704–0000–0000–0018", "9704000000000018"),  # en dashes
        ("V3CA SLRP", "V3CASLRP"),
        ("12/34", "12/34"),  # anything else is for the codec to refuse
        ("", ""),
    ],
)
def test_grouping_separators_are_dropped(written, number):
    assert clean_account_number(written) == number


def test_names_compare_without_case_diacritics_spaces_or_punctuation():
    assert name_key("Ngân hàng TMCP Sài Gòn - Hà Nội") == name_key("ngan hang tmcp sai gon ha noi")
    assert name_key("MB Bank") == name_key("MBBank") == "mbbank"


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("970436", ("970436", "")),
        (" Vietcombank (970436) ", ("970436", "vietcombank")),
        ("VCB", (None, "vcb")),
        ("9704361", (None, "9704361")),
    ],
)
def test_a_bin_is_read_alone_or_in_parentheses(text, parts):
    assert split_bank_text(text) == parts


def test_resolve_needs_one_clear_bank():
    vcb, mafc1, mafc2 = object(), object(), object()
    by_bin = {"970436": vcb, "970468": mafc1, "977777": mafc2}
    by_name = {"vietcombank": [vcb], "vcb": [vcb], "mafc": [mafc1, mafc2]}
    assert resolve_bank("Vietcombank", by_bin=by_bin, by_name=by_name) == [vcb]
    assert resolve_bank("MAFC", by_bin=by_bin, by_name=by_name) == [mafc1, mafc2]
    assert resolve_bank("MAFC (977777)", by_bin=by_bin, by_name=by_name) == [mafc2]
    assert resolve_bank("VCB (977777)", by_bin=by_bin, by_name=by_name) == []
    assert resolve_bank("", by_bin=by_bin, by_name=by_name) == []
