"""Reads of the volunteers program, and the one place that says who sees what.

- Commune officers: every volunteer, campaign and record of their commune.
- Branch secretaries: their village's volunteers and the records made there.
- Volunteers: the records they made themselves (corrected or deleted for
  ``EDIT_WINDOW`` after), campaign counts, and their branch village's open
  follow-ups (who, with the phone kept, to go back to them).
- Residents' names and phones appear only in records a user may see here;
  campaign progress and reports are counts.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import CharField, Count, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat, Lower, NullIf
from django.http import Http404
from django.utils import timezone

from core.models import User, Village
from core.roles import Role
from core.selectors import user_has_role, villages_for_user
from kit.text import fold, vn_phone, words
from market.selectors import vendors_of_communes

from .models import AssistanceRecord, Campaign, Outcome, ServiceGiven, Volunteer

if TYPE_CHECKING:
    from market.models import Vendor


def branch_or_commune_volunteers(
    *, village_id: int | None, commune_id: int, active_only: bool = False
) -> QuerySet[Volunteer]:
    """The volunteers of a village's branch, or of the whole commune when no village is given."""
    volunteers = Volunteer.objects.select_related("village")
    if active_only:
        volunteers = volunteers.filter(active=True)
    if village_id:
        return volunteers.filter(village_id=village_id)
    return volunteers.filter(village__commune_id=commune_id)


def volunteer_profile(user: User) -> Volunteer | None:
    """The active volunteer the signed-in user is, if any (cached on the user)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_volunteer_profile"):
        user._volunteer_profile = (
            Volunteer.objects.select_related("village__commune")
            .filter(user=user, active=True)
            .first()
        )
    return user._volunteer_profile


def is_manager(user: User) -> bool:
    """Officers and branch secretaries (with the place their role applies to)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_superuser
        or (user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id is not None)
        or (user_has_role(user, Role.VILLAGE_SECRETARY) and user.village_id is not None)
    )


def is_unlinked_secretary(user: User) -> bool:
    """A branch secretary whose account names no active volunteer of the roster: they log
    visits without being preselected as a helper, and attend trainings unrecorded, until
    an officer links the account to their roster entry."""
    return (
        user.is_authenticated
        and user.village_id is not None
        and user_has_role(user, Role.VILLAGE_SECRETARY)
        and volunteer_profile(user) is None
    )


def can_record(user: User) -> bool:
    """Who may log a visit: a volunteer, a branch secretary or an officer."""
    return volunteer_profile(user) is not None or is_manager(user)


# ------------------------------------------------------------------ volunteers


def volunteers_for_user(user: User) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(village__in=villages_for_user(user)).select_related(
        "village", "user"
    )


@dataclass(frozen=True)
class Roster:
    """Who is already on some villages' rosters, to tell a newcomer apart (one query)."""

    phones: dict[tuple[int, str], str]  # (village id, phone) → the name of who has it
    names: set[tuple[int, str]]  # (village id, name without diacritics)


def roster_of(village_ids: Iterable[int], *, exclude_pk: int | None = None) -> Roster:
    """The rosters of these villages, without the volunteer ``exclude_pk`` (one being edited)."""
    phones: dict[tuple[int, str], str] = {}
    names: set[tuple[int, str]] = set()
    volunteers = Volunteer.objects.filter(village_id__in=list(village_ids)).exclude(pk=exclude_pk)
    for village_id, phone, name in volunteers.values_list("village_id", "phone", "full_name"):
        if phone:
            phones[(village_id, phone)] = name
        names.add((village_id, fold(name)))
    return Roster(phones=phones, names=names)


def volunteer_for_user(user: User, pk: int) -> Volunteer:
    """One volunteer the user manages, or 404."""
    volunteer = volunteers_for_user(user).filter(pk=pk).first()
    if volunteer is None:
        raise Http404
    return volunteer


def volunteer_list(user: User, *, village_id: int | None = None) -> QuerySet[Volunteer]:
    """The volunteers the user manages, by village and name, with their visit counts."""
    volunteers = volunteers_for_user(user).order_by("village__position", "full_name")
    if village_id:
        volunteers = volunteers.filter(village_id=village_id)
    return volunteers.annotate(visits=Count("assistance_records", distinct=True))


def campaign_list(user: User) -> QuerySet[Campaign]:
    """The user's campaigns with the number of visits recorded in each."""
    return campaigns_for_user(user).annotate(helped=Count("records"))


def selectable_volunteers(user: User) -> QuerySet[Volunteer]:
    """Whom a user may name as having helped: their branch, or the villages they manage."""
    profile = volunteer_profile(user)
    villages = villages_for_user(user)
    q = Q(village__in=villages)
    if profile is not None:
        q |= Q(village_id=profile.village_id)
    return (
        Volunteer.objects.filter(q, active=True)
        .select_related("village")
        .order_by("village__position", "full_name")
    )


