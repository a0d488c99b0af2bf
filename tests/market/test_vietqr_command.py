"""`manage.py vietqr` and the translated messages of the codec's errors."""

import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from market.vietqr import ERROR_CODES, VietQRError, check_stall_account, parse, validate_account
from market.vietqr_messages import MESSAGES, vietqr_error_message
from tests.market.test_vietqr import (
    ACB_DYNAMIC,
    ACB_STATIC,
    CASH_WITHDRAWAL,
    INVALID_INPUTS,
    INVALID_PAYLOADS,
    MERCHANT_STATIC,
    NOT_STALL_CODES,
)

FIELDS = {"bin", "bank", "account", "service", "kind", "amount", "purpose", "static", "crc_ok"}


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the msgids), whatever the Vietnamese catalogue holds."""
    with translation.override("en"):
        yield


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("vietqr", *args, stdout=out)
    return out.getvalue()


# ---------------------------------------------------------------- encode


def test_encode_prints_the_static_payload():
    assert run("encode", "--bin", "970416", "--account", "257678859").strip() == ACB_STATIC


def test_encode_prints_the_dynamic_payload_with_a_vietnamese_purpose():
    output = run(
        "encode",
        "--bin",
        "970416",
        "--account",
        "257678859",
        "--amount",
        "10000",
        "--purpose",
        "Chuyển tiền",
    )
    assert output.strip() == ACB_DYNAMIC


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bin", "97041", "--account", "257678859"], "The bank BIN must be exactly 6 digits."),
        (["--bin", "970416", "--account", "2576 78859"], "only letters and digits"),
        (["--bin", "970416", "--account", "257678859", "--amount", "10.000"], "whole number"),
        (["--bin", "970416", "--account", "257678859", "--amount", "0"], "greater than zero"),
    ],
)
def test_encode_refuses_bad_input_with_the_reason(args, message):
    with pytest.raises(CommandError, match=message):
        run("encode", *args)


# ---------------------------------------------------------------- decode


@pytest.mark.django_db
def test_decode_prints_the_fields_as_json():
    decoded = json.loads(run("decode", ACB_DYNAMIC))
    assert set(decoded) == FIELDS
    assert decoded["bank"] in (None, "ACB")
    del decoded["bank"]
    assert decoded == {
        "bin": "970416",
        "account": "257678859",
        "service": "QRIBFTTA",
        "kind": "account_transfer",
        "amount": 10000,
        "purpose": "Chuyen tien",
        "static": False,
        "crc_ok": True,
    }


@pytest.mark.django_db
def test_decode_static_code_has_no_amount():
    decoded = json.loads(run("decode", ACB_STATIC))
    assert decoded["amount"] is None
    assert decoded["static"] is True
    assert decoded["purpose"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "service", "kind"),
    [
        (MERCHANT_STATIC, "QRPUSH", "merchant_payment"),
        (CASH_WITHDRAWAL, "QRCASH", "cash_withdrawal"),
    ],
)
def test_decode_says_what_kind_of_code_it_is(payload, service, kind):
    decoded = json.loads(run("decode", payload))
    assert (decoded["service"], decoded["kind"]) == (service, kind)


@pytest.mark.django_db
def test_decode_names_the_bank_from_the_directory_in_readable_text():
    try:
        bank = apps.get_model("market", "Bank")
    except LookupError:
        pytest.skip("the bank directory (market.Bank) does not exist yet")
    bank.objects.update_or_create(bin="970416", defaults={"short_name": "Á Châu"})
    output = run("decode", ACB_STATIC)
    assert '"bank": "Á Châu"' in output  # ensure_ascii=False: no \\u escapes
    assert json.loads(output)["bank"] == "Á Châu"


@pytest.mark.django_db
def test_decode_unknown_bin_has_no_bank_name():
    payload = run("encode", "--bin", "999999", "--account", "1").strip()
    assert json.loads(run("decode", payload))["bank"] is None


@pytest.mark.django_db
def test_decode_with_a_wrong_crc_prints_the_fields_then_fails():
    out = io.StringIO()
    with pytest.raises(CommandError, match="check code"):
        call_command("vietqr", "decode", ACB_STATIC[:-4] + "AE9E", stdout=out)
    decoded = json.loads(out.getvalue())
    assert decoded["crc_ok"] is False
    assert decoded["account"] == "257678859"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("https://example.com", "not a VietQR bank-transfer code"),
        (ACB_STATIC[:20], "cut short"),
        (ACB_STATIC.replace("970416", "97041a")[:-4] + "0000", "BIN"),  # bad CRC and bad BIN
    ],
)
def test_decode_refuses_bad_payloads_with_the_reason(payload, message):
    out = io.StringIO()
    with pytest.raises(CommandError, match=message):
        call_command("vietqr", "decode", payload, stdout=out)
    assert out.getvalue() == ""


# ---------------------------------------------------------------- messages


def test_every_error_code_has_a_message():
    assert set(MESSAGES) == ERROR_CODES


def raised(function, argument) -> VietQRError:
    with pytest.raises(VietQRError) as caught:
        function(argument)
    return caught.value


@pytest.mark.parametrize(
    ("function", "argument"),
    [pytest.param(f, a, id=f"{f.__name__}-{i}") for i, (f, a, _) in enumerate(INVALID_INPUTS)]
    + [pytest.param(parse, p.values[0], id=p.id) for p in INVALID_PAYLOADS]
    + [
        pytest.param(lambda p: check_stall_account(parse(p)), p.values[0], id=f"stall-{p.id}")
        for p in NOT_STALL_CODES
    ],
)
def test_messages_fill_their_placeholders_from_the_error(function, argument):
    exc = raised(function, argument)
    message = vietqr_error_message(exc)
    assert "%(" not in message
    assert message[0].isupper() and message.endswith("."), message
    assert message == str(MESSAGES[exc.code]) % exc.params


def test_message_shows_the_numbers():
    exc = raised(validate_account, "1" * 20)
    assert vietqr_error_message(exc) == (
        "The account number has 20 characters; at most 19 are allowed."
    )


def test_unknown_code_falls_back_to_a_sentence():
    exc = VietQRError("something_new", "Something new went wrong.")
    assert vietqr_error_message(exc) == "This is not a valid VietQR code."
