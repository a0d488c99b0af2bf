"""The VietQR codec: build and parse NAPAS QR payloads.

Pure Python (no Django import; only ``kit.text``, which is pure too), so
it can be unit- and property-tested on its own. The format is summarised in
``shared/VIETQR.md``: EMVCo merchant-presented mode, data objects of
``ID`` (2 digits) + ``LEN`` (2 digits) + ``VALUE``, a NAPAS template in object
38 and a CRC-16/CCITT-FALSE in object 63.

``parse`` reads every service a NAPAS code carries (``VietQR.kind`` says which):
a transfer to an account (``QRIBFTTA``) or a card (``QRIBFTTC``), a payment to a
merchant of an acquiring bank (``QRPUSH``) and a cash withdrawal at an ATM
(``QRCASH``); a static code may carry an amount (some bank apps print a fixed
price on a reusable code). ``build`` makes transfer codes only, and
``check_stall_account`` says whether a decoded code can become a stall account.

Every failure raises :class:`VietQRError` with a stable ``code`` (listed in
``ERROR_CODES``); ``market.vietqr_messages`` turns it into a translated sentence.

``build`` and ``parse`` run for every code a page shows or an officer reads, so
they are written for speed (``bench/qr.py`` measures them): string methods rather
than regular expressions on the way that succeeds, one pass over each template,
the CRC from the standard library. Each fault is then described on its own, slower
path, which says exactly what is wrong.
"""

import binascii
import re
import string
from dataclasses import dataclass, field

from kit.text import strip_diacritics

SERVICE_ACCOUNT = "QRIBFTTA"
SERVICE_CARD = "QRIBFTTC"
SERVICE_MERCHANT = "QRPUSH"
SERVICE_CASH = "QRCASH"
NAPAS_GUID = "A000000727"

# What each NAPAS service code (object 38.02) is: VietQR.kind.
KINDS = {
    SERVICE_ACCOUNT: "account_transfer",
    SERVICE_CARD: "card_transfer",
    SERVICE_MERCHANT: "merchant_payment",
    SERVICE_CASH: "cash_withdrawal",
}

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
        "amount_missing",
        "service_unknown",
        "currency_unsupported",
        "country_unsupported",
        "crc_not_last",
        "crc_format",
        "crc_mismatch",
        # A sound code that cannot become a stall account (check_stall_account).
        "merchant_payment",
        "cash_withdrawal",
    }
)

_STATIC = "11"
_DYNAMIC = "12"
_CURRENCY_VND = "704"
_COUNTRY_VN = "VN"
_TRANSFERS = frozenset({SERVICE_ACCOUNT, SERVICE_CARD})
_AMOUNT_LIMIT = 10**AMOUNT_MAX_DIGITS
_HEX = "0123456789ABCDEFabcdef"
_ALNUM = string.ascii_letters + string.digits

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
_ALLOWED = _KNOWN | _TOLERATED
_TEMPLATES = ("38", "62")  # top-level objects read again as data objects

