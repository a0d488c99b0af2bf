"""Writes of the legal library: documents (with revisions), points, their documents, status."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit
from core.models import Commune, User, Village
from kit.text import fold, slugify, words

from .audiocheck import AudioCheckError, check_audio
from .models import (
    Category,
    Document,
    DocumentAudio,
    DocumentRelation,
    DocumentRevision,
    Issuer,
    LibraryPoint,
    PointDocument,
    SearchSynonym,
)
from .rendering import TooComplex, plain_text, render_markdown, render_plain
from .searching import index_columns, number_key, remove_index, write_index
from .selectors import document_with_number, may_keep_document

VERSION_KEY = "library:version"
DUPLICATE_NUMBER = _("Number %(number)s is already stored: %(title)s.")
# Fields whose change is a revision of a published document.
TRACKED = [
    "title",
    "number",
    "doc_type",
    "issuer_id",
    "issued_on",
    "effective_on",
    "expires_on",
    "partly_expired_on",
    "status",
    "replaced_by_id",
    "summary",
    "title_jra",
    "summary_jra",
    "body",
    "attachment",
    "published",
]


def pages_changed() -> None:
    """Every cached public library page is stale from now on (after commit)."""

    def bump():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 2, None)

    transaction.on_commit(bump)


def relation_starts(relation: DocumentRelation) -> dt.date | None:
    """The day a relation takes effect: its own date, else the day the replacing (amending,
    guiding) document comes into force; None: it already has."""
    return relation.effective_on or relation.from_document.effective_on


def _arrived(relations, kind: str, today: dt.date) -> list[DocumentRelation]:
    return [
        r
        for r in relations
        if r.kind == kind and (relation_starts(r) is None or relation_starts(r) <= today)
    ]


def status_on(document: Document, today: dt.date) -> str:
    """The legal status the dates and relations give on ``today``: fully expired when its
    end date has passed or a replacement has come into force, partly expired when an
    amendment has, not yet in force before its date, else in force."""
    return _legal_state(document, today)[0]


def _legal_state(document: Document, today: dt.date):
    """(status, partly expired from, replaced by) on ``today``."""
    if document.pk is None:
        relations = []
    elif "relations_in" in getattr(document, "_prefetched_objects_cache", {}):
        relations = list(document.relations_in.all())
    else:
        relations = list(document.relations_in.select_related("from_document"))
    replacing = _arrived(relations, DocumentRelation.Kind.REPLACES, today)
    amending = _arrived(relations, DocumentRelation.Kind.AMENDS, today)
    successor = max(
        replacing, key=lambda r: (relation_starts(r) or dt.date.min, r.pk), default=None
    )
    partly_on = min((relation_starts(r) or dt.date.min for r in amending), default=None)
    if successor or (document.expires_on and document.expires_on < today):
        status = Document.Status.EXPIRED
    elif document.effective_on and document.effective_on > today:
        status = Document.Status.NOT_YET
    elif amending:
        status = Document.Status.PARTLY_EXPIRED
    else:
        status = Document.Status.IN_FORCE
    partly_on = None if partly_on in (None, dt.date.min) else partly_on
    return status, partly_on, successor.from_document_id if successor else None


def _set_legal_state(document: Document, today: dt.date) -> None:
    state = _legal_state(document, today)
    document.status, document.partly_expired_on, document.replaced_by_id = state


NOT_YOURS = _("This document is the province's or another commune's: only its keepers change it.")


def check_may_keep(actor: User | None, *commune_ids: int | None) -> None:
    """PermissionDenied unless ``actor`` may keep documents of each of ``commune_ids``
    (None: the province's; ``selectors.may_keep_document``). No actor: the system."""
    if actor is None:
        return
    for commune_id in set(commune_ids):
        if not may_keep_document(actor, commune_id):
            raise PermissionDenied(NOT_YOURS)


def _stored_owner(document: Document) -> list[int | None]:
    """The stored document's commune (a list of it; empty for a new document)."""
    if document.pk is None:
        return []
    return list(Document.objects.filter(pk=document.pk).values_list("commune_id", flat=True))


def _unique_slug(title: str, pk: int | None) -> str:
    base = slugify(title, max_length=100) or "van-ban"
    slug, n = base, 2
    while Document.objects.filter(slug=slug).exclude(pk=pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _add_revision(document: Document, changes: dict, actor: User | None, at) -> None:
    """Keep ``changes`` (field → [before, after]) as the document's next revision."""
    last = document.revisions.order_by("-number").values_list("number", flat=True).first()
    DocumentRevision.objects.create(
        document=document,
        number=(last or 0) + 1,
        changed_at=at,
        changed_by=actor,
        changes=changes,
    )


def _snapshot(document: Document) -> dict:
    return {name: getattr(document, name) for name in TRACKED}


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, str):
        return str(value)  # a choices member counts as its value
    return value


@transaction.atomic
def document_save(
    *,
    document: Document,
    categories: list[Category] | None = None,
    actor: User | None,
    before: dict | None = None,
) -> Document:
    """Save a new or edited document: rendered text, search text, status, slug, revision.

    ``document`` carries the edited fields (from a form); ``before`` is the
    snapshot of the stored document (``snapshot_of``), None for a new one. A
    change to a document that is or becomes published is kept as a revision and
    moves its "updated on" date.

    ``document.commune`` is whose it is (empty: the province's). ``actor`` may keep
    documents of both the stored owner and the new one (``check_may_keep``): a commune
    officer their commune's own, a province officer the province's; whichever door the
    change comes in by (the admin, its actions, the spreadsheet import).
    """
    check_may_keep(actor, document.commune_id, *_stored_owner(document))
    audited = audit.snapshot_stored(document)  # as stored: a form has changed `document`
    now = timezone.now()
    document.title = " ".join(document.title.split())
    document.number = " ".join(document.number.split())
    existing = document_with_number(document.number, other_than=document.pk)
    if existing is not None:
        raise ValidationError(
            {"number": DUPLICATE_NUMBER % {"title": existing.title, "number": existing.number}},
            code="duplicate_number",
        )
    document.number_key = number_key(document.number)
    try:
        document.body_html = render_markdown(document.body)
    except TooComplex:
        # The admin's form refuses such text; from any other door it is kept and shown
        # as plain paragraphs rather than failing or holding the request for minutes.
        document.body_html = render_plain(document.body)
    body_text = plain_text(document.body_html)
    indexed = [document.title, document.number, document.summary, body_text]
    document.search_text = " ".join(words(" ".join(indexed)))
    _set_legal_state(document, timezone.localdate())
    if not document.slug or (before and not before["published"] and not document.published_at):
        document.slug = _unique_slug(document.title, document.pk)
    changes = {}
    if before is not None:
        after = _snapshot(document)
        changes = {
            k: [_jsonable(before[k]), _jsonable(after[k])]
            for k in TRACKED
            if _jsonable(before[k]) != _jsonable(after[k])
        }
    was_published = bool(before and before["published"])
    if document.published and (changes or before is None):
        document.updated_at = now
        document.published_at = document.published_at or now
    document.save()
    columns = index_columns(
        number=document.number, title=document.title, summary=document.summary, body_text=body_text
    )
    write_index(connection, document.pk, columns)
    if categories is not None:
        document.categories.set(categories)
    if before is not None:  # its date may start the relations it has with others
        targets = document.relations_out.values_list("to_document", flat=True)
        _relations_changed(*targets, actor=actor)
    if document.published or was_published:
        if before is None:
            changes = {k: [None, _jsonable(v)] for k, v in _snapshot(document).items() if v}
        if changes:
            _add_revision(document, changes, actor, now)
        pages_changed()
    audit.record(actor=actor, obj=document, before=audited)
    return document


def snapshot_of(document: Document) -> dict | None:
    """What ``document_save`` compares against: the stored document's tracked fields."""
    if document.pk is None:
        return None
    stored = Document.objects.get(pk=document.pk)
    return _snapshot(stored)


@transaction.atomic
def synonym_add(
    *, phrase: str, expands_to: str, both_ways: bool, actor: User | None
) -> SearchSynonym:
    """A synonym every search applies from now on (the admin's form does the same)."""
    synonym = SearchSynonym.objects.create(
        phrase=" ".join(phrase.split()),
        expands_to=" ".join(expands_to.split()),
        both_ways=both_ways,
    )
    audit.record(actor=actor, obj=synonym, before=None)
    return synonym


def documents_deleted(*, pks: list[int]) -> None:
    """Forget deleted documents in the search index (after the admin deleted them)."""
    for pk in pks:
        remove_index(connection, pk)


@transaction.atomic
def document_set_published(*, document: Document, published: bool, actor: User | None) -> Document:
    before = snapshot_of(document)
    document.published = published
    return document_save(document=document, actor=actor, before=before)


@transaction.atomic
def documents_refresh_status(*, today: dt.date | None = None) -> int:
    """Move documents as their dates pass (the daily task): into force on their date,
    fully expired past their end date or once a replacement comes into force, partly
    expired once an amendment does."""
    today = today or timezone.localdate()
    related = DocumentRelation.objects.values("to_document")
    candidates = (
        Document.objects.filter(
            Q(effective_on__isnull=False)
            | Q(expires_on__isnull=False)
            | Q(replaced_by__isnull=False)
            | Q(pk__in=related)
        )
        .select_for_update()
        .prefetch_related("relations_in__from_document")
    )
    changed = sum(_refresh_legal_state(document, today, actor=None) for document in candidates)
    if changed:
        pages_changed()
    return changed


def _refresh_legal_state(document: Document, today: dt.date, *, actor: User | None) -> bool:
    """Store the status, partly-expired date and successor the relations and dates give;
    a change is audited and, on a published document, kept as a revision."""
    fields = ["status", "partly_expired_on", "replaced_by_id"]
    before = _snapshot(document)
    _set_legal_state(document, today)
    if all(before[name] == getattr(document, name) for name in fields):
        return False
    audited = audit.snapshot_stored(document)
    document.save(update_fields=["status", "partly_expired_on", "replaced_by"])
    audit.record(actor=actor, obj=document, before=audited)
    if document.published:
        after = _snapshot(document)
        changes = {
            k: [_jsonable(before[k]), _jsonable(after[k])] for k in fields if before[k] != after[k]
        }
        _add_revision(document, changes, actor, timezone.now())
    return True


@transaction.atomic
def relation_save(
    *,
    relation: DocumentRelation,
    actor: User | None,
) -> DocumentRelation:
    """Add or change a relation ("Luật 31/2024 replaces Luật 45/2013 from 01/08/2024");
    the other document's status and successor follow at once."""
    check_may_keep(actor, relation.from_document.commune_id)
    before = audit.snapshot_stored(relation)
    old_target = DocumentRelation.objects.filter(pk=relation.pk).values("to_document").first()
    relation.full_clean()
    relation.save()
    audit.record(actor=actor, obj=relation, before=before)
    old = old_target and old_target["to_document"]
    _relations_changed(relation.to_document_id, old, actor=actor)
    return relation


AUDIO_ERRORS = {
    "too_large": _(
        "The audio file is larger than %(max)s. Record it shorter or at a lower quality."
    ),
    "empty": _("The file is empty."),
    "not_audio": _(
        "This file is not an MP3, M4A or Ogg (Opus, Vorbis) recording (its content is not, "
        "whatever its name says)."
    ),
    "video": _("This file holds a video: upload the sound alone (M4A or MP3)."),
    "corrupt": _("The audio file is damaged and cannot be played."),
}


def audio_error(code: str) -> str:
    """The officer's message for a refused audio file (audiocheck's ``code``)."""
    message = AUDIO_ERRORS.get(code, AUDIO_ERRORS["corrupt"])
    return message % {"max": filesizeformat(settings.LIBRARY_AUDIO_MAX_BYTES)}


@transaction.atomic
def audio_save(*, audio: DocumentAudio, actor: User | None) -> DocumentAudio:
    """Add or change an audio reading of a document. A new file is checked by its content
    (audiocheck: MP3, M4A, Ogg Opus/Vorbis, at most LIBRARY_AUDIO_MAX_BYTES), whichever
    door it comes in by, and its format, size and duration are kept."""
    check_may_keep(actor, audio.document.commune_id)
    before = audit.snapshot_stored(audio)
    upload = audio.file
    if upload and not upload._committed:  # a new file, not the stored one
        try:
            info = check_audio(
                upload.file, size=upload.size, max_bytes=settings.LIBRARY_AUDIO_MAX_BYTES
            )
        except AudioCheckError as exc:
            raise ValidationError({"file": audio_error(exc.code)}, code=exc.code) from exc
        # a name the server makes (legal/audio/<year>/<random>.<ext>), never the uploader's
        audio.file.name = f"{uuid.uuid4().hex}.{info.extension}"
        audio.format, audio.size = info.format, upload.size
        audio.duration = round(info.duration) if info.duration else None
    audio.full_clean()
    audio.save()
    audit.record(actor=actor, obj=audio, before=before)
    pages_changed()
    return audio


@transaction.atomic
def audio_remove(*, audio: DocumentAudio, actor: User | None) -> None:
    check_may_keep(actor, audio.document.commune_id)
    audit.record_delete(actor=actor, obj=audio)
    audio.delete()
    pages_changed()


@transaction.atomic
def relation_remove(*, relation: DocumentRelation, actor: User | None) -> None:
    check_may_keep(actor, relation.from_document.commune_id)
    audit.record_delete(actor=actor, obj=relation)
    target = relation.to_document_id
    relation.delete()
    _relations_changed(target, actor=actor)


def _relations_changed(*document_ids: int | None, actor: User | None) -> None:
    today = timezone.localdate()
    documents = Document.objects.filter(pk__in=[pk for pk in document_ids if pk])
    for document in documents.select_for_update().prefetch_related("relations_in__from_document"):
        _refresh_legal_state(document, today, actor=actor)
    pages_changed()


@transaction.atomic
def issuer_for_name(*, name: str, actor: User | None) -> Issuer:
    """The issuer of this name whatever its case and diacritics ("ubnd xa chu prong" is
    "UBND xã Chư Prông"), added to the list when there is none."""
    name = " ".join(name.split())
    key = fold(name)
    for issuer in Issuer.objects.all():
        if fold(issuer.name) == key or (issuer.short_name and fold(issuer.short_name) == key):
            return issuer
    issuer = Issuer(name=name)
    issuer.full_clean()
    issuer.save()
    audit.record(actor=actor, obj=issuer, before=None)
    return issuer


@transaction.atomic
def category_for_name(*, name: str, actor: User | None) -> Category:
    """The category of this name whatever its case and diacritics, added (last) when
    there is none: an import names the categories as people write them."""
    name = " ".join(name.split())
    key = fold(name)
    for category in Category.objects.all():
        if fold(category.name) == key:
            return category
    if actor is not None and not actor.has_perm("legal_library.add_category"):
        raise PermissionDenied(_("Only the keepers of the province-wide list add a category."))
    base = slugify(name, max_length=90) or "linh-vuc"
    slug, n = base, 2
    while Category.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    last = Category.objects.order_by("-position").values_list("position", flat=True).first()
    category = Category(name=name, slug=slug, position=(last or 0) + 1)
    category.full_clean()
    category.save()
    audit.record(actor=actor, obj=category, before=None)
    pages_changed()
    return category


@dataclass(frozen=True)
class DocumentImportResult:
    created: list[Document]
    updated: list[Document]  # a revision where the document is published
    unchanged: list[Document]
    skipped: int  # rows left out because they had errors
    placed: int = 0  # documents newly put on library points


# What a spreadsheet row sets (the rest is derived, or not in the spreadsheet: the Jrai
# version and the attachment are kept as they are when a row updates a document).
IMPORTED = [
    name
    for name in TRACKED
    if name
    not in {
        "partly_expired_on",
        "status",
        "replaced_by_id",
        "attachment",
        "title_jra",
        "summary_jra",
    }
]


def _lines(text: str) -> str:
    """A text as the import reads it (``kit.spreadsheets.cell_text``), to compare."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _same(document: Document, fields: dict, category_ids: set[int]) -> bool:
    """Whether a stored document already is what the row says (an export imported back)."""
    for name in IMPORTED:
        stored, new = getattr(document, name), fields[name]
        if isinstance(stored, str):
            stored, new = _lines(stored), _lines(new)
        if stored != new:
            return False
    return {c.pk for c in document.categories.all()} == category_ids


@transaction.atomic
def documents_import(
    *, rows: list, only_clean: bool, actor: User | None, commune: Commune | None = None
) -> DocumentImportResult:
    """Save the documents of checked spreadsheet rows (``spreadsheets.check_rows``).

    A row whose number (or, without a number, whose title) is stored updates that
    document through ``document_save`` (a revision where published), never a second
    one; a row that changes nothing is left alone. Then, once every document exists,
    the "replaces" relations (``relation_save``: the older one's status and successor
    follow) and the library points (``point_add_documents``; an import only adds).
    Issuers and categories missing from the lists are added. All rows or none: with
    any row in error nothing is saved, unless ``only_clean``, and then exactly the
    clean rows are.
    New documents are ``commune``'s own (None: the province's); ``check_rows(owner=...)``
    refuses a row that would change another owner's, and ``document_save`` checks the
    actor may keep them.
    """
    bad = [row for row in rows if not row.ok]
    if bad and not only_clean:
        raise ValidationError(
            _("%(count)s rows have errors: nothing was saved.") % {"count": len(bad)}
        )
    clean = [row for row in rows if row.ok]
    stored = Document.objects.prefetch_related("categories").in_bulk(
        [row.cleaned["document"] for row in clean if row.cleaned["document"]]
    )
    issuers: dict[str, Issuer] = {}
    categories: dict[str, Category] = {}
    created, updated, unchanged = [], [], []
    by_key: dict[str, Document] = {}
    saved = []
    for row in clean:
        cleaned = row.cleaned
        name = cleaned["issuer"]
        if name and fold(name) not in issuers:
            issuers[fold(name)] = issuer_for_name(name=name, actor=actor)
        for title in cleaned["categories"]:
            if fold(title) not in categories:
                categories[fold(title)] = category_for_name(name=title, actor=actor)
        chosen = [categories[fold(title)] for title in cleaned["categories"]]
        fields = {**cleaned["fields"], "issuer_id": issuers[fold(name)].pk if name else None}
        document = stored.get(cleaned["document"]) or Document(commune=commune)
        if document.pk and _same(document, fields, {c.pk for c in chosen}):
            unchanged.append(document)
        else:
            before = snapshot_of(document)
            for field, value in fields.items():
                setattr(document, field, value)
            document_save(document=document, categories=chosen, actor=actor, before=before)
            (updated if before else created).append(document)
        if document.number_key:
            by_key[document.number_key] = document
        saved.append((row, document))
    _import_replacements(saved, by_key, actor=actor)
    placed = _import_points(saved, actor=actor)
    return DocumentImportResult(
        created=created, updated=updated, unchanged=unchanged, skipped=len(bad), placed=placed
    )


def _import_replacements(saved: list, by_key: dict[str, Document], *, actor: User | None) -> None:
    """The rows' "replaced by" numbers as "replaces" relations, from the newer document."""
    wanted = {key for row, _d in saved for key in row.cleaned["replaced_by"]} - set(by_key)
    for document in Document.objects.filter(number_key__in=wanted):
        by_key.setdefault(document.number_key, document)
    pairs = [
        (by_key[key], document) for row, document in saved for key in row.cleaned["replaced_by"]
    ]
    existing = set(
        DocumentRelation.objects.filter(
            kind=DocumentRelation.Kind.REPLACES, to_document__in=[d for _n, d in pairs]
        ).values_list("from_document_id", "to_document_id")
    )
    for newer, older in pairs:
        if (newer.pk, older.pk) not in existing:
            relation = DocumentRelation(
                from_document=newer, kind=DocumentRelation.Kind.REPLACES, to_document=older
            )
            relation_save(relation=relation, actor=actor)
            existing.add((newer.pk, older.pk))


