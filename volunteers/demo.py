"""Demo volunteers, a campaign and visits for the embedded default (trainings: trainings/demo.py).

Idempotent: volunteers are matched by village and name, the campaign and the
sessions by name/title; visits and attendance are added only the first time.
With a demo password, the volunteer ``tinhnguyen`` and the branch secretary ``bithu``
(both of Thôn 3, each account linked to their roster entry) can sign in.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from core.demo import demo_user
from core.models import Commune
from core.roles import Role

from . import services
from .models import AssistanceRecord, Campaign, Volunteer

VOLUNTEER_USERNAME = "tinhnguyen"
SECRETARY_USERNAME = "bithu"
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
        _demo_user(volunteers[0], volunteer_password, VOLUNTEER_USERNAME, Role.VOLUNTEER)
        # Thôn 3's branch secretary: logs visits and runs the village's trainings
        _demo_user(volunteers[1], volunteer_password, SECRETARY_USERNAME, Role.VILLAGE_SECRETARY)

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
                resident_consented=True,
                actor=volunteers[0].user,
            )
    return len(volunteers)


def _demo_user(volunteer: Volunteer, password: str, username: str, role: Role) -> None:
    """The volunteer's demo account, linked to their roster entry."""
    user = demo_user(
        username=username,
        role=role,
        full_name=volunteer.full_name,
        password=password,
        village=volunteer.village,
    )
    if volunteer.user_id != user.pk:
        volunteer.user = user
        volunteer.save(update_fields=["user"])


def demo_volunteers(commune: Commune) -> list[Volunteer]:
    """The demo's volunteers in the order of ``VOLUNTEERS`` (the ones loaded)."""
    villages = {v.code: v for v in commune.villages.all()}
    found = []
    for code, name, _role, _team in VOLUNTEERS:
        volunteer = Volunteer.objects.filter(village=villages[code], full_name=name).first()
        if volunteer is not None:
            found.append(volunteer)
    return found


SECOND_VOLUNTEERS = [("HB", "Siu Thị Hoa"), ("BO", "Rơ Lan Đức")]
SECOND_VISITS = [
    ("HB", "Bà Ksor H'Nhung", {"vneid_created": "done"}),
    ("BO", "Ông Rơ Châm Blih", {"public_service": "done"}),
    ("HB", "Chị Nay H'Lim", {"vneid_activated": "done", "fee_paid": "done"}),
]


@transaction.atomic
def second_commune_load(commune: Commune) -> int:
    """Two volunteers of the second commune and three visits they made (once)."""
    villages = {v.code: v for v in commune.villages.all()}
    volunteers = {}
    for code, name in SECOND_VOLUNTEERS:
        volunteer = Volunteer.objects.filter(village=villages[code], full_name=name).first()
        if volunteer is None:
            volunteer = services.volunteer_create(
                village=villages[code],
                full_name=name,
                branch_role=Volunteer.BranchRole.MEMBER,
                on_tech_team=True,
                joined_on=datetime.date(2025, 9, 1),
                actor=None,
            )
        volunteers[code] = volunteer
    if not AssistanceRecord.objects.filter(village__commune=commune).exists():
        today = timezone.localdate()
        for offset, (code, resident, given) in enumerate(SECOND_VISITS):
            services.assistance_record(
                helped_on=today - datetime.timedelta(days=offset),
                village=villages[code],
                volunteers=[volunteers[code]],
                services=given,
                resident_name=resident,
                resident_consented=True,
                actor=None,
            )
    return len(volunteers)
