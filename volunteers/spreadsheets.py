"""Volunteer spreadsheets: read and check a roster import (XLSX or CSV), write the export.

The export and the import share one column layout, so a branch can export its
roster, add rows and import them back. Values are written in Vietnamese
("Bí thư", "có") whatever the page's language, like the headers; the import
also accepts the English labels and the codes.
"""

from collections import defaultdict
from collections.abc import Iterable

import openpyxl
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import Village
from kit import spreadsheets as shared
from kit.spreadsheets import MAX_BYTES, Row, SpreadsheetError
from kit.text import fold

from .models import Volunteer

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "Row",
    "SpreadsheetError",
    "check_rows",
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


def _village_index(villages: Iterable[Village]) -> dict[str, list[Village]]:
    index: dict[str, list[Village]] = defaultdict(list)
    for village in villages:
        for key in {fold(village.code), fold(village.name)}:
            index[key].append(village)
    return index


def check_rows(rows: list[Row], villages: QuerySet[Village]) -> list[Row]:  # noqa: C901, PLR0912, PLR0915 - to split (issue 12)
    """Fill each row's errors (in the active language) and ``cleaned``; nothing is written.

    ``villages`` are those the officer may import into. Three queries, however
    many rows: the villages, the other villages of their communes (to tell
    "not yours" from "unknown"), and the phones already on their rosters.
    """
    scope = {v.pk: v for v in villages}
    communes = {v.commune_id for v in scope.values()}
    index = _village_index(Village.objects.filter(commune_id__in=communes) if communes else [])
    taken: dict[tuple[int, str], str] = {}
    names: set[tuple[int, str]] = set()
    if scope:
        for village_id, phone, name in Volunteer.objects.filter(village_id__in=scope).values_list(
            "village_id", "phone", "full_name"
        ):
            if phone:
                taken[(village_id, phone)] = name
            names.add((village_id, fold(name)))
    roles = _roles()
    today = timezone.localdate()
    seen_phones: dict[str, int] = {}
    for row in rows:
        v = row.values
        name, phone = shared.person_row_start(row)

        village = None
        if not v["village"]:
            row.errors.append(_("The village is empty."))
        else:
            found = index.get(fold(v["village"]), [])
            mine = [c for c in found if c.pk in scope]
            if len(mine) == 1:
                village = mine[0]
            elif mine:
                row.errors.append(
                    _('Several villages are called "%(village)s"; write the village code.')
                    % {"village": v["village"]}
                )
            elif found:
                row.errors.append(
                    _("You may not add volunteers to %(village)s.") % {"village": found[0].name}
                )
            else:
                row.errors.append(_('Unknown village "%(village)s".') % {"village": v["village"]})

        role = (
            roles.get(fold(v["branch_role"])) if v["branch_role"] else Volunteer.BranchRole.MEMBER
        )
        if role is None:
            row.errors.append(
                _('Unknown role "%(role)s"; use one of: %(choices)s.')
                % {"role": v["branch_role"], "choices": ", ".join(ROLE_NAMES.values())}
            )

        flags = {}
        for key, default in (("on_tech_team", False), ("active", True)):
            flags[key] = shared.yes_no(v[key], default=default)
            if flags[key] is None:
                row.errors.append(
                    _('Write "có" or "không" in the column "%(column)s", not "%(value)s".')
                    % {"column": _column_header(key), "value": v[key]}
                )

        joined_on = None
        try:
            joined_on = shared.parse_date(v["joined_on"])
        except ValueError:
            row.errors.append(
                _(
                    'The date "%(date)s" cannot be read; write it as day/month/year, '
                    "for example 05/12/2026."
                )
                % {"date": v["joined_on"]}
            )
        if joined_on is not None and joined_on > today:
            row.errors.append(
                _("The joining date %(date)s is in the future.") % {"date": f"{joined_on:%d/%m/%Y}"}
            )

        if phone:
            if phone in seen_phones:
                row.errors.append(
                    _("The phone number %(phone)s is also on row %(row)s.")
                    % {"phone": phone, "row": seen_phones[phone]}
                )
            else:
                seen_phones[phone] = row.number
            if village is not None and (village.pk, phone) in taken:
                row.errors.append(
                    _("%(name)s of %(village)s already has the phone number %(phone)s.")
                    % {"name": taken[(village.pk, phone)], "village": village.name, "phone": phone}
                )
        if name and village is not None and (village.pk, fold(name)) in names:
            row.notes.append(
                _("%(village)s already has a volunteer of this name: is it the same person?")
                % {"village": village.name}
            )

        if row.ok:
            row.cleaned = {
                "full_name": name,
                "phone": phone,
                "village": village,
                "branch_role": role,
                "on_tech_team": flags["on_tech_team"],
                "joined_on": joined_on,
                "active": flags["active"],
            }
    return rows


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
