"""Reads of the legal library: points, their documents, search, statistics."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from core.models import Commune, User
from core.roles import Role
from core.selectors import user_has_role, villages_for_user
from kit.text import words

from . import searching
from .models import (
    Category,
    Document,
    DocumentAudio,
    DocumentDailyCount,
    DocumentRelation,
    DocumentRevision,
    LibraryPoint,
    PointDailyCount,
    PointDocument,
    SearchSynonym,
)

MAX_QUERY = 200  # characters of a search that are looked at
REVISION_CHARS = 80  # of a long text's before and after shown in a revision


@dataclass(frozen=True)
class Change:
    """One line of a revision: "Tiêu đề: Luật cũ → Luật mới"."""

    label: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.label}: {self.before} → {self.after}"


def revision_changes(revision: DocumentRevision) -> list[Change]:
    """What a revision changed, for people: each field's label, before and after as they
    read on a page (day-first dates, the choice's name, yes/no, a document's title), in
    the order of the form, instead of the stored ``{"field": [before, after]}``."""
    changes = revision.changes or {}
    ids = {v for name, pair in changes.items() if name.endswith("_id") for v in pair if v}
    titles = {d.pk: str(d) for d in Document.objects.filter(pk__in=ids)} if ids else {}
    order = {field.attname: n for n, field in enumerate(Document._meta.concrete_fields)}
    lines = []
    for name in sorted(changes, key=lambda name: order.get(name, len(order))):
        before, after = changes[name]
        try:
            field = Document._meta.get_field(name)
        except FieldDoesNotExist:  # a field that is gone since: its stored name
            field = None
        label = str(field.verbose_name).capitalize() if field else name
        lines.append(
            Change(label, _readable(field, before, titles), _readable(field, after, titles))
        )
    return lines


def _readable(field, value, titles: dict[int, str]) -> str:
    if value is None or value == "":
        return "—"
    if field is not None and field.is_relation:
        text = titles.get(value, f"#{value}")
    elif isinstance(field, BooleanField):
        text = str(_("yes") if value else _("no"))
    elif isinstance(field, DateField) and isinstance(value, str):
        text = _day_first(value)
    elif field is not None and field.choices:
        text = str(dict(field.flatchoices).get(value, value))
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= REVISION_CHARS else text[: REVISION_CHARS - 1].rstrip() + "…"


def _day_first(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


# ------------------------------------------------------------------ owners


def shown_in(commune_id: int | None) -> Q:
    """The documents a commune's points show: the province's (no commune) and its own."""
    return Q(commune__isnull=True) | Q(commune_id=commune_id)


def may_keep_document(user: User, commune_id: int | None) -> bool:
    """Whether ``user`` may add or change a document of ``commune_id`` (None: a province-
    wide one): a superuser any; a province officer the province-wide ones; a commune
    officer their commune's own. Nobody else, none."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if commune_id is None:
        return user_has_role(user, Role.PROVINCE_OFFICER)
    return user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id == commune_id


def document_owner_for(user: User) -> Commune | None:
    """Whose documents ``user`` adds: a commune officer their commune's, anyone else
    (a province officer, a superuser) the province's."""
    if not user.is_superuser and user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id:
        return user.commune
    return None


def documents_kept_by(user: User) -> QuerySet[Document]:
    """The documents ``user`` may change (``may_keep_document``)."""
    if not user.is_authenticated or not user.is_active:
        return Document.objects.none()
    if user.is_superuser:
        return Document.objects.all()
    kept = Q(pk__in=[])
    if user_has_role(user, Role.PROVINCE_OFFICER):
        kept |= Q(commune__isnull=True)
    if user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id:
        kept |= Q(commune_id=user.commune_id)
    return Document.objects.filter(kept)


def documents_for_user(user: User) -> QuerySet[Document]:
    """The documents ``user`` sees in the admin and may pick: the province's and their
    commune's own (a province officer: of every commune of their province)."""
    if not user.is_authenticated or not user.is_active:
        return Document.objects.none()
    if user.is_superuser:
        return Document.objects.all()
    seen = Q(commune__isnull=True)
    if user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id:
        seen |= Q(commune_id=user.commune_id)
    if user_has_role(user, Role.PROVINCE_OFFICER) and user.province_id:
        seen |= Q(commune__province_id=user.province_id)
    return Document.objects.filter(seen)


def point_by_code(code: str) -> LibraryPoint | None:
    """The point of exactly this code (codes are unique whatever their case)."""
    return LibraryPoint.objects.select_related("village__commune").filter(code=code).first()


