"""Writes of the volunteers program: volunteers, campaigns and assistance records."""

from __future__ import annotations

import calendar
import datetime
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import audit
from core import services as core_services
from core.models import Commune, User, Village
from core.roles import Role
from kit.forms import clean_phone
from kit.spreadsheets import ImportResult, Row
from kit.text import fold, has_id_number
from market.services import PaymentAppOutcome, vendor_helped_with_payment_app

from .models import AssistanceRecord, Campaign, Outcome, Service, ServiceGiven, Volunteer
from .selectors import (
    EDIT_WINDOW,
    campaign_covering,
    campaign_progress,
    campaigns_open_between,
    edit_deadline,
    resident_name_key,
    visits_sent,
)

if TYPE_CHECKING:
    from market.models import Vendor

OLDEST_BIRTH_YEAR = 1900


@transaction.atomic
def volunteer_create(
    *,
    village: Village,
    full_name: str,
    phone: str = "",
    branch_role: str = Volunteer.BranchRole.MEMBER,
    on_tech_team: bool = False,
    joined_on: datetime.date | None = None,
    active: bool = True,
    user: User | None = None,
    actor: User | None,
) -> Volunteer:
    volunteer = Volunteer(
        village=village,
        full_name=" ".join(full_name.split()),
        phone=clean_phone(phone, "phone"),
        branch_role=branch_role,
        on_tech_team=on_tech_team,
        joined_on=joined_on,
        active=active,
        user=user,
    )
    volunteer.full_clean()
    volunteer.save()
    audit.record(actor=actor, obj=volunteer, before=None)
    return volunteer


def _link_login(*, volunteer: Volunteer, user: User, actor: User, **fields) -> None:
    before = audit.snapshot(volunteer)
    volunteer.user = user
    for name, value in fields.items():
        setattr(volunteer, name, value)
    volunteer.save(update_fields=["user", *fields, "updated_at"])
    audit.record(actor=actor, obj=volunteer, before=before)


def _without_login(volunteer: Volunteer) -> None:
    if volunteer.user_id is not None:
        raise ValidationError(_("%(name)s already has a sign-in account.") % {"name": volunteer})


@transaction.atomic
def volunteer_login_create(*, volunteer: Volunteer, actor: User) -> User:
    """A volunteer's sign-in account (to log visits), made by an officer of their commune
    and linked to their record; the password comes with the one-time link."""
    _without_login(volunteer)
    user = core_services.login_create(
        role=Role.VOLUNTEER,
        full_name=volunteer.full_name,
        phone=volunteer.phone,
        village=volunteer.village,
        actor=actor,
    )
    _link_login(volunteer=volunteer, user=user, actor=actor)
    return user


@transaction.atomic
def secretary_login_create(
    *,
    village: Village,
    actor: User,
    volunteer: Volunteer | None = None,
    full_name: str = "",
    phone: str = "",
) -> User:
    """A branch secretary's sign-in account for ``village``, linked to their volunteer
    record so they log visits as themselves: the given record (of that village, made
    the branch's secretary), or a new one with ``full_name`` and ``phone``."""
    if volunteer is None:
        number = clean_phone(phone, "phone")
        if number and Volunteer.objects.filter(village=village, phone=number).exists():
            raise ValidationError(
                {
                    "phone": _(
                        "A volunteer of %(village)s already has this phone number: "
                        "choose their record above."
                    )
                    % {"village": village}
                }
            )
        volunteer = volunteer_create(
            village=village,
            full_name=full_name,
            phone=phone,
            branch_role=Volunteer.BranchRole.SECRETARY,
            actor=actor,
        )
    elif volunteer.village_id != village.pk:
        raise ValidationError(
            {
                "volunteer": _("%(name)s is not in %(village)s.")
                % {"name": volunteer, "village": village}
            }
        )
    _without_login(volunteer)
    user = core_services.login_create(
        role=Role.VILLAGE_SECRETARY,
        full_name=volunteer.full_name,
        phone=volunteer.phone,
        village=village,
        actor=actor,
    )
    _link_login(
        volunteer=volunteer, user=user, actor=actor, branch_role=Volunteer.BranchRole.SECRETARY
    )
    return user


