"""Volunteer spreadsheets: read and check a roster import (XLSX or CSV), write the export.

The export and the import share one column layout, so a branch can export its
roster, add rows and import them back. Values are written in Vietnamese
("Bí thư", "có") whatever the page's language, like the headers; the import
also accepts the English labels and the codes.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import openpyxl
from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from core.models import Village
from kit import spreadsheets as shared
from kit.forms import known_choices
from kit.spreadsheets import MAX_BYTES, Row, SpreadsheetError
from kit.text import fold

from . import selectors
from .forms import VolunteerForm
from .models import Volunteer

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "Row",
    "SpreadsheetError",
    "check_rows",
    "export_resident_xlsx",
    "export_volunteers_xlsx",
    "read_rows",
]

# key, Vietnamese header (what the export writes), English header, other accepted headers
COLUMNS = [
    ("full_name", "Họ và tên", "Full name", "Họ tên"),
    ("phone", "Số điện thoại", "Phone", "Điện thoại", "SĐT"),
    ("village", "Thôn, làng", "Village", "Thôn", "Chi đoàn"),
    ("branch_role", "Vai trò", "Role", "Chức vụ"),
    ("on_tech_team", "Tổ công nghệ số", "Tech team", "Tổ CNS"),
    ("joined_on", "Ngày vào", "Joined", "Ngày vào đoàn"),
    ("active", "Đang hoạt động", "Active"),
]
REQUIRED = ("full_name", "village")

# What the export writes, and the Vietnamese names the import accepts besides labels and codes.
ROLE_NAMES = {
    Volunteer.BranchRole.SECRETARY: "Bí thư",
    Volunteer.BranchRole.DEPUTY: "Phó bí thư",
    Volunteer.BranchRole.MEMBER: "Đoàn viên",
}
_ROLE_ALIASES = {
    Volunteer.BranchRole.SECRETARY: ("Bí thư chi đoàn", "BT"),
    Volunteer.BranchRole.DEPUTY: ("Phó bí thư chi đoàn", "PBT"),
    Volunteer.BranchRole.MEMBER: ("Thành viên",),
}
YES, NO = "có", "không"


def read_rows(content: bytes, filename: str) -> list[Row]:
    """The data rows of the file, keyed by column, or SpreadsheetError for the whole file."""
    return shared.read_rows(content, filename, COLUMNS, required=REQUIRED)


def _roles() -> dict[str, str]:
    """Folded name, label (English or the active language) or code → role code."""
    roles: dict[str, str] = {}
    for role in Volunteer.BranchRole:
        with translation.override("en"):
            english = str(role.label)
        names = (role.value, ROLE_NAMES[role], *_ROLE_ALIASES[role], english, str(role.label))
        for name in names:
            roles.setdefault(fold(name), role.value)
    return roles


@dataclass(frozen=True)
class _Known:
    """What every row is checked against, read once (three queries, however many rows)."""

    villages: QuerySet[Village]  # those the officer may import into
    in_scope: dict[str, Village]  # the same, read (``kit.forms.known_choices``)
    by_text: dict[str, list[Village]]  # folded code or name → villages of their communes
    roster: selectors.Roster
    roles: dict[str, str]


def _known(villages: QuerySet[Village]) -> _Known:
    in_scope = known_choices(villages)
    communes = {v.commune_id for v in in_scope.values()}
    by_text: dict[str, list[Village]] = defaultdict(list)
    for village in Village.objects.filter(commune_id__in=communes):  # none: no query
        for key in {fold(village.code), fold(village.name)}:
            by_text[key].append(village)
    return _Known(
        villages=villages,
        in_scope=in_scope,
        by_text=by_text,
        roster=selectors.roster_of(v.pk for v in in_scope.values()),
        roles=_roles(),
    )


def check_rows(rows: list[Row], villages: QuerySet[Village]) -> list[Row]:
    """Fill each row's errors (in the active language) and ``cleaned``; nothing is written.

    Each row is checked by ``forms.VolunteerForm``, the admin's form, once its cells
    are read into the form's data (a village by code or name, a role by name, "có" or
    "không", a day-first date); what only a list can get wrong (a phone twice in the
    file) is checked here. ``villages`` are those the officer may import into. Three
    queries, however many rows: the villages, the other villages of their communes (to
    tell "not yours" from "unknown"), and the rosters of those villages.
    """
    known = _known(villages)
    seen_phones: dict[str, int] = {}
    for row in rows:
        data, unread = _form_data(row.values, known)
        form = VolunteerForm(
            data, villages=known.villages, known_villages=known.in_scope, roster=known.roster
        )
        cleaned = shared.check_with_form(row, form, unread)
        phone = shared.read_with(form, "phone")
        if phone:
            row.values["phone"] = phone  # as it is kept, in the preview too
            _check_phone_once(row, phone, seen_phones)
        _note_same_name(row, form.cleaned_data, known.roster)
        if row.ok:
            row.cleaned = cleaned
    return rows


def _form_data(values: dict[str, str], known: _Known) -> tuple[dict, dict[str, str]]:
    """The row's cells as ``VolunteerForm``'s data, and why a cell could not be read (by field);
    a cell that cannot be read is left out of the data."""
    data: dict = {"full_name": values["full_name"], "phone": values["phone"]}
    unread: dict[str, str] = {}
    for field, read in (
        ("village", lambda text: _village(text, known)),
        ("branch_role", lambda text: _role(text, known.roles)),
        ("on_tech_team", lambda text: _flag(text, "on_tech_team", default=False)),
        ("active", lambda text: _flag(text, "active", default=True)),
        ("joined_on", _date),
    ):
        try:
            data[field] = read(values[field])
        except ValueError as exc:
            unread[field] = str(exc)
    return data, unread


def _village(text: str, known: _Known) -> Village | None:
    """The village a cell names (by code or name; one the officer may not use is for the
    form to refuse); ValueError when none or several of theirs have the name."""
    if not text:
        return None
    found = known.by_text.get(fold(text), [])
    mine = [v for v in found if str(v.pk) in known.in_scope]
    if len(mine) > 1:
        raise ValueError(
            _('Several villages are called "%(village)s"; write the village code.')
            % {"village": text}
        )
    if not found:
        raise ValueError(_('Unknown village "%(village)s".') % {"village": text})
    return (mine or found)[0]


def _role(text: str, roles: dict[str, str]) -> str:
    if not text:
        return Volunteer.BranchRole.MEMBER
    role = roles.get(fold(text))
    if role is None:
        raise ValueError(
            _('Unknown role "%(role)s"; use one of: %(choices)s.')
            % {"role": text, "choices": ", ".join(ROLE_NAMES.values())}
        )
    return role


def _flag(text: str, key: str, *, default: bool) -> bool:
    flag = shared.yes_no(text, default=default)
    if flag is None:
        raise ValueError(
            _('Write "có" or "không" in the column "%(column)s", not "%(value)s".')
            % {"column": _column_header(key), "value": text}
        )
    return flag


def _date(text: str):
    try:
        return shared.parse_date(text)
    except ValueError:
        raise ValueError(
            _(
                'The date "%(date)s" cannot be read; write it as day/month/year, '
                "for example 05/12/2026."
            )
            % {"date": text}
        ) from None


def _check_phone_once(row: Row, phone: str, seen_phones: dict[str, int]) -> None:
    if phone in seen_phones:
        row.errors.append(
            _("The phone number %(phone)s is also on row %(row)s.")
            % {"phone": phone, "row": seen_phones[phone]}
        )
    else:
        seen_phones[phone] = row.number


def _note_same_name(row: Row, cleaned: dict, roster: selectors.Roster) -> None:
    name, village = cleaned.get("full_name"), cleaned.get("village")
    if name and village is not None and (village.pk, fold(name)) in roster.names:
        row.notes.append(
            _("%(village)s already has a volunteer of this name: is it the same person?")
            % {"village": village.name}
        )


def _column_header(key: str) -> str:
    return next(c[1] for c in COLUMNS if c[0] == key)


def export_volunteers_xlsx(volunteers: Iterable[Volunteer]) -> bytes:
    """The volunteers in the import layout (write-only XLSX); pass them with their village."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title="Đoàn viên")
    shared.xlsx_append(sheet, [c[1] for c in COLUMNS], bold=True)
    for volunteer in volunteers:
        shared.xlsx_append(
            sheet,
            [
                volunteer.full_name,
                volunteer.phone,
                volunteer.village.name,
                ROLE_NAMES.get(volunteer.branch_role, volunteer.branch_role),
                YES if volunteer.on_tech_team else NO,
                volunteer.joined_on,
                YES if volunteer.active else NO,
            ],
        )
    return shared.xlsx_bytes(book)


