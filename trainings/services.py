"""Writes of the trainings program: sessions and attendance (QR check-in, sheet, import)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit
from core.models import Commune, User, Village
from kit.forms import clean_phone
from kit.spreadsheets import Row

from .models import Attendance, Topic, TrainingSession
from .selectors import checkin_window, may_keep_topic, plan_commune, plan_villages

if TYPE_CHECKING:
    from volunteers.models import Volunteer


def session_errors(
    *,
    commune: Commune,
    village: Village | None,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    actor: User | None = None,
) -> dict[str, list[str]]:
    """What is wrong with a session, by field: ``session_create`` and the admin's form.
    With an ``actor``, also whether they may plan it (``_plan_errors``)."""
    errors: dict[str, list[str]] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The session must end after it starts.")]
    if village is not None and village.commune_id != commune.pk:
        errors["village"] = [_("The village is not in this commune.")]
    elif actor is not None and not actor.is_superuser:
        errors.update(_plan_errors(actor, commune, village))
    return errors


def _plan_errors(actor: User, commune: Commune, village: Village | None) -> dict[str, list[str]]:
    """A branch secretary plans sessions of their own village's branch; a commune officer
    those of their commune, commune-wide or for one of its villages."""
    if village is None:
        own = plan_commune(actor)
        if own is None or own.pk != commune.pk:
            return {
                "village": [
                    _(
                        "Only the commune's officers plan sessions for the whole commune: "
                        "choose your village."
                    )
                ]
            }
        return {}
    if not plan_villages(actor).filter(pk=village.pk).exists():
        return {
            "village": [_("You may not plan sessions for %(village)s.") % {"village": village.name}]
        }
    return {}


def attendee_errors(
    *, session: TrainingSession, volunteer: Volunteer | None, village: Village | None
) -> dict[str, list[str]]:
    """Who may be on a session's attendance: a volunteer of its branch (its commune, and its
    village if it has one), a village of its commune. ``attendance_add`` and the admin."""
    errors: dict[str, list[str]] = {}
    if volunteer is not None and (
        volunteer.village.commune_id != session.commune_id
        or (session.village_id and volunteer.village_id != session.village_id)
    ):
        errors["volunteer"] = [
            _("%(name)s is not a volunteer of this session's branch.")
            % {"name": volunteer.full_name}
        ]
    if village is not None and village.commune_id != session.commune_id:
        errors["village"] = [_("The village is not in this commune.")]
    return errors


NOT_YOUR_TOPIC = gettext_lazy(
    "This topic is the province's or another commune's: only its keepers change it."
)


@transaction.atomic
def topic_save(*, topic: Topic, actor: User | None) -> Topic:
    """Add or change a topic: a commune's own (``topic.commune``) by its officers, the
    province's (no commune) by a province officer; the stored owner and the new one
    both (the admin's form, the demo)."""
    stored = list(Topic.objects.filter(pk=topic.pk).values_list("commune_id", flat=True))
    if actor is not None and not all(
        may_keep_topic(actor, owner) for owner in {topic.commune_id, *stored}
    ):
        raise PermissionDenied(NOT_YOUR_TOPIC)
    before = audit.snapshot_stored(topic)
    topic.full_clean()
    topic.save()
    audit.record(actor=actor, obj=topic, before=before)
    return topic


def topic_errors(*, commune: Commune, topics: Iterable[Topic]) -> dict[str, list[str]]:
    """A session is on the province's topics and its own commune's, never another's."""
    if any(t.commune_id not in (None, commune.pk) for t in topics):
        return {"topics": [_("Choose the province's topics or your commune's own.")]}
    return {}


@transaction.atomic
def session_create(
    *,
    commune: Commune,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    topics: Iterable[Topic] = (),
    kind: str = TrainingSession.Kind.CLASS,
    village: Village | None = None,
    place: str = "",
    online_link: str = "",
    trainer: str = "",
    capacity: int | None = None,
    audience: str = "",
    external_participants: int | None = None,
    description: str = "",
    public: bool = True,
    actor: User | None,
) -> TrainingSession:
    """Plan a session of ``commune``, for the whole commune or one village's branch (its
    phone page, the admin's checks, the demo). An ``actor`` plans only what
    ``selectors.plan_villages``/``plan_commune`` allow them: a branch secretary their own
    village's sessions."""
    topics = list(topics)
    errors = session_errors(
        commune=commune, village=village, starts_at=starts_at, ends_at=ends_at, actor=actor
    )
    errors.update(topic_errors(commune=commune, topics=topics))
    if errors:
        raise ValidationError(errors)
    session = TrainingSession(
        commune=commune,
        village=village,
        title=title.strip(),
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        online_link=online_link.strip(),
        trainer=trainer.strip(),
        capacity=capacity,
        audience=audience.strip(),
        external_participants=external_participants,
        description=description.strip(),
        public=public,
    )
    session.full_clean()
    session.save()
    session.topics.set(topics)
    audit.record(actor=actor, obj=session, before=None)
    return session


def _locked(session: TrainingSession) -> tuple[TrainingSession, int]:
    """The session row locked for this transaction, and how many attend it now.

    Locking serialises concurrent check-ins, so the capacity holds even when
    forty phones scan the code at once.
    """
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    return locked, Attendance.objects.filter(session=locked).count()


def _full_message(session: TrainingSession) -> str:
    return _("The session is full: all %(capacity)s places are taken.") % {
        "capacity": session.capacity
    }


@dataclass(frozen=True)
class CheckIn:
    attendance: Attendance
    created: bool


@transaction.atomic
def check_in(
    *, session: TrainingSession, volunteer: Volunteer, now: datetime.datetime | None = None
) -> CheckIn:
    """Check a volunteer in by the session's QR code: once, in its window, while places remain.

    A second check-in changes nothing and returns the first (``created`` False).
    """
    now = now or timezone.now()
    session, count = _locked(session)
    existing = Attendance.objects.filter(session=session, volunteer=volunteer).first()
    if existing is not None:
        return CheckIn(existing, created=False)
    opens, closes = checkin_window(session)
    local_start = timezone.localtime(session.starts_at)
    if now < opens:
        raise ValidationError(
            _("Check-in opens 30 minutes before the session starts (%(start)s).")
            % {"start": date_format(local_start, "SHORT_DATETIME_FORMAT")}
        )
    if now > closes:
        raise ValidationError(
            _("The session ended on %(end)s; check-in is closed. Ask an officer to add you.")
            % {"end": date_format(timezone.localtime(session.ends_at), "SHORT_DATETIME_FORMAT")}
        )
    if session.village_id and volunteer.village_id != session.village_id:
        raise ValidationError(_("This session is for another village's branch."))
    if volunteer.village.commune_id != session.commune_id:
        raise ValidationError(_("This session is for another commune."))
    if session.capacity is not None and count >= session.capacity:
        raise ValidationError(_full_message(session))
    attendance = Attendance.objects.create(
        session=session,
        volunteer=volunteer,
        name=volunteer.full_name,
        village=volunteer.village,
        phone=volunteer.phone,
        method=Attendance.Method.QR,
        checked_in_at=now,
        recorded_by=volunteer.user,
    )
    return CheckIn(attendance, created=True)


@dataclass(frozen=True)
class WalkIn:
    name: str
    village: Village | None = None
    phone: str = ""


@dataclass(frozen=True)
class SheetResult:
    added: int
    already: int


@transaction.atomic
def attendance_add(
    *,
    session: TrainingSession,
    volunteers: Iterable[Volunteer] = (),
    walk_ins: Iterable[WalkIn] = (),
    method: str = Attendance.Method.SHEET,
    actor: User | None,
    now: datetime.datetime | None = None,
) -> SheetResult:
    """Mark many people present at once (the officer's sheet, or an import).

    Volunteers already present are counted, not added twice. All or nothing:
    a session not started yet, a volunteer from elsewhere or too many people
    for the capacity saves nobody.
    """
    now = now or timezone.now()
    session, count = _locked(session)
    if session.starts_at > now:
        raise ValidationError(_("The session has not started yet: mark attendance once it has."))
    volunteers = list({v.pk: v for v in volunteers}.values())
    walk_ins = list(walk_ins)
    for volunteer in volunteers:
        errors = attendee_errors(session=session, volunteer=volunteer, village=None)
        if errors:
            raise ValidationError(errors["volunteer"][0])
    present = set(
        Attendance.objects.filter(session=session, volunteer__in=volunteers).values_list(
            "volunteer_id", flat=True
        )
    )
    new = [v for v in volunteers if v.pk not in present]
    rows = [
        Attendance(
            session=session,
            volunteer=v,
            name=v.full_name,
            village=v.village,
            phone=v.phone,
            method=method,
            checked_in_at=now,
            recorded_by=actor,
        )
        for v in new
    ]
    for walk_in in walk_ins:
        name = " ".join(walk_in.name.split())
        if not name:
            raise ValidationError(_("A walk-in needs a name."))
        if attendee_errors(session=session, volunteer=None, village=walk_in.village):
            raise ValidationError(_("The village is not in this commune."))
        rows.append(
            Attendance(
                session=session,
                name=name[:200],
                village=walk_in.village,
                phone=clean_phone(walk_in.phone, "phone"),
                method=method,
                checked_in_at=now,
                recorded_by=actor,
            )
        )
    if session.capacity is not None and count + len(rows) > session.capacity:
        raise ValidationError(
            _("Only %(left)s of the %(capacity)s places are left; %(asked)s people were marked.")
            % {
                "left": max(session.capacity - count, 0),
                "capacity": session.capacity,
                "asked": len(rows),
            }
        )
    for row in rows:
        row.full_clean(exclude=["session", "volunteer", "village", "recorded_by"])
    Attendance.objects.bulk_create(rows)
    if rows:
        audit.record(
            actor=actor,
            obj=session,
            before=audit.snapshot(session),
            note=_("%(count)s attendances added") % {"count": len(rows)},
        )
    return SheetResult(added=len(rows), already=len(volunteers) - len(new))


@transaction.atomic
def attendance_remove(*, attendance: Attendance, actor: User | None) -> None:
    session = attendance.session
    name = attendance.name
    attendance.delete()
    audit.record(
        actor=actor,
        obj=session,
        before=audit.snapshot(session),
        note=_("Attendance of %(name)s removed") % {"name": name},
    )


@transaction.atomic
def attendance_import(
    *, session: TrainingSession, rows: list[Row], only_clean: bool, actor: User | None
) -> SheetResult:
    """Mark present the people of rows checked by ``spreadsheets.check_attendance_rows``.

    Matched volunteers are added as such, the others as walk-ins, all recorded
    as imported. All rows or none: with any row in error nothing is saved,
    unless the officer chose ``only_clean``; and ``attendance_add`` refuses the
    whole list when the places left are too few.
    """
    bad = [row for row in rows if not row.ok]
    if bad and not only_clean:
        raise ValidationError(
            _("%(count)s rows have errors: nothing was saved.") % {"count": len(bad)}
        )
    volunteers: list[Volunteer] = []
    walk_ins: list[WalkIn] = []
    for row in rows:
        if not row.ok:
            continue
        if not row.cleaned:
            raise ValueError("check the rows with trainings.spreadsheets.check_attendance_rows")
        if "volunteer" in row.cleaned:
            volunteers.append(row.cleaned["volunteer"])
        else:
            walk_ins.append(WalkIn(**row.cleaned))
    return attendance_add(
        session=session,
        volunteers=volunteers,
        walk_ins=walk_ins,
        method=Attendance.Method.IMPORT,
        actor=actor,
    )
