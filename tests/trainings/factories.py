import datetime

import factory
from django.utils import timezone

from tests.factories import CommuneFactory
from trainings.models import Attendance, Topic, TrainingSession


def topic(slug: str) -> Topic:
    """One of the topics the data migration made (e.g. "vneid", "an-toan-thong-tin")."""
    return Topic.objects.get(slug=slug)


def started_today(now: datetime.datetime | None = None) -> datetime.datetime:
    """An hour ago, but never before today's local midnight.

    A session that "started an hour ago" at 00:30 in Chư Prông started yesterday, and
    a report of today then misses it: CI once failed that way at midnight.
    """
    now = now or timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(now - datetime.timedelta(hours=1), midnight)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    """A class that started up to an hour ago, today, and ends later (check-in is open)."""

    class Meta:
        model = TrainingSession
        skip_postgeneration_save = True

    commune = factory.SubFactory(CommuneFactory)
    title = factory.Sequence(lambda n: f"Tập huấn dịch vụ công trực tuyến {n}")
    kind = TrainingSession.Kind.CLASS
    starts_at = factory.LazyFunction(started_today)
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=2))
    place = "Hội trường UBND xã"
    trainer = "Đ/c Rơ Mah Hồng"

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create:
            obj.topics.set(
                extracted if extracted is not None else [topic("dich-vu-cong-truc-tuyen")]
            )


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(TrainingSessionFactory)
    volunteer = None
    name = factory.LazyAttribute(lambda a: a.volunteer.full_name if a.volunteer else "Khách mời")
    village = factory.LazyAttribute(lambda a: a.volunteer.village if a.volunteer else None)
    method = Attendance.Method.SHEET
    checked_in_at = factory.LazyFunction(timezone.now)