def _import_points(saved: list, *, actor: User | None) -> int:
    """Put the documents on the points their rows name; returns how many were new."""
    wanted = {(pk, document.pk) for row, document in saved for pk in row.cleaned["points"]}
    there = set(
        PointDocument.objects.filter(
            point__in={pk for pk, _d in wanted}, document__in=[d for _r, d in saved]
        ).values_list("point_id", "document_id")
    )
    documents: dict[int, list[Document]] = {}
    for row, document in saved:
        for pk in row.cleaned["points"]:
            if (pk, document.pk) not in there:
                documents.setdefault(pk, []).append(document)
    points = LibraryPoint.objects.in_bulk(list(documents))
    return sum(
        point_add_documents(point=points[pk], documents=chosen, actor=actor)
        for pk, chosen in documents.items()
    )


@transaction.atomic
def point_create(
    *,
    village: Village,
    name: str,
    code: str,
    place: str = "",
    opened_on: dt.date | None = None,
    actor: User | None,
) -> LibraryPoint:
    point = LibraryPoint(
        village=village,
        name=name.strip(),
        code=code.strip(),
        place=place.strip(),
        opened_on=opened_on,
    )
    point.full_clean()
    point.save()
    pages_changed()
    audit.record(actor=actor, obj=point, before=None)
    return point