def point_code_in_another_case(code: str) -> str | None:
    """The code of the one point whose code is ``code`` in other letters' case ("t03" →
    "T03"), for a redirect; None when there is none (or, from before the constraint, two)."""
    codes = list(LibraryPoint.objects.filter(code__iexact=code).values_list("code", flat=True)[:2])
    return codes[0] if len(codes) == 1 and codes[0] != code else None


def public_points() -> QuerySet[LibraryPoint]:
    return (
        LibraryPoint.objects.filter(active=True)
        .select_related("village__commune")
        .order_by("village__commune__name", "village__position", "name")
    )


def points_for_user(user: User) -> QuerySet[LibraryPoint]:
    return LibraryPoint.objects.filter(village__in=villages_for_user(user)).select_related(
        "village__commune"
    )


def _with_categories(documents: QuerySet[Document]) -> QuerySet[Document]:
    return documents.prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("position", "name"))
    )


def point_documents(point: LibraryPoint) -> QuerySet[Document]:
    """The published documents a point shows, first its own, then recently updated (2 queries).

    A document is *placed* at a point when an officer chose it for that point (a
    ``PointDocument`` entry); pinned ones are placed ones put on top. A point that shows
    every document lists its placed ones first (``is_placed``), then the commune-wide
    rest; a point that shows only its chosen documents puts its pinned ones first.
    """
    documents = Document.objects.filter(shown_in(point.village.commune_id), published=True)
    entries = PointDocument.objects.filter(point=point, document=OuterRef("pk"))
    pinned = Exists(entries.filter(pinned=True))
    if point.shows_all:
        documents = documents.annotate(is_pinned=pinned, is_placed=Exists(entries))
    else:
        documents = documents.filter(entries__point=point).annotate(
            is_pinned=pinned, is_placed=pinned
        )
    return _with_categories(documents.order_by("-is_placed", "-is_pinned", "-updated_at", "title"))


def _with_audios(documents: QuerySet[Document]) -> QuerySet[Document]:
    return documents.prefetch_related(
        Prefetch("audios", queryset=DocumentAudio.objects.order_by("position", "pk"))
    )


def published_document(slug: str, *, point_code: str = "") -> Document | None:
    """A published document with its issuer, categories and audio readings (3 queries).

    With ``point_code``, the name of the point of exactly that code comes in the same
    query, as ``point_name`` (None when there is no such point).
    """
    documents = Document.objects.filter(published=True, slug=slug).select_related("issuer")
    if point_code:
        # a point of another commune than the document's is no point of this document
        points = LibraryPoint.objects.filter(code=point_code).filter(
            Q(village__commune_id=OuterRef("commune_id")) | Q(IsNull(OuterRef("commune_id"), True))
        )
        points = points.values("name")[:1]
        documents = documents.annotate(point_name=Subquery(points))
    return _with_audios(_with_categories(documents)).first()


def audio_for(user: User, slug: str, pk: int) -> DocumentAudio | None:
    """An audio reading by its document's slug and its id: of a published document, or of
    any for someone who may view documents in the admin (the preview plays it)."""
    audios = DocumentAudio.objects.filter(pk=pk, document__slug=slug).select_related("document")
    if not user.has_perm("legal_library.view_document"):
        audios = audios.filter(document__published=True)
    return audios.first()


def audios_in_language_order(document: Document, language: str) -> list[DocumentAudio]:
    """The document's readings, those in ``language`` first (a stable sort keeps positions)."""
    return sorted(document.audios.all(), key=lambda audio: audio.language != language)


def document_for_preview(user: User, slug: str) -> Document | None:
    """Any document, published or not, for someone who may view documents in the admin."""
    if not user.has_perm("legal_library.view_document"):
        return None
    return _with_audios(
        _with_categories(Document.objects.filter(slug=slug).select_related("issuer"))
    ).first()


# How a relation reads from each side: (this document → the other, the other → this one),
# without and with the day it takes effect.
_KIND = DocumentRelation.Kind
_SENTENCES = {
    (_KIND.REPLACES, "out"): (_("Replaces %(document)s"), _("Replaces %(document)s from %(date)s")),
    (_KIND.REPLACES, "in"): (
        _("Replaced by %(document)s"),
        _("Replaced by %(document)s from %(date)s"),
    ),
    (_KIND.AMENDS, "out"): (
        _("Amends and supplements %(document)s"),
        _("Amends and supplements %(document)s from %(date)s"),
    ),
    (_KIND.AMENDS, "in"): (
        _("Amended and supplemented by %(document)s"),
        _("Amended and supplemented by %(document)s from %(date)s"),
    ),
    (_KIND.GUIDES, "out"): (
        _("Guides the implementation of %(document)s"),
        _("Guides the implementation of %(document)s from %(date)s"),
    ),
    (_KIND.GUIDES, "in"): (
        _("Its implementation is guided by %(document)s"),
        _("Its implementation is guided by %(document)s from %(date)s"),
    ),
}


