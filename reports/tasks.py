"""Adoption reports in the background.

Every task takes ids, claims its work atomically (a second delivery does
nothing) and is acknowledged late, so a worker that dies mid-report leaves the
message to another worker; the sweeper catches what slips through.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from . import services

RETRYABLE = (OperationalError, InterfaceError)  # the database went away: try again later


@shared_task(
    bind=True,
    name="chuprong.generate_report",
    # The report row is the result: nothing waits on Celery's result backend, so
    # queuing never subscribes to it (with Redis down that waited 20 s per request).
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRYABLE,
    max_retries=3,
    retry_backoff=settings.REPORT_RETRY_BACKOFF,
    retry_backoff_max=600,
    retry_jitter=False,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TIME_LIMIT,
)
def generate_report(self, report_id: int) -> bool:
    """Make one report; retried on database errors, then failed with the reason."""
    try:
        return services.report_generate(report_id=report_id)
    except RETRYABLE as exc:
        # In-process (no broker) there is no later: fail now; the officer asks again.
        if self.request.is_eager or self.request.retries >= self.max_retries:
            services.report_fail(
                report_id=report_id,
                reason=_("The database could not be reached (%(error)s).")
                % {"error": str(exc).strip()[:300]},
            )
        else:
            services.report_requeue(report_id=report_id)
        raise
    except SoftTimeLimitExceeded:
        services.report_fail(
            report_id=report_id,
            reason=_("Making the report took longer than %(seconds)s seconds.")
            % {"seconds": settings.REPORT_SOFT_TIME_LIMIT},
        )
        raise
    except Exception as exc:
        services.report_fail(
            report_id=report_id,
            reason=_("The report could not be made: %(error)s")
            % {"error": f"{type(exc).__name__}: {exc}"[:500]},
        )
        raise


@shared_task(name="chuprong.sweep_reports", autoretry_for=RETRYABLE, max_retries=3)
def sweep_reports() -> dict:
    """Every 5 minutes: requeue or fail reports whose worker died; resend lost ones."""
    return services.reports_sweep()


@shared_task(
    name="chuprong.monthly_reports", autoretry_for=RETRYABLE, max_retries=5, retry_backoff=60
)
def monthly_reports() -> int:
    """On the 1st at 06:00 (officers can change it): each commune's report of last month."""
    return services.reports_monthly()


@shared_task(
    bind=True,
    name="reports.deliver_report",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=4,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TIME_LIMIT,
)
def deliver_report(self, report_id: int) -> bool:
    """A sent report's files, with the sending written in, e-mailed to the province.

    A failure (mail server, database) is tried again later, 1, 2, 4, 8 minutes on;
    after the last try (or at once without a broker) the report says the e-mail failed.
    """
    try:
        return services.report_deliver(report_id=report_id)
    except Exception as exc:
        final = self.request.is_eager or self.request.retries >= self.max_retries
        services.report_delivery_failed(report_id=report_id, final=final)
        if final:
            raise
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