@transaction.atomic
def campaign_create(
    *,
    commune: Commune,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    goal: int = 0,
    description: str = "",
    villages: Iterable[Village] = (),
    actor: User | None,
) -> Campaign:
    villages = list(villages)
    errors = campaign_errors(
        commune=commune, starts_on=starts_on, ends_on=ends_on, villages=villages
    )
    if errors:
        raise ValidationError(errors)
    campaign = Campaign(
        commune=commune,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        goal=goal,
        description=description.strip(),
    )
    campaign.full_clean()
    campaign.save()
    campaign.villages.set(villages)
    audit.record(actor=actor, obj=campaign, before=None)
    return campaign


def campaign_errors(
    *,
    commune: Commune,
    starts_on: datetime.date,
    ends_on: datetime.date,
    villages: Iterable[Village],
) -> dict[str, list[str]]:
    """What is wrong with a campaign, by field: ``campaign_create`` and the admin's form."""
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors["ends_on"] = [_("The last day is before the first day.")]
    if any(v.commune_id != commune.pk for v in villages):
        errors["villages"] = [_("Every village must be in the campaign's commune.")]
    return errors


def _check_record(
    *,
    helped_on: datetime.date,
    village: Village,
    volunteers: list[Volunteer],
    services: Mapping[str, str] | None,
    campaign: Campaign | None,
    resident_name: str,
    resident_birth_year: int | None,
    notes: str,
    vendor: Vendor | None,
) -> dict[str, list[str]]:
    """What is wrong with a visit, by field (``services`` None: checked elsewhere)."""
    errors: dict[str, list[str]] = {}
    for field, messages in (
        ("services", _services_errors(services)),
        ("helped_on", _date_errors(helped_on)),
        ("volunteers", _volunteers_errors(volunteers, village)),
        *_campaign_errors(campaign, village, helped_on),
        ("resident_birth_year", _birth_year_errors(resident_birth_year)),
        ("resident_name", _id_number_errors(resident_name)),
        ("notes", _id_number_errors(notes)),
        ("vendor", _vendor_errors(vendor, village)),
    ):
        if messages:
            errors.setdefault(field, []).extend(messages)
    return errors


def _services_errors(services: Mapping[str, str] | None) -> list[str]:
    if services is None:
        return []
    if not services:
        return [_("Tick at least one service the resident was helped with.")]
    if any(s not in Service.values or o not in Outcome.values for s, o in services.items()):
        return [_("Unknown service or outcome.")]
    return []


def _date_errors(helped_on: datetime.date) -> list[str]:
    if helped_on > timezone.localdate():
        return [_("The date cannot be in the future.")]
    return []


def _volunteers_errors(volunteers: list[Volunteer], village: Village) -> list[str]:
    if not volunteers:
        return [_("Choose at least one volunteer who helped.")]
    if any(v.village.commune_id != village.commune_id for v in volunteers):
        return [_("Every volunteer must belong to a branch of this commune.")]
    return []


def _campaign_errors(
    campaign: Campaign | None, village: Village, helped_on: datetime.date
) -> list[tuple[str, list[str]]]:
    """(field, messages): the campaign of the commune, the date inside it, the village covered."""
    if campaign is None:
        return []
    if campaign.commune_id != village.commune_id:
        return [("campaign", [_("This campaign is for another commune.")])]
    if not campaign.starts_on <= helped_on <= campaign.ends_on:
        message = _("The campaign runs from %(start)s to %(end)s; the date is outside it.") % {
            "start": f"{campaign.starts_on:%d/%m/%Y}",
            "end": f"{campaign.ends_on:%d/%m/%Y}",
        }
        return [("helped_on", [message])]
    covered = list(campaign.villages.values_list("pk", flat=True))
    if covered and village.pk not in covered:
        return [("village", [_("This village is not covered by the campaign.")])]
    return []


