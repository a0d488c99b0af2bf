"""The Celery tasks keep the names they were registered under before the layout of issue 12.

Queued messages, django-celery-beat's PeriodicTask rows (made by data migrations:
chuprong/0004) and CELERY_BEAT_SCHEDULE name tasks by these strings; a task that
moves between modules keeps its ``name=``.
"""

from celery import current_app
from django.conf import settings
from django_celery_beat.models import PeriodicTask

OURS = {
    "chuprong.generate_report": "reports.tasks",
    "chuprong.sweep_reports": "reports.tasks",
    "chuprong.monthly_reports": "reports.tasks",
    "reports.deliver_report": "reports.tasks",
    "legal_library.refresh_document_status": "legal_library.tasks",
    "legal_library.flush_counts": "legal_library.tasks",
    "volunteers.weekly_campaign_summary": "volunteers.tasks",
    "volunteers.expire_resident_data": "volunteers.tasks",
}


def _registered() -> dict[str, str]:
    current_app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    return {
        name: task.__module__
        for name, task in current_app.tasks.items()
        if not name.startswith("celery.") and not task.__module__.startswith("tests.")
    }


def test_every_task_of_ours_is_registered_under_its_old_name():
    assert _registered() == OURS


def test_every_scheduled_task_names_a_registered_task(db):
    names = set(_registered())
    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    rows = set(PeriodicTask.objects.values_list("task", flat=True))
    assert "chuprong.monthly_reports" in rows
    assert beat | rows <= names
