"""Vendor spreadsheets: read and check an import (XLSX or CSV), write the export (XLSX).

The export and the import share one column layout, so an officer can export
a market, fill in rows and import them back. Headers are matched without
case or diacritics ("ho va ten" = "Họ và tên"), in Vietnamese or English.
The export writes one row per account; the import reads several rows of one
vendor (the same stall, or the same name without a stall) as that vendor's
accounts, and knows the vendors already in the market, so importing a market's
own export adds nothing. Account numbers may be written with spaces, dashes or
dots; a bank by its BIN, code, short or full name (``selectors.bank_index``).
"""

import openpyxl
from django.utils.translation import gettext as _

from core.models import User
from kit import spreadsheets as shared
from kit.spreadsheets import (  # re-exported: the market's views and tests use them here
    MAX_BYTES,
    MAX_ROWS,
    MAX_UNZIPPED,
    Row,
    SpreadsheetError,
    header_keys,
    sheet_title,
    xlsx_append,
    xlsx_bytes,
)
from kit.text import fold

from . import banking, selectors, services, vietqr
from .models import Market, Vendor
from .vietqr_messages import vietqr_error_message

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "MAX_UNZIPPED",
    "Row",
    "SpreadsheetError",
    "check_rows",
    "export_vendors",
    "read_rows",
]

# key, Vietnamese header (what the export writes), English header also accepted
COLUMNS = [
    ("full_name", "Họ và tên", "Full name"),
    ("stall", "Quầy", "Stall"),
    ("goods", "Mặt hàng", "Goods"),
    ("phone", "Số điện thoại", "Phone"),
    ("village", "Thôn, làng", "Village"),
    ("status", "Trạng thái", "Status"),
    ("onboarded_by", "Người hỗ trợ", "Helped by"),
    ("bank", "Ngân hàng", "Bank"),
    ("account_number", "Số tài khoản", "Account number"),
    ("holder_name", "Chủ tài khoản", "Account holder"),
    ("label", "Nhãn", "Label"),
    ("notes", "Ghi chú", "Notes"),
]
HEADER_KEYS = header_keys(COLUMNS)
ACCOUNT_KEYS = ("bank", "account_number", "holder_name")


def read_rows(content: bytes, filename: str) -> list[Row]:
    """The data rows of the file, keyed by column, or SpreadsheetError for the whole file."""
    return shared.read_rows(content, filename, COLUMNS, required=("full_name",))


def _status(value: str) -> str | None:
    if not value:
        return Vendor.Status.NOT_YET
    wanted = fold(value)
    for status in Vendor.Status:
        if wanted in {fold(status.value), fold(str(status.label)), fold(_(str(status.label)))}:
            return status.value
    return None


def _check_vendor(row: Row, market_vendors: dict, seen: dict) -> Vendor | None:
    """Which vendor the row is of: one already in the market, or None for a new one
    (several rows of one new vendor: the first row's); errors go on the row."""
    v = row.values
    key = selectors.vendor_identity(v["full_name"], v["stall"])
    first = seen.setdefault(key, (row.number, fold(v["full_name"])))
    if key[0] == "stall" and first[1] != fold(v["full_name"]):
        row.errors.append(
            _("Stall %(stall)s is also on row %(row)s.") % {"stall": v["stall"], "row": first[0]}
        )
        return None
    found = market_vendors.get(key, [])
    if len(found) > 1:
        row.errors.append(
            _(
                "Several vendors of this market are called %(name)s and have no stall: "
                "write the stall number."
            )
            % {"name": v["full_name"]}
        )
        return None
    if found and key[0] == "stall" and fold(found[0].full_name) != fold(v["full_name"]):
        row.errors.append(
            _("Stall %(stall)s already has a vendor in this market.") % {"stall": v["stall"]}
        )
        return None
    return found[0] if found else None


def _check_account(row: Row, banks: selectors.BankIndex):
    """(bank, account number) of the row, normalized, or None with errors on the row."""
    v = row.values
    found = banks.resolve(v["bank"])
    bank = found[0] if len(found) == 1 else None
    if len(found) > 1:
        row.errors.append(
            _('Several banks go by "%(bank)s"; write its BIN: %(choices)s.')
            % {"bank": v["bank"], "choices": ", ".join(str(b) for b in found)}
        )
    elif bank is None:
        row.errors.append(
            _('Unknown bank "%(bank)s"; write its BIN or short name.') % {"bank": v["bank"]}
        )
    try:
        number = vietqr.validate_account(banking.clean_account_number(v["account_number"]))
    except vietqr.VietQRError as exc:
        row.errors.append(vietqr_error_message(exc))
        number = None
    if not v["holder_name"]:
        row.errors.append(_("The account holder name is empty."))
    if bank and number:
        v["bank"], v["account_number"] = bank.bin, number
        return bank, number
    return None