# What is kept about one resident (access on request), in Vietnamese like every export.
RESIDENT_COLUMNS = [
    "Ngày",
    "Thôn, làng",
    "Dịch vụ và kết quả",
    "Chiến dịch",
    "Người hỗ trợ",
    "Người ghi nhận",
    "Họ và tên",
    "Năm sinh",
    "Số điện thoại",
    "Đồng ý lưu tên và số điện thoại",
    "Người bán ở chợ",
    "Ghi chú",
]


def _services_text(record) -> str:
    return "; ".join(
        f"{given.get_service_display()}: {given.get_outcome_display()}"
        for given in record.services.all()
    )


def resident_rows(records: Iterable) -> list[list]:
    """One row per visit in ``RESIDENT_COLUMNS``' order (pass ``selectors.resident_visits``)."""
    with translation.override(settings.LANGUAGE_CODE):
        return [
            [
                record.helped_on,
                record.village.name,
                _services_text(record),
                record.campaign.name if record.campaign else "",
                ", ".join(v.full_name for v in record.volunteers.all()),
                str(record.recorded_by) if record.recorded_by else "",
                record.resident_name,
                record.resident_birth_year,
                record.resident_phone,
                YES if record.resident_consented else NO,
                str(record.vendor) if record.vendor else "",
                record.notes,
            ]
            for record in records
        ]


def export_resident_xlsx(records: Iterable, *, exported_by: str, today: datetime.date) -> bytes:
    """What is kept about one resident: a heading (who downloaded it, when, for how long
    visits keep a name) and one row per visit (write-only XLSX)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title="Dữ liệu người dân")
    shared.xlsx_append(sheet, ["Dữ liệu cá nhân của người dân được lưu trên cổng"], bold=True)
    shared.xlsx_append(sheet, ["Ngày tải về", today])
    shared.xlsx_append(sheet, ["Người tải về", exported_by])
    shared.xlsx_append(
        sheet,
        [
            "Thời hạn lưu",
            f"Tên, số điện thoại và ghi chú được xoá {settings.RESIDENT_DATA_MONTHS} tháng "
            "sau ngày hỗ trợ (Nghị định 13/2023/NĐ-CP).",
        ],
    )
    shared.xlsx_append(sheet, [])
    shared.xlsx_append(sheet, RESIDENT_COLUMNS, bold=True)
    for row in resident_rows(records):
        shared.xlsx_append(sheet, row)
    return shared.xlsx_bytes(book)
