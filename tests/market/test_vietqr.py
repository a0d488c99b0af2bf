"""The VietQR codec (market.vietqr): reference payloads, every service, every refusal,
properties, rendering."""

import binascii
import re
import string
import unicodedata
from pathlib import Path

import pytest
import qrcode
import zxingcpp
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from kit.text import fold, strip_diacritics
from market import vietqr as codec
from market.vietqr import (
    ERROR_CODES,
    KINDS,
    NAPAS_GUID,
    SERVICE_ACCOUNT,
    SERVICE_CARD,
    SERVICE_CASH,
    SERVICE_MERCHANT,
    VietQR,
    VietQRError,
    build,
    check_stall_account,
    crc16,
    is_card_number,
    normalize_purpose,
    parse,
    validate_account,
    validate_amount,
    validate_bin,
)

ROOT = Path(__file__).resolve().parents[2]

# The reference payloads of shared/VIETQR.md: (build() keywords, payload, parsed fields).
ACB_STATIC = (
    "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F"
)
ACB_DYNAMIC = (
    "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
    "53037045405100005802VN62150811Chuyen tien630453E6"
)
REFERENCES = [
    pytest.param(
        {"bin": "970416", "account": "257678859"},
        ACB_STATIC,
        VietQR("970416", "257678859", SERVICE_ACCOUNT, None, "", True),
        id="acb-static",
    ),
    pytest.param(
        {"bin": "970416", "account": "257678859", "amount": 10000, "purpose": "Chuyen tien"},
        ACB_DYNAMIC,
        VietQR("970416", "257678859", SERVICE_ACCOUNT, 10000, "Chuyen tien", False),
        id="acb-dynamic",
    ),
    pytest.param(
        {
            "bin": "970415",
            "account": "0011001932418",
            "amount": 120000,
            "purpose": "ủng hộ lũ lụt",
        },
        "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
        "530370454061200005802VN62170813ung ho lu lut6304C15C",
        VietQR("970415", "0011001932418", SERVICE_ACCOUNT, 120000, "ung ho lu lut", False),
        id="vietinbank-vietnamese-purpose",
    ),
    pytest.param(
        {"bin": "970407", "account": "19030413601018"},
        "00020101021138580010A000000727012800069704070114190304136010180208QRIBFTTA"
        "53037045802VN63040283",
        VietQR("970407", "19030413601018", SERVICE_ACCOUNT, None, "", True),
        id="techcombank-crc-leading-zero",
    ),
    pytest.param(
        {"bin": "970418", "account": "V3CASLRPR13MT76"},
        "00020101021138590010A000000727012900069704180115V3CASLRPR13MT760208QRIBFTTA"
        "53037045802VN6304ABD7",
        VietQR("970418", "V3CASLRPR13MT76", SERVICE_ACCOUNT, None, "", True),
        id="bidv-virtual-account",
    ),
]
MB_LOWERCASE_CRC = (
    "00020101021138540010A00000072701240006970422011003523509170208QRIBFTTA53037045802VN630479db"
)


def tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def napas(bin: str = "970416", account: str = "257678859", service: str = SERVICE_ACCOUNT) -> str:
    """The value of object 38 for a bank account."""
    return (
        tlv("00", NAPAS_GUID) + tlv("01", tlv("00", bin) + tlv("01", account)) + tlv("02", service)
    )


def signed(*objects: str) -> str:
    """A payload of these data objects followed by a correct CRC."""
    body = "".join(objects) + "6304"
    return body + crc16(body.encode())


def vietqr(**changes: str | None) -> str:
    """A signed static ACB payload with some objects replaced (a value) or left out (None)."""
    objects = {"00": "01", "01": "11", "38": napas(), "53": "704", "58": "VN"} | changes
    return signed(*(tlv(tag, value) for tag, value in objects.items() if value is not None))


# ---------------------------------------------------------------- reference payloads


@pytest.mark.parametrize(("inputs", "payload", "fields"), REFERENCES)
def test_build_reproduces_reference_payloads(inputs, payload, fields):
    assert build(**inputs) == payload


@pytest.mark.parametrize(("inputs", "payload", "fields"), REFERENCES)
def test_parse_reads_reference_payloads(inputs, payload, fields):
    assert parse(payload) == fields


def test_lowercase_crc_from_a_bank_app_is_parsed_but_never_emitted():
    assert parse(MB_LOWERCASE_CRC) == VietQR(
        "970422", "0352350917", SERVICE_ACCOUNT, None, "", True
    )
    assert build(bin="970422", account="0352350917") == MB_LOWERCASE_CRC[:-4] + "79DB"


