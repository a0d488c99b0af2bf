"""Reads of the portal: the health of the database and of the broker; the people of a
commune with and without a sign-in account."""

from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import DatabaseError, connection

from core import selectors as core_selectors
from core.models import User, Village
from market import selectors as market_selectors
from market.models import Vendor
from volunteers import selectors as volunteering
from volunteers.models import Volunteer


def database_state() -> str:
    """``ok`` when a query round-trips to the database, ``error`` otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "error"
    return "ok"


def broker_state() -> str:
    """``eager`` without a broker (tasks run in-process), else ``ok``/``error``."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        client.ping()
    except redis.RedisError:
        return "error"
    finally:
        client.close()
    return "ok"


# ------------------------------------------------------------------ sign-in accounts


@dataclass(frozen=True)
class Logins:
    """The officer's page of sign-in accounts: their commune's volunteers (secretaries
    among them) and vendors, each with their account if they have one."""

    villages: list[Village]
    village: Village | None
    volunteers: list[Volunteer]
    vendors: list[Vendor]


def logins_overview(user: User, *, village_id: int | None = None) -> Logins:
    """Three queries, whatever the number of people: villages, volunteers, vendors."""
    villages = list(core_selectors.villages_for_user(user).order_by("position", "name"))
    village = next((v for v in villages if v.pk == village_id), None)
    volunteers = (
        volunteering.volunteers_for_user(user)
        .filter(active=True)
        .order_by("village__position", "full_name")
    )
    vendors = (
        market_selectors.vendors_for_user(user)
        .select_related("market", "user")
        .order_by("market__name", "stall", "full_name")
    )
    if village is not None:
        volunteers = volunteers.filter(village=village)
        vendors = vendors.filter(market__village=village)
    return Logins(
        villages=villages, village=village, volunteers=list(volunteers), vendors=list(vendors)
    )