_UNDATED_FIRST = F("effective_on").asc(nulls_first=True)


def relation_sentences(document: Document) -> list[SafeString]:
    """Every relation of the document, both ways, as a sentence with the other's title and
    number, linked when it is published: "Được thay thế bởi Luật Đất đai số 31/2024/QH15
    từ 01/08/2024", "Thay thế Luật Đất đai số 45/2013/QH13" (1 query: the relations it is
    replaced, amended or guided by first, then those it makes)."""
    relations = (
        DocumentRelation.objects.filter(Q(to_document=document) | Q(from_document=document))
        .select_related("from_document", "to_document")
        .order_by(_UNDATED_FIRST, "pk")
    )
    incoming = [("in", r, r.from_document) for r in relations if r.to_document_id == document.pk]
    outgoing = [("out", r, r.to_document) for r in relations if r.to_document_id != document.pk]
    sides = incoming + outgoing
    sentences = []
    for side, relation, other in sides:
        name = (
            _("%(title)s no. %(number)s") % {"title": other.title, "number": other.number}
            if other.number
            else other.title
        )
        linked = (
            format_html(
                '<a href="{}">{}</a>', reverse("legal_library:document", args=[other.slug]), name
            )
            if other.published
            else conditional_escape(name)
        )
        starts = relation.effective_on or (
            other.effective_on if side == "in" else document.effective_on
        )
        plain, dated = _SENTENCES[(relation.kind, side)]
        template = conditional_escape(dated if starts else plain)
        values = {"document": linked, "date": starts.strftime("%d/%m/%Y") if starts else ""}
        sentences.append(mark_safe(template % values))  # noqa: S308 - escaped template and values
    return sentences


def document_with_number(number: str, *, other_than: int | None = None) -> Document | None:
    """The stored document that already has this number, if any (published or not)."""
    key = searching.number_key(number)
    if not key:
        return None
    return Document.objects.filter(number_key=key).exclude(pk=other_than).order_by("pk").first()


def documents_for_export(
    points: QuerySet[LibraryPoint], owner: Commune | None = None
) -> QuerySet[Document]:
    """The documents of ``owner`` (None: the province's) with what their spreadsheet row
    shows (5 queries): issuer, categories, the documents replacing it, and which of
    ``points`` show it. An export holds what its importer may import back."""
    replacing = DocumentRelation.objects.filter(kind=DocumentRelation.Kind.REPLACES)
    return (
        Document.objects.filter(commune=owner)
        .select_related("issuer")
        .prefetch_related(
            "categories",
            Prefetch(
                "relations_in",
                queryset=replacing.select_related("from_document").order_by("pk"),
            ),
            Prefetch(
                "entries",
                queryset=PointDocument.objects.filter(point__in=points).select_related("point"),
            ),
        )
        .order_by("pk")
    )


def search_terms(query: str) -> list[str]:
    """Folded words of a search ("Hôn  NHÂN!" → ["hon", "nhan"]); symbols alone give none."""
    return words(query[:MAX_QUERY])[:12]


def commune_for_search(slug: str) -> Commune | None:
    """The commune of this slug whose own documents a search adds (None: none such)."""
    if not slug or len(slug) > 80:
        return None
    return Commune.objects.filter(slug=slug).first()


def published_documents(commune: Commune | None = None) -> QuerySet[Document]:
    """What the library's search looks through: with ``commune`` (a search from its pages),
    the province's published documents and that commune's own, never another commune's;
    without, every published document (all are public: a villager who opens the search
    without a commune still finds their commune's notices)."""
    documents = Document.objects.filter(published=True)
    if commune is not None:
        documents = documents.filter(shown_in(commune.pk))
    return _with_categories(documents.annotate(is_pinned=Value(False, output_field=BooleanField())))


def categories_in_use() -> list[Category]:
    """The categories that have a published document, in their order (1 query)."""
    return list(
        Category.objects.filter(documents__published=True).distinct().order_by("position", "name")
    )