def visit_villages(user: User) -> QuerySet[Village]:
    """Where a user may log a visit: the villages they manage, or their branch's commune."""
    if is_manager(user):
        return villages_for_user(user).order_by("position", "name")
    profile = volunteer_profile(user)
    if profile is None:
        return Village.objects.none()
    return Village.objects.filter(commune_id=profile.village.commune_id).order_by(
        "position", "name"
    )


def selectable_vendors(user: User) -> QuerySet[Vendor]:
    """Market vendors of the communes where the user may log visits."""
    return vendors_of_communes(visit_villages(user).values("commune_id"))


# ------------------------------------------------------------------ campaigns

# A "to follow up" nobody has closed yet (closing keeps the outcome: services.follow_up_close).
OPEN_FOLLOW_UP = Q(outcome=Outcome.FOLLOW_UP, followed_up_on__isnull=True)


def campaigns_for_user(user: User) -> QuerySet[Campaign]:
    communes = visit_villages(user).values("commune_id")
    return Campaign.objects.filter(commune_id__in=communes).select_related("commune")


def campaign_for_user(user: User, pk: int) -> Campaign:
    campaign = campaigns_for_user(user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def open_campaigns(user: User, on: datetime.date) -> QuerySet[Campaign]:
    return campaigns_for_user(user).filter(starts_on__lte=on, ends_on__gte=on)


def campaign_covering(village: Village, on: datetime.date) -> Campaign | None:
    """The one campaign of the village's commune open on ``on`` that covers the village
    (it lists the village, or lists none: commune-wide); None when none or several do."""
    found = list(
        Campaign.objects.filter(
            Q(villages=village) | Q(villages__isnull=True),
            commune_id=village.commune_id,
            starts_on__lte=on,
            ends_on__gte=on,
        ).distinct()[:2]
    )
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class Progress:
    campaign: Campaign
    helped: int  # different residents
    services: int
    by_day: list[dict]
    by_village: list[dict]
    by_service: list[dict]
    visits: int = 0
    follow_ups_open: int = 0

    @property
    def percent(self) -> int | None:
        if not self.campaign.goal:
            return None
        return round(100 * self.helped / self.campaign.goal)

    @property
    def bar_percent(self) -> int:
        return min(self.percent or 0, 100)


def campaigns_open_between(first: datetime.date, last: datetime.date) -> QuerySet[Campaign]:
    """Campaigns of every commune open on at least one day from ``first`` to ``last``."""
    return (
        Campaign.objects.filter(starts_on__lte=last, ends_on__gte=first)
        .select_related("commune")
        .order_by("commune_id", "starts_on")
    )


def resident_counts() -> dict:
    """Aggregates of a group of visits: ``visits``, and the different residents among
    them as ``anonymous`` + ``named`` (a named resident once per village: same name and
    birth year, or the ref their visits kept when the name was erased; each anonymous
    visit is one). The reports and campaign pages use these."""
    return {
        "visits": Count("id"),
        "anonymous": Count("id", filter=ANONYMOUS),
        "named": Count(resident_key(), filter=~ANONYMOUS, distinct=True),
    }


def campaign_progress(campaign: Campaign) -> Progress:
    """Residents helped against the goal, visits per day, village and service, and the
    follow-ups still open (4 queries, counts only). ``helped`` counts different residents
    (once per village, as the reports do); the day and village rows count visits
    (``helped``) and the village rows residents too (``residents``)."""
    records = AssistanceRecord.objects.filter(campaign=campaign)
    by_day = list(records.values("helped_on").annotate(helped=Count("id")).order_by("helped_on"))
    by_village = list(
        records.values("village__name")
        .annotate(**resident_counts())
        .order_by("-visits", "village__name")
    )
    for row in by_village:
        row["helped"] = row["visits"]
        row["residents"] = row["anonymous"] + row["named"]
    by_service = list(
        ServiceGiven.objects.filter(record__campaign=campaign)
        .values("service")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(outcome="done")),
            open=Count("id", filter=OPEN_FOLLOW_UP),
        )
        .order_by("-total")
    )
    labels = dict(ServiceGiven._meta.get_field("service").choices)
    for row in by_service:
        row["label"] = labels.get(row["service"], row["service"])
    return Progress(
        campaign=campaign,
        helped=sum(row["residents"] for row in by_village),
        visits=sum(row["helped"] for row in by_day),
        services=sum(row["total"] for row in by_service),
        follow_ups_open=sum(row["open"] for row in by_service),
        by_day=by_day,
        by_village=by_village,
        by_service=by_service,
    )


# ------------------------------------------------------------------ residents


