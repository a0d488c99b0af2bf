"""Writes of the adoption reports: request, make (in a worker), fail, requeue, sweep, monthly.

The Celery tasks (reports/tasks.py) call these; queuing goes through the task's
registered name (``GENERATE_REPORT``), so this module does not import the tasks.
"""

import datetime
import logging
import tempfile
from decimal import Decimal
from functools import partial

from celery import signature
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import KombuError

from core import audit
from core.models import Commune, Province, User, Village
from kit.text import slugify

from . import files as report_files
from . import reporting, selectors
from .indicators import BY_CODE, Unit, blocking_problems
from .models import AdoptionReport, IndicatorBaseline, IndicatorTarget
from .reporting import previous_month

logger = logging.getLogger(__name__)

# The Celery task's registered name: kept from before the move, so queued messages
# and django-celery-beat's PeriodicTask rows still find it.
GENERATE_REPORT = "chuprong.generate_report"
DELIVER_REPORT = "reports.deliver_report"

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
    if report.village_id is None:
        # the targets and baselines it was made with: later changes do not rewrite it
        data["targets"] = {
            code: goal.as_json()
            for code, goal in selectors.commune_goals(
                report.commune, report.period_end.year
            ).items()
        }
    _write_files(report, data)
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
        report.as_of = datetime.date.fromisoformat(data["as_of"])
        report.status = AdoptionReport.Status.DONE
        report.progress = 100
        report.finished_at = timezone.now()
        report.is_current = not newer
        report.save(
            update_fields=[
                "data",
                "as_of",
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


def _write_files(report: AdoptionReport, snapshot: dict, suffix: str = "") -> None:
    """Write the report's three files from ``snapshot`` (not saved: the caller saves)."""
    stem = (
        f"bao-cao-{slugify(snapshot['scope']['name'])}-{report.period_start:%Y%m%d}-"
        f"{report.period_end:%Y%m%d}-v{report.version}-{report.pk}{suffix}"
    )
    with tempfile.TemporaryFile() as xlsx:
        report_files.write_xlsx(snapshot, xlsx)
        xlsx.seek(0)
        report.xlsx.save(f"{stem}.xlsx", File(xlsx), save=False)
    report.pdf.save(f"{stem}.pdf", ContentFile(report_files.write_pdf(snapshot)), save=False)
    report.csv.save(f"{stem}.csv", ContentFile(report_files.write_csv(snapshot)), save=False)


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
    return {
        "failed": failed,
        "requeued": len(requeue),
        "resent": len(lost),
        "emails": _emails_sweep(),
    }


def _emails_sweep() -> int:
    """A sent report's e-mail whose message was lost (broker down when it was sent, Redis
    restarted) or whose worker died while sending is queued to the workers again."""
    waiting = AdoptionReport.objects.filter(
        Q(
            email_state=AdoptionReport.EmailState.QUEUED,
            sent_at__lt=timezone.now() - datetime.timedelta(minutes=10),
        )
        | Q(
            email_state=AdoptionReport.EmailState.SENDING,
            email_claimed_at__lt=report_stale_before(),
        )
    )
    ids = list(waiting.values_list("pk", flat=True))
    for report_id in ids:
        transaction.on_commit(partial(_enqueue_delivery, report_id))
    return len(ids)


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


# ------------------------------------------------------------------ sending upward

MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv",
}


def report_send(*, report: AdoptionReport, reason: str, actor: User) -> AdoptionReport:
    """Send a finished commune monthly report to the province: it is frozen from now on.

    A report with a blocking problem (reports.indicators.CHECK_RULES) goes only with a
    written reason, kept with it. Sending a new version of a month already sent marks it
    a correction of the last one sent. The files (with the sending written in them) are
    e-mailed to the province by a task once this is committed.
    """
    if not selectors.may_send(actor, report):
        raise PermissionDenied
    reason = reason.strip()
    with transaction.atomic():
        locked = AdoptionReport.objects.select_for_update().get(pk=report.pk)
        refusal = selectors.send_refusal(locked)
        if refusal:
            raise ValidationError(refusal)
        blocking = blocking_problems(locked.data.get("checks") or [])
        if blocking and not reason:
            raise ValidationError(
                {"reason": _("Write why the report is sent despite its blocking problems.")}
            )
        before = audit.snapshot(locked)
        locked.corrects = (
            AdoptionReport.objects.filter(
                scope_key=locked.scope_key,
                period_start=locked.period_start,
                period_end=locked.period_end,
                version__lt=locked.version,
            )
            .exclude(sent_state=AdoptionReport.SentState.DRAFT)
            .order_by("-version")
            .first()
        )
        locked.sent_state = AdoptionReport.SentState.SENT
        locked.sent_at, locked.sent_by = timezone.now(), actor
        locked.send_reason = reason  # required with a blocking problem, else optional
        locked.email_state = AdoptionReport.EmailState.QUEUED
        locked.save(
            update_fields=[
                "corrects",
                "sent_state",
                "sent_at",
                "sent_by",
                "send_reason",
                "email_state",
            ]
        )
        audit.record(actor=actor, obj=locked, before=before)
        transaction.on_commit(partial(_enqueue_delivery, locked.pk))
    return locked


def _enqueue_delivery(report_id: int) -> None:
    try:
        signature(DELIVER_REPORT, args=(report_id,)).delay()
    except KombuError:  # broker down: the e-mail waits (queued) until it is sent again
        logger.warning("report %s: broker unreachable, e-mail left queued", report_id)
    except Exception:  # run in-process (no broker): the report says the e-mail failed
        logger.exception("report %s: the e-mail to the province failed", report_id)


def report_receive(*, report: AdoptionReport, actor: User) -> AdoptionReport:
    """The province marks a sent report received (once)."""
    if not selectors.may_receive(actor, report):
        raise PermissionDenied
    with transaction.atomic():
        locked = AdoptionReport.objects.select_for_update().get(pk=report.pk)
        if locked.sent_state != AdoptionReport.SentState.SENT:
            raise ValidationError(_("Only a report sent and not yet received can be received."))
        before = audit.snapshot(locked)
        locked.sent_state = AdoptionReport.SentState.RECEIVED
        locked.received_at, locked.received_by = timezone.now(), actor
        locked.save(update_fields=["sent_state", "received_at", "received_by"])
        audit.record(actor=actor, obj=locked, before=before)
    return locked


def _message(report: AdoptionReport, address: str) -> EmailMessage:
    values = {
        "commune": report.commune.name,
        "month": f"{report.period_start:%m/%Y}",
        "version": report.version,
    }
    subject = _("Report of %(commune)s for %(month)s (version %(version)s)") % values
    lines = [
        _("%(commune)s sends its digital transformation report for %(month)s.") % values,
        _("Figures up to %(day)s") % {"day": f"{report.as_of or report.period_end:%d/%m/%Y}"},
        _("Sent by %(name)s on %(when)s.")
        % {
            "name": (report.sent_by.full_name or report.sent_by.username) if report.sent_by else "",
            "when": timezone.localtime(report.sent_at).strftime("%d/%m/%Y %H:%M"),
        },
    ]
    if report.corrects_id:
        lines.append(
            _("This version corrects version %(n)s, sent earlier.") % {"n": report.corrects.version}
        )
    if report.send_reason and blocking_problems(report.data.get("checks") or []):
        lines.append(
            _("Sent despite blocking problems in the data, because: %(reason)s")
            % {"reason": report.send_reason}
        )
    elif report.send_reason:
        lines.append(_("The commune's explanation: %(reason)s") % {"reason": report.send_reason})
    if settings.PUBLIC_BASE_URL:
        lines.append(f"{settings.PUBLIC_BASE_URL.rstrip('/')}/bao-cao/{report.pk}/")
    lines.append(_("The report's files are attached (XLSX, PDF, CSV)."))
    message = EmailMessage(subject, "\n\n".join(lines), to=[address])
    for fmt, mimetype in MIMETYPES.items():
        field = getattr(report, fmt)
        with field.open("rb") as handle:
            message.attach(field.name.rsplit("/", 1)[-1], handle.read(), mimetype)
    return message


def report_deliver(*, report_id: int) -> bool:
    """The task's work after sending: write the files again with the sending in them (the
    figures are the same), then e-mail them to the province's address for reports.

    Claiming is one conditional UPDATE (queued → sending, or sending whose worker went
    silent past the time limit): a task delivered twice e-mails once. A province
    without an address gets no e-mail; the report says so.
    """
    claimed = (
        AdoptionReport.objects.filter(pk=report_id)
        .filter(
            Q(email_state=AdoptionReport.EmailState.QUEUED)
            # its worker died while sending: the message comes again (acks_late) or the
            # sweeper sends it again
            | Q(
                email_state=AdoptionReport.EmailState.SENDING,
                email_claimed_at__lt=report_stale_before(),
            )
        )
        .update(email_state=AdoptionReport.EmailState.SENDING, email_claimed_at=timezone.now())
    )
    if not claimed:
        return False
    report = AdoptionReport.objects.select_related("commune__province", "sent_by", "corrects").get(
        pk=report_id
    )
    old = [getattr(report, fmt).name for fmt in MIMETYPES]
    _write_files(report, selectors.delivery_snapshot(report), suffix="-gui")
    address = report.commune.province.report_email
    if address:
        with translation.override(settings.LANGUAGE_CODE):
            _message(report, address).send()
    with transaction.atomic():
        before = audit.snapshot(AdoptionReport.objects.select_for_update().get(pk=report_id))
        report.email_state = (
            AdoptionReport.EmailState.SENT if address else AdoptionReport.EmailState.NO_ADDRESS
        )
        report.emailed_to, report.emailed_at = address, timezone.now() if address else None
        report.save(update_fields=["xlsx", "pdf", "csv", "email_state", "emailed_to", "emailed_at"])
        audit.record(actor=None, obj=report, before=before)
    for name in old:
        if name and name not in {getattr(report, fmt).name for fmt in MIMETYPES}:
            report.xlsx.storage.delete(name)
    return True


def report_delivery_failed(*, report_id: int, final: bool) -> None:
    """An e-mail that failed is tried again (queued) or, after the last try, failed."""
    state = AdoptionReport.EmailState.FAILED if final else AdoptionReport.EmailState.QUEUED
    AdoptionReport.objects.filter(
        pk=report_id, email_state=AdoptionReport.EmailState.SENDING
    ).update(email_state=state)


# ------------------------------------------------------------------ targets and baselines


def _goal_level(*, commune: Commune, actor: User | None) -> str:
    """The actor's level for ``commune``'s targets (``selectors.goal_level``), or
    PermissionDenied; None is the system (the demo, a command): the province's level."""
    if actor is None:
        return IndicatorTarget.Level.PROVINCE
    level = selectors.goal_level(actor, commune)
    if level is None:
        raise PermissionDenied
    return level


def goal_value_check(*, indicator: str, value: Decimal | None) -> None:
    """The checks of a target's or a baseline's value (the admin runs them before saving)."""
    _goal_value(indicator, value, "value")


def _goal_value(indicator: str, value: Decimal | None, field: str) -> Decimal | None:
    if indicator not in BY_CODE:
        raise ValidationError(_("Unknown indicator."))
    if value is None:
        return None
    if value < 0:
        raise ValidationError({field: _("Enter a number of zero or more.")})
    if BY_CODE[indicator].unit == Unit.PERCENT and value > 100:
        raise ValidationError({field: _("A share is at most 100%.")})
    return value


@transaction.atomic
def target_set(
    *,
    commune: Commune,
    indicator: str,
    year: int,
    value: Decimal | None,
    actor: User | None,
) -> IndicatorTarget | None:
    """Set (or, with ``value`` None, clear) ``commune``'s target of ``indicator`` for
    ``year`` at the actor's level (``_goal_level``): the province's, or the commune's
    own refinement. The other level's target stays as it is."""
    level = _goal_level(commune=commune, actor=actor)
    value = _goal_value(indicator, value, "target")
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    target = (
        IndicatorTarget.objects.select_for_update()
        .filter(commune=commune, indicator=indicator, year=year, level=level)
        .first()
    )
    if value is None:
        if target is not None:
            audit.record_delete(actor=actor, obj=target)
            target.delete()
        return None
    if target is None:
        target = IndicatorTarget.objects.create(
            commune=commune, indicator=indicator, year=year, level=level, value=value, set_by=actor
        )
        audit.record(actor=actor, obj=target, before=None)
        return target
    if target.value == value:
        return target
    before = audit.snapshot(target)
    target.value, target.set_by = value, actor
    target.save(update_fields=["value", "set_by", "set_at"])
    audit.record(actor=actor, obj=target, before=before)
    return target


@transaction.atomic
def target_set_province(
    *,
    province: Province,
    indicator: str,
    year: int,
    value: Decimal | None,
    actor: User,
) -> int:
    """The province's target of ``indicator`` for ``year``, set for every commune of the
    province at once (their own refinements stay); how many communes it was set for."""
    communes = list(Commune.objects.filter(province=province).order_by("name"))
    if not communes:
        return 0
    for commune in communes:
        if _goal_level(commune=commune, actor=actor) != IndicatorTarget.Level.PROVINCE:
            raise PermissionDenied
    for commune in communes:
        target_set(commune=commune, indicator=indicator, year=year, value=value, actor=actor)
    return len(communes)


@transaction.atomic
def baseline_set(
    *,
    commune: Commune,
    indicator: str,
    value: Decimal | None,
    as_of: datetime.date | None,
    actor: User | None,
) -> IndicatorBaseline | None:
    """Set (or, with ``value`` None, clear) where ``indicator`` stood in ``commune`` when
    the program began there, and on which day. The province's officers and the
    commune's own set it (one baseline per commune and indicator)."""
    _goal_level(commune=commune, actor=actor)
    value = _goal_value(indicator, value, "baseline")
    baseline = (
        IndicatorBaseline.objects.select_for_update()
        .filter(commune=commune, indicator=indicator)
        .first()
    )
    if value is None:
        if baseline is not None:
            audit.record_delete(actor=actor, obj=baseline)
            baseline.delete()
        return None
    if as_of is None:
        raise ValidationError({"as_of": _("Enter the day the baseline was measured.")})
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": _("The baseline's day cannot be in the future.")})
    if baseline is None:
        baseline = IndicatorBaseline.objects.create(
            commune=commune, indicator=indicator, value=value, as_of=as_of, set_by=actor
        )
        audit.record(actor=actor, obj=baseline, before=None)
        return baseline
    if (baseline.value, baseline.as_of) == (value, as_of):
        return baseline
    before = audit.snapshot(baseline)
    baseline.value, baseline.as_of, baseline.set_by = value, as_of, actor
    baseline.save(update_fields=["value", "as_of", "set_by", "set_at"])
    audit.record(actor=actor, obj=baseline, before=before)
    return baseline


@transaction.atomic
def goals_set(
    *,
    commune: Commune,
    year: int,
    targets: dict[str, Decimal | None],
    baselines: dict[str, tuple[Decimal | None, datetime.date | None]],
    actor: User,
) -> int:
    """The targets page's save: each indicator's target (at the actor's level) and
    baseline, only those that changed; how many changed. All or nothing."""
    level = _goal_level(commune=commune, actor=actor)
    current = selectors.commune_goals(commune, year)
    changed = 0
    for code, value in targets.items():
        goal = current.get(code)
        if goal is None:
            raise ValidationError(_("Unknown indicator."))
        mine = (
            goal.province_target if level == IndicatorTarget.Level.PROVINCE else goal.commune_target
        )
        if mine != value:
            target_set(commune=commune, indicator=code, year=year, value=value, actor=actor)
            changed += 1
    stored = {b.indicator: b for b in IndicatorBaseline.objects.filter(commune=commune)}
    for code, (value, as_of) in baselines.items():
        was = stored.get(code)
        before = (was.value, was.as_of) if was else (None, None)
        if before != ((value, as_of) if value is not None else (None, None)):
            baseline_set(commune=commune, indicator=code, value=value, as_of=as_of, actor=actor)
            changed += 1
    return changed