def _synonym_pairs() -> list[tuple[list[str], list[str]]]:
    """(folded words typed, folded words also searched) of every synonym, both ways when
    marked so (1 query)."""
    pairs = []
    for synonym in SearchSynonym.objects.all():
        phrase, expansion = words(synonym.phrase), words(synonym.expands_to)
        if phrase and expansion:
            pairs.append((phrase, expansion))
            if synonym.both_ways:
                pairs.append((expansion, phrase))
    return pairs


def _find(terms: list[str], phrase: list[str]) -> int | None:
    for start in range(len(terms) - len(phrase) + 1):
        if terms[start : start + len(phrase)] == phrase:
            return start
    return None


def search_alternatives(query: str) -> list[list[str]]:
    """The searched words and, for each synonym they contain, the words with the synonym's
    in their place ("so do" → [["so", "do"], ["giay", "chung", ..., "dat"]])."""
    terms = search_terms(query)
    alternatives = [terms] if terms else []
    pairs = _synonym_pairs() if terms else []
    for alternative in alternatives:  # grows as synonyms apply to the new ones too
        for phrase, expansion in pairs:
            at = _find(alternative, phrase)
            if at is None:
                continue
            replaced = alternative[:at] + expansion + alternative[at + len(phrase) :]
            if replaced not in alternatives and len(alternatives) < MAX_ALTERNATIVES:
                alternatives.append(replaced)
    return alternatives


# Relevance tiers: the document's number, then every word in the title (or number), then
# in title and summary, then anywhere in the text.
NUMBER, TITLE, SUMMARY, BODY = range(4)
MAX_ALTERNATIVES = 8
MIN_NUMBER_KEY = 4  # "52/2014" → "522014"; "52" alone is a word, not a number


