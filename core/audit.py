"""Who changed what, when, and from what to what: the audit history of officers' work.

``record`` (with ``snapshot`` taken before the change) writes an ``AuditEntry``
for vendors and their accounts, legal documents and library points, volunteers,
assistance records with their services, adoption reports, and the province-wide
records (banks, schedules, training topics, library categories). Services call it
inside their own ``transaction.atomic``, and the admin classes that save models
themselves call it in the admin's transaction (``core.admin.AuditedAdmin``),
so a change and its entry are saved together or not at all. Nothing happens in
``save()`` or signals: a bulk ``update()`` outside the services is not recorded.

There is one trail: the admin's own ``LogEntry`` is not written by the services.
"""

import datetime as dt
import functools
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps as registry
from django.contrib.admin.utils import display_for_value
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.fields.mixins import FieldCacheMixin
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.text import capfirst

from core.models import AuditEntry

# ------------------------------------------------------------------ what is audited


@dataclass(frozen=True)
class Audited:
    """How one model is audited.

    ``commune``: the lookup from the model to its commune ("village__commune"), or
    None for records every commune shares (the entry takes the officer's commune).
    ``owner``: for rows of another record, the foreign key to it: their entries show
    in that record's history and take its commune. ``m2m``: many-to-many fields
    kept as the names of the chosen records. ``masked`` fields keep only their last
    characters (the vendor's page key, which opens the vendor's page).
    """

    commune: str | None = None
    owner: str | None = None
    exclude: frozenset[str] = frozenset()
    m2m: tuple[str, ...] = ()
    masked: frozenset[str] = frozenset()


@functools.cache
def audited_models() -> dict[str, Audited]:
    """How each audited model is audited, from every app's AppConfig (``audited``)."""
    return {
        label: Audited(**spec)
        for config in registry.get_app_configs()
        for label, spec in getattr(config, "audited", {}).items()
    }


MASK_KEEP = 4  # characters of a masked value that stay readable
EMPTY: tuple[object, ...] = (None, "", [])


def spec_of(model) -> Audited:
    return audited_models()[model._meta.label_lower]


def shared_models() -> list[str]:
    """Labels of audited models that belong to no commune (every commune sees them)."""
    return [
        label for label, spec in audited_models().items() if spec.commune is None and not spec.owner
    ]


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, str):
        return str(value)  # a choices member counts as its value
    if value is None or isinstance(value, bool | int | float | list | dict):
        return value
    return str(value)  # e.g. a schedule's time zone (ZoneInfo)


def _fields(model) -> list[models.Field]:
    spec = spec_of(model)
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and f.name not in spec.exclude
        # moved by every save, not by the officer
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]


# ------------------------------------------------------------------ snapshots


def snapshot(obj: models.Model, *, m2m: bool = True) -> dict:
    """The audited values of ``obj`` as they are in memory (related records as ids)."""
    values = {f.name: _jsonable(getattr(obj, f.attname)) for f in _fields(type(obj))}
    if m2m:
        for name in spec_of(type(obj)).m2m:
            values[name] = sorted(getattr(obj, name).values_list("pk", flat=True)) if obj.pk else []
    return values


def snapshot_stored(obj: models.Model) -> dict | None:
    """The audited values of ``obj`` as stored, None for a new record: for callers whose
    instance a form has already changed in memory."""
    if obj.pk is None:
        return None
    stored = type(obj)._base_manager.filter(pk=obj.pk).first()
    return None if stored is None else snapshot(stored)


def rows_snapshot(queryset: models.QuerySet) -> dict:
    """pk → (name, values) of each row of ``queryset`` (a record's accounts, services)."""
    return {obj.pk: (str(obj), snapshot(obj)) for obj in queryset}


# ------------------------------------------------------------------ writing entries


def _shown(model, name: str, value, obj: models.Model | None = None):
    """What the history keeps of a value: a related record's name rather than its id."""
    if value in EMPTY:
        return value
    if name in spec_of(model).masked:
        return "…" + str(value)[-MASK_KEEP:]
    field = model._meta.get_field(name)
    if field.many_to_many:
        return sorted(str(r) for r in field.related_model._base_manager.filter(pk__in=value))
    if field.is_relation:
        if obj is not None and field.is_cached(obj) and getattr(obj, field.attname) == value:
            return str(getattr(obj, name))
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    return value


