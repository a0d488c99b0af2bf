"""Reports through a real Celery worker on a real Redis broker (and in-process without one).

The worker is Celery's testing worker, in a thread of this process, reading the
same Redis queue a production worker reads; it talks to the test database over
its own connection, so these tests commit for real (transactional tests).
"""

import datetime
import itertools
import time

import pytest
from django.conf import settings
from django.db import OperationalError

from chuprong.celery import app
from core.roles import Role, sync_roles
from reports import reporting
from reports import services as report_services
from reports.models import AdoptionReport
from reports.tasks import deliver_report, generate_report
from tests.factories import CommuneFactory, UserFactory, VillageFactory
from tests.volunteers.factories import AssistanceRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)
needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set")

OCT = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def commune(db):
    from django.apps import apps

    sync_roles(apps)  # transactional tests empty the tables, roles included
    commune = CommuneFactory(name="Chư Prông", slug="chu-prong-worker")
    village = VillageFactory(commune=commune, name="Thôn 3")
    AssistanceRecordFactory(village=village, helped_on=datetime.date(2026, 10, 5))
    return commune


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as w:
        yield w


def request(commune) -> AdoptionReport:
    return report_services.report_request(
        commune=commune, period_kind="month", start=OCT[0], end=OCT[1], actor=None
    )


def wait_for(report: AdoptionReport, *statuses: str, seconds: float = 60) -> AdoptionReport:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in statuses:
            return report
        time.sleep(0.2)
    raise AssertionError(f"report stayed {report.status} ({report.progress}%)")


@needs_redis
def test_a_queued_report_runs_in_the_worker_and_completes(commune, worker):
    report = request(commune)  # queued after commit, through Redis
    report = wait_for(report, AdoptionReport.Status.DONE)
    assert report.is_current
    assert report.data["indicators"]["assistance.visits"]["value"] == 1
    assert report.xlsx and report.pdf and report.csv


@needs_redis
def test_a_task_delivered_twice_makes_one_report(commune, worker):
    report = request(commune)
    generate_report.delay(report.pk)  # the same message again, as after a redelivery
    generate_report.delay(report.pk)
    report = wait_for(report, AdoptionReport.Status.DONE)
    time.sleep(1)  # let the other deliveries run
    report.refresh_from_db()
    assert report.attempts == 1
    assert AdoptionReport.objects.count() == 1
    assert AdoptionReport.objects.filter(is_current=True).count() == 1


@needs_redis
def test_a_failing_task_is_retried_then_failed_with_its_reason(commune, worker, monkeypatch):
    calls = []

    def unreachable(*args, **kwargs):
        calls.append(time.monotonic())
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(reporting, "compute", unreachable)
    report = wait_for(request(commune), AdoptionReport.Status.FAILED, seconds=90)
    assert len(calls) == 4  # the first try and three retries
    assert report.attempts == 4
    waits = [b - a for a, b in itertools.pairwise(calls)]
    # exponential backoff from 1 s: at least 1, 2 and 4 s (a busy machine may add a little)
    assert all(wait >= expected - 0.05 for wait, expected in zip(waits, [1, 2, 4], strict=True))
    assert waits[0] < waits[1] < waits[2]
    assert "Connection refused" in report.error
    assert not report.is_current


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="the embedded default has no broker")
def test_without_a_broker_the_report_is_made_in_process(commune):
    report = request(commune)  # eager: made when the request commits
    report.refresh_from_db()
    assert report.status == AdoptionReport.Status.DONE


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="the embedded default has no broker")
def test_without_a_broker_a_failure_fails_at_once_with_its_reason(commune, monkeypatch):
    calls = []

    def unreachable(*args, **kwargs):
        calls.append(1)
        raise OperationalError("database is locked")

    monkeypatch.setattr(reporting, "compute", unreachable)
    request(commune)  # the officer's page does not fail: the report says why
    report = AdoptionReport.objects.get()
    assert len(calls) == 1  # no worker to retry later: asking again is the retry
    assert report.status == AdoptionReport.Status.FAILED
    assert "database is locked" in report.error


@needs_redis
def test_the_worker_e_mails_a_sent_report_once(commune, worker, mailoutbox):
    """Sending queues the e-mail after the commit; a second delivery sends nothing."""
    commune.province.report_email = "baocao.gialai@example.invalid"
    commune.province.save(update_fields=["report_email"])
    officer = UserFactory(role=Role.COMMUNE_OFFICER, commune=commune)
    report = wait_for(request(commune), AdoptionReport.Status.DONE)
    assert report.as_of == OCT[1]
    report_services.report_send(report=report, reason="", actor=officer)
    deliver_report.delay(report.pk)  # the same message again, as after a redelivery
    deadline = time.monotonic() + 60
    while report.email_state != AdoptionReport.EmailState.SENT and time.monotonic() < deadline:
        time.sleep(0.2)
        report.refresh_from_db()
    time.sleep(1)  # let the other delivery run
    assert report.email_state == AdoptionReport.EmailState.SENT
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["baocao.gialai@example.invalid"]
    assert len(mailoutbox[0].attachments) == 3
