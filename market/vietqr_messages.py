"""Translated sentences for the VietQR codec's errors (the Django side of ``market.vietqr``).

The codec stays free of Django and raises ``VietQRError`` with a stable
``code`` and ``params``; forms, views and commands show
``vietqr_error_message(exc)`` in the user's language.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from market.vietqr import VietQRError

MESSAGES: dict[str, Promise] = {
    # What an officer types: bank, account, amount, purpose.
    "bin_format": _("The bank BIN must be exactly 6 digits."),
    "account_empty": _("Enter the account or card number."),
    "account_format": _(
        "The account number may contain only letters and digits, without spaces or symbols."
    ),
    "account_too_long": _(
        "The account number has %(length)s characters; at most %(max)s are allowed."
    ),
    "amount_format": _(
        "The amount must be a whole number of dong written with digits only, "
        "without dots, commas or decimals."
    ),
    "amount_not_positive": _("The amount must be greater than zero."),
    "amount_too_large": _("The amount is too large: it may have at most %(max_digits)s digits."),
    "purpose_too_long": _(
        "The transfer purpose has %(length)s characters without diacritics; "
        "at most %(max)s are allowed."
    ),
    # What a scanned or pasted code contains.
    "payload_not_text": _("The QR code content must be text."),
    "payload_empty": _("The QR code content is empty."),
    "invalid_character": _(
        "The QR code content has a character that is not allowed (%(codepoint)s) "
        "at position %(position)s."
    ),
    "not_vietqr": _(
        "This is not a VietQR bank-transfer code (it may be a shop payment code or a web link)."
    ),
    "tlv_bad_tag": _("The QR code content is damaged: it is unreadable at position %(position)s."),
    "tlv_bad_length": _(
        "The QR code content is damaged: field %(field)s has an invalid length "
        "at position %(position)s."
    ),
    "tlv_truncated": _("The QR code content is cut short at position %(position)s."),
    "duplicate_object": _("The QR code content has field %(field)s more than once."),
    "missing_object": _("The QR code content lacks the required field %(field)s."),
    "unexpected_object": _(
        "The QR code content has field %(field)s, which a VietQR transfer code may not contain."
    ),
    "unsupported_format": _("This QR code uses a payload format version that is not supported."),
    "initiation_invalid": _(
        "The QR code does not say whether it is a reusable code or a code for one payment."
    ),
    "amount_missing": _("A QR code for one payment must contain an amount."),
    "service_unknown": _("The QR code has an unknown transfer service code %(value)s."),
    "currency_unsupported": _("The QR code is for a currency other than Vietnamese dong."),
    "country_unsupported": _("The QR code is for a country other than Vietnam."),
    "crc_not_last": _("The QR code content is damaged: its check code is not at the end."),
    "crc_format": _("The QR code content is damaged: its check code is not valid."),
    "crc_mismatch": _(
        "The QR code content does not match its check code: "
        "the code is damaged or was copied wrongly."
    ),
    # A sound code that cannot become a stall account: why, and what to do instead.
    "merchant_payment": _(
        "This is a shop's payment code issued by a bank (a merchant code): it has no account "
        "number that receives transfers. Open the vendor's banking app, choose “QR code to "
        "receive money” and take the photo again, or type the account number."
    ),
    "cash_withdrawal": _(
        "This is a code for withdrawing cash, not for receiving transfers. Open the banking "
        "app, choose “QR code to receive money” and take the photo again."
    ),
}


def vietqr_error_message(exc: VietQRError) -> str:
    """The user's-language sentence for ``exc``, its placeholders filled from ``exc.params``."""
    message = MESSAGES.get(exc.code)
    if message is None:
        return gettext("This is not a valid VietQR code.")
    return str(message) % exc.params
