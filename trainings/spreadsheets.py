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
from dataclasses import dataclass
from typing import TYPE_CHECKING

import openpyxl
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.models import Village
from kit import spreadsheets as shared
from kit.forms import known_choices
from kit.spreadsheets import MAX_BYTES, Row, SpreadsheetError
from kit.text import fold

from . import selectors
from .forms import AttendeeForm
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


@dataclass(frozen=True)
class _Known:
    """What every row is checked against, read once (three queries, however many rows)."""

    villages: QuerySet[Village]  # the session's: the walk-in villages the page offers
    in_branch: dict[str, Village]  # the same, read (``kit.forms.known_choices``)
    by_text: dict[str, Village]  # folded code or name → a village of the commune
    by_phone: dict[str, list[Volunteer]]  # the roster the page ticks, by phone
    by_name: dict[str, list[Volunteer]]  # … and by name without diacritics
    present_volunteers: set[int]
    present_phones: set[str]  # of walk-ins already present
    present_names: set[tuple[str, int | None]]  # (folded name, village id) of those walk-ins


def _known(session: TrainingSession) -> _Known:
    villages = selectors.session_villages(session)
    of_commune = list(
        Village.objects.filter(commune_id=session.commune_id).annotate(
            in_branch=Exists(villages.filter(pk=OuterRef("pk")))
        )
    )
    by_text: dict[str, Village] = {}
    for village in of_commune:
        by_text.setdefault(fold(village.name), village)
    by_text.update({fold(v.code): v for v in of_commune})  # unique in a commune; they win
    by_phone: dict[str, list[Volunteer]] = defaultdict(list)
    by_name: dict[str, list[Volunteer]] = defaultdict(list)
    for volunteer in selectors.roster(session):
        if volunteer.phone:
            by_phone[volunteer.phone].append(volunteer)
        by_name[fold(volunteer.full_name)].append(volunteer)
    in_branch = known_choices(v for v in of_commune if v.in_branch)
    known = _Known(villages, in_branch, by_text, by_phone, by_name, set(), set(), set())
    for volunteer_id, name, village_id, phone in Attendance.objects.filter(
        session=session
    ).values_list("volunteer_id", "name", "village_id", "phone"):
        if volunteer_id:
            known.present_volunteers.add(volunteer_id)
        else:
            known.present_names.add((fold(name), village_id))
            if phone:
                known.present_phones.add(phone)
    return known


def check_attendance_rows(rows: list[Row], session: TrainingSession) -> list[Row]:
    """Match each row to a volunteer or keep it as a walk-in; fill errors; nothing is written.

    Each row is checked by ``forms.AttendeeForm``, the form of the session page's
    walk-ins, once its village cell is read (by code or name); then it is matched to
    the roster the page ticks (``selectors.roster``). Three queries, however many rows:
    the commune's villages (to read the cells; each says whether the page offers it,
    ``selectors.session_villages``), the roster, and who is already marked present.
    """
    known = _known(session)
    seen: dict[tuple, int] = {}
    for row in rows:
        person = _person(row, known)
        if not person:
            continue
        volunteer, keys = _match_row(row, person, known)
        for key in keys:
            if key in seen:
                row.errors.append(_("This person is also on row %(row)s.") % {"row": seen[key]})
                break
        for key in keys:
            seen.setdefault(key, row.number)
        if row.ok:
            row.cleaned = {"volunteer": volunteer} if volunteer is not None else person
    return rows


def _person(row: Row, known: _Known) -> dict:
    """The row checked by ``AttendeeForm``: its name, phone and village, or {} (errors on it)."""
    v = row.values
    data: dict = {"full_name": v["full_name"], "phone": v["phone"]}
    unread = {}
    if v["village"]:
        data["village"] = known.by_text.get(fold(v["village"]))
        if data["village"] is None:
            unread["village"] = _('Unknown village "%(village)s".') % {"village": v["village"]}
    form = AttendeeForm(data, villages=known.villages, known_villages=known.in_branch)
    person = shared.check_with_form(row, form, unread)
    if person:
        v["phone"] = person["phone"]  # as it is kept, in the preview too
        person["name"] = person.pop("full_name")
    return person


def _match_row(row: Row, person: dict, known: _Known) -> tuple[Volunteer | None, list[tuple]]:
    """The volunteer the row is (a note says who), and the keys that tell the person apart
    in the list; an error if they are already marked present."""
    name, phone, village = person["name"], person["phone"], person["village"]
    volunteer, several = _match(name, phone, village, known.by_phone, known.by_name)
    if volunteer is not None:
        if volunteer.pk in known.present_volunteers:
            row.errors.append(
                _("%(name)s is already marked present at this session.")
                % {"name": volunteer.full_name}
            )
        row.notes.append(
            _("Matched to the volunteer %(name)s (%(village)s).")
            % {"name": volunteer.full_name, "village": volunteer.village.name}
        )
        return volunteer, [("volunteer", volunteer.pk)]
    village_id = village.pk if village else None
    keys: list[tuple] = [("name", fold(name), village_id)]
    if phone:
        keys.append(("phone", phone))
    if (fold(name), village_id) in known.present_names or phone in known.present_phones:
        row.errors.append(_("%(name)s is already marked present at this session.") % {"name": name})
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
    return None, keys


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