def resident_name_key():
    """Who a named resident is (name and year of birth), for counting them once."""
    return Concat(
        Lower("resident_name"),
        Value("|"),
        Coalesce(Cast("resident_birth_year", CharField()), Value("")),
        output_field=CharField(),
    )


def resident_key():
    """``resident_name_key``, or the random ``resident_ref`` their visits were given when
    the name was erased: the same resident still counts once, and is named nowhere."""
    return Coalesce(
        NullIf("resident_ref", Value("")), resident_name_key(), output_field=CharField()
    )


# A visit names nobody: no name now, and none erased (else it counts by its ref).
ANONYMOUS = Q(resident_name="", resident_ref="")


# ------------------------------------------------------------------ records


def _with_details(records: QuerySet[AssistanceRecord]) -> QuerySet[AssistanceRecord]:
    return records.select_related("village", "campaign", "vendor").prefetch_related(
        Prefetch("services", queryset=ServiceGiven.objects.order_by("service")),
        Prefetch("volunteers", queryset=Volunteer.objects.order_by("full_name")),
    )


def records_for_user(user: User) -> QuerySet[AssistanceRecord]:
    """Records whose resident details the user may see (see the module's docstring)."""
    if not user.is_authenticated:
        return AssistanceRecord.objects.none()
    return AssistanceRecord.objects.filter(
        Q(village__in=villages_for_user(user)) | Q(recorded_by=user)
    )


def record_list(
    user: User,
    *,
    village_id: int | None = None,
    campaign_id: int | None = None,
    service: str | None = None,
) -> QuerySet[AssistanceRecord]:
    """The records the user may see, newest first, narrowed by the list's filters."""
    records = records_for_user(user)
    if village_id:
        records = records.filter(village_id=village_id)
    if campaign_id:
        records = records.filter(campaign_id=campaign_id)
    if service:
        records = records.filter(services__service=service).distinct()
    return _with_details(records).order_by("-helped_on", "-created_at")


def record_for_user(user: User, pk: int) -> AssistanceRecord:
    record = _with_details(records_for_user(user)).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def my_records(user: User) -> QuerySet[AssistanceRecord]:
    return _with_details(AssistanceRecord.objects.filter(recorded_by=user)).order_by(
        "-helped_on", "-created_at"
    )


def visits_sent(client_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int | None]:
    """The visits stored already among these phone-made ids: id → who recorded it."""
    return dict(
        AssistanceRecord.objects.filter(client_id__in=list(client_ids)).values_list(
            "client_id", "recorded_by_id"
        )
    )


def today_count(user: User) -> int:
    return AssistanceRecord.objects.filter(recorded_by=user, helped_on=timezone.localdate()).count()


# ------------------------------------------------------------------ corrections

# How long who logged a visit may correct or delete it (officers keep the admin).
EDIT_WINDOW = datetime.timedelta(hours=24)


