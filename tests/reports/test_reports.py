"""Reports as frozen, versioned snapshots: requesting, making, failing, sweeping.

The task itself is exercised in test_report_worker.py with a real Celery worker
on Redis; here the services are called directly, on whichever database the
suite runs on.
"""

import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import timezone

from core.roles import Role
from market.models import Vendor
from reports import reporting
from reports import services as report_services
from reports.models import AdoptionReport
from tests.factories import UserFactory
from tests.market.factories import MarketFactory, VendorFactory
from tests.volunteers.factories import AssistanceRecordFactory, CampaignFactory

pytestmark = pytest.mark.django_db

OCT = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def data(commune, village_a):
    market = MarketFactory(village=village_a, name="Chợ xã")
    VendorFactory(market=market, status=Vendor.Status.CASHLESS)
    VendorFactory(market=market)
    Vendor.objects.update(created_at=datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC))
    AssistanceRecordFactory(village=village_a, helped_on=datetime.date(2026, 10, 5))
    return commune


def request_report(commune, actor=None, village=None, period=OCT) -> AdoptionReport:
    return report_services.report_request(
        commune=commune,
        village=village,
        period_kind=AdoptionReport.PeriodKind.MONTH,
        start=period[0],
        end=period[1],
        actor=actor,
    )


def test_a_report_is_made_with_its_files(data, officer):
    report = request_report(data, officer)
    assert report.status == AdoptionReport.Status.QUEUED
    assert report.version == 1
    assert report.scope_key == f"commune:{data.pk}"
    assert report_services.report_generate(report_id=report.pk) is True
    report.refresh_from_db()
    assert report.status == AdoptionReport.Status.DONE
    assert report.progress == 100
    assert report.is_current
    assert report.attempts == 1
    assert report.data["indicators"]["market.cashless_share"]["value"] == 50.0
    assert report.data["indicators"]["assistance.visits"]["value"] == 1
    for field in (report.xlsx, report.pdf, report.csv):
        assert field.name.startswith("reports/2026/bao-cao-chu-prong-20261001-20261031-v1")
        assert field.size > 0
    with report.pdf.open("rb") as f:
        assert f.read(4) == b"%PDF"
    with report.xlsx.open("rb") as f:
        book = openpyxl.load_workbook(io.BytesIO(f.read()), read_only=True)
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    assert 50.0 in cells  # the share of vendors paid cashless
    assert "Chư Prông" in " ".join(str(c) for c in cells if c)


def test_made_again_is_a_new_version_with_the_same_numbers(data):
    first = request_report(data)
    report_services.report_generate(report_id=first.pk)
    second = request_report(data)
    assert second.version == 2
    report_services.report_generate(report_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_current, second.is_current) == (False, True)
    assert AdoptionReport.objects.filter(is_current=True).count() == 1

    def numbers(report):
        return {k: v for k, v in report.data.items() if k != "made_at"}

    assert numbers(first) == numbers(second)


def test_frozen_numbers_do_not_follow_later_changes(data, village_a):
    report = request_report(data)
    report_services.report_generate(report_id=report.pk)
    AssistanceRecordFactory(village=village_a, helped_on=datetime.date(2026, 10, 20))
    report.refresh_from_db()
    assert report.data["indicators"]["assistance.visits"]["value"] == 1


def test_an_older_version_finishing_late_does_not_become_current(data):
    older = request_report(data)
    AdoptionReport.objects.filter(pk=older.pk).update(status=AdoptionReport.Status.FAILED)
    newer = request_report(data)
    report_services.report_generate(report_id=newer.pk)
    AdoptionReport.objects.filter(pk=older.pk).update(status=AdoptionReport.Status.QUEUED)
    report_services.report_generate(report_id=older.pk)
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.status == AdoptionReport.Status.DONE
    assert (older.is_current, newer.is_current) == (False, True)


def test_a_double_request_while_queued_makes_one_report(data):
    assert request_report(data).pk == request_report(data).pk
    assert AdoptionReport.objects.count() == 1


def test_a_second_delivery_does_nothing(data):
    report = request_report(data)
    assert report_services.report_generate(report_id=report.pk) is True
    assert report_services.report_generate(report_id=report.pk) is False
    report.refresh_from_db()
    assert report.attempts == 1


def test_village_scope(data, village_a, village_b):
    report = request_report(data, village=village_a)
    assert report.scope_key == f"village:{village_a.pk}"
    report_services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.data["scope"]["name"] == "Thôn 3"


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ((OCT[1], OCT[0]), "kết thúc trước khi bắt đầu"),
        ((datetime.date(2030, 1, 1), datetime.date(2030, 1, 31)), "chưa bắt đầu"),
        ((datetime.date(2020, 1, 1), datetime.date(2026, 1, 31)), "ba năm"),
    ],
)
def test_bad_periods_are_refused_in_vietnamese(commune, period, message):
    with pytest.raises(ValidationError) as caught:
        request_report(commune, period=period)
    assert message in " ".join(caught.value.messages)
    assert not AdoptionReport.objects.exists()


def test_a_village_of_another_commune_is_refused(commune, other_village):
    with pytest.raises(ValidationError):
        request_report(commune, village=other_village)


