from celery import shared_task
from django.db import DatabaseError

from . import services

RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": 60, "max_retries": 5}


@shared_task(name="volunteers.weekly_campaign_summary", **RETRY)
def weekly_campaign_summary() -> int:
    """Mondays at 07:00 (officers can change it): each open campaign's week, by email."""
    return services.campaigns_weekly_summary()


@shared_task(name="volunteers.expire_resident_data", **RETRY)
def expire_resident_data() -> int:
    """Nightly at 02:30: residents' names and phones older than RESIDENT_DATA_MONTHS erased."""
    return services.resident_data_expire()
