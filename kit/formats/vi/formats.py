"""Vietnamese formats: Django's own (``Ngày 05 tháng 12 năm 2026``, already day-first) plus
day-first input and short formats. Django's ``vi`` module sets no input formats, so without
these forms would read Django's default, month-first ``%m/%d/%Y``.
"""

from kit.dates import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, TIME_INPUT_FORMATS

__all__ = [
    "DATETIME_INPUT_FORMATS",
    "DATE_INPUT_FORMATS",
    "FIRST_DAY_OF_WEEK",
    "SHORT_DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "TIME_INPUT_FORMATS",
]

SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
