"""Vendor spreadsheets: read and check an import (XLSX or CSV), write the export (XLSX).

The export and the import share one column layout, so an officer can export
a market, fill in rows and import them back. Headers are matched without
case or diacritics ("ho va ten" = "Họ và tên"), in Vietnamese or English.
"""

import openpyxl
from django.utils.translation import gettext as _

from chuprong import spreadsheets as shared
from chuprong.spreadsheets import (  # re-exported: the market's views and tests use them here
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
from chuprong.text import fold

from . import vietqr
from .models import Bank, Market, Vendor
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
        if wanted in {fold(status.value), fold(str(status.label)), fold(_(status.label))}:
            return status.value
    return None


def check_rows(rows: list[Row], market: Market) -> list[Row]:
    """Fill each row's errors (in the active language); nothing is written."""
    banks = {}
    for bank in Bank.objects.filter(active=True):
        for name in (bank.bin, bank.short_name, bank.code):
            banks.setdefault(fold(name), bank)
    villages = {}
    for village in market.village.commune.villages.all():
        villages[fold(village.code)] = village
        villages[fold(village.name)] = village
    existing_stalls = {
        fold(s) for s in market.vendors.exclude(stall="").values_list("stall", flat=True)
    }
    seen_stalls: dict[str, int] = {}
    seen_accounts: dict[tuple[str, str], int] = {}
    seen_vendors: dict[tuple[str, str], int] = {}
    for row in rows:
        v = row.values
        if not v["full_name"]:
            row.errors.append(_("The full name is empty."))
        if v["village"] and fold(v["village"]) not in villages:
            row.errors.append(_('Unknown village "%(village)s".') % {"village": v["village"]})
        if _status(v["status"]) is None:
            row.errors.append(
                _('Unknown status "%(status)s"; use one of: %(choices)s.')
                % {"status": v["status"], "choices": ", ".join(str(s.label) for s in Vendor.Status)}
            )
        stall = fold(v["stall"])
        if stall:
            if stall in existing_stalls:
                row.errors.append(
                    _("Stall %(stall)s already has a vendor in this market.")
                    % {"stall": v["stall"]}
                )
            elif stall in seen_stalls:
                row.errors.append(
                    _("Stall %(stall)s is also on row %(row)s.")
                    % {"stall": v["stall"], "row": seen_stalls[stall]}
                )
            else:
                seen_stalls[stall] = row.number
        vendor_key = (fold(v["full_name"]), stall)
        if v["full_name"] and vendor_key in seen_vendors:
            row.errors.append(
                _("This vendor is also on row %(row)s.") % {"row": seen_vendors[vendor_key]}
            )
        seen_vendors.setdefault(vendor_key, row.number)
        if any(v[k] for k in ACCOUNT_KEYS):
            bank = banks.get(fold(v["bank"]))
            if bank is None:
                row.errors.append(
                    _('Unknown bank "%(bank)s"; write its BIN or short name.') % {"bank": v["bank"]}
                )
            try:
                number = vietqr.validate_account(v["account_number"])
            except vietqr.VietQRError as exc:
                row.errors.append(vietqr_error_message(exc))
                number = None
            if not v["holder_name"]:
                row.errors.append(_("The account holder name is empty."))
            if bank and number:
                key = (bank.bin, number)
                if key in seen_accounts:
                    row.errors.append(
                        _("This account is also on row %(row)s.") % {"row": seen_accounts[key]}
                    )
                seen_accounts.setdefault(key, row.number)
                v["bank"] = bank.bin
                v["account_number"] = number
        if v["village"] and fold(v["village"]) in villages:
            v["village"] = villages[fold(v["village"])].code
        v["status"] = _status(v["status"]) or v["status"]
    return rows


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
                        account.bank.short_name,
                        account.account_number,
                        account.holder_name,
                        account.label,
                        vendor.notes,
                    ],
                )
    return xlsx_bytes(book)
