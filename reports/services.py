"""Writes of the adoption reports: request, make (in a worker), fail, requeue, sweep, monthly.

The Celery tasks (reports/tasks.py) call these; queuing goes through the task's
registered name (``GENERATE_REPORT``), so this module does not import the tasks.
"""

import datetime
import logging
import tempfile
from functools import partial

from celery import signature
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import KombuError

from core import audit
from core.models import Commune, User, Village
from kit.text import slugify

from . import files as report_files
from . import reporting
from .models import AdoptionReport
from .reporting import previous_month

logger = logging.getLogger(__name__)

# The Celery task's registered name: kept from before the move, so queued messages
# and django-celery-beat's PeriodicTask rows still find it.
GENERATE_REPORT = "chuprong.generate_report"

# ------------------------------------------------------------------ adoption reports

REPORT_MAX_DAYS = 3 * 366  # a custom period longer than this is refused
REPORT_MAX_ATTEMPTS = 3  # the sweeper requeues a report whose worker died this many times


def _scope_key(commune: Commune, village: Village | None) -> str:
    return f"village:{village.pk}" if village is not None else f"commune:{commune.pk}"


def report_request(
    *,
    commune: Commune,
    village: Village | None = None,
    period_kind: str,
    start: datetime.date,
    end: datetime.date,
    actor: User | None,
) -> AdoptionReport:
    """Queue a new version of the report for this scope and period.

    A report of the same scope and period that is still queued or running is
    returned instead of a second one (a double tap makes one report). The task
    is queued once the row is committed.
    """
    if village is not None and village.commune_id != commune.pk:
        raise ValidationError(_("The village is not in this commune."))
    if start > end:
        raise ValidationError(_("The period ends before it starts."))
    if start > timezone.localdate():
        raise ValidationError(_("The period has not started yet."))
    if (end - start).days > REPORT_MAX_DAYS:
        raise ValidationError(_("A report covers at most three years."))
    if period_kind not in AdoptionReport.PeriodKind.values:
        raise ValidationError(_("Unknown kind of period."))
    key = _scope_key(commune, village)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                pending = (
                    AdoptionReport.objects.select_for_update()
                    .filter(
                        scope_key=key,
                        period_start=start,
                        period_end=end,
                        status__in=[AdoptionReport.Status.QUEUED, AdoptionReport.Status.RUNNING],
                    )
                    .first()
                )
                if pending is not None:
                    return pending
                last = (
                    AdoptionReport.objects.filter(
                        scope_key=key, period_start=start, period_end=end
                    ).aggregate(v=Max("version"))["v"]
                    or 0
                )
                report = AdoptionReport.objects.create(
                    commune=commune,
                    village=village,
                    scope_key=key,
                    period_kind=period_kind,
                    period_start=start,
                    period_end=end,
                    version=last + 1,
                    requested_by=actor,
                )
                audit.record(actor=actor, obj=report, before=None)
                transaction.on_commit(partial(_enqueue_report, report.pk))
                return report
        except IntegrityError:  # another request took the same version number: try again
            continue
    raise ValidationError(_("The report could not be queued; please try again."))


def _enqueue_report(report_id: int) -> None:
    try:
        signature(GENERATE_REPORT, args=(report_id,)).delay()
    except KombuError:  # broker down: the sweeper queues it again once it is back
        logger.warning("report %s: broker unreachable, left queued for the sweeper", report_id)
    except Exception:  # run in-process (no broker): the report now says why it failed
        logger.exception("report %s failed", report_id)


def _report_progress(report_id: int, percent: int) -> None:
    AdoptionReport.objects.filter(pk=report_id, status=AdoptionReport.Status.RUNNING).update(
        progress=percent, heartbeat_at=timezone.now()
    )


def report_stale_before() -> datetime.datetime:
    """A running report whose worker last spoke before this has lost its worker."""
    return timezone.now() - datetime.timedelta(seconds=settings.REPORT_TIME_LIMIT + 60)


