"""The VietQR codec: build and parse NAPAS bank-transfer QR payloads.

Pure Python (no Django import; only ``kit.text``, which is pure too), so
it can be unit- and property-tested on its own. The format is summarised in
``shared/VIETQR.md``: EMVCo merchant-presented mode, data objects of
``ID`` (2 digits) + ``LEN`` (2 digits) + ``VALUE``, a NAPAS template in object
38 and a CRC-16/CCITT-FALSE in object 63.

Every failure raises :class:`VietQRError` with a stable ``code`` (listed in
``ERROR_CODES``); ``market.vietqr_messages`` turns it into a translated sentence.
"""

import re
from dataclasses import dataclass, field

from kit.text import strip_diacritics

SERVICE_ACCOUNT = "QRIBFTTA"
SERVICE_CARD = "QRIBFTTC"
NAPAS_GUID = "A000000727"

PURPOSE_MAX_LENGTH = 25
ACCOUNT_MAX_LENGTH = 19
AMOUNT_MAX_DIGITS = 13

ERROR_CODES = frozenset(
    {
        # Inputs of build() and the values inside a payload.
        "bin_format",
        "account_empty",
        "account_format",
        "account_too_long",
        "amount_format",
        "amount_not_positive",
        "amount_too_large",
        "purpose_too_long",
        # The payload as text and as data objects.
        "payload_not_text",
        "payload_empty",
        "invalid_character",
        "not_vietqr",
        "tlv_bad_tag",
        "tlv_bad_length",
        "tlv_truncated",
        "duplicate_object",
        "missing_object",
        "unexpected_object",
        "unsupported_format",
        "initiation_invalid",
        "amount_in_static",
        "amount_missing",
        "service_unknown",
        "currency_unsupported",
        "country_unsupported",
        "crc_not_last",
        "crc_format",
        "crc_mismatch",
    }
)

_STATIC = "11"
_DYNAMIC = "12"
_CURRENCY_VND = "704"
_COUNTRY_VN = "VN"
_SERVICES = frozenset({SERVICE_ACCOUNT, SERVICE_CARD})

_DIGITS = re.compile(r"[0-9]+")
_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[A-Za-z0-9]+")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_EMV_START = re.compile(r"00[0-9]{2}")
_APOSTROPHES = re.compile(r"['\u2019\u02bc]")  # H'Bia, Y'Đôn: one word, not two
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")

# Objects a VietQR payload may carry beside the ones the portal emits: other
# merchant-account templates (02-51), merchant category (52), name (59), city (60),
# postal code (61), language template (64) and unreserved templates (80-99).
# Anything else (55-57 tip and fees, 65-79 reserved) changes what the payer is
# asked to pay, so it is refused rather than ignored.
_KNOWN = frozenset({"00", "01", "38", "53", "54", "58", "62", "63"})
_TOLERATED = (
    frozenset(
        {f"{n:02d}" for n in range(2, 52)}
        | {"52", "59", "60", "61", "64"}
        | {f"{n:02d}" for n in range(80, 100)}
    )
    - _KNOWN
)

# Optional values kept in VietQR.extras, by object id.
_EXTRAS = {"52": "merchant_category", "59": "merchant_name", "60": "city", "61": "postal_code"}
_EXTRAS_62 = {
    "01": "bill_number",
    "02": "mobile_number",
    "03": "store_label",
    "05": "reference",
    "07": "terminal",
}


class VietQRError(ValueError):
    """The one error type of the codec.

    ``code`` is a stable machine-readable string (one of ``ERROR_CODES``),
    ``params`` a dict for the translated message; ``str(exc)`` is an English
    sentence saying what is wrong.
    """

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code: str = code
        self.message: str = message
        self.params: dict[str, object] = params

    def __repr__(self) -> str:
        return f"VietQRError({self.code!r}, {self.message!r})"


@dataclass(frozen=True)
class VietQR:
    """What a VietQR payload says. ``extras`` (ignored by ``==``) holds optional
    values met while parsing: merchant_name, city, reference, ..."""

    bin: str
    account: str
    service: str
    amount: int | None
    purpose: str
    static: bool
    extras: dict[str, str] = field(default_factory=dict, compare=False)