def edit_deadline(
    record: AssistanceRecord, user: User, *, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """Until when ``user`` may correct or delete ``record``: their own visit, for
    ``EDIT_WINDOW`` after they logged it, unless the resident's data was erased. None:
    not theirs, or no longer."""
    if not user.is_authenticated or record.recorded_by_id != user.pk:
        return None
    if record.personal_erased_on is not None:
        return None
    until = record.created_at + EDIT_WINDOW
    return until if (now or timezone.now()) < until else None


def editable_record(user: User, pk: int) -> AssistanceRecord:
    """One of the user's own visits they may still correct or delete, or 404."""
    if not user.is_authenticated:
        raise Http404
    record = (
        _with_details(
            AssistanceRecord.objects.filter(
                recorded_by=user,
                created_at__gt=timezone.now() - EDIT_WINDOW,
                personal_erased_on__isnull=True,
            )
        )
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404
    return record


def edit_deadlines(user: User, records: Iterable[AssistanceRecord]) -> dict[int, datetime.datetime]:
    """record id → until when ``user`` may correct it, for the records of a page they may."""
    now = timezone.now()
    deadlines = {r.pk: edit_deadline(r, user, now=now) for r in records}
    return {pk: until for pk, until in deadlines.items() if until is not None}


# ------------------------------------------------------------------ follow-ups


def follow_up_villages(user: User) -> QuerySet[Village]:
    """Whose follow-ups a user works: the villages they manage (an officer's commune, a
    branch secretary's village) and a volunteer's own branch village."""
    q = Q(pk__in=villages_for_user(user).values("pk"))
    profile = volunteer_profile(user)
    if profile is not None:
        q |= Q(pk=profile.village_id)
    return Village.objects.filter(q).order_by("position", "name")


def open_follow_ups(
    user: User, *, village_id: int | None = None, campaign_id: int | None = None
) -> QuerySet[ServiceGiven]:
    """The open "to follow up"s of the user's villages, the longest waiting first, with
    what the list shows (the visit, its village, who logged it) in the same query."""
    items = ServiceGiven.objects.filter(
        OPEN_FOLLOW_UP, record__village__in=follow_up_villages(user)
    )
    if village_id:
        items = items.filter(record__village_id=village_id)
    if campaign_id:
        items = items.filter(record__campaign_id=campaign_id)
    return items.select_related("record__village", "record__recorded_by").order_by(
        "record__helped_on", "record_id", "service"
    )


def follow_up_for_user(user: User, pk: int) -> ServiceGiven:
    """One "to follow up" of the user's villages, open or already closed, or 404."""
    item = (
        ServiceGiven.objects.filter(
            pk=pk, outcome=Outcome.FOLLOW_UP, record__village__in=follow_up_villages(user)
        )
        .select_related("record", "followed_up_by")
        .first()
    )
    if item is None:
        raise Http404
    return item


# ------------------------------------------------------------------ residents' requests
# A resident asks a commune officer what is kept about them, or to erase it (Decree
# 13/2023/NĐ-CP). "One resident" is who the reports count once: the same name (any case)
# and year of birth; for visits without a name, the same phone. Only the officers of the
# resident's commune find them: never a volunteer, a branch secretary or another commune.

RESIDENTS_FOUND = 50  # residents shown for one search, at most


def handles_resident_requests(user: User) -> bool:
    """A commune officer (of a commune) who may correct visits: the one who answers."""
    return (
        user.is_authenticated
        and user.is_active
        and user.commune_id is not None
        and (user.is_superuser or user_has_role(user, Role.COMMUNE_OFFICER))
        and user.has_perm("volunteers.change_assistancerecord")
    )


def _request_records(user: User) -> QuerySet[AssistanceRecord]:
    if not handles_resident_requests(user):
        return AssistanceRecord.objects.none()
    return AssistanceRecord.objects.filter(village__commune_id=user.commune_id)


@dataclass
class FoundResident:
    """One resident found by a search: a visit of theirs (``pk``, the address of their
    page), their name, year of birth and phones as kept, where and how often they were seen."""

    pk: int
    name: str
    birth_year: int | None
    phones: list[str]
    villages: list[str]
    visits: int
    last: datetime.date


def resident_search(user: User, text: str) -> list[FoundResident]:
    """The residents of the officer's commune whose phone is ``text`` (written any way), or
    whose name holds every word of ``text`` without diacritics or case ("nguyen mai" finds
    "Bà Nguyễn Thị Mai"), newest first. Names are compared in Python (the database cannot
    fold Vietnamese): one query of the commune's named visits, one for the matches."""
    records = _request_records(user)
    phone = vn_phone(text)
    if phone:
        records = records.filter(resident_phone=phone)
    else:
        wanted = set(words(text))
        if not wanted:
            return []
        named = records.exclude(resident_name="").values_list("pk", "resident_name")
        records = records.filter(
            pk__in=[pk for pk, name in named.iterator() if wanted <= set(words(name))]
        )
    rows = (
        records.annotate(key=resident_name_key())
        .order_by("-helped_on", "-pk")
        .values(
            "pk",
            "key",
            "resident_name",
            "resident_birth_year",
            "resident_phone",
            "helped_on",
            "village__name",
        )
    )
    found: dict[str, FoundResident] = {}
    for row in rows:
        key = row["key"] if row["resident_name"] else f"phone:{row['resident_phone']}"
        resident = found.get(key)
        if resident is None:
            if len(found) == RESIDENTS_FOUND:
                continue
            resident = found[key] = FoundResident(
                pk=row["pk"],
                name=row["resident_name"],
                birth_year=row["resident_birth_year"],
                phones=[],
                villages=[],
                visits=0,
                last=row["helped_on"],
            )
        resident.visits += 1
        for values, value in (
            (resident.phones, row["resident_phone"]),
            (resident.villages, row["village__name"]),
        ):
            if value and value not in values:
                values.append(value)
    return list(found.values())


def resident_visits(user: User, pk: int) -> QuerySet[AssistanceRecord]:
    """Every visit of the officer's commune of the resident of visit ``pk`` (same name and
    year of birth; without a name, same phone), oldest first, with what the page and the
    export show; 404 when the visit is not the officer's or names nobody."""
    records = _request_records(user).annotate(key=resident_name_key())
    seed = records.filter(pk=pk).values("key", "resident_name", "resident_phone").first()
    if seed is None or not (seed["resident_name"] or seed["resident_phone"]):
        raise Http404
    if seed["resident_name"]:
        visits = records.exclude(resident_name="").filter(key=seed["key"])
    else:
        visits = records.filter(resident_name="", resident_phone=seed["resident_phone"])
    return _with_details(visits.select_related("recorded_by")).order_by("helped_on", "pk")