def _person(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def _owner(model, pk, values: dict, obj: models.Model | None):
    """(model, pk, instance if in memory) of the record whose history shows this row."""
    spec = spec_of(model)
    if spec.owner is None:
        return model, pk, obj
    field = model._meta.get_field(spec.owner)
    cached = getattr(obj, spec.owner) if obj is not None and field.is_cached(obj) else None
    return field.related_model, values[spec.owner], cached


def _commune_id(model, pk, obj: models.Model | None, actor) -> int | None:
    path = spec_of(model).commune
    if path is None:  # shared by every commune: the officer's commune reads it
        return getattr(actor, "commune_id", None)
    # follow the relations already in memory; ask the database only when one is not
    current, parts = obj, path.split("__")
    for part in parts[:-1]:
        if current is None:
            break
        relation = current._meta.get_field(part)
        cached = isinstance(relation, FieldCacheMixin) and relation.is_cached(current)
        current = getattr(current, part) if cached else None
    if current is not None:
        field = current._meta.get_field(parts[-1])
        if isinstance(field, models.Field):
            return getattr(current, field.attname)
    return model._base_manager.filter(pk=pk).values_list(path, flat=True).first()


def _write(*, actor, action: str, model, pk, name: str, values: dict, changes: dict, obj, note):
    actor = _person(actor)
    owner_model, owner_pk, owner = _owner(model, pk, values, obj)
    types = ContentType.objects.get_for_models(model, owner_model, for_concrete_models=False)
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor,
        actor_name=str(actor)[:200] if actor is not None else "",
        action=action,
        content_type=types[model],
        object_id=str(pk),
        object_repr=name[:200],
        owner_type=types[owner_model],
        owner_id=str(owner_pk),
        commune_id=_commune_id(owner_model, owner_pk, owner, actor),
        changes=changes,
        note=note[:200],
    )


def _own(model, values: dict):
    """The values an entry shows: all but the link to the owner (the page they show on)."""
    owner = spec_of(model).owner
    return [(k, v) for k, v in values.items() if k != owner]


def _gone(model, values: dict, obj) -> dict:
    return {k: [_shown(model, k, v, obj), None] for k, v in _own(model, values) if v not in EMPTY}


def record(*, actor, obj: models.Model, before: dict | None, note: str = ""):
    """Record what happened to the saved ``obj`` since ``before`` (its ``snapshot``).

    ``before`` None: ``obj`` was created. Nothing is written when no audited field
    changed and there is no ``note``. ``actor`` is the person, or None for the system.
    Call it inside the transaction of the change.
    """
    model = type(obj)
    spec = spec_of(model)
    with_m2m = before is None or any(name in before for name in spec.m2m)
    after = snapshot(obj, m2m=with_m2m)
    if before is None:
        action = AuditEntry.Action.CREATE
        changes = {
            k: [None, _shown(model, k, v, obj)] for k, v in _own(model, after) if v not in EMPTY
        }
    else:
        action = AuditEntry.Action.UPDATE
        changes = {
            k: [_shown(model, k, before[k]), _shown(model, k, v, obj)]
            for k, v in _own(model, after)
            if k in before and before[k] != v
        }
        if not changes and not note:
            return None
    return _write(
        actor=actor,
        action=action,
        model=model,
        pk=obj.pk,
        name=str(obj),
        values=after,
        changes=changes,
        obj=obj,
        note=note,
    )


def record_delete(*, actor, obj: models.Model, note: str = ""):
    """Record that ``obj`` is being deleted (call it before the delete, in its transaction)."""
    model = type(obj)
    values = snapshot(obj)
    return _write(
        actor=actor,
        action=AuditEntry.Action.DELETE,
        model=model,
        pk=obj.pk,
        name=str(obj),
        values=values,
        changes=_gone(model, values, obj),
        obj=obj,
        note=note,
    )


def record_rows(*, actor, before: dict, queryset: models.QuerySet) -> list:
    """Record the rows of ``queryset`` added, changed or gone since ``before``
    (``rows_snapshot`` of the same queryset)."""
    entries = []
    now = {obj.pk: obj for obj in queryset}
    for pk, obj in now.items():
        entry = record(actor=actor, obj=obj, before=before[pk][1] if pk in before else None)
        if entry is not None:
            entries.append(entry)
    for pk, (name, values) in before.items():
        if pk not in now:
            model = queryset.model
            entries.append(
                _write(
                    actor=actor,
                    action=AuditEntry.Action.DELETE,
                    model=model,
                    pk=pk,
                    name=name,
                    values=values,
                    changes=_gone(model, values, None),
                    obj=None,
                    note="",
                )
            )
    return entries