def report_generate(*, report_id: int) -> bool:
    """Make a queued report: claim it, compute, write its files, make it current.

    Claiming is one conditional UPDATE, so a task delivered twice makes the
    report once: the second delivery finds it running (or done) and returns
    False. A report whose worker died (no heartbeat for longer than the time
    limit) can be claimed again.
    """
    now = timezone.now()
    with transaction.atomic():
        # the row as it was, locked so the entry's "before" is what the claim changed
        stored = AdoptionReport.objects.select_for_update().filter(pk=report_id).first()
        claimed = (
            AdoptionReport.objects.filter(pk=report_id)
            .filter(
                Q(status=AdoptionReport.Status.QUEUED)
                | Q(status=AdoptionReport.Status.RUNNING, heartbeat_at__lt=report_stale_before())
            )
            .update(
                status=AdoptionReport.Status.RUNNING,
                started_at=now,
                heartbeat_at=now,
                progress=0,
                error="",
                attempts=F("attempts") + 1,
            )
        )
        if not claimed:
            return False
        report = AdoptionReport.objects.select_related("commune", "village").get(pk=report_id)
        audit.record(actor=None, obj=report, before=audit.snapshot(stored))
    scope = reporting.Scope.of(report.commune, report.village)
    data = reporting.compute(
        scope,
        report.period_start,
        report.period_end,
        kind=report.period_kind,
        progress=partial(_report_progress, report_id),
    )
    stem = (
        f"bao-cao-{slugify(data['scope']['name'])}-{report.period_start:%Y%m%d}-"
        f"{report.period_end:%Y%m%d}-v{report.version}-{report.pk}"
    )
    with tempfile.TemporaryFile() as xlsx:
        report_files.write_xlsx(data, xlsx)
        xlsx.seek(0)
        report.xlsx.save(f"{stem}.xlsx", File(xlsx), save=False)
    report.pdf.save(f"{stem}.pdf", ContentFile(report_files.write_pdf(data)), save=False)
    report.csv.save(f"{stem}.csv", ContentFile(report_files.write_csv(data)), save=False)
    with transaction.atomic():
        locked = AdoptionReport.objects.select_for_update().get(pk=report_id)
        if locked.status != AdoptionReport.Status.RUNNING:
            return False  # failed by the sweeper meanwhile: leave it as it is
        same = AdoptionReport.objects.filter(
            scope_key=report.scope_key,
            period_start=report.period_start,
            period_end=report.period_end,
            is_current=True,
        ).exclude(pk=report_id)
        newer = same.filter(version__gt=report.version).exists()
        if not newer:
            replaced = list(same)
            same.update(is_current=False)
            for old in replaced:
                before, old.is_current = audit.snapshot(old), False
                audit.record(actor=None, obj=old, before=before)
        before = audit.snapshot(locked)
        report.data = data
        report.status = AdoptionReport.Status.DONE
        report.progress = 100
        report.finished_at = timezone.now()
        report.is_current = not newer
        report.save(
            update_fields=[
                "data",
                "status",
                "progress",
                "finished_at",
                "is_current",
                "xlsx",
                "pdf",
                "csv",
            ]
        )
        audit.record(actor=None, obj=report, before=before)
    return True


def report_fail(*, report_id: int, reason: str) -> None:
    """Mark a report failed with its reason, unless it was finished meanwhile."""
    with transaction.atomic():
        report = (
            AdoptionReport.objects.select_for_update()
            .filter(pk=report_id)
            .exclude(status=AdoptionReport.Status.DONE)
            .first()
        )
        if report is None:
            return
        before = audit.snapshot(report)
        report.status = AdoptionReport.Status.FAILED
        report.error, report.finished_at = reason[:2000], timezone.now()
        report.save(update_fields=["status", "error", "finished_at"])
        audit.record(actor=None, obj=report, before=before)


def report_requeue(*, report_id: int) -> None:
    """Put a running report back in the queue (its task will be retried)."""
    with transaction.atomic():
        report = (
            AdoptionReport.objects.select_for_update()
            .filter(pk=report_id, status=AdoptionReport.Status.RUNNING)
            .first()
        )
        if report is None:
            return
        before = audit.snapshot(report)
        report.status, report.progress = AdoptionReport.Status.QUEUED, 0
        report.save(update_fields=["status", "progress"])
        audit.record(actor=None, obj=report, before=before)


def reports_sweep() -> dict[str, int]:
    """Periodic: no report stays "running" or "queued" forever.

    A running report whose worker stopped speaking is queued again, or failed
    once it has had ``REPORT_MAX_ATTEMPTS``; a report queued for long (its
    message lost, e.g. Redis restarted) is sent to the workers again. Sending
    twice is harmless: the task claims the report atomically.
    """
    stale = AdoptionReport.objects.filter(
        status=AdoptionReport.Status.RUNNING, heartbeat_at__lt=report_stale_before()
    )
    failed = stale.filter(attempts__gte=REPORT_MAX_ATTEMPTS).update(
        status=AdoptionReport.Status.FAILED,
        finished_at=timezone.now(),
        error=_("The worker making this report stopped %(n)s times; it was given up.")
        % {"n": REPORT_MAX_ATTEMPTS},
    )
    requeue = list(stale.values_list("pk", flat=True))
    AdoptionReport.objects.filter(pk__in=requeue, status=AdoptionReport.Status.RUNNING).update(
        status=AdoptionReport.Status.QUEUED, progress=0
    )
    lost = list(
        AdoptionReport.objects.filter(
            status=AdoptionReport.Status.QUEUED,
            requested_at__lt=timezone.now() - datetime.timedelta(minutes=10),
        )
        .exclude(pk__in=requeue)
        .values_list("pk", flat=True)
    )
    for report_id in [*requeue, *lost]:
        transaction.on_commit(partial(_enqueue_report, report_id))
    return {"failed": failed, "requeued": len(requeue), "resent": len(lost)}


def reports_monthly(*, day: datetime.date | None = None) -> int:
    """The 1st of each month: every commune's report of the month before (once)."""
    start, end = previous_month(day or timezone.localdate())
    made = 0
    scheduled = AdoptionReport.objects.filter(
        period_start=start, period_end=end, village=None, requested_by=None
    )
    for commune in Commune.objects.exclude(pk__in=scheduled.values("commune_id")):
        report_request(
            commune=commune,
            period_kind=AdoptionReport.PeriodKind.MONTH,
            start=start,
            end=end,
            actor=None,
        )
        made += 1
    return made