def test_crc_check_value_and_zero_padding():
    assert crc16(b"123456789") == "29B1"
    assert crc16(b"315") == "003B"  # two leading zeros, still 4 digits
    assert crc16(b"") == "FFFF"


def crc16_by_the_definition(data: bytes) -> int:
    """CRC-16/CCITT-FALSE bit by bit, as VIETQR.md defines it: polynomial 0x1021,
    initial value 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


@given(st.binary(max_size=300))
def test_crc_from_the_standard_library_is_ccitt_false(data):
    assert crc16(data) == f"{crc16_by_the_definition(data):04X}"
    assert crc16(data) == f"{binascii.crc_hqx(data, 0xFFFF):04X}"


def test_card_numbers_use_the_card_service():
    card16, card19 = "9704" + "1" * 12, "9704" + "2" * 15
    assert is_card_number(card16) and is_card_number(card19)
    assert not is_card_number("9704" + "1" * 13)  # 17 digits: an account
    assert not is_card_number("9705" + "1" * 12)
    assert not is_card_number("9704" + "1" * 11 + "A")
    assert parse(build(bin="970436", account=card16)).service == SERVICE_CARD
    assert parse(build(bin="970436", account=card19)).service == SERVICE_CARD
    assert parse(build(bin="970436", account="9704" + "1" * 13)).service == SERVICE_ACCOUNT


def test_amount_may_be_a_string_of_digits():
    assert build(bin="970416", account="257678859", amount="10000", purpose="Chuyen tien") == (
        ACB_DYNAMIC
    )
    assert validate_amount("10000") == 10000
    assert validate_amount(10**13 - 1) == 10**13 - 1


# ---------------------------------------------------------------- every NAPAS service

# A shop's code from its acquiring bank (Vietcombank): the merchant's id there, not an account.
MERCHANT_STATIC = vietqr(
    **{
        "38": napas(bin="970436", account="0106612345", service=SERVICE_MERCHANT),
        "52": "5411",
        "59": "TAP HOA CHU PRONG",
        "60": "GIA LAI",
        "62": tlv("07", "QUAY01"),
    }
)
MERCHANT_DYNAMIC = vietqr(
    **{"01": "12", "38": napas(service=SERVICE_MERCHANT), "54": "45000", "59": "QUAN PHO"}
)
# What an ATM shows for a card-less withdrawal: the amount is chosen in the app.
CASH_WITHDRAWAL = vietqr(
    **{
        "01": "12",
        "38": napas(bin="970418", account="ATM00123", service=SERVICE_CASH),
        "52": "6011",
        "62": tlv("07", "ATM00123"),
    }
)
CASH_WITHOUT_ID = vietqr(
    **{"38": tlv("00", NAPAS_GUID) + tlv("01", tlv("00", "970415")) + tlv("02", SERVICE_CASH)}
)
# A reusable code with a fixed price, as some bank apps print them: still a transfer.
STATIC_WITH_AMOUNT = vietqr(**{"54": "25000", "62": tlv("08", "Rau cai")})

SERVICES = [
    pytest.param(ACB_STATIC, SERVICE_ACCOUNT, "account_transfer", id="account"),
    pytest.param(
        vietqr(**{"38": napas(account="9704" + "3" * 12, service=SERVICE_CARD)}),
        SERVICE_CARD,
        "card_transfer",
        id="card",
    ),
    pytest.param(MERCHANT_STATIC, SERVICE_MERCHANT, "merchant_payment", id="merchant"),
    pytest.param(MERCHANT_DYNAMIC, SERVICE_MERCHANT, "merchant_payment", id="merchant-amount"),
    pytest.param(CASH_WITHDRAWAL, SERVICE_CASH, "cash_withdrawal", id="cash"),
    pytest.param(CASH_WITHOUT_ID, SERVICE_CASH, "cash_withdrawal", id="cash-no-id"),
    pytest.param(STATIC_WITH_AMOUNT, SERVICE_ACCOUNT, "account_transfer", id="static-amount"),
]
# Sound codes that cannot become a stall account: (payload, error code of check_stall_account).
NOT_STALL_CODES = [
    pytest.param(MERCHANT_STATIC, "merchant_payment", id="merchant"),
    pytest.param(MERCHANT_DYNAMIC, "merchant_payment", id="merchant-amount"),
    pytest.param(CASH_WITHDRAWAL, "cash_withdrawal", id="cash"),
    pytest.param(CASH_WITHOUT_ID, "cash_withdrawal", id="cash-no-id"),
]


@pytest.mark.parametrize(("payload", "service", "kind"), SERVICES)
def test_every_napas_service_is_decoded_and_named(payload, service, kind):
    code = parse(payload)
    assert code.service == service
    assert code.kind == kind == KINDS[service]


def test_a_merchant_code_is_read_with_its_shop():
    code = parse(MERCHANT_STATIC)
    assert code == VietQR("970436", "0106612345", SERVICE_MERCHANT, None, "", True)
    assert code.extras == {
        "merchant_category": "5411",
        "merchant_name": "TAP HOA CHU PRONG",
        "city": "GIA LAI",
        "terminal": "QUAY01",
    }
    assert parse(MERCHANT_DYNAMIC).amount == 45000


def test_a_cash_withdrawal_code_may_leave_out_the_amount_and_the_atm_id():
    code = parse(CASH_WITHDRAWAL)
    assert code == VietQR("970418", "ATM00123", SERVICE_CASH, None, "", False)
    assert code.extras == {"merchant_category": "6011", "terminal": "ATM00123"}
    assert parse(CASH_WITHOUT_ID).account == ""


def test_a_static_code_may_carry_an_amount():
    code = parse(STATIC_WITH_AMOUNT)
    assert code == VietQR("970416", "257678859", SERVICE_ACCOUNT, 25000, "Rau cai", True)


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        # The id of a transfer is an account or card number, checked as one; a dynamic
        # merchant code, like a dynamic transfer, says how much to pay.
        (vietqr(**{"38": napas(account="0011 0019", service=SERVICE_CARD)}), "account_format"),
        (
            vietqr(
                **{"38": tlv("00", NAPAS_GUID) + tlv("01", tlv("00", "970416")) + napas()[-12:]}
            ),
            "missing_object",
        ),
        (vietqr(**{"01": "12", "38": napas(service=SERVICE_MERCHANT)}), "amount_missing"),
        (vietqr(**{"38": napas(bin="9704", service=SERVICE_CASH)}), "bin_format"),
        (vietqr(**{"38": napas(service="QRADVERTISE")}), "service_unknown"),
    ],
)
def test_each_service_keeps_its_own_rules(payload, code):
    with pytest.raises(VietQRError) as caught:
        parse(payload)
    assert caught.value.code == code


@pytest.mark.parametrize(("payload", "code"), NOT_STALL_CODES)
def test_merchant_and_cash_codes_cannot_become_a_stall_account(payload, code):
    with pytest.raises(VietQRError) as caught:
        check_stall_account(parse(payload))
    assert caught.value.code == code
    message = str(caught.value)
    assert message[0].isupper() and message.endswith("."), message


@pytest.mark.parametrize(
    "payload",
    [p.values[1] for p in REFERENCES]
    + [MB_LOWERCASE_CRC, STATIC_WITH_AMOUNT, SERVICES[1].values[0]],
)
def test_transfer_codes_can_become_a_stall_account(payload):
    check_stall_account(parse(payload))  # no error: the account (or card) is all a stall keeps


# ---------------------------------------------------------------- purpose text


@pytest.mark.parametrize(
    ("text", "purpose"),
    [
        ("Thanh toán tiền hàng", "Thanh toan tien hang"),
        ("ủng hộ lũ lụt", "ung ho lu lut"),
        ("ĐÓNG GÓP đoàn phí", "DONG GOP doan phi"),
        ("  Chuyển   tiền\t\n", "Chuyen tien"),
        ("Đóng góp, ủng hộ!", "Dong gop ung ho"),
        ("Siu H'Bia", "Siu HBia"),
        ("HĐ#123/2024", "HD 123 2024"),
        ("", ""),
        ("!!!", ""),
        (unicodedata.normalize("NFD", "Tiền chợ"), "Tien cho"),
        ("x" * 25, "x" * 25),
        ("Thanh   toan   tien   hang  ngay", "Thanh toan tien hang ngay"),  # 25 once collapsed
    ],
)
def test_purpose_is_transliterated_to_ascii(text, purpose):
    assert normalize_purpose(text) == purpose


def test_purpose_in_a_built_code_is_normalized():
    payload = build(bin="970416", account="257678859", purpose="Trả tiền rau, 2 bó")
    assert "62210817Tra tien rau 2 bo" in payload
    assert parse(payload).purpose == "Tra tien rau 2 bo"


def test_empty_purpose_leaves_out_object_62():
    assert build(bin="970416", account="257678859", purpose=" ... ") == ACB_STATIC


# ---------------------------------------------------------------- refused inputs

INVALID_INPUTS = [
    # (function, argument, error code)
    (validate_bin, "97041", "bin_format"),
    (validate_bin, "97041a", "bin_format"),
    (validate_bin, "9704160", "bin_format"),
    (validate_bin, "", "bin_format"),
    (validate_bin, " 970416", "bin_format"),
    (validate_bin, "970416\n", "bin_format"),
    (validate_bin, "\uff19\uff17\uff10\uff14\uff11\uff16", "bin_format"),  # full-width digits
    (validate_bin, 970416, "bin_format"),
    (validate_account, "", "account_empty"),
    (validate_account, "1" * 20, "account_too_long"),
    (validate_account, "0011 0019", "account_format"),
    (validate_account, "257-678-859", "account_format"),
    (validate_account, "257678859.", "account_format"),
    (validate_account, "Số123", "account_format"),
    (validate_account, "\uff11\uff12\uff13", "account_format"),  # full-width digits
    (validate_account, 257678859, "account_format"),
    (validate_amount, 0, "amount_not_positive"),
    (validate_amount, -1, "amount_not_positive"),
    (validate_amount, "-1", "amount_not_positive"),
    (validate_amount, "0", "amount_not_positive"),
    (validate_amount, "10.000", "amount_format"),
    (validate_amount, "1,000", "amount_format"),
    (validate_amount, "1e5", "amount_format"),
    (validate_amount, "100.0", "amount_format"),
    (validate_amount, " 100", "amount_format"),
    (validate_amount, "", "amount_format"),
    (validate_amount, "١٢٣", "amount_format"),  # Arabic-Indic digits
    (validate_amount, 100.0, "amount_format"),
    (validate_amount, True, "amount_format"),
    (validate_amount, None, "amount_format"),
    (validate_amount, 10**13, "amount_too_large"),
    (validate_amount, "9" * 14, "amount_too_large"),
    (normalize_purpose, "x" * 26, "purpose_too_long"),
    # 30 characters once transliterated: refused, not cut.
    (normalize_purpose, "Thanh toán tiền hàng tháng mười", "purpose_too_long"),
]


@pytest.mark.parametrize(("function", "argument", "code"), INVALID_INPUTS)
def test_invalid_inputs_are_refused(function, argument, code):
    with pytest.raises(VietQRError) as caught:
        function(argument)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("inputs", "code"),
    [
        ({"bin": "97041", "account": "257678859"}, "bin_format"),
        ({"bin": "970416", "account": "2576 78859"}, "account_format"),
        ({"bin": "970416", "account": "1" * 20}, "account_too_long"),
        ({"bin": "970416", "account": ""}, "account_empty"),
        ({"bin": "970416", "account": "257678859", "amount": "10.000"}, "amount_format"),
        ({"bin": "970416", "account": "257678859", "amount": 0}, "amount_not_positive"),
        ({"bin": "970416", "account": "257678859", "amount": 10**13}, "amount_too_large"),
        (
            {"bin": "970416", "account": "257678859", "purpose": "Tiền hàng tháng mười hai năm"},
            "purpose_too_long",
        ),
    ],
)
def test_build_refuses_invalid_inputs(inputs, code):
    with pytest.raises(VietQRError) as caught:
        build(**inputs)
    assert caught.value.code == code


VNPAY_MERCHANT = signed(  # a shop's VNPay code: merchant template 26, no object 38
    tlv("00", "01"),
    tlv("01", "11"),
    tlv("26", tlv("00", "A000000775") + tlv("01", "0105313144")),
    tlv("52", "5411"),
    tlv("53", "704"),
    tlv("58", "VN"),
    tlv("59", "CUA HANG TAP HOA"),
    tlv("60", "GIA LAI"),
)

INVALID_PAYLOADS = [
    pytest.param(12345, "payload_not_text", id="int"),
    pytest.param(None, "payload_not_text", id="none"),
    pytest.param(ACB_STATIC.encode(), "payload_not_text", id="bytes"),
    pytest.param("", "payload_empty", id="empty"),
    pytest.param(ACB_STATIC + "\n", "invalid_character", id="newline"),
    pytest.param(ACB_DYNAMIC.replace("Chuyen tien", "Chuyển tiền"), "invalid_character", id="utf8"),
    pytest.param("\x00" + ACB_STATIC[1:], "invalid_character", id="nul"),
    pytest.param("https://example.com", "not_vietqr", id="web-link"),
    pytest.param("Xin chao", "not_vietqr", id="plain-text"),
    pytest.param(VNPAY_MERCHANT, "not_vietqr", id="vnpay-merchant"),
    pytest.param(
        vietqr(**{"38": tlv("00", "A000000775") + tlv("01", "0105313144")}),
        "not_vietqr",
        id="other-guid-in-38",
    ),
    pytest.param(
        vietqr(**{"38": napas()[len(tlv("00", NAPAS_GUID)) :]}), "not_vietqr", id="no-guid"
    ),
    pytest.param(vietqr(**{"38": None}), "not_vietqr", id="no-38"),
    pytest.param(ACB_STATIC[:-1], "tlv_truncated", id="crc-cut-short"),
    pytest.param(ACB_STATIC[:-6], "tlv_truncated", id="header-cut-short"),
    pytest.param(ACB_STATIC[:20], "tlv_truncated", id="template-runs-past-end"),
    pytest.param(vietqr(**{"38": napas()[:-2]}), "tlv_truncated", id="inside-template"),
    pytest.param(signed("000201", "01a111"), "tlv_bad_length", id="length-not-digits"),
    pytest.param(signed("000201", "0100", tlv("01", "11")), "tlv_bad_length", id="length-00"),
    pytest.param(signed("000201", "A10211"), "tlv_bad_tag", id="id-not-digits"),
    pytest.param(signed("000201", "0-0211"), "tlv_bad_tag", id="id-with-minus"),
    pytest.param(vietqr(**{"00": "02"}), "unsupported_format", id="format-02"),
    pytest.param(vietqr(**{"01": None}), "missing_object", id="no-01"),
    pytest.param(vietqr(**{"53": None}), "missing_object", id="no-53"),
    pytest.param(vietqr(**{"58": None}), "missing_object", id="no-58"),
    pytest.param(ACB_STATIC[:-8], "missing_object", id="no-crc"),
    pytest.param(
        vietqr(**{"38": tlv("00", NAPAS_GUID) + tlv("02", SERVICE_ACCOUNT)}),
        "missing_object",
        id="no-38.01",
    ),
    pytest.param(
        vietqr(**{"38": tlv("00", NAPAS_GUID) + tlv("01", tlv("01", "1")) + tlv("02", "QRIBFTTA")}),
        "missing_object",
        id="no-bin",
    ),
    pytest.param(
        vietqr(
            **{"38": tlv("00", NAPAS_GUID) + tlv("01", tlv("00", "970416")) + tlv("02", "QRIBFTTA")}
        ),
        "missing_object",
        id="no-account",
    ),
    pytest.param(
        vietqr(**{"38": napas()[: -len(tlv("02", SERVICE_ACCOUNT))]}),
        "missing_object",
        id="no-service",
    ),
    pytest.param(
        signed(
            *(tlv(t, v) for t, v in [("00", "01"), ("01", "11"), ("38", napas()), ("53", "704")]),
            tlv("53", "704"),
            tlv("58", "VN"),
        ),
        "duplicate_object",
        id="duplicate-53",
    ),
    pytest.param(
        vietqr(**{"38": napas() + tlv("02", SERVICE_CARD)}), "duplicate_object", id="dup-38.02"
    ),
    pytest.param(vietqr(**{"01": "13"}), "initiation_invalid", id="initiation-13"),
    pytest.param(vietqr(**{"01": "12"}), "amount_missing", id="dynamic-without-amount"),
    pytest.param(vietqr(**{"38": napas(bin="97041a")}), "bin_format", id="bin-letter"),
    pytest.param(vietqr(**{"38": napas(bin="97041")}), "bin_format", id="bin-5-digits"),
    pytest.param(vietqr(**{"38": napas(account="0011 0019")}), "account_format", id="acct-space"),
    pytest.param(vietqr(**{"38": napas(account="1" * 20)}), "account_too_long", id="acct-20"),
    pytest.param(vietqr(**{"01": "12", "54": "10.000"}), "amount_format", id="amount-dot"),
    pytest.param(vietqr(**{"01": "12", "54": "100.0"}), "amount_format", id="amount-decimal"),
    pytest.param(vietqr(**{"01": "12", "54": "0"}), "amount_not_positive", id="amount-0"),
    pytest.param(vietqr(**{"01": "12", "54": "9" * 14}), "amount_too_large", id="amount-14"),
    pytest.param(vietqr(**{"53": "840"}), "currency_unsupported", id="usd"),
    pytest.param(vietqr(**{"58": "US"}), "country_unsupported", id="country-us"),
    pytest.param(vietqr(**{"38": napas(service="QRIBFTTX")}), "service_unknown", id="service"),
    pytest.param(vietqr(**{"55": "01"}), "unexpected_object", id="tip-indicator"),
    pytest.param(vietqr(**{"70": "X"}), "unexpected_object", id="reserved-70"),
    pytest.param(ACB_STATIC[:-4] + "AE9E", "crc_mismatch", id="crc-wrong"),
    pytest.param(ACB_STATIC.replace("257678859", "257678858"), "crc_mismatch", id="typo"),
    pytest.param(ACB_STATIC[:-4] + "AE9G", "crc_format", id="crc-not-hex"),
    pytest.param(ACB_STATIC[:-8] + "6303AE9", "crc_format", id="crc-3-digits"),
    pytest.param(ACB_STATIC[:-4] + " E9F", "crc_format", id="crc-space"),
    pytest.param(ACB_STATIC + tlv("99", "X"), "crc_not_last", id="object-after-crc"),
]


@pytest.mark.parametrize(("payload", "code"), INVALID_PAYLOADS)
def test_invalid_payloads_are_refused(payload, code):
    with pytest.raises(VietQRError) as caught:
        parse(payload)
    assert caught.value.code == code


def test_every_error_code_has_a_row_and_a_sentence():
    """A new error code without a row in the tables above (or in NOT_STALL_CODES) fails here."""
    tested = (
        {code for *_, code in INVALID_INPUTS}
        | {p.values[-1] for p in INVALID_PAYLOADS}
        | {p.values[-1] for p in NOT_STALL_CODES}
    )
    assert tested == ERROR_CODES
    for payload, _code in (p.values for p in INVALID_PAYLOADS):
        with pytest.raises(VietQRError) as caught:
            parse(payload)
        message = str(caught.value)
        assert message[0].isupper() and message.endswith("."), message
        assert isinstance(caught.value.params, dict)


def test_missing_object_names_the_field():
    template = tlv("00", NAPAS_GUID) + tlv("01", tlv("01", "1")) + tlv("02", SERVICE_ACCOUNT)
    with pytest.raises(VietQRError) as caught:
        parse(vietqr(**{"38": template}))
    assert caught.value.code == "missing_object"
    assert caught.value.params == {"field": "38.01.00"}
    assert "38.01.00" in str(caught.value)


def test_check_crc_false_reads_a_payload_with_a_wrong_crc():
    assert parse(ACB_STATIC[:-4] + "0000", check_crc=False) == parse(ACB_STATIC)
    with pytest.raises(VietQRError, match="BIN"):  # the other checks still run
        parse(vietqr(**{"38": napas(bin="97041a")})[:-4] + "0000", check_crc=False)


# ---------------------------------------------------------------- tolerated payloads


def test_objects_in_any_order_and_optional_objects_are_accepted():
    payload = signed(
        tlv("00", "01"),
        tlv("53", "704"),
        tlv("01", "12"),
        tlv("52", "5411"),
        tlv("58", "VN"),
        tlv("54", "50000"),
        tlv("59", "LE THI BUOI"),
        tlv("60", "CHU PRONG"),
        tlv("61", "600000"),
        tlv(
            "62",
            tlv("05", "MOMO123")
            + tlv("08", "Tien rau")
            + tlv("01", "HD01")
            + tlv("02", "0912345678")
            + tlv("03", "Sap 12")
            + tlv("07", "T1"),
        ),
        tlv("64", tlv("00", "vi") + tlv("01", "LE THI BUOI")),
        tlv(
            "38",
            tlv("02", SERVICE_ACCOUNT)
            + tlv("01", tlv("01", "99MM") + tlv("00", "971025"))
            + tlv("00", NAPAS_GUID),
        ),
        tlv("80", "anything"),
        tlv("99", tlv("00", "x")),
    )
    code = parse(payload)
    assert code == VietQR("971025", "99MM", SERVICE_ACCOUNT, 50000, "Tien rau", False)
    assert code.extras == {
        "merchant_category": "5411",
        "merchant_name": "LE THI BUOI",
        "city": "CHU PRONG",
        "postal_code": "600000",
        "reference": "MOMO123",
        "bill_number": "HD01",
        "mobile_number": "0912345678",
        "store_label": "Sap 12",
        "terminal": "T1",
    }


def test_equality_ignores_extras():
    plain = VietQR("970416", "257678859", SERVICE_ACCOUNT, None, "", True)
    named = VietQR("970416", "257678859", SERVICE_ACCOUNT, None, "", True, {"city": "X"})
    assert plain == named
    assert hash(plain) == hash(named)


def test_card_service_is_read_as_given():
    payload = vietqr(**{"38": napas(account="9704" + "3" * 12, service=SERVICE_CARD)})
    assert parse(payload).service == SERVICE_CARD


# ---------------------------------------------------------------- properties

ALNUM = string.ascii_letters + string.digits
bins = st.text("0123456789", min_size=6, max_size=6)
card_numbers = st.sampled_from([12, 15]).flatmap(
    lambda n: st.text("0123456789", min_size=n, max_size=n).map(lambda rest: "9704" + rest)
)
accounts = st.text(ALNUM, min_size=1, max_size=19) | card_numbers
amounts = st.none() | st.integers(min_value=1, max_value=10**13 - 1)
# Already normalized: ASCII letters and digits, single spaces, no edge spaces, 0-25 characters.
purposes = st.text(ALNUM + " ", max_size=25).map(lambda s: " ".join(s.split()))
inputs = st.fixed_dictionaries(
    {"bin": bins, "account": accounts, "amount": amounts, "purpose": purposes}
)
VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)


@given(inputs, st.booleans())
@example(
    {"bin": "970416", "account": "9704" + "0" * 15, "amount": 10**13 - 1, "purpose": "x"}, True
)
def test_parse_inverts_build(x, amount_as_text):
    amount = str(x["amount"]) if amount_as_text and x["amount"] is not None else x["amount"]
    payload = build(bin=x["bin"], account=x["account"], amount=amount, purpose=x["purpose"])
    assert payload.isascii() and payload.isprintable()
    assert payload[-4:] == payload[-4:].upper()
    card = (
        x["account"].startswith("9704")
        and x["account"].isdigit()
        and len(x["account"])
        in (
            16,
            19,
        )
    )
    assert parse(payload) == VietQR(
        bin=x["bin"],
        account=x["account"],
        service=SERVICE_CARD if card else SERVICE_ACCOUNT,
        amount=x["amount"],
        purpose=x["purpose"],
        static=x["amount"] is None,
    )


@settings(max_examples=400)
@given(inputs, st.data())
def test_any_single_changed_character_is_refused(x, data):
    payload = build(**x)
    position = data.draw(st.integers(min_value=0, max_value=len(payload) - 1), label="position")
    original = payload[position]
    replacement = data.draw(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E).filter(lambda c: c != original),
        label="replacement",
    )
    # The one equivalent change: the CRC's hex letters are compared case-insensitively
    # (VIETQR.md: some bank apps emit "79db"), so "AE9F" → "Ae9F" is the same code.
    # Everywhere else, even in "6304", a change is caught by the CRC or the structure.
    in_crc = position >= len(payload) - 4
    assume(not (in_crc and replacement == original.swapcase() != original))
    changed = payload[:position] + replacement + payload[position + 1 :]
    with pytest.raises(VietQRError):
        parse(changed)


def test_every_single_changed_character_of_a_reference_payload_is_refused():
    """Exhaustive for one payload: every position, every other printable ASCII character."""
    accepted = []
    for position, original in enumerate(ACB_DYNAMIC):
        for replacement in map(chr, range(0x20, 0x7F)):
            if replacement == original:
                continue
            if position >= len(ACB_DYNAMIC) - 4 and replacement == original.swapcase():
                continue  # an equivalent CRC, see below
            changed = ACB_DYNAMIC[:position] + replacement + ACB_DYNAMIC[position + 1 :]
            try:
                parse(changed)
            except VietQRError:
                continue
            accepted.append(changed)
    assert accepted == []


@given(inputs, st.data())
def test_case_flip_of_a_crc_letter_is_the_same_code(x, data):
    payload = build(**x)
    letters = [i for i in range(len(payload) - 4, len(payload)) if payload[i].isalpha()]
    assume(letters)
    i = data.draw(st.sampled_from(letters))
    flipped = payload[:i] + payload[i].lower() + payload[i + 1 :]
    assert parse(flipped) == parse(payload)


@given(inputs, st.data())
def test_any_truncation_is_refused(x, data):
    payload = build(**x)
    cut = data.draw(st.integers(min_value=0, max_value=len(payload) - 1))
    with pytest.raises(VietQRError):
        parse(payload[:cut])


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + "0123456789 ", max_size=25))
def test_vietnamese_purposes_become_ascii_and_round_trip(text):
    purpose = normalize_purpose(text)
    assert set(purpose) <= set(ALNUM + " ")
    assert purpose == " ".join(purpose.split())
    assert fold(purpose) == fold(text)  # the same words, without diacritics
    payload = build(bin="970416", account="257678859", amount=10000, purpose=text)
    assert parse(payload).purpose == purpose


@given(st.text(max_size=60))
def test_any_text_normalizes_to_a_safe_purpose_or_is_refused(text):
    try:
        purpose = normalize_purpose(text)
    except VietQRError as exc:
        assert exc.code == "purpose_too_long"
        assert exc.params["length"] > 25
    else:
        assert set(purpose) <= set(ALNUM + " ")
        assert len(purpose) <= 25
        assert normalize_purpose(purpose) == purpose


@given(st.text(max_size=120))
def test_parse_raises_only_vietqr_errors(text):
    try:
        parse(text)
    except VietQRError as exc:
        assert exc.code in ERROR_CODES


def normalize_purpose_by_the_rules(text: str) -> str:
    """normalize_purpose as first written, one rule after the other: the reference."""
    ascii_text = re.sub(r"['\u2019\u02bc]", "", strip_diacritics(text))
    return " ".join(re.sub(r"[^A-Za-z0-9]+", " ", ascii_text).split())


@settings(max_examples=300)
@given(
    st.text(max_size=40)
    | st.text(VIETNAMESE + VIETNAMESE.upper() + "'\u2019\u02bc.,-!  \t", max_size=30)
)
@example(unicodedata.normalize("NFD", "Tiền chợ H'Bia"))
@example("한국 ㅎㅏ ﬁ Ω ² ١٢٣")  # Hangul syllables and jamo, a ligature, symbols, other digits
def test_purpose_table_follows_the_rules(text):
    expected = normalize_purpose_by_the_rules(text)
    try:
        assert normalize_purpose(text) == expected
    except VietQRError:
        assert len(expected) > 25


# Payloads of every service, their objects in any order between 00 and 63.
services = st.sampled_from([SERVICE_ACCOUNT, SERVICE_CARD, SERVICE_MERCHANT, SERVICE_CASH])
optional_text = st.none() | st.text(ALNUM + " ", min_size=1, max_size=25)


@st.composite
def any_payloads(draw):
    """(payload, the VietQR it says, its extras) for a code of any service and layout."""
    service = draw(services)
    bin = draw(bins)
    account = draw(card_numbers if service == SERVICE_CARD else accounts)
    static = draw(st.booleans())
    amount = draw(amounts if static or service == SERVICE_CASH else amounts.filter(bool))
    purpose, name, reference = draw(optional_text), draw(optional_text), draw(optional_text)
    ids = [("00", bin), ("01", account)]
    template = [("00", NAPAS_GUID), ("01", "".join(tlv(*i) for i in draw(st.permutations(ids))))]
    template.append(("02", service))
    objects = [("01", "11" if static else "12"), ("53", "704"), ("58", "VN")]
    objects.append(("38", "".join(tlv(*o) for o in draw(st.permutations(template)))))
    objects += [("54", str(amount))] if amount else []
    objects += [("59", name)] if name else []
    additional = [("08", purpose)] if purpose else []
    additional += [("05", reference)] if reference else []
    if additional:
        objects.append(("62", "".join(tlv(*o) for o in draw(st.permutations(additional)))))
    payload = signed(tlv("00", "01"), *(tlv(*o) for o in draw(st.permutations(objects))))
    code = VietQR(bin, account, service, amount, purpose or "", static)
    extras = {"merchant_name": name, "reference": reference}
    return payload, code, {k: v for k, v in extras.items() if v}


@settings(max_examples=300)
@given(any_payloads())
def test_codes_of_every_service_in_any_order_are_read(x):
    payload, expected, extras = x
    code = parse(payload)
    assert code == expected
    assert code.extras == extras
    assert code.kind == KINDS[expected.service]


@settings(max_examples=300)
@given(any_payloads() | inputs.map(lambda i: (build(**i), None, None)), st.data())
def test_the_quick_reader_agrees_with_the_general_one(x, data):
    """parse() reads the usual layout in one match (_read_usual) and anything else object by
    object (_read_any): on any payload, and on any one-character change of it, the quick
    reader either steps aside (None) or reads exactly what the general one reads."""
    payload = x[0]
    position = data.draw(st.integers(min_value=-1, max_value=len(payload) - 1))
    if position >= 0:
        replacement = data.draw(st.characters(min_codepoint=0x20, max_codepoint=0x7E))
        payload = payload[:position] + replacement + payload[position + 1 :]
    for check_crc in (True, False):
        quick = codec._read_usual(payload, check_crc=check_crc)
        if quick is None:
            continue
        general = codec._read_any(payload, check_crc=check_crc)
        assert (quick, quick.static, quick.extras) == (general, general.static, general.extras)


@given(inputs)
def test_every_built_payload_takes_the_quick_reader(x):
    payload = build(**x)
    assert codec._read_usual(payload, check_crc=True) == parse(payload)


# ---------------------------------------------------------------- rendering and purity


@pytest.mark.parametrize("payload", [ACB_STATIC, ACB_DYNAMIC])
def test_rendered_code_scans_back_to_the_payload(payload):
    image = qrcode.make(payload).get_image()  # a PIL image
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [payload]
