"""Vendor spreadsheets: read and check an import (XLSX or CSV), write the export (XLSX).

The export and the import share one column layout, so an officer can export
a market, fill in rows and import them back. Headers are matched without
case or diacritics ("ho va ten" = "Họ và tên"), in Vietnamese or English.
"""

import contextlib
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl
from django.utils.translation import gettext as _

from chuprong.text import fold

from . import vietqr
from .models import Bank, Market, Vendor
from .vietqr_messages import vietqr_error_message

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_UNZIPPED = 50 * 1024 * 1024  # an XLSX is a zip: refuse zip bombs before opening

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
HEADER_KEYS = {fold(h): key for key, vi, en in COLUMNS for h in (vi, en, key)}
ACCOUNT_KEYS = ("bank", "account_number", "holder_name")


class SpreadsheetError(Exception):
    """The whole file is refused; the message says why, in the active language."""


@dataclass
class Row:
    number: int  # as the officer sees it in the spreadsheet (header = 1)
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _read_table(content: bytes, filename: str) -> list[list[str]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                    raise SpreadsheetError(_("The spreadsheet is too large once unpacked."))
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except SpreadsheetError:
            raise
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise SpreadsheetError(
                _("The file could not be read as an XLSX spreadsheet. Is it damaged?")
            ) from exc
        sheet = book.worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True):
            table.append([_cell(v) for v in row])
            if len(table) > MAX_ROWS + 1:
                break
        book.close()
        return table
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SpreadsheetError(
                _('The CSV file is not in UTF-8. Save it again as "CSV UTF-8".')
            ) from exc
        if "\x00" in text:
            raise SpreadsheetError(_("The file is not a CSV text file."))
        dialect = csv.excel
        with contextlib.suppress(csv.Error):  # a one-column file has no delimiter to find
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        return [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text), dialect)]
    raise SpreadsheetError(_("Upload an .xlsx or a .csv file."))


def read_rows(content: bytes, filename: str) -> list[Row]:
    """The data rows of the file, keyed by column, or SpreadsheetError for the whole file."""
    if len(content) > MAX_BYTES:
        raise SpreadsheetError(_("The file is larger than 2 MB."))
    table = [row for row in _read_table(content, filename) if any(row)]
    if not table:
        raise SpreadsheetError(_("The file is empty."))
    header = table[0]
    keys = []
    for title in header:
        key = HEADER_KEYS.get(fold(title))
        if title and key is None:
            raise SpreadsheetError(
                _('Unknown column "%(column)s". The columns are: %(columns)s.')
                % {"column": title, "columns": ", ".join(vi for _k, vi, _en in COLUMNS)}
            )
        if key in keys:
            raise SpreadsheetError(_('The column "%(column)s" appears twice.') % {"column": title})
        keys.append(key)
    if "full_name" not in keys:
        raise SpreadsheetError(_('The column "Họ và tên" (full name) is missing.'))
    if len(table) - 1 > MAX_ROWS:
        raise SpreadsheetError(
            _("The file has more than %(max)s rows; split it into smaller files.")
            % {"max": MAX_ROWS}
        )
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {key: "" for key, _vi, _en in COLUMNS}
        for key, value in zip(keys, cells, strict=False):
            if key:
                values[key] = value
        rows.append(Row(number=number, values=values))
    return rows


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
    sheet = book.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", market.name)[:31] or "Vendors")
    sheet.append([vi for _k, vi, _en in COLUMNS])
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
                sheet.append([*base, "", "", "", "", vendor.notes])
            else:
                sheet.append(
                    [
                        *base,
                        account.bank.short_name,
                        account.account_number,
                        account.holder_name,
                        account.label,
                        vendor.notes,
                    ]
                )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