def _status_order() -> Case:
    """In force first, then the others (not yet, partly in force), expired last."""
    return Case(
        When(status=Document.Status.IN_FORCE, then=Value(0)),
        When(status=Document.Status.EXPIRED, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


def _fts5(alternatives: list[list[str]], columns: str = "") -> str:
    """An FTS5 query: every word of an alternative by its beginning, any alternative."""
    expression = " OR ".join(
        "(" + " AND ".join(f'"{term}"*' for term in terms) + ")" for terms in alternatives
    )
    return f"{{{columns}}} : ({expression})" if columns else expression


def _tsquery(alternatives: list[list[str]], weights: str = "") -> str:
    """A PostgreSQL tsquery: every word by its beginning (in these weights), any alternative."""
    return " | ".join(
        "(" + " & ".join(f"{term}:*{weights}" for term in terms) + ")" for terms in alternatives
    )


def _matching(
    scope: QuerySet[Document], alternatives: list[list[str]], by_number: Q
) -> tuple[QuerySet[Document], RawSQL, RawSQL, RawSQL]:
    """The documents of ``scope`` matching the words or the number, and this database's
    (rank, matches in title or number, ... or summary), each computed once per query.

    SQLite: the FTS5 table joined once (its MATCH drives the query, bm25 comes from the
    same pass); the tiers are two uncorrelated ``IN (SELECT rowid ... MATCH)`` sets,
    built once each. A number matches through the FTS5 number column (its words, and it joined up).
    PostgreSQL: the GIN-indexed vector or the number key; ts_rank of the weighted vector;
    the tiers on the small ``search_head``.
    """
    if connection.vendor == "postgresql":
        words = [_tsquery(alternatives)]
        matched = RawSQL(searching.POSTGRESQL_MATCHES, words, BooleanField())  # noqa: S611
        documents = scope.filter(by_number | Q(matched))
        rank = RawSQL(searching.POSTGRESQL_RANK, words, FloatField())  # noqa: S611
        sql, build, parts = searching.POSTGRESQL_HEAD_MATCHES, _tsquery, ("A", "AB")
    else:
        documents = scope.extra(  # noqa: S610 - constant SQL, the words a parameter
            tables=[searching.FTS_TABLE],
            where=[searching.SQLITE_JOIN, searching.SQLITE_JOIN_MATCHES],
            params=[_fts5(alternatives)],
        )
        rank = RawSQL(searching.SQLITE_RANK, [], FloatField())  # noqa: S611
        sql, build = searching.SQLITE_MATCHES, _fts5
        parts = ("number title", "number title summary")
    in_title, in_summary = (
        RawSQL(sql, [build(alternatives, part)], output_field=BooleanField())  # noqa: S611
        for part in parts
    )
    return documents, rank, in_title, in_summary


# What a result never shows: not carried through the sort of every matching document.
_UNSHOWN = ("body", "body_html", "search_text", "search_vector", "search_head")


def search(query: str, *, scope: QuerySet[Document]) -> QuerySet[Document]:
    """The documents of ``scope`` that match ``query``, the most relevant first (2 queries
    with the synonyms; categories prefetched by ``scope``).

    A document number matches first however it is typed (``52-2014-qh13``, ``126/2014/
    ND-CP``); then documents with every word in the title, then in the summary, then
    anywhere. Words match whole or by their beginning, never inside another word; a
    synonym's words are searched as well. At equal relevance a document in force comes
    before one partly in force, before an expired one; then, among titles with every
    word, the shortest (the most nearly those words); then the text's rank.
    PostgreSQL: weighted full-text search; SQLite: FTS5 (``searching``).
    """
    alternatives = search_alternatives(query)
    if not alternatives:
        return scope.none()
    key = searching.number_key(query[:MAX_QUERY])
    by_number = (
        Q(number_key__startswith=key)
        if len(key) >= MIN_NUMBER_KEY and any(c.isdigit() for c in key)
        else Q(pk__in=[])
    )
    documents, rank, in_title, in_summary = _matching(scope, alternatives, by_number)
    tier = Case(
        When(by_number, then=Value(NUMBER)),
        When(in_title, then=Value(TITLE)),
        When(in_summary, then=Value(SUMMARY)),
        default=Value(BODY),
        output_field=IntegerField(),
    )
    return (
        documents.select_related("replaced_by", "issuer")
        .defer(*_UNSHOWN, *(f"replaced_by__{name}" for name in _UNSHOWN))
        .annotate(
            tier=tier,
            status_order=_status_order(),
            # among titles with every word, the one most nearly those words
            # (the tier's conditions again, not ``tier=``: that would build its sets twice)
            closeness=Case(
                When(by_number, then=Value(0)),
                When(in_title, then=Length("title")),
                default=Value(0),
            ),
            rank=rank,
        )
        .order_by("tier", "status_order", "closeness", "-rank", "-updated_at", "title")
    )


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


def library_stats(period: Period, user: User) -> dict:
    """Visits per point, reads per document (of which audio plays) and per category in the
    period (3 queries)."""
    points = points_for_user(user)
    in_period = Q(day__gte=period.start, day__lte=period.end)
    per_point = (
        PointDailyCount.objects.filter(in_period, point__in=points)
        .values("point__name", "point__code", "point__village__name")
        .annotate(total=Sum("visits"))
        .order_by("-total")
    )
    read = F("reads") + F("listens")  # a play of an audio reading is a read too
    per_document = (
        DocumentDailyCount.objects.filter(in_period)
        .values("document__title", "document__slug")
        .annotate(total=Sum(read), listens=Sum("listens"))
        .order_by("-total")
    )
    per_category = (
        DocumentDailyCount.objects.filter(in_period)
        .values("document__categories__name")
        .annotate(total=Sum(read))
        .order_by("-total")
    )
    return {
        "points": list(per_point),
        "documents": list(per_document),
        "categories": list(per_category),
    }


@dataclass(frozen=True)
class Section:
    """A heading of a point's page and its documents."""

    slug: str
    name: str
    documents: list
    total: int = 0


FIRST_SECTION = "tai-diem"  # the anchor of a point's own documents, /l/T03/#tai-diem


def by_category(
    documents: list[Document],
    *,
    first_name: str,
    other_name: str,
    limit: int | None = None,
    only: str | None = None,
) -> list[Section]:
    """The documents placed first (``is_placed``, see ``point_documents``) in one section,
    then one section per category for the others (a document shows in each of its
    categories), then those without one; order within a section is kept. No query.

    ``limit`` keeps the first documents of each section (``total`` says how many there
    are), so a point's page stays small however many documents it has; ``only`` keeps
    the one section of that slug.
    """
    first = [d for d in documents if getattr(d, "is_placed", False)]
    sections = [Section(FIRST_SECTION, first_name, first)] if first else []
    documents = [d for d in documents if not getattr(d, "is_placed", False)]
    groups: dict[int, Section] = {}
    others = []
    for document in documents:
        categories = list(document.categories.all())
        if not categories:
            others.append(document)
        for category in categories:
            groups.setdefault(category.pk, Section(category.slug, category.name, []))
            groups[category.pk].documents.append(document)
    order = {c.pk: (c.position, c.name) for d in documents for c in d.categories.all()}
    sections += [groups[pk] for pk in sorted(groups, key=order.__getitem__)]
    if others:
        sections.append(Section("khac", other_name, others))
    if only is not None:
        sections = [section for section in sections if section.slug == only]
    return [
        Section(s.slug, s.name, s.documents[:limit] if limit else s.documents, len(s.documents))
        for s in sections
    ]