def crc16(data: bytes) -> str:
    """CRC-16/CCITT-FALSE of ``data`` as 4 uppercase hex digits (``b"123456789"`` → ``29B1``)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def is_card_number(account: str) -> bool:
    """True for a domestic (NAPAS) card number: ``9704`` then 16 or 19 digits in all."""
    return (
        account.startswith("9704")
        and len(account) in (16, 19)
        and _DIGITS.fullmatch(account) is not None
    )


def normalize_purpose(text: str) -> str:
    """The purpose text banks accept: ASCII letters, digits and single spaces.

    Vietnamese is transliterated ("Thanh toán tiền hàng" → "Thanh toan tien
    hang"), apostrophes are dropped, any other symbol becomes a space, spaces
    are collapsed. Text still longer than 25 characters is refused, not cut.
    """
    ascii_text = _APOSTROPHES.sub("", strip_diacritics(text))
    purpose = " ".join(_NOT_ALNUM.sub(" ", ascii_text).split())
    if len(purpose) > PURPOSE_MAX_LENGTH:
        raise VietQRError(
            "purpose_too_long",
            f"The transfer purpose {purpose!r} has {len(purpose)} characters; "
            f"at most {PURPOSE_MAX_LENGTH} are allowed.",
            length=len(purpose),
            max=PURPOSE_MAX_LENGTH,
        )
    return purpose


def validate_bin(bin: str) -> str:
    """Return ``bin`` if it is exactly 6 digits, else raise ``bin_format``."""
    if not isinstance(bin, str) or _BIN.fullmatch(bin) is None:
        raise VietQRError(
            "bin_format", f"The bank BIN must be exactly 6 digits, not {bin!r}.", value=str(bin)
        )
    return bin


def validate_account(account: str) -> str:
    """Return ``account`` if it has 1-19 ASCII letters or digits, else raise."""
    if not isinstance(account, str) or (account and _ACCOUNT.fullmatch(account) is None):
        raise VietQRError(
            "account_format",
            f"The account number {account!r} may contain only letters and digits, "
            "without spaces or symbols.",
            value=str(account),
        )
    if not account:
        raise VietQRError("account_empty", "The account number is empty.")
    if len(account) > ACCOUNT_MAX_LENGTH:
        raise VietQRError(
            "account_too_long",
            f"The account number has {len(account)} characters; "
            f"at most {ACCOUNT_MAX_LENGTH} are allowed.",
            length=len(account),
            max=ACCOUNT_MAX_LENGTH,
        )
    return account


def validate_amount(amount: int | str) -> int:
    """Return the amount in whole dong as an int.

    Accepts a positive int or a string of digits only ("10000"); refuses
    separators and decimals ("10.000", "1,000", "100.0", "1e5"), floats,
    bools, zero, negatives and more than 13 digits.
    """
    if isinstance(amount, str) and amount.startswith("-") and _DIGITS.fullmatch(amount[1:]):
        value = -int(amount[1:])
    elif isinstance(amount, str) and _DIGITS.fullmatch(amount):
        value = int(amount)
    elif isinstance(amount, int) and not isinstance(amount, bool):
        value = amount
    else:
        raise VietQRError(
            "amount_format",
            f"The amount {amount!r} must be a whole number of dong written with digits only, "
            "without separators or decimals.",
            value=str(amount),
        )
    if value <= 0:
        raise VietQRError(
            "amount_not_positive",
            f"The amount must be greater than zero, not {value}.",
            value=value,
        )
    if value >= 10**AMOUNT_MAX_DIGITS:
        raise VietQRError(
            "amount_too_large",
            f"The amount {value} has more than {AMOUNT_MAX_DIGITS} digits.",
            value=value,
            max_digits=AMOUNT_MAX_DIGITS,
        )
    return value


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def build(
    *,
    bin: str,
    account: str,
    amount: int | str | None = None,
    purpose: str = "",
) -> str:
    """The VietQR payload for a transfer to ``account`` at the bank ``bin``.

    Without ``amount`` the code is static (reusable: the stall poster); with
    one it is dynamic. ``purpose`` goes through :func:`normalize_purpose`.
    """
    bin = validate_bin(bin)
    account = validate_account(account)
    value = None if amount is None else validate_amount(amount)
    purpose = normalize_purpose(purpose)
    service = SERVICE_CARD if is_card_number(account) else SERVICE_ACCOUNT

    beneficiary = _tlv("00", bin) + _tlv("01", account)
    parts = [
        _tlv("00", "01"),
        _tlv("01", _STATIC if value is None else _DYNAMIC),
        _tlv("38", _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", service)),
        _tlv("53", _CURRENCY_VND),
    ]
    if value is not None:
        parts.append(_tlv("54", str(value)))
    parts.append(_tlv("58", _COUNTRY_VN))
    if purpose:
        parts.append(_tlv("62", _tlv("08", purpose)))
    body = "".join(parts) + "6304"
    return body + crc16(body.encode("ascii"))


class _Objects(dict[str, str]):
    """The data objects of a payload or template, in order: {"00": "01", "01": "11", ...}.

    ``path`` names the enclosing template ("38", "38.01") in errors and
    ``offset`` is where ``text`` starts in the payload (positions are 1-based).
    """

    def __init__(self, text: str, *, path: str = "", offset: int = 0) -> None:
        super().__init__()
        self.path = path
        self.starts: dict[str, int] = {}
        pos = 0
        while pos < len(text):
            where = offset + pos + 1
            if len(text) - pos < 4:
                raise VietQRError(
                    "tlv_truncated",
                    f"The payload is cut short at position {where}: a data object needs "
                    "at least a 2-digit ID and a 2-digit length.",
                    position=where,
                )
            tag, length = text[pos : pos + 2], text[pos + 2 : pos + 4]
            if _DIGITS.fullmatch(tag) is None:
                raise VietQRError(
                    "tlv_bad_tag",
                    f"The data object at position {where} has the ID {tag!r}; IDs are 2 digits.",
                    position=where,
                    tag=tag,
                )
            name = self.name(tag)
            if _DIGITS.fullmatch(length) is None or length == "00":
                raise VietQRError(
                    "tlv_bad_length",
                    f"Data object {name} at position {where} has the length {length!r}; "
                    "lengths are 2 digits from 01 to 99.",
                    position=where,
                    field=name,
                )
            end = pos + 4 + int(length)
            if end > len(text):
                raise VietQRError(
                    "tlv_truncated",
                    f"Data object {name} at position {where} claims {int(length)} characters "
                    "but the data ends before that.",
                    position=where,
                    field=name,
                )
            if tag in self:
                raise VietQRError(
                    "duplicate_object", f"Data object {name} appears more than once.", field=name
                )
            self[tag] = text[pos + 4 : end]
            self.starts[tag] = offset + pos + 4
            pos = end

    def name(self, tag: str) -> str:
        """The full id of a sub-object, e.g. "38.01.00"."""
        return f"{self.path}.{tag}" if self.path else tag

    def require(self, tag: str) -> str:
        """The value of ``tag``, or a ``missing_object`` error."""
        if tag not in self:
            name = self.name(tag)
            raise VietQRError(
                "missing_object", f"The payload lacks the required data object {name}.", field=name
            )
        return self[tag]

    def template(self, tag: str) -> "_Objects":
        """The sub-objects of the template ``tag`` (which must be present)."""
        return _Objects(self.require(tag), path=self.name(tag), offset=self.starts[tag])


def _not_vietqr(reason: str) -> VietQRError:
    return VietQRError(
        "not_vietqr",
        f"This is not a VietQR bank-transfer code: {reason}.",
    )


def parse(payload: str, *, check_crc: bool = True) -> VietQR:  # noqa: C901, PLR0912, PLR0915 - to split (issue 12)
    """Read a VietQR payload, checking its structure, values and (unless told not to) CRC.

    Objects may come in any order between 00 (first) and 63 (last); the CRC is
    compared case-insensitively. Raises :class:`VietQRError` on any fault.
    """
    if not isinstance(payload, str):
        raise VietQRError(
            "payload_not_text",
            f"The payload must be text, not {type(payload).__name__}.",
            type=type(payload).__name__,
        )
    if not payload:
        raise VietQRError("payload_empty", "The payload is empty.")
    for index, char in enumerate(payload, start=1):
        if not " " <= char <= "~":
            raise VietQRError(
                "invalid_character",
                f"The payload has the character {char!r} (U+{ord(char):04X}) at position "
                f"{index}; only printable ASCII is allowed.",
                position=index,
                codepoint=f"U+{ord(char):04X}",
            )
    if _EMV_START.match(payload) is None:
        raise _not_vietqr("it does not start with the EMV payload format indicator 00")

    objects = _Objects(payload)
    version = objects["00"]  # present: the payload starts with "00" + a length
    if version != "01":
        raise VietQRError(
            "unsupported_format",
            f"The payload format indicator is {version!r}; only '01' is supported.",
            value=version,
        )
    crc = objects.require("63")
    if list(objects)[-1] != "63":
        raise VietQRError("crc_not_last", "The CRC (data object 63) must be the last object.")
    if _HEX4.fullmatch(crc) is None:
        raise VietQRError("crc_format", f"The CRC {crc!r} must be 4 hexadecimal digits.", value=crc)

    if "38" not in objects:
        raise _not_vietqr("it has no NAPAS beneficiary template (data object 38)")
    template = objects.template("38")
    if template.get("00", "").upper() != NAPAS_GUID:
        raise _not_vietqr(f"data object 38 does not carry the NAPAS identifier {NAPAS_GUID}")

    if check_crc:
        expected = crc16(payload[:-4].encode("ascii"))
        if crc.upper() != expected:
            raise VietQRError(
                "crc_mismatch",
                f"The CRC is {crc} but the data gives {expected}: the code is damaged "
                "or was copied wrongly.",
                expected=expected,
                found=crc,
            )

    for tag in objects:
        if tag not in _KNOWN and tag not in _TOLERATED:
            raise VietQRError(
                "unexpected_object",
                f"Data object {tag} is not allowed in a VietQR bank-transfer code.",
                field=tag,
            )

    initiation = objects.require("01")
    if initiation not in (_STATIC, _DYNAMIC):
        raise VietQRError(
            "initiation_invalid",
            f"The point of initiation (data object 01) is {initiation!r}; "
            "it must be '11' (static) or '12' (dynamic).",
            value=initiation,
        )
    static = initiation == _STATIC

    beneficiary = template.template("01")
    bin = validate_bin(beneficiary.require("00"))
    account = validate_account(beneficiary.require("01"))
    service = template.require("02")
    if service not in _SERVICES:
        raise VietQRError(
            "service_unknown",
            f"The service code {service!r} is neither {SERVICE_ACCOUNT} (account) "
            f"nor {SERVICE_CARD} (card).",
            value=service,
        )

    currency = objects.require("53")
    if currency != _CURRENCY_VND:
        raise VietQRError(
            "currency_unsupported",
            f"The currency is {currency!r}; VietQR transfers are in dong (704).",
            value=currency,
        )
    country = objects.require("58")
    if country != _COUNTRY_VN:
        raise VietQRError(
            "country_unsupported",
            f"The country is {country!r}; VietQR codes are for Vietnam (VN).",
            value=country,
        )

    amount: int | None = None
    if "54" in objects:
        if static:
            raise VietQRError(
                "amount_in_static", "A static code (01 = 11) must not carry an amount."
            )
        amount = validate_amount(objects["54"])
    elif not static:
        raise VietQRError("amount_missing", "A dynamic code (01 = 12) must carry an amount.")

    extras = {name: objects[tag] for tag, name in _EXTRAS.items() if tag in objects}
    purpose = ""
    if "62" in objects:
        additional = objects.template("62")
        purpose = additional.get("08", "")
        extras |= {name: additional[tag] for tag, name in _EXTRAS_62.items() if tag in additional}

    return VietQR(
        bin=bin,
        account=account,
        service=service,
        amount=amount,
        purpose=purpose,
        static=static,
        extras=extras,
    )
