"""Reads of the legal library: points, their documents, search, statistics."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet, Sum, Value

from core.models import User
from core.selectors import villages_for_user
from kit.text import words

from .models import (
    Category,
    Document,
    DocumentDailyCount,
    LibraryPoint,
    PointDailyCount,
    PointDocument,
)

MAX_QUERY = 200  # characters of a search that are looked at


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
    """The published documents a point shows, pinned first, then recently updated (2 queries)."""
    documents = Document.objects.filter(published=True)
    pinned = Exists(PointDocument.objects.filter(point=point, document=OuterRef("pk"), pinned=True))
    if not point.shows_all:
        documents = documents.filter(entries__point=point)
    return _with_categories(
        documents.annotate(is_pinned=pinned).order_by("-is_pinned", "-updated_at", "title")
    )


def published_document(slug: str) -> Document | None:
    return _with_categories(
        Document.objects.filter(published=True, slug=slug).select_related("replaced_by")
    ).first()


def document_for_preview(user: User, slug: str) -> Document | None:
    """Any document, published or not, for someone who may view documents in the admin."""
    if not user.has_perm("legal_library.view_document"):
        return None
    return _with_categories(
        Document.objects.filter(slug=slug).select_related("replaced_by")
    ).first()


def search_terms(query: str) -> list[str]:
    """Folded words of a search ("Hôn  NHÂN!" → ["hon", "nhan"]); symbols alone give none."""
    return words(query[:MAX_QUERY])[:12]


def search_documents(query: str, within: QuerySet[Document] | None = None) -> QuerySet[Document]:
    """Published documents matching every word, ignoring case and diacritics.

    PostgreSQL: full-text search over the folded text (GIN index, ranked);
    SQLite (the embedded default): every word as a substring of the folded text.
    """
    terms = search_terms(query)
    documents = (
        within
        if within is not None
        else _with_categories(
            Document.objects.filter(published=True).annotate(
                is_pinned=Value(False, output_field=BooleanField())
            )
        )
    )
    if not terms:
        return documents.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("search_text", config="simple")
        search = SearchQuery(
            " & ".join(f"{t}:*" for t in terms), config="simple", search_type="raw"
        )
        return (
            documents.annotate(vector=vector, rank=SearchRank(vector, search))
            .filter(vector=search)
            .order_by("-rank", "-updated_at")
        )
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    return documents.filter(condition).order_by("-updated_at")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


def library_stats(period: Period, user: User) -> dict:
    """Visits per point, reads per document and per category in the period (3 queries)."""
    points = points_for_user(user)
    in_period = Q(day__gte=period.start, day__lte=period.end)
    per_point = (
        PointDailyCount.objects.filter(in_period, point__in=points)
        .values("point__name", "point__code", "point__village__name")
        .annotate(total=Sum("visits"))
        .order_by("-total")
    )
    per_document = (
        DocumentDailyCount.objects.filter(in_period)
        .values("document__title", "document__slug")
        .annotate(total=Sum("reads"))
        .order_by("-total")
    )
    per_category = (
        DocumentDailyCount.objects.filter(in_period)
        .values("document__categories__name")
        .annotate(total=Sum("reads"))
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


def by_category(
    documents: list[Document],
    *,
    pinned_name: str,
    other_name: str,
    limit: int | None = None,
    only: str | None = None,
) -> list[Section]:
    """Pinned documents first, then one section per category (a document shows in each of its
    categories), then those without one; order within a section is kept. No query.

    ``limit`` keeps the first documents of each section (``total`` says how many there
    are), so a point's page stays small however many documents it has; ``only`` keeps
    the one section of that slug.
    """
    pinned = [d for d in documents if getattr(d, "is_pinned", False)]
    sections = [Section("ghim", pinned_name, pinned)] if pinned else []
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
