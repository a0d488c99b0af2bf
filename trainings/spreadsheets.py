"""Attendance spreadsheets: import a past session's list, export who attended.

The import reads a list such as a Google Forms answer sheet (its timestamp and
e-mail columns are ignored): full name, phone, village. Each row is matched to
a volunteer of the session's branch (or commune) by phone, then by name
without diacritics; a person not on the roster is kept as a walk-in. The
export is a small report: the session, then one row per attendee.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.models import Village
from kit import spreadsheets as shared
from kit.spreadsheets import MAX_BYTES, Row, SpreadsheetError
from kit.text import fold
from volunteers.selectors import branch_or_commune_volunteers

from .models import Attendance, TrainingSession

if TYPE_CHECKING:
    from volunteers.models import Volunteer

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "Row",
    "SpreadsheetError",
    "check_attendance_rows",
    "export_attendance_csv",
    "export_attendance_xlsx",
    "read_rows",
]

# key, Vietnamese header, English header, other headers seen on forms
COLUMNS = [
    ("full_name", "Họ và tên", "Full name", "Họ tên", "Tên", "Name", "Họ và tên đoàn viên"),
    ("phone", "Số điện thoại", "Phone", "Điện thoại", "SĐT", "Số ĐT", "Phone number"),
    ("village", "Thôn, làng", "Village", "Thôn", "Làng", "Thôn/làng", "Chi đoàn"),
]


def read_rows(content: bytes, filename: str) -> list[Row]:
    """The data rows of the file, keyed by column, or SpreadsheetError for the whole file.

    Columns other than name, phone and village (a form's timestamp) are ignored.
    """
    return shared.read_rows(
        content, filename, COLUMNS, required=("full_name",), ignore_unknown=True
    )


read_attendance_rows = read_rows


def _scope(session: TrainingSession):
    """The volunteers who may attend: the branch's for a village session, else the commune's."""
    return branch_or_commune_volunteers(
        village_id=session.village_id, commune_id=session.commune_id
    )


def check_attendance_rows(rows: list[Row], session: TrainingSession) -> list[Row]:  # noqa: C901, PLR0912, PLR0915 - to split (issue 12)
    """Match each row to a volunteer or keep it as a walk-in; fill errors; nothing is written.

    Three queries, however many rows: the commune's villages, the volunteers
    who may attend, and who is already marked present.
    """
    by_code: dict[str, Village] = {}
    by_village_name: dict[str, Village] = {}
    for village in Village.objects.filter(commune_id=session.commune_id):
        by_code[fold(village.code)] = village  # codes are unique in a commune
        by_village_name.setdefault(fold(village.name), village)
    by_phone: dict[str, list[Volunteer]] = defaultdict(list)
    by_name: dict[str, list[Volunteer]] = defaultdict(list)
    for volunteer in _scope(session):
        if volunteer.phone:
            by_phone[volunteer.phone].append(volunteer)
        by_name[fold(volunteer.full_name)].append(volunteer)
    present_volunteers: set[int] = set()
    present_phones: set[str] = set()
    present_names: set[tuple[str, int | None]] = set()
    for volunteer_id, name, village_id, phone in Attendance.objects.filter(
        session=session
    ).values_list("volunteer_id", "name", "village_id", "phone"):
        if volunteer_id:
            present_volunteers.add(volunteer_id)
        else:
            present_names.add((fold(name), village_id))
            if phone:
                present_phones.add(phone)
    seen: dict[tuple, int] = {}

    for row in rows:
        v = row.values
        name, phone = shared.person_row_start(row)
        village = None
        if v["village"]:
            wanted = fold(v["village"])
            village = by_code.get(wanted) or by_village_name.get(wanted)
            if village is None:
                row.errors.append(_('Unknown village "%(village)s".') % {"village": v["village"]})
        if not row.ok:
            continue

        volunteer, several = _match(name, phone, village, by_phone, by_name)
        if volunteer is not None:
            keys = [("volunteer", volunteer.pk)]
            if volunteer.pk in present_volunteers:
                row.errors.append(
                    _("%(name)s is already marked present at this session.")
                    % {"name": volunteer.full_name}
                )
            row.notes.append(
                _("Matched to the volunteer %(name)s (%(village)s).")
                % {"name": volunteer.full_name, "village": volunteer.village.name}
            )
        else:
            village_id = village.pk if village else None
            keys = [("name", fold(name), village_id)]
            if phone:
                keys.append(("phone", phone))
            if (fold(name), village_id) in present_names or phone in present_phones:
                row.errors.append(
                    _("%(name)s is already marked present at this session.") % {"name": name}
                )
            if several:
                row.notes.append(
                    _(
                        "Several volunteers are called %(name)s: add the phone number to tell "
                        "them apart. Saved as a walk-in."
                    )
                    % {"name": name}
                )
            else:
                row.notes.append(_("Not in the volunteer list: saved as a walk-in."))
        for key in keys:
            if key in seen:
                row.errors.append(_("This person is also on row %(row)s.") % {"row": seen[key]})
                break
        for key in keys:
            seen.setdefault(key, row.number)
        if row.ok:
            if volunteer is not None:
                row.cleaned = {"volunteer": volunteer}
            else:
                row.cleaned = {"name": name, "village": village, "phone": phone}
    return rows


def _match(
    name: str,
    phone: str,
    village: Village | None,
    by_phone: dict[str, list[Volunteer]],
    by_name: dict[str, list[Volunteer]],
) -> tuple[Volunteer | None, bool]:
    """The volunteer a row names, and whether several had the name (then nobody is chosen).

    By phone first; then by name within the row's village, or within the whole
    scope when the row has no village, only if one volunteer has it.
    """
    if phone:
        found = by_phone.get(phone, [])
        if village is not None:
            found = [v for v in found if v.village_id == village.pk]
        if len(found) == 1:
            return found[0], False
    found = by_name.get(fold(name), [])
    if village is not None:
        found = [v for v in found if v.village_id == village.pk]
    if len(found) == 1:
        return found[0], False
    return None, len(found) > 1


# ------------------------------------------------------------------ export


def _headers() -> list[str]:
    return [
        pgettext("row number", "No."),
        _("Full name"),
        _("Village"),
        _("Phone"),
        _("How recorded"),
        _("Checked in at"),
        _("Certificate code"),
    ]


def _local(moment: datetime.datetime) -> datetime.datetime:
    """The time as the commune reads it (Asia/Ho_Chi_Minh), without a zone, for Excel."""
    return timezone.localtime(moment, timezone.get_default_timezone()).replace(tzinfo=None)


def _table(attendances: Iterable[Attendance]) -> list[list]:
    return [
        [
            number,
            attendance.name,
            attendance.village.name if attendance.village else "",
            attendance.phone,
            attendance.get_method_display(),
            _local(attendance.checked_in_at),
            attendance.certificate_code,
        ]
        for number, attendance in enumerate(attendances, start=1)
    ]


def _when(session: TrainingSession) -> str:
    start, end = _local(session.starts_at), _local(session.ends_at)
    if start.date() == end.date():
        return f"{start:%d/%m/%Y %H:%M} - {end:%H:%M}"
    return f"{start:%d/%m/%Y %H:%M} - {end:%d/%m/%Y %H:%M}"


def export_attendance_xlsx(session: TrainingSession, attendances: Iterable[Attendance]) -> bytes:
    """The session (title, time, place, branch, count), then who attended (write-only XLSX).

    Pass the attendances with their village (``selectors.session_attendances``).
    """
    table = _table(attendances)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=shared.sheet_title(session.title, "Attendance"))
    shared.xlsx_append(sheet, [session.title], bold=True)
    shared.xlsx_append(sheet, [pgettext("training session", "Time"), _when(session)])
    if session.place or session.online_link:
        where = session.place or session.online_link
        shared.xlsx_append(sheet, [pgettext("training session", "Place"), where])
    branch = session.village.name if session.village else _("Whole commune")
    shared.xlsx_append(sheet, [pgettext("Youth Union", "Branch"), branch])
    shared.xlsx_append(sheet, [_("Attendees"), len(table)])
    sheet.append([])
    shared.xlsx_append(sheet, _headers(), bold=True)
    for row in table:
        shared.xlsx_append(sheet, row)
    return shared.xlsx_bytes(book)


def export_attendance_csv(attendances: Iterable[Attendance]) -> bytes:
    """Who attended, one row each (CSV in UTF-8 with a byte-order mark, for Excel)."""
    rows = [[*row[:5], f"{row[5]:%d/%m/%Y %H:%M}", row[6]] for row in _table(attendances)]
    return shared.write_csv([_headers(), *rows])
