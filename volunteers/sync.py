"""Visits that reach the server from the volunteer's phone: one from the page, or many
sent together by the phone's outbox (static/js/visits.js) once the signal is back.

Every visit carries the id it was given where it was typed (``client_id``), so however
often it arrives it is stored once. The answer is per visit:

- ``stored``: saved now;
- ``already``: saved before, by this account (a lost answer, a retry, a second tab);
- ``refused``: not saved, with the reasons by field, as the page's form gives them
  (a village or volunteer the account may not choose, no service ticked, a date in
  the future...), or because another account sent that id.

The checks are the page's: the same ``VisitForm`` with the user's choices, then
``services.assistance_record``. Each visit is saved on its own, so one refused visit
does not hold back the others of its batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.messages import constants as levels
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from core.models import User

from . import selectors, services
from .forms import VisitForm

STORED, ALREADY, REFUSED = "stored", "already", "refused"
# Visits per request: the phone sends its outbox in batches of BATCH (static/js/visits.js);
# a request with more than MAX_BATCH is refused whole.
BATCH = 50
MAX_BATCH = 100


@dataclass
class Received:
    """What became of one visit that reached the server."""

    client_id: uuid.UUID | None
    status: str
    logged: services.VisitLogged | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def notes(self) -> list[tuple[int, str]]:
        """(message level, text): what saving did besides (campaign joined, vendor)."""
        return [] if self.logged is None else visit_notes(self.logged)


def visit_notes(logged: services.VisitLogged) -> list[tuple[int, str]]:
    """(message level, text): what saving a visit did besides (campaign joined, vendor);
    a visit stored, or corrected (``services.assistance_update``)."""
    found = []
    record = logged.record
    if logged.campaign_attached:
        found.append(
            (
                levels.INFO,
                _("The visit was added to the campaign %(name)s, open that day in %(village)s.")
                % {"name": record.campaign, "village": record.village},
            )
        )
    outcome = logged.vendor_outcome
    if outcome is not None:
        level = levels.WARNING if outcome.kind == outcome.NO_ACCOUNT else levels.INFO
        found.append((level, outcome.message))
    return found


def receive(
    form: VisitForm, *, user: User, sent: dict[uuid.UUID, int | None] | None = None
) -> Received:
    """Store the visit of a bound ``form`` once. ``sent``: ``selectors.visits_sent`` of a
    batch, read once for all of it (None: asked here)."""
    client_id = _parsed(form.data.get("client_id")) if form.is_bound else None
    if client_id is not None:  # a visit stored before is not checked again
        if sent is None:
            sent = selectors.visits_sent([client_id])
        if client_id in sent:
            return _sent_before(client_id, sent[client_id], user)
    valid = form.is_valid()
    client_id = form.cleaned_data.get("client_id")  # kept when another field is wrong
    if not valid:
        return Received(client_id, REFUSED, errors=_form_errors(form))
    try:
        logged = services.assistance_record(**form.visit_fields(), client_id=client_id, actor=user)
    except services.VisitSentBefore as exc:
        return _sent_before(client_id, exc.recorded_by_id, user)
    except ValidationError as exc:
        return Received(client_id, REFUSED, errors=exc.message_dict)
    return Received(client_id, STORED, logged=logged)


def _sent_before(client_id: uuid.UUID | None, recorded_by_id: int | None, user: User) -> Received:
    if recorded_by_id == user.pk:
        return Received(client_id, ALREADY)
    message = _("This visit was sent from another account; it was not saved.")
    return Received(client_id, REFUSED, errors={"__all__": [message]})


def _form_errors(form: VisitForm) -> dict[str, list[str]]:
    return {name: [str(error) for error in errors] for name, errors in form.errors.items()}


def _parsed(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


class BatchError(ValueError):
    """The request is not a batch of visits (the phone's script never sends one)."""


def _fields(item) -> QueryDict:
    """An outbox item's form fields (``[[name, value], ...]``, as FormData gives them)."""
    data = QueryDict(mutable=True)
    for pair in item.get("fields") or []:
        strings = isinstance(pair, list) and all(isinstance(p, str) for p in pair)
        if not (strings and len(pair) == 2):
            raise BatchError("a field is not a [name, value] pair of strings")
        data.appendlist(*pair)
    data["client_id"] = str(item.get("id", ""))
    return data


def receive_batch(items: Iterable, *, user: User) -> list[dict]:
    """Store each visit of a batch once; the answers, in order, as plain JSON.

    What the batch shares is read once: the user's choices and which ids came before.
    A visit stored before is answered without a form (binding one costs more than the
    answer); the others are bound and received one by one."""
    items = list(items)
    if len(items) > MAX_BATCH:
        raise BatchError(f"more than {MAX_BATCH} visits")
    if not all(isinstance(item, dict) for item in items):
        raise BatchError("a visit is not an object")
    data = [_fields(item) for item in items]  # all checked before anything is saved
    ids = [_parsed(item.get("id")) for item in items]
    sent = selectors.visits_sent(client_id for client_id in ids if client_id is not None)
    choices = VisitForm.choices_for(user)
    answers = []
    for client_id, fields in zip(ids, data, strict=True):
        form = None
        if client_id is None:  # never stored without one: it could be twice
            received = Received(None, REFUSED, errors={"__all__": [_("This visit has no id.")]})
        elif client_id in sent:
            received = _sent_before(client_id, sent[client_id], user)
        else:
            form = VisitForm.for_user(user, fields, choices=choices)
            received = receive(form, user=user, sent=sent)
        answer = {"id": fields["client_id"], "status": received.status}
        if received.status == REFUSED:
            answer["errors"] = received.errors
            answer["reasons"] = _reasons(form, received.errors)
        elif received.status == STORED:
            answer["notes"] = [text for _level, text in received.notes()]
            sent[client_id] = user.pk  # the same visit twice in one batch: "already"
        answers.append(answer)
    return answers


def _reasons(form: VisitForm | None, errors: dict[str, list[str]]) -> list[str]:
    """The errors as sentences for the outbox's list: "Field: message"."""
    reasons = []
    for name, messages in errors.items():
        label = form.fields[name].label if form is not None and name in form.fields else None
        if name.startswith(("svc_", "out_")) or name == "services":
            label = _("Services")
        reasons.extend(f"{label}: {m}" if label and name != "__all__" else m for m in messages)
    return reasons
