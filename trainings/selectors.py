"""Reads of the trainings program; who sees which session, attendance and skill.

- Commune officers: every session of their commune.
- Branch secretaries: the sessions held for their village's branch, which they plan and
  mark; a commune-wide session is the officers'.
- Volunteers: their own attendances (check-in, certificates).
- Anyone: the public calendar and a certificate's verification page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.models import Commune, User, Village
from core.roles import Role
from core.selectors import user_has_role, villages_for_user
from volunteers.selectors import branch_or_commune_volunteers, volunteers_for_user

from .models import Attendance, Topic, TrainingSession

if TYPE_CHECKING:
    from volunteers.models import Volunteer

# QR check-in is open from this long before the start to this long after the end.
CHECKIN_OPENS_BEFORE = datetime.timedelta(minutes=30)
CHECKIN_CLOSES_AFTER = datetime.timedelta(hours=2)
CALENDAR_LIMIT = 50


def sessions_for_user(user: User) -> QuerySet[TrainingSession]:
    sessions = TrainingSession.objects.select_related("commune", "village")
    if not user.is_authenticated or not user.is_active:
        return sessions.none()
    if user.is_superuser:
        return sessions.all()
    if user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id:
        return sessions.filter(commune_id=user.commune_id)
    if user_has_role(user, Role.VILLAGE_SECRETARY) and user.village_id:
        return sessions.filter(village_id=user.village_id)
    return sessions.none()


def plan_villages(user: User) -> QuerySet[Village]:
    """The villages whose branch sessions ``user`` may plan: those they manage (an
    officer's commune, a secretary's own village), given the permission to add sessions."""
    if not user.is_authenticated or not user.has_perm("trainings.add_trainingsession"):
        return Village.objects.none()
    return villages_for_user(user).order_by("position", "name")


def plan_commune(user: User) -> Commune | None:
    """The commune whose commune-wide sessions ``user`` may plan: an officer's own. A branch
    secretary plans their village's only."""
    if (
        user.is_authenticated
        and user.has_perm("trainings.add_trainingsession")
        and user_has_role(user, Role.COMMUNE_OFFICER)
    ):
        return user.commune
    return None


def session_for_user(user: User, pk: int) -> TrainingSession:
    session = (
        sessions_for_user(user)
        .prefetch_related("topics")
        .annotate(attended=Count("attendances"))
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    return session


def session_list(user: User) -> QuerySet[TrainingSession]:
    return (
        sessions_for_user(user)
        .prefetch_related("topics")
        .annotate(attended=Count("attendances"))
        .order_by("-starts_at")
    )


def public_calendar(
    *, commune=None, limit: int = CALENDAR_LIMIT, now: datetime.datetime | None = None
) -> QuerySet[TrainingSession]:
    """Public sessions not yet over, soonest first (2 queries with their topics)."""
    sessions = TrainingSession.objects.filter(public=True, ends_at__gte=now or timezone.now())
    if commune is not None:
        sessions = sessions.filter(commune=commune)
    return (
        sessions.select_related("commune", "village")
        .prefetch_related("topics")
        .order_by("starts_at")[:limit]
    )


def session_by_checkin_code(code: str) -> TrainingSession | None:
    if not code or len(code) > 32:
        return None
    return (
        TrainingSession.objects.select_related("commune", "village")
        .prefetch_related("topics")
        .annotate(attended=Count("attendances"))
        .filter(checkin_code=code)
        .first()
    )


def checkin_window(session: TrainingSession) -> tuple[datetime.datetime, datetime.datetime]:
    return session.starts_at - CHECKIN_OPENS_BEFORE, session.ends_at + CHECKIN_CLOSES_AFTER


def session_attendances(session: TrainingSession) -> QuerySet[Attendance]:
    return session.attendances.select_related("volunteer", "village").order_by(
        "village__position", "name"
    )


def roster(session: TrainingSession) -> QuerySet[Volunteer]:
    """Who is expected: the branch's active volunteers, or the commune's for a commune session.

    Each carries ``attended`` (already in the attendance list), in the order
    of the printed sign-in sheet, so ticking the sheet back in is quick.
    """
    volunteers = branch_or_commune_volunteers(
        village_id=session.village_id, commune_id=session.commune_id, active_only=True
    )
    attended = Attendance.objects.filter(session=session, volunteer=OuterRef("pk"))
    return (
        volunteers.select_related("village")
        .annotate(attended=Exists(attended))
        .order_by("village__position", "village__name", "full_name")
    )


def attendance_of(session: TrainingSession, volunteer: Volunteer | None) -> Attendance | None:
    """The volunteer's check-in at the session, if they have one."""
    if volunteer is None:
        return None
    return Attendance.objects.filter(session=session, volunteer=volunteer).first()


def session_villages(session: TrainingSession) -> QuerySet[Village]:
    if session.village_id:
        return Village.objects.filter(pk=session.village_id)
    return Village.objects.filter(commune_id=session.commune_id).order_by("position", "name")


def attendance_for_user(user: User, pk: int) -> Attendance:
    """An attendance the user manages (its session) or is (their own), else 404."""
    if not user.is_authenticated:
        raise Http404
    attendance = (
        Attendance.objects.select_related("session__commune", "volunteer", "village")
        .prefetch_related("session__topics")
        .filter(
            Q(session__in=sessions_for_user(user).values("pk"))
            | Q(volunteer__user=user, volunteer__active=True)
        )
        .filter(pk=pk)
        .first()
    )
    if attendance is None:
        raise Http404
    return attendance


def attendance_by_certificate(code: str) -> Attendance | None:
    if not code or len(code) > 32:
        return None
    return (
        Attendance.objects.select_related("session__commune", "village")
        .prefetch_related("session__topics")
        .filter(certificate_code=code)
        .first()
    )


def my_attendances(user: User) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(volunteer__user=user)
        .select_related("session")
        .order_by("-session__starts_at")
    )