REDACTED = "[đã xoá]"


def redact(model, pks, fields, *, names: dict | None = None) -> int:
    """Replace what the history keeps of ``fields`` of the records ``pks`` of ``model``
    by ``REDACTED`` (before and after values; empty values stay empty), and the
    entries' record names by ``names[pk]`` when given: for personal data erased from
    the records themselves. Call it in the erasure's transaction. Returns the number
    of entries changed."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    names = {str(pk): name for pk, name in (names or {}).items()}
    ids = [str(pk) for pk in pks]
    entries = AuditEntry.objects.filter(content_type=content_type, object_id__in=ids)
    if spec_of(model).owner is None:  # its own history: the (owner, at) index finds them
        entries = entries.filter(owner_type=content_type, owner_id__in=ids)
    changed = []
    for entry in entries:
        changes = {
            name: [v if v in EMPTY or name not in fields else REDACTED for v in values]
            for name, values in entry.changes.items()
        }
        name = names.get(entry.object_id, entry.object_repr)
        if changes != entry.changes or name != entry.object_repr:
            entry.changes, entry.object_repr = changes, name[:200]
            changed.append(entry)
    AuditEntry.objects.bulk_update(changed, ["changes", "object_repr"], batch_size=500)
    return len(changed)


def redact_row_notes(owner_model, pks) -> int:
    """Replace by ``REDACTED`` the notes of the entries of rows shown in the history of
    the records ``pks`` of ``owner_model`` (a visit's services: the words written when a
    follow-up was closed), with the erasure of those records' own values."""
    owner_type = ContentType.objects.get_for_model(owner_model, for_concrete_model=False)
    return (
        AuditEntry.objects.filter(owner_type=owner_type, owner_id__in=[str(pk) for pk in pks])
        .exclude(content_type=owner_type)
        .exclude(note="")
        .update(note=REDACTED)
    )


@dataclass(frozen=True)
class Deleted:
    """A deleted record as its delete entry keeps it: its id, and each field's last value
    (as the history shows it: related records by name, dates as ISO text)."""

    pk: str
    values: dict


def deleted_records(model, *, communes=None, having: Iterable[str] = ()) -> list[Deleted]:
    """The records of ``model`` deleted (of ``communes`` when given) whose delete entry
    still holds a value of one of the fields ``having`` (not empty, not redacted): for
    personal data of records that no longer exist, which ``redact`` can then erase."""
    having = list(having)
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    entries = AuditEntry.objects.filter(
        content_type=content_type, owner_type=content_type, action=AuditEntry.Action.DELETE
    )
    if communes is not None:
        entries = entries.filter(commune_id__in=list(communes))
    if having:
        entries = entries.filter(
            functools.reduce(operator.or_, (models.Q(changes__has_key=f) for f in having))
        )
    found = []
    for object_id, changes in entries.order_by("pk").values_list("object_id", "changes"):
        values = {name: pair[0] for name, pair in changes.items()}
        if any(values.get(f) not in (*EMPTY, REDACTED) for f in having):
            found.append(Deleted(pk=object_id, values=values))
    return found


# ------------------------------------------------------------------ showing entries


@dataclass(frozen=True)
class ShownChange:
    label: str
    before: str
    after: str


def _display(field, value) -> str:
    if value in EMPTY:
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(yesno(value))
    return display_for_value(_stored_value(field, value), "—")


def _stored_value(field, value):
    """A value as the entry keeps it (a date or date-time as ISO text) as the field holds it."""
    if isinstance(value, str) and isinstance(field, models.DateTimeField):
        return dt.datetime.fromisoformat(value)
    if isinstance(value, str) and isinstance(field, models.DateField):
        return dt.date.fromisoformat(value)
    return value


def shown_changes(entry) -> list[ShownChange]:
    """The entry's changes with the fields' names in the current language, in the model's
    field order, values as the admin shows them."""
    model = entry.content_type.model_class()
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())} if model else {}
    shown = []
    for name in sorted(entry.changes, key=lambda n: order.get(n, len(order))):
        before, after = entry.changes[name]
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        label = capfirst(field.verbose_name) if field is not None else name
        if field is not None and (field.is_relation or name in spec_of(model).masked):
            field_for_values = None  # kept as names already
        else:
            field_for_values = field
        shown.append(
            ShownChange(
                label=str(label),
                before=_display(field_for_values, before),
                after=_display(field_for_values, after),
            )
        )
    return shown