def check_rows(rows: list[Row], market: Market, *, user: User | None = None) -> list[Row]:
    """Fill each row's errors (in the active language); nothing is written.

    ``user``: the officer importing; an account another vendor holds is an error that
    names that vendor only if ``user`` may see them (an import never confirms one:
    that is done in the vendor's admin page, with a written reason).
    """
    banks = selectors.bank_index()
    villages = {}
    for village in market.village.commune.villages.all():
        villages[fold(village.code)] = village
        villages[fold(village.name)] = village
    market_vendors = selectors.market_vendors_by_identity(market)
    seen_vendors: dict[tuple[str, str], tuple[int, str]] = {}
    accounts = []  # (row, vendor already in the market or None, bank, number)
    for row in rows:
        v = row.values
        _check_vendor_fields(row, villages)
        vendor = _check_vendor(row, market_vendors, seen_vendors) if v["full_name"] else None
        if any(v[k] for k in ACCOUNT_KEYS):
            checked = _check_account(row, banks)
            if checked:
                accounts.append((row, vendor, *checked))
    _check_holders(accounts, market, user=user)
    return rows


def _check_vendor_fields(row: Row, villages: dict) -> None:
    """The vendor's own cells: a name, a known village and status (normalized in place)."""
    v = row.values
    if not v["full_name"]:
        row.errors.append(_("The full name is empty."))
    village = villages.get(fold(v["village"])) if v["village"] else None
    if v["village"] and village is None:
        row.errors.append(_('Unknown village "%(village)s".') % {"village": v["village"]})
    if _status(v["status"]) is None:
        row.errors.append(
            _('Unknown status "%(status)s"; use one of: %(choices)s.')
            % {"status": v["status"], "choices": ", ".join(str(s.label) for s in Vendor.Status)}
        )
    if village is not None:
        v["village"] = village.code
    v["status"] = _status(v["status"]) or v["status"]


def _check_holders(accounts: list, market: Market, *, user: User | None) -> None:
    """An account twice in the file, or held by another vendor, is an error on its row."""
    seen_accounts: dict[tuple[str, str], int] = {}
    holders = selectors.account_holders([(b.bin, n) for _r, _v, b, n in accounts], user=user)
    for row, vendor, bank, number in accounts:
        key = (bank.bin, number.upper())
        held = holders.get(key, [])
        if vendor is not None and any(h.vendor_id == vendor.pk for h in held):
            continue  # the vendor has it already (shared, maybe, with a reason): nothing to add
        if key in seen_accounts:
            row.errors.append(
                _("This account is also on row %(row)s.") % {"row": seen_accounts[key]}
            )
        seen_accounts.setdefault(key, row.number)
        others = [h for h in held if vendor is None or h.vendor_id != vendor.pk]
        if others:
            row.errors.append(
                services.held_elsewhere_message(others[0], commune_id=market.village.commune_id)
            )


def export_vendors(market: Market, vendors) -> bytes:
    """The market's vendors in the import layout, one row per account (write-only XLSX)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(market.name, "Vendors"))
    xlsx_append(sheet, [vi for _k, vi, _en in COLUMNS])
    for vendor in vendors:
        base = [
            vendor.full_name,
            vendor.stall,
            vendor.goods,
            vendor.phone,
            vendor.village.name,
            vendor.get_status_display(),
            vendor.onboarded_by,
        ]
        accounts = list(vendor.accounts.all()) or [None]
        for account in accounts:
            if account is None:
                xlsx_append(sheet, [*base, "", "", "", "", vendor.notes])
            else:
                xlsx_append(
                    sheet,
                    [
                        *base,
                        str(account.bank),  # "Vietcombank (970436)": one bank, always
                        account.account_number,
                        account.holder_name,
                        account.label,
                        vendor.notes,
                    ],
                )
    return xlsx_bytes(book)
