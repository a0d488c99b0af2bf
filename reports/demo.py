"""Demo targets and baselines of Chư Prông (the figures of the program's plan).

Idempotent: each target and baseline is set again to the same value (the services
record nothing when nothing changed). Set at the province's level, as the province
gives them to its communes.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.models import Commune

from . import services

MARKET_START = datetime.date(2023, 6, 1)  # Chư Prông market's first VietQR codes
PROGRAM_START = datetime.date(2026, 1, 1)  # the other programs began with the year

# indicator code → (target of the year, baseline, its day)
GOALS: dict[str, tuple[Decimal, Decimal, datetime.date]] = {
    # 70% of the registered vendors paid cashless; none were when the market began
    "market.cashless_share": (Decimal(70), Decimal(0), MARKET_START),
    # a library point in each of the 32 villages; 8 were open when the program began
    "library.points_active": (Decimal(32), Decimal(8), PROGRAM_START),
    # 40 officers and Youth Union members trained
    "trainings.people_trained": (Decimal(40), Decimal(0), PROGRAM_START),
    # the webinar for 300 pupils (present plus their external participants)
    "trainings.webinar_audience": (Decimal(300), Decimal(0), PROGRAM_START),
    # the campaign's goal is 80 residents from its first day (volunteers/demo.py):
    # the year's residents helped are at least those
    "assistance.residents": (Decimal(80), Decimal(0), PROGRAM_START),
}


@transaction.atomic
def demo_load(commune: Commune) -> int:
    """The demo commune's targets of this year and their baselines; how many indicators."""
    year = timezone.localdate().year
    for code, (target, baseline, as_of) in GOALS.items():
        services.target_set(commune=commune, indicator=code, year=year, value=target, actor=None)
        services.baseline_set(
            commune=commune, indicator=code, value=baseline, as_of=as_of, actor=None
        )
    return len(GOALS)
