from celery import shared_task
from django.db import DatabaseError

from . import counting, services


@shared_task(
    name="legal_library.refresh_document_status",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
)
def refresh_document_status() -> int:
    """Daily: documents move to "in force" or "expired" as their dates pass (idempotent)."""
    return services.documents_refresh_status()


@shared_task(
    name="legal_library.flush_counts",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
)
def flush_counts() -> int:
    """Every minute: move the visit and read counts buffered in Redis to the database."""
    return counting.flush()
