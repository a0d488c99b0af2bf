"""Day-first dates, as people write them in Viet Nam. Pure Python: no Django import.

``05/12/2026`` is 5 December 2026, in Vietnamese and in English alike (an
officer who switches the interface to English still means the same day), so
a month-first date is never read: ``12/31/2026`` is refused, not guessed. ISO
(``2026-12-05``) is read too: it is what ``<input type="date">`` posts and what
a real date cell of a spreadsheet becomes.

The lists below are the project's format modules' input formats
(``kit/formats/<language>/formats.py``), so forms, the admin (its
calendar writes the first one), and spreadsheet imports (``parse_date``,
``parse_datetime``) read the same dates.
"""

import datetime
from zoneinfo import ZoneInfo

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 05/12/2026: first, so date fields show it and the admin's calendar writes it
    "%d/%m/%y",  # 05/12/26
    "%d-%m-%Y",  # 05-12-2026
    "%d.%m.%Y",  # 05.12.2026
    "%Y-%m-%d",  # 2026-12-05: ISO, what <input type="date"> posts
]

TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]

DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",  # first: what a date-time field shows
    *(f"{day} {time}" for day in DATE_INPUT_FORMATS for time in TIME_INPUT_FORMATS),
    *DATE_INPUT_FORMATS,  # a date alone is that day at 00:00
]
DATETIME_INPUT_FORMATS = list(dict.fromkeys(DATETIME_INPUT_FORMATS))  # without repeats

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _clean(value: str) -> str:
    return " ".join(value.split()).replace("T", " ", 1)


def parse_date(
    value: "str | datetime.date | None", *, zone: datetime.tzinfo = LOCAL_ZONE
) -> datetime.date | None:
    """A day-first or ISO date; ``None`` for an empty value; ``ValueError`` if unclear.

    A spreadsheet's real date cell (``date`` or ``datetime``) is taken as it is;
    an aware ``datetime`` counts as the day it is in ``zone``. Text may carry a
    time ("05/12/2026 14:30", a form's timestamp), which is dropped.
    """
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(zone).date() if value.tzinfo else value.date()
    if isinstance(value, datetime.date):
        return value
    return moment.date() if (moment := _parse_text(value)) else None


def parse_datetime(
    value: "str | datetime.date | None", *, zone: datetime.tzinfo = LOCAL_ZONE
) -> datetime.datetime | None:
    """An aware date-time from day-first or ISO text or a cell; ``ValueError`` if unclear.

    A time without a zone (what Excel keeps, what people type) is the time in
    ``zone``, Viet Nam's by default; a date alone is 00:00 that day.
    """
    if value is None:
        return None
    moment: datetime.datetime | None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime(value.year, value.month, value.day, tzinfo=zone)
    else:
        moment = _parse_text(value)
        if moment is None:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _parse_text(value: str) -> datetime.datetime | None:
    text = _clean(value)
    if not text:
        return None
    for pattern in DATETIME_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern)  # noqa: DTZ007 (naive: the caller's zone)
        except ValueError:
            continue
    try:  # ISO with seconds' fractions or a zone ("2026-12-05 14:30:00+07:00")
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(value) from None
