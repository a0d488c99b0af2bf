"""Demo training sessions for the embedded default, with the demo volunteers present.

Idempotent: sessions are matched by title; attendance is added only the first time.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from core.models import Commune
from volunteers.demo import demo_volunteers

from . import services
from .models import Topic, TrainingSession


@transaction.atomic
def demo_load(commune: Commune) -> int:
    """Three sessions (one past, with the first six demo volunteers present); returns 3."""
    volunteers = demo_volunteers(commune)
    # Sessions start at 08:00 local time (a morning class), whenever the demo is loaded.
    now = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    topics = {t.slug: t for t in Topic.objects.all()}
    plans = [
        (
            "Tập huấn kỹ năng hướng dẫn dịch vụ công trực tuyến",
            TrainingSession.Kind.CLASS,
            now - datetime.timedelta(days=7),
            ["dich-vu-cong-truc-tuyen", "nop-ho-so-truc-tuyen", "vneid"],
            {"place": "Hội trường UBND xã", "capacity": 50},
        ),
        (
            "Thực hành thanh toán không dùng tiền mặt tại chợ",
            TrainingSession.Kind.PRACTICE,
            now + datetime.timedelta(days=3),
            ["thanh-toan-khong-dung-tien-mat", "thanh-toan-phi-le-phi-dien-tu"],
            {"place": "Chợ tạm Thôn 3", "capacity": 30},
        ),
        (
            "Webinar: An toàn thông tin và mạng xã hội cho học sinh",
            TrainingSession.Kind.WEBINAR,
            now + datetime.timedelta(days=10),
            ["an-toan-thong-tin", "mang-xa-hoi-an-toan"],
            {"online_link": "https://meet.google.com/abc-defg-hij", "audience": "Học sinh THCS"},
        ),
    ]
    for title, kind, starts_at, slugs, extra in plans:
        if TrainingSession.objects.filter(commune=commune, title=title).exists():
            continue
        session = services.session_create(
            commune=commune,
            title=title,
            kind=kind,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=3),
            topics=[topics[s] for s in slugs if s in topics],
            trainer="Đ/c Bí thư Đoàn xã",
            actor=None,
            **extra,
        )
        if starts_at < timezone.now():
            services.attendance_add(
                session=session, volunteers=volunteers[:6], actor=None, now=starts_at
            )
    return len(plans)


SECOND_SESSION = "Hướng dẫn cài đặt và kích hoạt VNeID mức 2"


@transaction.atomic
def second_commune_load(commune: Commune) -> int:
    """One coming session of the second commune, on a province topic."""
    if not TrainingSession.objects.filter(commune=commune, title=SECOND_SESSION).exists():
        starts_at = timezone.localtime().replace(
            hour=8, minute=0, second=0, microsecond=0
        ) + datetime.timedelta(days=5)
        services.session_create(
            commune=commune,
            title=SECOND_SESSION,
            kind=TrainingSession.Kind.PRACTICE,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            topics=list(Topic.objects.filter(slug="vneid", commune__isnull=True)),
            place="Nhà văn hóa Thôn Hòa Bình",
            capacity=40,
            actor=None,
        )
    return TrainingSession.objects.filter(commune=commune).count()