def _birth_year_errors(year: int | None) -> list[str]:
    last = timezone.localdate().year
    if year is not None and not OLDEST_BIRTH_YEAR <= year <= last:
        return [
            _("Write a year of birth between %(first)s and %(last)s.")
            % {"first": OLDEST_BIRTH_YEAR, "last": last}
        ]
    return []


def _id_number_errors(text: str) -> list[str]:
    if has_id_number(text):
        return [_("Do not write identity-card numbers: the program never keeps them.")]
    return []


def _vendor_errors(vendor: Vendor | None, village: Village) -> list[str]:
    if vendor is not None and vendor.market.village.commune_id != village.commune_id:
        return [_("This vendor sells at a market of another commune.")]
    return []


def assistance_record_errors(
    *,
    helped_on: datetime.date,
    village: Village,
    volunteers: Iterable[Volunteer],
    campaign: Campaign | None,
    resident_name: str,
    resident_birth_year: int | None,
    resident_phone: str,
    resident_consented: bool,
    notes: str,
    vendor: Vendor | None,
) -> dict[str, list[str]]:
    """The checks of ``assistance_record``, by field, for a record corrected elsewhere (the
    admin): the volunteers and vendor of the commune, the village covered by the campaign,
    the date inside it, no identity numbers. Its services are checked by their own forms."""
    errors, _phone = _check_record_and_phone(
        helped_on=helped_on,
        village=village,
        volunteers=list(volunteers),
        services=None,
        campaign=campaign,
        resident_name=resident_name,
        resident_birth_year=resident_birth_year,
        resident_phone=resident_phone,
        resident_consented=resident_consented,
        notes=notes,
        vendor=vendor,
    )
    return errors


def _consent_errors(*, consented: bool, resident_name: str, resident_phone: str) -> dict:
    """A name or phone is kept only with the resident's consent (Decree 13/2023/NĐ-CP):
    without it the volunteer ticks the box or clears the field, nothing is dropped silently."""
    if consented:
        return {}
    message = _(
        "The resident has not agreed to keep their name and phone: "
        "tick the consent box or leave this field empty."
    )
    return {
        field: [message]
        for field, value in (("resident_name", resident_name), ("resident_phone", resident_phone))
        if value.strip()
    }


def _check_record_and_phone(
    *, resident_phone: str, resident_consented: bool, **record
) -> tuple[dict, str]:
    """``_check_record``'s errors with the phone's and the consent's, and the phone as kept."""
    errors = _check_record(**record)
    try:
        resident_phone = clean_phone(resident_phone, "resident_phone")
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    consent = _consent_errors(
        consented=resident_consented,
        resident_name=record["resident_name"],
        resident_phone=resident_phone,
    )
    for field, messages in consent.items():
        errors.setdefault(field, []).extend(messages)
    return errors, resident_phone


class VisitSentBefore(Exception):
    """A visit with this ``client_id`` is stored already (a retry, a second tab)."""

    def __init__(self, recorded_by_id: int | None) -> None:
        super().__init__(recorded_by_id)
        self.recorded_by_id = recorded_by_id


@dataclass(frozen=True)
class VisitLogged:
    """A saved visit, with what saving it did besides: the open campaign it joined when
    none was chosen, and what became of the market vendor helped with a payment app."""

    record: AssistanceRecord
    campaign_attached: bool = False
    vendor_outcome: PaymentAppOutcome | None = None


@dataclass(frozen=True)
class _Visit:
    """A visit's values as they are kept, checked: the record's ``fields``, who helped,
    the services (service → outcome), and whether the campaign was found for it."""

    fields: dict
    volunteers: list[Volunteer]
    services: dict[str, str]
    campaign_found: bool