def _free_code(village: Village) -> str:
    """The village code ("T03"), or with the commune added when another commune has it."""
    for code in (village.code.upper(), f"{village.code.upper()}-{village.commune_id}"):
        if not LibraryPoint.objects.filter(code__iexact=code).exists():
            return code
    raise ValueError(f"no free point code for {village}")


@transaction.atomic
def points_expand(*, commune: Commune, actor: User | None) -> list[LibraryPoint]:
    """Give every village of the commune that has none a point (safe to run again)."""
    created = []
    villages = commune.villages.filter(library_points__isnull=True).order_by("position")
    for village in villages.select_for_update(of=("self",)):
        created.append(
            point_create(
                village=village,
                name=f"Tủ sách pháp luật {village.name}",
                code=_free_code(village),
                place=f"Nhà văn hóa {village.name}",
                opened_on=timezone.localdate(),
                actor=actor,
            )
        )
    return created


@transaction.atomic
def point_add_documents(
    *, point: LibraryPoint, documents, pinned: bool = False, actor: User | None
) -> int:
    """Put documents on a point (bulk assignment); returns how many were new. Another
    commune's own documents are refused: a point shows the province's and its own."""
    commune_id = point.village.commune_id
    if any(d.commune_id not in (None, commune_id) for d in documents):
        raise ValidationError(
            _("A point shows the province's documents and its own commune's, no other's.")
        )
    entries_before = audit.rows_snapshot(_entries(point))
    existing = {values["document"] for _name, values in entries_before.values()}
    new = [
        PointDocument(point=point, document=d, pinned=pinned)
        for d in documents
        if d.pk not in existing
    ]
    PointDocument.objects.bulk_create(new)
    if pinned:
        point.entries.filter(document__in=documents).update(pinned=True)
    pages_changed()
    audit.record_rows(actor=actor, before=entries_before, queryset=_entries(point))
    return len(new)


def _entries(point: LibraryPoint):
    return point.entries.select_related("point", "document").order_by("pk")


@transaction.atomic
def point_update(*, point: LibraryPoint, actor: User | None, **fields) -> LibraryPoint:
    allowed = {"name", "place", "active", "shows_all", "opened_on", "village"}
    if set(fields) - allowed:
        raise TypeError(sorted(set(fields) - allowed))
    before = audit.snapshot(point)
    for name, value in fields.items():
        setattr(point, name, value)
    point.full_clean()
    point.save(update_fields=list(fields))
    pages_changed()
    audit.record(actor=actor, obj=point, before=before)
    return point
