"""Encode and decode VietQR payloads from the command line.

    manage.py vietqr encode --bin 970416 --account 257678859 [--amount 10000] [--purpose "..."]
    manage.py vietqr decode PAYLOAD

``decode`` prints JSON, with the ``kind`` of code (an account or card transfer, a
merchant payment, a cash withdrawal); a payload whose only fault is its CRC is still
printed (with ``"crc_ok": false``) before the command fails, to help find a typo.
"""

import json
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from market import vietqr
from market.vietqr_messages import vietqr_error_message


def bank_short_name(bin: str) -> str | None:
    """The short name of the bank with this BIN in the bank directory, or None."""
    try:
        Bank = apps.get_model("market", "Bank")
    except LookupError:
        return None
    return Bank.objects.filter(bin=bin).values_list("short_name", flat=True).first()


class Command(BaseCommand):
    help = "Build a VietQR payload (encode) or read one (decode, printed as JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        encode = actions.add_parser("encode", help="Print the payload for a bank account.")
        encode.add_argument("--bin", required=True, help="6-digit NAPAS bank BIN, e.g. 970416.")
        encode.add_argument("--account", required=True, help="Account or card number.")
        encode.add_argument("--amount", help="Whole dong, digits only (makes a dynamic code).")
        encode.add_argument("--purpose", default="", help="Transfer purpose (≤25 characters).")
        decode = actions.add_parser("decode", help="Print the fields of a payload as JSON.")
        decode.add_argument("payload", help="The payload text, quoted.")

    def handle(self, *_args: Any, **options: Any) -> None:
        if options["action"] == "encode":
            self._encode(options)
        else:
            self._decode(options["payload"])

    def _encode(self, options: dict[str, Any]) -> None:
        try:
            payload = vietqr.build(
                bin=options["bin"],
                account=options["account"],
                amount=options["amount"],
                purpose=options["purpose"],
            )
        except vietqr.VietQRError as exc:
            raise CommandError(vietqr_error_message(exc)) from exc
        self.stdout.write(payload)

    def _decode(self, payload: str) -> None:
        crc_error = None
        try:
            code = vietqr.parse(payload)
        except vietqr.VietQRError as exc:
            if exc.code != "crc_mismatch":
                raise CommandError(vietqr_error_message(exc)) from exc
            crc_error = exc
            try:
                code = vietqr.parse(payload, check_crc=False)
            except vietqr.VietQRError as other:
                raise CommandError(vietqr_error_message(other)) from other
        fields = {
            "bin": code.bin,
            "bank": bank_short_name(code.bin),
            "account": code.account,
            "service": code.service,
            "kind": code.kind,  # account_transfer, card_transfer, merchant_payment, cash_withdrawal
            "amount": code.amount,
            "purpose": code.purpose,
            "static": code.static,
            "crc_ok": crc_error is None,
        }
        self.stdout.write(json.dumps(fields, ensure_ascii=False, indent=2))
        if crc_error is not None:
            raise CommandError(vietqr_error_message(crc_error))