def _checked_visit(
    *,
    helped_on: datetime.date,
    village: Village,
    volunteers: Iterable[Volunteer],
    services: Mapping[str, str],
    campaign: Campaign | None,
    resident_name: str,
    resident_birth_year: int | None,
    resident_phone: str,
    resident_consented: bool,
    vendor: Vendor | None,
    notes: str,
) -> _Visit:
    """The visit as ``assistance_record`` and ``assistance_update`` keep it: given no
    campaign, the one open that day that covers its village (if exactly one does); the
    name's spaces tidied, the phone as kept; every check of ``_check_record_and_phone``
    (the consent rule included). Raises ValidationError by field."""
    volunteers = list(volunteers)
    found = False
    if campaign is None:
        campaign = campaign_covering(village, helped_on)
        found = campaign is not None
    resident_name = " ".join(resident_name.split())
    notes = notes.strip()
    errors, resident_phone = _check_record_and_phone(
        helped_on=helped_on,
        village=village,
        volunteers=volunteers,
        services=services,
        campaign=campaign,
        resident_name=resident_name,
        resident_birth_year=resident_birth_year,
        resident_phone=resident_phone,
        resident_consented=resident_consented,
        notes=notes,
        vendor=vendor,
    )
    if errors:
        raise ValidationError(errors)
    fields = {
        "helped_on": helped_on,
        "village": village,
        "campaign": campaign,
        "resident_name": resident_name,
        "resident_birth_year": resident_birth_year,
        "resident_phone": resident_phone,
        "resident_consented": resident_consented,
        "vendor": vendor,
        "notes": notes,
    }
    return _Visit(fields, volunteers, dict(services), campaign_found=found)


@transaction.atomic
def assistance_record(
    *,
    helped_on: datetime.date,
    village: Village,
    volunteers: Iterable[Volunteer],
    services: Mapping[str, str],
    campaign: Campaign | None = None,
    resident_name: str = "",
    resident_birth_year: int | None = None,
    resident_phone: str = "",
    resident_consented: bool = False,
    vendor: Vendor | None = None,
    notes: str = "",
    client_id: uuid.UUID | None = None,
    actor: User | None,
) -> VisitLogged:
    """Log one visit: who helped which resident with what (``services``: service → outcome).

    A visit given no campaign joins the one campaign open that day that covers its
    village, if exactly one does. A resident's name or phone is kept only with
    ``resident_consented``. Helping a market vendor install a payment app moves the
    vendor's status on (with its history): "cashless" once done and the vendor has an
    account, "onboarding" otherwise; the result says which and why. Raises
    ValidationError (by field) and saves nothing when anything is wrong.

    ``client_id`` is the id the visit got where it was typed: a second visit with it
    stores nothing and raises VisitSentBefore, even when both arrive at once (the
    unique index decides). Callers check ``selectors.visits_sent`` first, to answer
    "already stored" without checking again a visit that was right when it came.
    """
    visit = _checked_visit(
        helped_on=helped_on,
        village=village,
        volunteers=volunteers,
        services=services,
        campaign=campaign,
        resident_name=resident_name,
        resident_birth_year=resident_birth_year,
        resident_phone=resident_phone,
        resident_consented=resident_consented,
        vendor=vendor,
        notes=notes,
    )
    try:
        with transaction.atomic():  # a savepoint: the unique client_id may refuse the row
            record = AssistanceRecord.objects.create(
                **visit.fields,
                recorded_by=actor if actor is not None and actor.is_authenticated else None,
                client_id=client_id,
            )
    except IntegrityError:
        sent = visits_sent([client_id]) if client_id is not None else {}
        if client_id not in sent:
            raise
        raise VisitSentBefore(sent[client_id]) from None
    record.volunteers.set(visit.volunteers)
    ServiceGiven.objects.bulk_create(
        ServiceGiven(record=record, service=service, outcome=outcome)
        for service, outcome in visit.services.items()
    )
    audit.record(actor=actor, obj=record, before=None)
    audit.record_rows(actor=actor, before={}, queryset=record.services.order_by("pk"))
    vendor_outcome = None
    if vendor is not None and Service.PAYMENT_APP in visit.services:
        vendor_outcome = _vendor_onboarded(
            vendor, visit.services[Service.PAYMENT_APP], visit.volunteers, actor
        )
    return VisitLogged(
        record, campaign_attached=visit.campaign_found, vendor_outcome=vendor_outcome
    )