# ------------------------------------------------------------------ skills


@dataclass(frozen=True)
class TrainedVolunteer:
    volunteer: Volunteer
    topics: list[Topic]


def topics_for_user(user: User) -> QuerySet[Topic]:
    """The topics ``user`` sees in the admin and may pick: the province's and their
    commune's own (a secretary's: their village's commune's; a province officer's: of
    their province's communes)."""
    if not user.is_authenticated or not user.is_active:
        return Topic.objects.none()
    if user.is_superuser:
        return Topic.objects.all()
    seen = Q(commune__isnull=True)
    if user.commune_id:
        seen |= Q(commune_id=user.commune_id)
    if user.village_id:
        seen |= Q(commune_id__in=Village.objects.filter(pk=user.village_id).values("commune_id"))
    if user_has_role(user, Role.PROVINCE_OFFICER) and user.province_id:
        seen |= Q(commune__province_id=user.province_id)
    return Topic.objects.filter(seen)


def may_keep_topic(user: User, commune_id: int | None) -> bool:
    """Whether ``user`` may add or change a topic of ``commune_id`` (None: the
    province's): a superuser any, a province officer the province's, a commune officer
    their commune's own."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if commune_id is None:
        return user_has_role(user, Role.PROVINCE_OFFICER)
    return user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id == commune_id


def topic_owner_for(user: User) -> Commune | None:
    """Whose topics ``user`` adds: a commune officer their commune's, anyone else the
    province's."""
    if not user.is_superuser and user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id:
        return user.commune
    return None


def trained_volunteers(
    user: User, *, village: Village | None = None, topic: Topic | None = None
) -> list[TrainedVolunteer]:
    """Volunteers the user may see with the topics they attended a session on (3 queries).

    With ``topic``, only those trained in it: "who in village X can help with Y".
    """
    volunteers = volunteers_for_user(user).filter(active=True)
    if village is not None:
        volunteers = volunteers.filter(village=village)
    if topic is not None:
        volunteers = volunteers.filter(
            Exists(Attendance.objects.filter(volunteer=OuterRef("pk"), session__topics=topic))
        )
    volunteers = volunteers.order_by("village__position", "full_name")
    pairs = (
        Attendance.objects.filter(volunteer__in=volunteers.values("pk"))
        .values_list("volunteer_id", "session__topics")
        .order_by()
        .distinct()
    )
    topics = {t.pk: t for t in Topic.objects.all()}
    by_volunteer: dict[int, set[int]] = {}
    for volunteer_id, topic_id in pairs:
        if topic_id is not None:
            by_volunteer.setdefault(volunteer_id, set()).add(topic_id)
    result = []
    for volunteer in volunteers:
        ids = by_volunteer.get(volunteer.pk, set())
        result.append(
            TrainedVolunteer(
                volunteer,
                sorted((topics[i] for i in ids), key=lambda t: (t.position, t.name)),
            )
        )
    return result