# Reading a data object's header: every valid ID, and every valid length by its text.
_TAGS = frozenset(f"{n:02d}" for n in range(100))
_TWO_DIGITS = tuple(f"{n:02d}" for n in range(100))  # a length as build() writes it
_LENGTHS = {text: n for n, text in enumerate(_TWO_DIGITS) if n}

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
    values met while parsing: merchant_name, city, reference, ...

    ``bin`` and ``account`` are the bank and the account or card number of a
    transfer; in a merchant code (``QRPUSH``) they are the acquiring bank and the
    merchant's id there, in a cash-withdrawal code (``QRCASH``) the bank and id of
    the ATM (either may leave the id empty). ``static`` is the point of initiation
    (``01`` = ``11``); a static code may still carry an ``amount``.
    """

    bin: str
    account: str
    service: str
    amount: int | None
    purpose: str
    static: bool
    extras: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def kind(self) -> str:
        """What the code is for: account_transfer, card_transfer, merchant_payment or
        cash_withdrawal."""
        return KINDS[self.service]


def _vietqr(
    bin: str,
    account: str,
    service: str,
    amount: int | None,
    purpose: str,
    static: bool,
    extras: dict[str, str],
) -> VietQR:
    """``VietQR(...)`` without the frozen dataclass's seven ``object.__setattr__`` calls
    (a third of parse()'s time): the same object, its attributes written once."""
    code = object.__new__(VietQR)
    attributes = code.__dict__
    attributes["bin"] = bin
    attributes["account"] = account
    attributes["service"] = service
    attributes["amount"] = amount
    attributes["purpose"] = purpose
    attributes["static"] = static
    attributes["extras"] = extras
    return code


# ---------------------------------------------------------------- values


def crc16(data: bytes) -> str:
    """CRC-16/CCITT-FALSE of ``data`` as 4 uppercase hex digits (``b"123456789"`` → ``29B1``).

    ``binascii.crc_hqx`` is CRC-CCITT (polynomial 0x1021, no reflection, no final
    XOR) from a given initial value; 0xFFFF makes it CCITT-FALSE.
    """
    return f"{binascii.crc_hqx(data, 0xFFFF):04X}"


def _digits(text: str) -> bool:
    """True for one or more ASCII digits (``str.isdigit`` alone takes "١٢٣" and "²")."""
    return text.isascii() and text.isdigit()


def is_card_number(account: str) -> bool:
    """True for a domestic (NAPAS) card number: ``9704`` then 16 or 19 digits in all."""
    return len(account) in (16, 19) and account.startswith("9704") and _digits(account)


class _PurposeCharacters(dict[int, str]):
    """``str.translate`` table of :func:`normalize_purpose`: what each character becomes.

    Filled as characters are met, from the rules (drop diacritics and apostrophes,
    any other symbol becomes a space); characters beyond Latin and the combining
    marks are worked out each time rather than kept, so odd input cannot grow it.
    """

    def __missing__(self, codepoint: int) -> str:
        ascii_text = _APOSTROPHES.sub("", strip_diacritics(chr(codepoint)))
        replacement = _NOT_ALNUM.sub(" ", ascii_text)
        if codepoint < 0x2000:
            self[codepoint] = replacement
        return replacement


_PURPOSE_CHARACTERS = _PurposeCharacters()
# The same for ASCII text, as a bytes.translate table (the apostrophe is deleted apart).
_ASCII_PURPOSE = bytes(c if chr(c) in _ALNUM else 0x20 for c in range(256))


def normalize_purpose(text: str) -> str:
    """The purpose text banks accept: ASCII letters, digits and single spaces.

    Vietnamese is transliterated ("Thanh toán tiền hàng" → "Thanh toan tien
    hang"), apostrophes are dropped, any other symbol becomes a space, spaces
    are collapsed. Text still longer than 25 characters is refused, not cut.
    """
    if text.isascii():  # nothing to transliterate: one pass over the bytes
        spaced = text.encode("ascii").translate(_ASCII_PURPOSE, b"'").decode("ascii")
    else:
        spaced = text.translate(_PURPOSE_CHARACTERS)
    purpose = " ".join(spaced.split())
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
    if isinstance(bin, str) and len(bin) == 6 and _digits(bin):
        return bin
    raise VietQRError(
        "bin_format", f"The bank BIN must be exactly 6 digits, not {bin!r}.", value=str(bin)
    )


def validate_account(account: str) -> str:
    """Return ``account`` if it has 1-19 ASCII letters or digits, else raise."""
    if (
        isinstance(account, str)
        and 0 < len(account) <= ACCOUNT_MAX_LENGTH
        and account.isascii()
        and account.isalnum()
    ):
        return account
    if not isinstance(account, str) or (account and not (account.isascii() and account.isalnum())):
        raise VietQRError(
            "account_format",
            f"The account number {account!r} may contain only letters and digits, "
            "without spaces or symbols.",
            value=str(account),
        )
    if not account:
        raise VietQRError("account_empty", "The account number is empty.")
    raise VietQRError(
        "account_too_long",
        f"The account number has {len(account)} characters; "
        f"at most {ACCOUNT_MAX_LENGTH} are allowed.",
        length=len(account),
        max=ACCOUNT_MAX_LENGTH,
    )


def validate_amount(amount: int | str) -> int:
    """Return the amount in whole dong as an int.

    Accepts a positive int or a string of digits only ("10000"); refuses
    separators and decimals ("10.000", "1,000", "100.0", "1e5"), floats,
    bools, zero, negatives and more than 13 digits.
    """
    if type(amount) is int:  # not bool, whose type is bool
        value = amount
    elif isinstance(amount, str) and _digits(amount):
        value = int(amount)
    elif isinstance(amount, str) and amount.startswith("-") and _digits(amount[1:]):
        value = -int(amount[1:])
    elif isinstance(amount, int) and not isinstance(amount, bool):
        value = int(amount)
    else:
        raise VietQRError(
            "amount_format",
            f"The amount {amount!r} must be a whole number of dong written with digits only, "
            "without separators or decimals.",
            value=str(amount),
        )
    if 0 < value < _AMOUNT_LIMIT:
        return value
    if value <= 0:
        raise VietQRError(
            "amount_not_positive",
            f"The amount must be greater than zero, not {value}.",
            value=value,
        )
    raise VietQRError(
        "amount_too_large",
        f"The amount {value} has more than {AMOUNT_MAX_DIGITS} digits.",
        value=value,
        max_digits=AMOUNT_MAX_DIGITS,
    )


# ---------------------------------------------------------------- build


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
    The service is a card transfer for a NAPAS card number, else an account transfer.
    """
    bin = validate_bin(bin)
    account = validate_account(account)
    value = None if amount is None else validate_amount(amount)
    purpose = normalize_purpose(purpose) if purpose else ""
    service = SERVICE_CARD if is_card_number(account) else SERVICE_ACCOUNT

    size = len(account)
    body = (
        f"0002010102{_STATIC if value is None else _DYNAMIC}"
        f"38{_TWO_DIGITS[44 + size]}0010{NAPAS_GUID}01{_TWO_DIGITS[14 + size]}"
        f"0006{bin}01{_TWO_DIGITS[size]}{account}0208{service}5303704"
    )
    if value is not None:
        digits = str(value)
        body = f"{body}54{_TWO_DIGITS[len(digits)]}{digits}"
    if purpose:
        size = len(purpose)
        body = f"{body}5802VN62{_TWO_DIGITS[size + 4]}08{_TWO_DIGITS[size]}{purpose}6304"
    else:
        body = f"{body}5802VN6304"
    return f"{body}{binascii.crc_hqx(body.encode('ascii'), 0xFFFF):04X}"


# ---------------------------------------------------------------- parse: data objects


def _name(path: str, tag: str) -> str:
    """The full id of a data object, e.g. "38.01.00"."""
    return f"{path}.{tag}" if path else tag


def _missing(path: str, tag: str) -> VietQRError:
    name = _name(path, tag)
    return VietQRError(
        "missing_object", f"The payload lacks the required data object {name}.", field=name
    )


def _read_objects(
    text: str, start: int, end: int, path: str = "", templates: tuple[str, ...] = ()
) -> tuple[dict[str, str], dict[str, int]]:
    """The data objects of ``text[start:end]`` in order, {"00": "01", "01": "11", ...},
    and where the value of each of ``templates`` starts (to read it in turn).

    ``path`` names the enclosing template ("38", "38.01") in errors; positions in
    errors count from 1 at the start of the payload.
    """
    objects: dict[str, str] = {}
    starts: dict[str, int] = {}
    pos = start
    while pos < end:
        value_at = pos + 4
        tag = text[pos : pos + 2]
        length = _LENGTHS.get(text[pos + 2 : value_at])
        if (
            value_at > end
            or length is None
            or tag not in _TAGS
            or value_at + length > end
            or tag in objects
        ):
            raise _object_error(text[pos:end], pos, path)
        if tag in templates:
            starts[tag] = value_at
        pos = value_at + length
        objects[tag] = text[value_at:pos]
    return objects, starts


def _object_error(rest: str, pos: int, path: str) -> VietQRError:
    """What is wrong with the data object that starts ``rest`` (at ``pos`` in the payload)."""
    where = pos + 1
    if len(rest) < 4:
        return VietQRError(
            "tlv_truncated",
            f"The payload is cut short at position {where}: a data object needs "
            "at least a 2-digit ID and a 2-digit length.",
            position=where,
        )
    tag, length = rest[:2], rest[2:4]
    if not _digits(tag):
        return VietQRError(
            "tlv_bad_tag",
            f"The data object at position {where} has the ID {tag!r}; IDs are 2 digits.",
            position=where,
            tag=tag,
        )
    name = _name(path, tag)
    if length not in _LENGTHS:
        return VietQRError(
            "tlv_bad_length",
            f"Data object {name} at position {where} has the length {length!r}; "
            "lengths are 2 digits from 01 to 99.",
            position=where,
            field=name,
        )
    if 4 + _LENGTHS[length] > len(rest):
        return VietQRError(
            "tlv_truncated",
            f"Data object {name} at position {where} claims {_LENGTHS[length]} characters "
            "but the data ends before that.",
            position=where,
            field=name,
        )
    return VietQRError(
        "duplicate_object", f"Data object {name} appears more than once.", field=name
    )


def _template(
    payload: str,
    objects: dict[str, str],
    starts: dict[str, int],
    path: str,
    tag: str,
    templates: tuple[str, ...] = (),
) -> tuple[dict[str, str], dict[str, int]]:
    """The data objects inside the template ``tag`` (which must be present), and where
    the values of its own ``templates`` start."""
    value = objects.get(tag)
    if value is None:
        raise _missing(path, tag)
    start = starts[tag]
    return _read_objects(payload, start, start + len(value), _name(path, tag), templates)


# ---------------------------------------------------------------- parse: field checks


def _not_vietqr(reason: str) -> VietQRError:
    return VietQRError(
        "not_vietqr",
        f"This is not a VietQR bank-transfer code: {reason}.",
    )


def _check_text(payload: str) -> None:
    """The payload is printable ASCII text that starts like an EMV code."""
    if (
        isinstance(payload, str)
        and payload.isascii()
        and payload.isprintable()
        and payload.startswith("00")
        and len(payload) >= 4
        and payload[2:4].isdigit()
    ):
        return
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
    raise _not_vietqr("it does not start with the EMV payload format indicator 00")


def _read_crc(objects: dict[str, str]) -> str:
    """The format indicator is 01 and the CRC (63) is the last object, 4 hex digits."""
    version = objects["00"]  # present: the payload starts with "00" + a length
    if version != "01":
        raise VietQRError(
            "unsupported_format",
            f"The payload format indicator is {version!r}; only '01' is supported.",
            value=version,
        )
    crc = objects.get("63")
    if crc is None:
        raise _missing("", "63")
    if next(reversed(objects)) != "63":
        raise VietQRError("crc_not_last", "The CRC (data object 63) must be the last object.")
    if len(crc) != 4 or crc.strip(_HEX):
        raise VietQRError("crc_format", f"The CRC {crc!r} must be 4 hexadecimal digits.", value=crc)
    return crc


def _crc_matches(payload: str, crc: str) -> bool:
    """The CRC of everything before the last 4 characters is ``crc``, 4 hex digits in
    either case (compared as numbers)."""
    return int(crc, 16) == binascii.crc_hqx(payload[:-4].encode("ascii"), 0xFFFF)


def _check_crc(payload: str, crc: str) -> None:
    """The CRC of everything before its 4 digits is ``crc`` (in either case)."""
    if not _crc_matches(payload, crc):
        expected = crc16(payload[:-4].encode("ascii"))
        raise VietQRError(
            "crc_mismatch",
            f"The CRC is {crc} but the data gives {expected}: the code is damaged "
            "or was copied wrongly.",
            expected=expected,
            found=crc,
        )


def _check_allowed(objects: dict[str, str]) -> None:
    """No object that changes what the payer is asked to pay (tips, fees, reserved ids)."""
    if objects.keys() <= _ALLOWED:
        return
    tag = next(tag for tag in objects if tag not in _ALLOWED)
    raise VietQRError(
        "unexpected_object",
        f"Data object {tag} is not allowed in a VietQR bank-transfer code.",
        field=tag,
    )


def _read_static(objects: dict[str, str]) -> bool:
    """The point of initiation: True for a static code (11), False for a dynamic one (12)."""
    initiation = objects.get("01")
    if initiation == _STATIC:
        return True
    if initiation == _DYNAMIC:
        return False
    if initiation is None:
        raise _missing("", "01")
    raise VietQRError(
        "initiation_invalid",
        f"The point of initiation (data object 01) is {initiation!r}; "
        "it must be '11' (static) or '12' (dynamic).",
        value=initiation,
    )


def _read_account_info(
    payload: str, napas: dict[str, str], starts: dict[str, int]
) -> tuple[str, str, str]:
    """The merchant account information of template 38: (BIN, account or id, service).

    A transfer names its account or card (38.01.01, checked like an account
    number); a merchant or cash-withdrawal code may leave its id out.
    """
    service = napas.get("02")
    if service is None:
        raise _missing("38", "02")
    if service not in KINDS:
        raise VietQRError(
            "service_unknown",
            f"The service code {service!r} is none of {SERVICE_ACCOUNT} (account), "
            f"{SERVICE_CARD} (card), {SERVICE_MERCHANT} (merchant) and {SERVICE_CASH} (cash).",
            value=service,
        )
    beneficiary, _ = _template(payload, napas, starts, "38", "01")
    bin = beneficiary.get("00")
    if bin is None:
        raise _missing("38.01", "00")
    validate_bin(bin)
    account = beneficiary.get("01")
    if service in _TRANSFERS:
        if account is None:
            raise _missing("38.01", "01")
        validate_account(account)
    return bin, account or "", service


def _check_currency_and_country(objects: dict[str, str]) -> None:
    """Dong (704) in Vietnam (VN)."""
    currency = objects.get("53")
    if currency != _CURRENCY_VND:
        if currency is None:
            raise _missing("", "53")
        raise VietQRError(
            "currency_unsupported",
            f"The currency is {currency!r}; VietQR transfers are in dong (704).",
            value=currency,
        )
    country = objects.get("58")
    if country != _COUNTRY_VN:
        if country is None:
            raise _missing("", "58")
        raise VietQRError(
            "country_unsupported",
            f"The country is {country!r}; VietQR codes are for Vietnam (VN).",
            value=country,
        )


def _read_amount(objects: dict[str, str], *, static: bool, service: str) -> int | None:
    """The amount (54): optional in a static code and in a cash withdrawal (whose amount
    is chosen in the app or at the ATM), required in any other dynamic code."""
    amount = objects.get("54")
    if amount is not None:
        return validate_amount(amount)
    if static or service == SERVICE_CASH:
        return None
    raise VietQRError("amount_missing", "A dynamic code (01 = 12) must carry an amount.")


def _read_additional(
    payload: str, objects: dict[str, str], starts: dict[str, int]
) -> tuple[str, dict[str, str]]:
    """The purpose (62.08) and the optional values kept in VietQR.extras."""
    extras = {}
    if not objects.keys().isdisjoint(_EXTRAS):
        extras = {name: objects[tag] for tag, name in _EXTRAS.items() if tag in objects}
    if "62" not in objects:
        return "", extras
    additional, _ = _template(payload, objects, starts, "", "62")
    if not additional.keys().isdisjoint(_EXTRAS_62):
        extras |= {name: additional[tag] for tag, name in _EXTRAS_62.items() if tag in additional}
    return additional.get("08", ""), extras


# ---------------------------------------------------------------- parse


def parse(payload: str, *, check_crc: bool = True) -> VietQR:
    """Read a VietQR payload, checking its structure, values and (unless told not to) CRC.

    Objects may come in any order between 00 (first) and 63 (last); the CRC is
    compared case-insensitively. Raises :class:`VietQRError` on any fault.
    """
    code = _read_usual(payload, check_crc=check_crc) if isinstance(payload, str) else None
    return code if code is not None else _read_any(payload, check_crc=check_crc)


# The layout build() emits, as most bank apps do: 00, 01, 38 (00, 01 (00, 01), 02), 53,
# 54 (if any), 58, 62 with only 08 (if any), 63, each in that order. One match reads it
# and a few sums check its lengths: about 4 times faster than object by object.
_USUAL = re.compile(
    r"0002010102(1[12])"
    r"38([0-9]{2})0010A00000072701([0-9]{2})0006([0-9]{6})01([0-9]{2})([A-Za-z0-9]{1,19}?)"
    r"0208(QRIBFTT[AC])"
    r"5303704(?:54([0-9]{2})([0-9]{1,13}?))?5802VN"
    r"(?:62([0-9]{2})08([0-9]{2})([ -~]{1,95}?))?"
    r"6304([0-9A-Fa-f]{4})",
    re.ASCII,
)


def _read_usual(payload: str, *, check_crc: bool) -> VietQR | None:
    """The code in a sound payload of the usual layout, else None (read it object by object).

    None is also the answer to anything the match leaves in doubt: a length that
    does not add up (an account that holds "0208QRIBFTTA"), a zero amount, a
    dynamic code without one, a CRC that does not match. The general reader then
    finds the fault, so both readers accept the same payloads and read them alike
    (tests/market/test_vietqr.py holds them to it).
    """
    match = _USUAL.fullmatch(payload)
    if match is None:
        return None
    (initiation, napas, beneficiary, bin, account_length, account, service,
     amount_length, amount, additional, purpose_length, purpose, crc) = match.groups()  # fmt: skip
    size = len(account)
    value = None if amount is None else int(amount)
    purpose = purpose or ""
    sound = (
        account_length == _TWO_DIGITS[size]
        and beneficiary == _TWO_DIGITS[14 + size]
        and napas == _TWO_DIGITS[44 + size]
        and (
            (value is None and initiation == _STATIC)
            or (value is not None and value > 0 and amount_length == _TWO_DIGITS[len(amount)])
        )
        and (
            not purpose
            or (
                purpose_length == _TWO_DIGITS[len(purpose)]
                and additional == _TWO_DIGITS[len(purpose) + 4]
            )
        )
        and (not check_crc or _crc_matches(payload, crc))
    )
    if not sound:
        return None
    return _vietqr(bin, account, service, value, purpose, initiation == _STATIC, {})


def _read_any(payload: str, *, check_crc: bool) -> VietQR:
    """Read any payload object by object, or raise the error that says what is wrong."""
    _check_text(payload)
    objects, starts = _read_objects(payload, 0, len(payload), "", _TEMPLATES)
    crc = _read_crc(objects)
    if "38" not in objects:
        raise _not_vietqr("it has no NAPAS beneficiary template (data object 38)")
    napas, napas_starts = _template(payload, objects, starts, "", "38", ("01",))
    guid = napas.get("00", "")
    if guid != NAPAS_GUID and guid.upper() != NAPAS_GUID:
        raise _not_vietqr(f"data object 38 does not carry the NAPAS identifier {NAPAS_GUID}")
    if check_crc:
        _check_crc(payload, crc)
    _check_allowed(objects)
    static = _read_static(objects)
    bin, account, service = _read_account_info(payload, napas, napas_starts)
    _check_currency_and_country(objects)
    amount = _read_amount(objects, static=static, service=service)
    purpose, extras = _read_additional(payload, objects, starts)
    return _vietqr(bin, account, service, amount, purpose, static, extras)


# ---------------------------------------------------------------- stall accounts


def check_stall_account(code: VietQR) -> None:
    """Raise :class:`VietQRError` when a decoded code cannot become a stall account.

    A stall account is a bank account or NAPAS card that the portal prints its
    own static transfer code for, so only a transfer code names one: static,
    dynamic or static with an amount (the amount and purpose are left behind). A
    merchant code (``QRPUSH``) names a merchant's id at its acquiring bank, not an
    account anyone can transfer to; a cash-withdrawal code (``QRCASH``) names an
    ATM. The error's code is the kind: ``merchant_payment`` or ``cash_withdrawal``.
    """
    if code.service == SERVICE_MERCHANT:
        raise VietQRError(
            "merchant_payment",
            "This is a merchant payment code (QRPUSH) of an acquiring bank: it names the "
            "merchant's id at that bank, not an account that receives transfers.",
        )
    if code.service == SERVICE_CASH:
        raise VietQRError(
            "cash_withdrawal",
            "This is a cash-withdrawal code (QRCASH) shown by an ATM, not a code that "
            "receives transfers.",
        )