def _own_recent(record: AssistanceRecord, actor: User) -> AssistanceRecord:
    """``record`` as stored, locked for a change, if ``actor`` may still correct it
    (``selectors.edit_deadline``); else ValidationError."""
    locked = AssistanceRecord.objects.select_for_update().filter(pk=record.pk).first()
    if locked is None or edit_deadline(locked, actor) is None:
        raise ValidationError(
            _("Only who logged a visit may change it, and only in the %(hours)s hours after.")
            % {"hours": int(EDIT_WINDOW.total_seconds() // 3600)}
        )
    return locked


def _payment_app_done(record: AssistanceRecord) -> int | None:
    """The vendor whose payment-app help the stored visit says is done, if any."""
    done = record.services.filter(service=Service.PAYMENT_APP, outcome=Outcome.DONE).exists()
    return record.vendor_id if done else None


def _services_set(record: AssistanceRecord, services: Mapping[str, str]) -> None:
    """The visit's services become ``services``, row by row: a row kept keeps its id and
    its follow-up's closing; a changed outcome is saved on its row."""
    rows = {given.service: given for given in record.services.all()}
    gone = [given.pk for service, given in rows.items() if service not in services]
    ServiceGiven.objects.filter(pk__in=gone).delete()
    for service, outcome in services.items():
        given = rows.get(service)
        if given is None:
            ServiceGiven.objects.create(record=record, service=service, outcome=outcome)
        elif given.outcome != outcome:
            given.outcome = outcome
            given.save(update_fields=["outcome"])


@transaction.atomic
def assistance_update(
    *,
    record: AssistanceRecord,
    helped_on: datetime.date,
    village: Village,
    volunteers: Iterable[Volunteer],
    services: Mapping[str, str],
    campaign: Campaign | None = None,
    resident_name: str = "",
    resident_birth_year: int | None = None,
    resident_phone: str = "",
    resident_consented: bool = False,
    vendor: Vendor | None = None,
    notes: str = "",
    actor: User,
) -> VisitLogged:
    """Correct a visit ``actor`` logged less than ``EDIT_WINDOW`` ago, with the checks of
    ``assistance_record`` (given no campaign, it joins the one covering it that day).

    Every count stays honest: the services are changed row by row (a follow-up already
    closed stays closed), and the market vendor's status moves only when the payment-app
    help is newly done for that vendor (correcting a visit never onboards twice; a help
    no longer done does not move the vendor back: an officer does, with its history).
    The record and each service row are audited, before and after.
    """
    record = _own_recent(record, actor)
    visit = _checked_visit(
        helped_on=helped_on,
        village=village,
        volunteers=volunteers,
        services=services,
        campaign=campaign,
        resident_name=resident_name,
        resident_birth_year=resident_birth_year,
        resident_phone=resident_phone,
        resident_consented=resident_consented,
        vendor=vendor,
        notes=notes,
    )
    before = audit.snapshot(record)
    rows_before = audit.rows_snapshot(record.services.order_by("pk"))
    vendor_done_before = _payment_app_done(record)
    campaign_before = record.campaign_id
    for name, value in visit.fields.items():
        setattr(record, name, value)
    record.save(update_fields=list(visit.fields))
    record.volunteers.set(visit.volunteers)
    _services_set(record, visit.services)
    audit.record(actor=actor, obj=record, before=before)
    audit.record_rows(actor=actor, before=rows_before, queryset=record.services.order_by("pk"))
    vendor_outcome = None
    newly_done = visit.services.get(Service.PAYMENT_APP) == Outcome.DONE and (
        vendor is not None and vendor.pk != vendor_done_before
    )
    if newly_done:
        vendor_outcome = _vendor_onboarded(vendor, Outcome.DONE, visit.volunteers, actor)
    attached = visit.campaign_found and record.campaign_id != campaign_before
    return VisitLogged(record, campaign_attached=attached, vendor_outcome=vendor_outcome)


@transaction.atomic
def assistance_delete(*, record: AssistanceRecord, actor: User) -> None:
    """Delete a visit ``actor`` logged less than ``EDIT_WINDOW`` ago, with its services;
    the history keeps what they were. A market vendor's status it moved stays (the
    vendor's own history; an officer moves it back)."""
    record = _own_recent(record, actor)
    rows = audit.rows_snapshot(record.services.order_by("pk"))
    audit.record_rows(actor=actor, before=rows, queryset=ServiceGiven.objects.none())
    audit.record_delete(actor=actor, obj=record)
    record.delete()


def _vendor_onboarded(
    vendor: Vendor, outcome: str, volunteers: list[Volunteer], actor: User | None
) -> PaymentAppOutcome:
    return vendor_helped_with_payment_app(
        vendor=vendor,
        done=outcome == Outcome.DONE,
        helpers=", ".join(v.full_name for v in volunteers),
        actor=actor,
    )


# ------------------------------------------------------------------ follow-ups


@transaction.atomic
def follow_up_close(*, service_given: ServiceGiven, note: str = "", actor: User) -> bool:
    """Mark a "to follow up" done: today, by ``actor``, with ``note`` in its history. The
    outcome stays what the visit found (the reports count it so). Closing one already
    closed changes nothing and answers False: the update is conditional, so two taps or
    two phones close it once."""
    note = " ".join(note.split())
    errors = _id_number_errors(note)
    if errors:
        raise ValidationError({"note": errors})
    closed = ServiceGiven.objects.filter(
        pk=service_given.pk, outcome=Outcome.FOLLOW_UP, followed_up_on__isnull=True
    ).update(followed_up_on=timezone.localdate(), followed_up_by=actor)
    if not closed:
        return False
    # the update found it open: that is what it was before
    service_given.followed_up_on, service_given.followed_up_by = None, None
    before = audit.snapshot(service_given)
    service_given.refresh_from_db(fields=["followed_up_on", "followed_up_by"])
    audit.record(actor=actor, obj=service_given, before=before, note=note)
    return True


# ------------------------------------------------------------------ residents' data

# What is erased of a visit: the name, the phone and the notes (free text that may name
# the resident or their family). The year of birth, village, date and services stay.
PERSONAL_FIELDS = ("resident_name", "resident_phone", "notes")
ERASE_BATCH = 500


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def _linked_refs(records: list[dict]) -> dict[str, str]:
    """name key → ``resident_ref`` for the named visits about to lose their names: the ref
    their namesakes already carry, else a new random one. Every visit with that key gets it,
    so each resident still counts once in any period (``selectors.resident_key``)."""
    keys = {r["key"] for r in records if r["resident_name"]}
    if not keys:
        return {}
    namesakes = AssistanceRecord.objects.annotate(key=resident_name_key()).filter(key__in=keys)
    refs = dict(namesakes.exclude(resident_ref="").values_list("key", "resident_ref"))
    for key in keys - refs.keys():
        refs[key] = secrets.token_hex(16)
    for key, ref in refs.items():
        namesakes.filter(key=key, resident_ref="").update(resident_ref=ref)
    return refs


def _anonymous_name(helped_on: datetime.date | str) -> str:
    """What the history calls a visit once its resident's name is erased."""
    if isinstance(helped_on, str):
        helped_on = datetime.date.fromisoformat(helped_on)
    return str(AssistanceRecord(helped_on=helped_on))


@transaction.atomic
def _erase_batch(pks: list[int], *, today: datetime.date) -> int:
    """Blank the name, phone and notes of the visits ``pks`` and what the history keeps of
    them ("personal data erased on" keeps the first erasure's day)."""
    records = list(
        AssistanceRecord.objects.select_for_update()
        .filter(pk__in=pks)
        .exclude(resident_name="", resident_phone="", notes="")
        .annotate(key=resident_name_key())
        .values("pk", "key", "resident_name", "helped_on")
    )
    _linked_refs(records)
    erased = [r["pk"] for r in records]
    AssistanceRecord.objects.filter(pk__in=erased).update(
        resident_name="",
        resident_phone="",
        notes="",
        personal_erased_on=Coalesce(F("personal_erased_on"), Value(today)),
    )
    audit.redact(
        AssistanceRecord,
        erased,
        PERSONAL_FIELDS,
        names={r["pk"]: _anonymous_name(r["helped_on"]) for r in records},
    )
    audit.redact_row_notes(AssistanceRecord, erased)  # what was written closing a follow-up
    return len(erased)


def _redact_deleted(deleted: list[audit.Deleted]) -> int:
    """Redact the history of visits deleted before: their rows are gone, their entries
    still kept the resident's name, phone and notes."""
    names = {d.pk: _anonymous_name(d.values["helped_on"]) for d in deleted}
    audit.redact_row_notes(AssistanceRecord, list(names))
    return audit.redact(AssistanceRecord, list(names), PERSONAL_FIELDS, names=names)


def _who(records: list[AssistanceRecord]) -> tuple[set[tuple[str, int | None]], set[str]]:
    """The residents of ``records``: (folded name, year of birth) pairs, and phones."""
    names = {(fold(r.resident_name), r.resident_birth_year) for r in records if r.resident_name}
    return names, {r.resident_phone for r in records if r.resident_phone}


def _names_them(values: dict, names: set[tuple[str, int | None]], phones: set[str]) -> bool:
    """Whether a deleted visit's last values name one of these residents: the same phone,
    or the same name (without diacritics or case) with the same year of birth when both
    are known."""
    if values.get("resident_phone") in phones:
        return True
    name, year = values.get("resident_name"), values.get("resident_birth_year")
    if not isinstance(name, str) or not name or name == audit.REDACTED:
        return False
    folded = fold(name)
    return any(n == folded and (y is None or year is None or y == year) for n, y in names)


def resident_data_erase(*, records: Iterable[AssistanceRecord], actor: User) -> int:
    """Erase on a resident's request: the name, phone and notes of ``records`` (the officer
    found them by name or phone in their commune) and their values in the history, and the
    history of the visits of this resident deleted before (same phone, or same name and
    year of birth, in the same communes), in one transaction; each erasure is in the
    history itself, without the values. Returns the visits erased."""
    records = list(records)
    pks = [r.pk for r in records]
    names, phones = _who(records)
    communes = set(
        AssistanceRecord.objects.filter(pk__in=pks).values_list("village__commune_id", flat=True)
    )
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        erased = _erase_batch(pks, today=timezone.localdate())
        deleted = audit.deleted_records(AssistanceRecord, communes=communes, having=PERSONAL_FIELDS)
        _redact_deleted([d for d in deleted if _names_them(d.values, names, phones)])
        for record in AssistanceRecord.objects.filter(pk__in=pks, personal_erased_on__isnull=False):
            audit.record(
                actor=actor,
                obj=record,
                before=audit.snapshot(record),
                note=_("Resident's name, phone and notes erased on their request."),
            )
    return erased


def resident_data_expire(*, today: datetime.date | None = None) -> int:
    """Nightly: erase the residents' names, phones and notes of visits older than
    ``RESIDENT_DATA_MONTHS``, and their values in the audit history, one transaction per
    batch; and the same values in the history of visits of that age deleted before. Counts
    are kept: the visits stay, and a named resident's visits keep a random shared ref.
    Running it again erases nothing more. Returns the visits erased."""
    today = today or timezone.localdate()
    limit = months_before(today, settings.RESIDENT_DATA_MONTHS)
    due = (
        AssistanceRecord.objects.filter(helped_on__lt=limit)
        .exclude(resident_name="", resident_phone="", notes="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    erased = 0
    with translation.override(settings.LANGUAGE_CODE):
        while pks := list(due[:ERASE_BATCH]):
            erased += _erase_batch(pks, today=today)
        old = [
            d
            for d in audit.deleted_records(AssistanceRecord, having=PERSONAL_FIELDS)
            if str(d.values.get("helped_on", "")) < limit.isoformat()
        ]
        for start in range(0, len(old), ERASE_BATCH):
            with transaction.atomic():
                _redact_deleted(old[start : start + ERASE_BATCH])
    return erased


@transaction.atomic
def resident_data_access(
    *, records: Iterable[AssistanceRecord], actor: User, exported: bool
) -> int:
    """Access on a resident's request: write in each visit's history that ``actor`` was
    shown (or downloaded, ``exported``) what is kept about its resident, and when; the
    entries keep no values, and an erasure or the lifetime redacts their record names
    like the rest of the visit's history. Returns the entries written."""
    with translation.override(settings.LANGUAGE_CODE):
        note = (
            _("What is kept about the resident was downloaded on their request.")
            if exported
            else _("What is kept about the resident was shown on their request.")
        )
        written = 0
        for record in records:
            before = audit.snapshot(record, m2m=False)
            written += audit.record(actor=actor, obj=record, before=before, note=note) is not None
    return written


# ------------------------------------------------------------------ import


@transaction.atomic
def volunteer_import(*, rows: list[Row], only_clean: bool, actor: User | None) -> ImportResult:
    """Add the volunteers of rows checked by ``spreadsheets.check_rows``.

    All rows or none: with any row in error nothing is saved, unless the officer
    chose ``only_clean``, and then exactly the clean rows are saved. A row that
    fails when saved (a phone taken since the preview) saves nobody.
    """
    bad = [row for row in rows if not row.ok]
    if bad and not only_clean:
        raise ValidationError(
            _("%(count)s rows have errors: nothing was saved.") % {"count": len(bad)}
        )
    created = 0
    for row in rows:
        if not row.ok:
            continue
        if not row.cleaned:
            raise ValueError("check the rows with volunteers.spreadsheets.check_rows first")
        try:
            volunteer_create(**row.cleaned, actor=actor)
        except ValidationError as exc:
            raise ValidationError(
                _("Row %(row)s: %(errors)s") % {"row": row.number, "errors": " ".join(exc.messages)}
            ) from exc
        created += 1
    return ImportResult(created=created, skipped=len(bad))


def campaigns_weekly_summary(*, today: datetime.date | None = None) -> int:
    """Weekly: email each commune's officers the progress of its campaigns (counts only).

    Campaigns open at some time in the last seven days are summed up: residents
    helped against the goal, the week's visits per day and per village. Sent
    once per campaign and ISO week, even if the task is delivered twice.
    """
    today = today or timezone.localdate()
    week = today.isocalendar()
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for campaign in campaigns_open_between(today - datetime.timedelta(days=6), today):
            recipients = list(
                User.objects.filter(
                    commune=campaign.commune_id,
                    groups__name=Role.COMMUNE_OFFICER,
                    is_active=True,
                )
                .exclude(email="")
                .values_list("email", flat=True)
            )
            if not recipients:
                continue
            key = f"campaign-summary:{campaign.pk}:{week.year}-{week.week}"
            if not cache.add(key, 1, timeout=8 * 24 * 3600):
                continue  # already sent this week
            progress = campaign_progress(campaign)
            since = today - datetime.timedelta(days=6)
            context = {
                "progress": progress,
                "since": since,
                "today": today,
                "week_days": [d for d in progress.by_day if d["helped_on"] >= since],
            }
            subject = _("Campaign %(name)s: %(helped)s of %(goal)s residents helped") % {
                "name": campaign.name,
                "helped": progress.helped,
                "goal": campaign.goal,
            }
            body = render_to_string("volunteers/email/weekly_summary.txt", context)
            messages.append((subject, body, None, recipients))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(messages)
