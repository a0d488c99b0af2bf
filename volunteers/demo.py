"""Demo volunteers, a campaign, visits and trainings for the embedded default.

Idempotent: volunteers are matched by village and name, the campaign and the
sessions by name/title; visits and attendance are added only the first time.
With a demo password, the volunteer ``tinhnguyen`` (Thôn 3) can sign in.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from core import services as core_services
from core.models import Commune, User
from core.roles import Role
from trainings import services as training_services
from trainings.models import Topic, TrainingSession

from . import services
from .models import AssistanceRecord, Campaign, Volunteer

VOLUNTEER_USERNAME = "tinhnguyen"
# village code, name, role, tech team
VOLUNTEERS = [
    ("T03", "Trần Thị Ánh", "member", True),
    ("T03", "Nguyễn Văn Đức", "secretary", True),
    ("T03", "Ksor Y Bim", "member", True),
    ("T01", "Lê Minh Tuấn", "secretary", True),
    ("T01", "Phạm Thị Hoa", "member", False),
    ("L01", "Rơ Châm Thuận", "secretary", True),
    ("L01", "Siu H'Bia", "deputy", True),
    ("L02", "Kpă Y Nhi", "member", True),
]
CAMPAIGN = "Từng ngõ, gõ từng nhà, rà từng người"
# village code, resident, birth year, services
VISITS = [
    ("T03", "Bà Nguyễn Thị Mai", 1958, {"vneid_created": "done", "vneid_activated": "done"}),
    ("T03", "", None, {"payment_app": "done"}),
    ("L01", "Ông Rơ Mah Blơi", 1962, {"vneid_activated": "referred", "sim_owner": "done"}),
    ("L01", "Chị Siu Nga", 1990, {"public_service": "done", "fee_paid": "done"}),
    ("T01", "Anh Lê Văn Hải", 1985, {"result_lookup": "done", "legal_library": "done"}),
]


@transaction.atomic
def demo_load(commune: Commune, *, volunteer_password: str | None = None) -> int:
    villages = {v.code: v for v in commune.villages.all()}
    volunteers = []
    for code, name, role, team in VOLUNTEERS:
        volunteer = Volunteer.objects.filter(village=villages[code], full_name=name).first()
        if volunteer is None:
            volunteer = services.volunteer_create(
                village=villages[code],
                full_name=name,
                branch_role=role,
                on_tech_team=team,
                joined_on=datetime.date(2025, 3, 26),
                actor=None,
            )
        volunteers.append(volunteer)
    if volunteer_password:
        _demo_user(volunteers[0], volunteer_password)

    today = timezone.localdate()
    campaign = Campaign.objects.filter(commune=commune, name=CAMPAIGN).first()
    if campaign is None:
        campaign = services.campaign_create(
            commune=commune,
            name=CAMPAIGN,
            starts_on=today - datetime.timedelta(days=2),
            ends_on=today + datetime.timedelta(days=12),
            goal=80,
            description="Tổ công nghệ số cộng đồng đến từng hộ dân hướng dẫn VNeID, "
            "thanh toán không dùng tiền mặt và dịch vụ công trực tuyến.",
            villages=[villages[c] for c in ("T01", "T03", "L01", "L02")],
            actor=None,
        )
    if not AssistanceRecord.objects.filter(campaign=campaign).exists():
        by_village = {}
        for v in volunteers:
            by_village.setdefault(v.village.code, []).append(v)
        for offset, (code, resident, year, given) in enumerate(VISITS):
            services.assistance_record(
                helped_on=max(campaign.starts_on, today - datetime.timedelta(days=offset % 3)),
                village=villages[code],
                volunteers=by_village[code][:2],
                services=given,
                campaign=campaign,
                resident_name=resident,
                resident_birth_year=year,
                actor=volunteers[0].user,
            )
    _demo_sessions(commune, volunteers)
    return len(volunteers)


def _demo_user(volunteer: Volunteer, password: str) -> None:
    user = User.objects.filter(username=VOLUNTEER_USERNAME).first()
    if user is None:
        user = core_services.user_create(
            username=VOLUNTEER_USERNAME,
            role=Role.VOLUNTEER,
            full_name=volunteer.full_name,
            email="tinhnguyen@example.invalid",
            password=password,
            commune=volunteer.village.commune,
            village=volunteer.village,
        )
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    if volunteer.user_id != user.pk:
        volunteer.user = user
        volunteer.save(update_fields=["user"])


def _demo_sessions(commune: Commune, volunteers: list[Volunteer]) -> None:
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
        session = training_services.session_create(
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
            training_services.attendance_add(
                session=session, volunteers=volunteers[:6], actor=None, now=starts_at
            )