def test_failure_keeps_its_reason(data, monkeypatch):
    report = request_report(data)

    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(reporting, "compute", broken)
    with pytest.raises(OperationalError):
        report_services.report_generate(report_id=report.pk)
    report_services.report_fail(report_id=report.pk, reason="Không kết nối được cơ sở dữ liệu.")
    report.refresh_from_db()
    assert report.status == AdoptionReport.Status.FAILED
    assert report.error == "Không kết nối được cơ sở dữ liệu."
    assert not report.is_current


def _stale(report, attempts):
    AdoptionReport.objects.filter(pk=report.pk).update(
        status=AdoptionReport.Status.RUNNING,
        attempts=attempts,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=2),
    )


def test_sweeper_requeues_a_report_whose_worker_died(data, django_capture_on_commit_callbacks):
    report = request_report(data)
    _stale(report, attempts=1)
    with django_capture_on_commit_callbacks() as callbacks:
        assert report_services.reports_sweep() == {
            "failed": 0,
            "requeued": 1,
            "resent": 0,
            "emails": 0,
        }
    assert len(callbacks) == 1  # the task is sent again once committed
    report.refresh_from_db()
    assert report.status == AdoptionReport.Status.QUEUED
    assert report_services.report_generate(report_id=report.pk) is True


def test_sweeper_gives_up_after_the_last_attempt(data):
    report = request_report(data)
    _stale(report, attempts=report_services.REPORT_MAX_ATTEMPTS)
    assert report_services.reports_sweep()["failed"] == 1
    report.refresh_from_db()
    assert report.status == AdoptionReport.Status.FAILED
    assert "3" in report.error


def test_sweeper_leaves_a_live_report_alone(data):
    report = request_report(data)
    AdoptionReport.objects.filter(pk=report.pk).update(
        status=AdoptionReport.Status.RUNNING, heartbeat_at=timezone.now(), attempts=1
    )
    assert report_services.reports_sweep() == {
        "failed": 0,
        "requeued": 0,
        "resent": 0,
        "emails": 0,
    }
    assert report_services.report_generate(report_id=report.pk) is False  # still someone else's


def test_sweeper_resends_a_report_lost_in_the_queue(data, django_capture_on_commit_callbacks):
    report = request_report(data)
    AdoptionReport.objects.filter(pk=report.pk).update(
        requested_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assert report_services.reports_sweep()["resent"] == 1
    assert len(callbacks) == 1


def test_monthly_reports_once_per_commune(commune, other_commune):
    day = datetime.date(2026, 11, 1)
    assert report_services.reports_monthly(day=day) == 2
    assert report_services.reports_monthly(day=day) == 0  # a second delivery of the beat task
    periods = set(AdoptionReport.objects.values_list("period_start", "period_end"))
    assert periods == {OCT}


def test_weekly_campaign_summary_emails_officers_once(commune, village_a, officer):
    officer.email = "canbo@example.vn"
    officer.save(update_fields=["email"])
    UserFactory(role=Role.COMMUNE_OFFICER, commune=commune, email="")  # no address: skipped
    today = timezone.localdate()
    campaign = CampaignFactory(commune=commune, name="Từng ngõ, gõ từng nhà", goal=80)
    AssistanceRecordFactory(village=village_a, campaign=campaign, helped_on=today)
    assert services_weekly(today) == 1
    assert services_weekly(today) == 0  # the same week again: nothing more
    message = mail.outbox[0]
    assert message.to == ["canbo@example.vn"]
    assert "Từng ngõ, gõ từng nhà" in message.subject
    assert "1" in message.body
    assert "Cư Dân" not in message.body  # counts only, no resident's name


def services_weekly(today):
    from volunteers.services import campaigns_weekly_summary

    return campaigns_weekly_summary(today=today)


def test_schedules_officers_see_are_in_the_database(officer):
    from django_celery_beat.models import PeriodicTask

    from chuprong.celery import app

    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    monthly = PeriodicTask.objects.get(task="chuprong.monthly_reports")
    cron = monthly.crontab
    assert (cron.minute, cron.hour, cron.day_of_month, str(cron.timezone)) == (
        "0",
        "6",
        "1",
        "Asia/Ho_Chi_Minh",
    )
    weekly = PeriodicTask.objects.get(task="volunteers.weekly_campaign_summary")
    assert (weekly.crontab.day_of_week, weekly.crontab.hour) == ("1", "7")
    assert officer.has_perm("django_celery_beat.view_periodictask")
    assert not officer.has_perm("django_celery_beat.change_periodictask")  # the province's
    assert "chuprong.sweep_reports" in {e["task"] for e in app.conf.beat_schedule.values()}


def test_an_officers_own_report_does_not_stop_the_scheduled_one(commune, officer):
    report_services.report_request(
        commune=commune, period_kind="month", start=OCT[0], end=OCT[1], actor=officer
    )
    assert report_services.reports_monthly(day=datetime.date(2026, 11, 1)) == 1


def test_reports_in_the_admin_list_in_few_queries(
    client, commune, village_a, django_assert_num_queries
):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.vn", "x")
    for _n in range(3):
        request_report(commune)
        request_report(commune, village=village_a)
        AdoptionReport.objects.update(status=AdoptionReport.Status.FAILED)
    client.force_login(admin)
    # session, user, permissions, counts and the list with its commune and village (8)
    with django_assert_num_queries(8):
        response = client.get("/admin/reports/adoptionreport/")
    assert response.status_code == 200
    assert "Thôn 3" in response.content.decode()
