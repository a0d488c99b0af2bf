"""Legal documents, the village points that show them, their revisions and read counts.

A ``LibraryPoint`` is a printed QR poster in a village whose URL (``/l/<code>/``)
never changes; it shows every published ``Document`` or a chosen set (with
pinned ones first). Published changes are kept as ``DocumentRevision`` rows.
``PointDailyCount`` and ``DocumentDailyCount`` hold anonymous counts per day.
"""

import re

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.models import Commune, Village

# What may be in a point's code in an address (/l/<code>/, ?diem=<code>): anything else
# is refused before any lookup. A stored code is 2 to 12 of these (the validator below).
POINT_CODE = re.compile(r"[A-Za-z0-9-]{1,12}")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Issuer(models.Model):
    """Who issues documents (Quốc hội, Chính phủ, a ministry, the province's HĐND/UBND, a
    commune's UBND): a list officers extend."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(
        _("short name"), max_length=40, blank=True, help_text=_("e.g. UBND tỉnh Gia Lai")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("issuer")
        verbose_name_plural = _("issuers")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    class Type(models.TextChoices):
        # In the order of Vietnam's hierarchy of legal documents, then the rest.
        CONSTITUTION = "constitution", _("Constitution")
        CODE = "code", _("Code")
        LAW = "law", _("Law")
        RESOLUTION = "resolution", _("Resolution")
        ORDINANCE = "ordinance", _("Ordinance")
        DECREE = "decree", _("Decree")
        DECISION = "decision", _("Decision")
        DIRECTIVE = "directive", _("Directive")
        CIRCULAR = "circular", _("Circular")
        OFFICIAL_LETTER = "official_letter", _("Official letter")
        GUIDANCE = "guidance", _("Guidance")
        LEAFLET = "leaflet", _("Awareness material")

    class Status(models.TextChoices):
        NOT_YET = "not_yet", _("Not yet in force")
        IN_FORCE = "in_force", _("In force")
        PARTLY_EXPIRED = "partly_expired", _("Partly expired")
        EXPIRED = "expired", _("Fully expired")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    number = models.CharField(
        _("document number"), max_length=60, blank=True, help_text=_("e.g. 52/2014/QH13")
    )
    doc_type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.LAW)
    issuer = models.ForeignKey(
        Issuer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("issued by"),
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_on = models.DateField(_("in force from"), null=True, blank=True)
    expires_on = models.DateField(_("in force until"), null=True, blank=True)
    partly_expired_on = models.DateField(
        _("partly expired from"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by the amendments that have come into force."),
    )
    status = models.CharField(
        _("legal status"), max_length=16, choices=Status.choices, default=Status.IN_FORCE
    )
    # Kept by services.relation_add / relation_remove from the "replaces" relations (the
    # replacing document whose replacement came into force last), for readers that
    # still look for one successor; the relations are what is true.
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
        editable=False,
    )
    categories = models.ManyToManyField(
        Category, related_name="documents", blank=True, verbose_name=_("categories")
    )
    # Whose document it is: a commune's own (shown at that commune's points only), or,
    # empty, the province's (shown at every point of every commune beside its own).
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("commune"),
        help_text=_("Empty: a province-wide document, shown in every commune."),
    )
    summary = models.TextField(_("plain-language summary"), blank=True)
    # The Jrai version (issue 14 §5): shown on the page's Jrai view (?ngon-ngu=jra);
    # the legal text itself stays in Vietnamese.
    title_jra = models.CharField(_("title in Jrai"), max_length=300, blank=True)
    summary_jra = models.TextField(_("summary in Jrai"), blank=True)
    body = models.TextField(_("text (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    search_text = models.TextField(
        editable=False,
        blank=True,
        help_text="Title, number, summary and text folded: no case, no diacritics.",
    )
    number_key = models.CharField(
        max_length=60,
        editable=False,
        blank=True,
        db_index=True,
        help_text="The number folded without separators (52/2014/QH13 → 522014qh13).",
    )
    # PostgreSQL's weighted full-text vector (title and number A, summary B, text C), kept
    # by services.document_save; on SQLite an FTS5 table plays its part (0005_search_index).
    search_vector = SearchVectorField(null=True, editable=False)
    # The same of title and number (A) and summary (B) alone: small enough to stay in the
    # row, so the search's tiers do not read the whole vector again (0009_search_head).
    search_head = SearchVectorField(null=True, editable=False)
    attachment = models.FileField(_("PDF attachment"), upload_to="legal/%Y/", blank=True)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(
        _("first published at"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(
        _("updated at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a published change was last made."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["-updated_at", "title"]
        indexes = [models.Index(fields=["published", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.number})" if self.number else self.title

    @property
    def successor(self) -> "Document | None":
        """The document that replaces this one (kept in ``replaced_by`` from the relations)."""
        return self.replaced_by


class DocumentAudio(models.Model):
    """A reading of a document recorded by a member (MP3, M4A, Ogg Opus/Vorbis), checked by
    its content (legal_library/audiocheck.py), played on the document's page."""

    class Language(models.TextChoices):
        VIETNAMESE = "vi", _("Vietnamese")
        JRAI = "jra", _("Jrai")

    class Format(models.TextChoices):
        MP3 = "mp3", "MP3"
        M4A = "m4a", "M4A"
        OPUS = "opus", "Ogg Opus"
        VORBIS = "vorbis", "Ogg Vorbis"

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="audios", verbose_name=_("document")
    )
    file = models.FileField(_("audio file"), upload_to="legal/audio/%Y/")
    language = models.CharField(
        _("language"), max_length=3, choices=Language.choices, default=Language.VIETNAMESE
    )
    title = models.CharField(
        _("what is read"), max_length=150, blank=True, help_text=_("e.g. The summary")
    )
    reader = models.CharField(_("read by"), max_length=100, blank=True)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0, editable=False)
    duration = models.PositiveIntegerField(
        _("duration (seconds)"), null=True, blank=True, editable=False
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("audio reading")
        verbose_name_plural = _("audio readings")
        ordering = ["document", "position", "pk"]

    def __str__(self) -> str:
        return self.title or f"{self.document} ({self.get_language_display()})"

    @property
    def duration_text(self) -> str:
        """3:05 (minutes:seconds), as a player shows it."""
        minutes, seconds = divmod(self.duration or 0, 60)
        return f"{minutes}:{seconds:02d}"


class DocumentRelation(models.Model):
    """``from_document`` replaces, amends or guides ``to_document`` from ``effective_on``."""

    class Kind(models.TextChoices):
        REPLACES = "replaces", _("replaces")
        AMENDS = "amends", _("amends and supplements")
        GUIDES = "guides", _("guides the implementation of")

    from_document = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        related_name="relations_out",
        verbose_name=_("document"),
    )
    kind = models.CharField(_("relation"), max_length=10, choices=Kind.choices)
    to_document = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        related_name="relations_in",
        verbose_name=_("other document"),
    )
    effective_on = models.DateField(
        _("from"),
        null=True,
        blank=True,
        help_text=_("Empty: from the day the document comes into force."),
    )

    class Meta:
        verbose_name = _("relation between documents")
        verbose_name_plural = _("relations between documents")
        ordering = ["effective_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_document", "kind", "to_document"], name="document_relation_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_document=models.F("to_document")),
                name="document_relation_not_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_document} {self.get_kind_display()} {self.to_document}"


class DocumentRevision(models.Model):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("revision"))
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changes = models.JSONField(
        _("changes"), default=dict, help_text="Field name → [before, after] of what changed."
    )

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="revision_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document} #{self.number}"


class LibraryPoint(models.Model):
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="library_points", verbose_name=_("village")
    )
    name = models.CharField(_("name"), max_length=150)
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("e.g. the village cultural house")
    )
    code = models.CharField(
        _("short code"),
        max_length=12,
        db_index=True,  # looked up exactly; unique whatever the case (Meta.constraints)
        validators=[
            RegexValidator(r"^[A-Za-z0-9-]{2,12}$", _("2 to 12 letters, digits or dashes."))
        ],
        help_text=_("Part of the printed QR address /l/<code>/: never change it after printing."),
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    shows_all = models.BooleanField(
        _("shows every published document"),
        default=True,
        help_text=_("Off: the point shows only the documents chosen for it."),
    )
    documents = models.ManyToManyField(
        Document,
        through="PointDocument",
        related_name="points",
        blank=True,
        verbose_name=_("documents"),
    )

    class Meta:
        verbose_name = _("library point")
        verbose_name_plural = _("library points")
        ordering = ["village__commune", "village__position", "name"]
        constraints = [
            # "t01-2" would otherwise sit beside another commune's printed "T01-2".
            models.UniqueConstraint(
                Lower("code"),
                name="library_point_code_unique_any_case",
                violation_error_message=_(
                    "Another library point already has this short code (capital and "
                    "small letters count as the same): choose another one."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class PointDocument(models.Model):
    point = models.ForeignKey(
        LibraryPoint,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("library point"),
    )
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="entries", verbose_name=_("document")
    )
    pinned = models.BooleanField(_("pinned"), default=False)

    class Meta:
        verbose_name = _("document at a point")
        verbose_name_plural = _("documents at the point")
        constraints = [
            models.UniqueConstraint(fields=["point", "document"], name="point_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.point} · {self.document}"


class PointDailyCount(models.Model):
    """Visits of a point's page per day (through its QR code or its link): no address,
    no cookie, no user."""

    day = models.DateField(_("day"))
    point = models.ForeignKey(
        LibraryPoint,
        on_delete=models.CASCADE,
        related_name="daily_counts",
        verbose_name=_("library point"),
        db_index=False,  # led by the index below
    )
    visits = models.PositiveIntegerField(_("visits"), default=0)

    class Meta:
        verbose_name = _("point visits per day")
        verbose_name_plural = _("point visits per day")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["day", "point"], name="point_daily_count_unique")
        ]
        # a scope's points over a period: an index range per point, visits from the index
        indexes = [
            models.Index(fields=["point", "day"], include=["visits"], name="point_daily_cover")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.point}: {self.visits}"


class DocumentDailyCount(models.Model):
    """Reads of a document's page per day, anonymous like the point visits."""

    day = models.DateField(_("day"))
    document = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        related_name="daily_counts",
        verbose_name=_("document"),
        db_index=False,  # led by the index below
    )
    reads = models.PositiveIntegerField(_("reads"), default=0)
    # plays of its audio readings (legal_library/counting.py: LISTEN), reads too
    listens = models.PositiveIntegerField(_("audio plays"), default=0)

    class Meta:
        verbose_name = _("document reads per day")
        verbose_name_plural = _("document reads per day")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["day", "document"], name="document_daily_count_unique")
        ]
        indexes = [
            models.Index(fields=["document", "day"], include=["reads"], name="document_daily_cover")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.document}: {self.reads}"


class SearchSynonym(models.Model):
    """Words officers know people type for a legal term ("sổ đỏ" → "giấy chứng nhận quyền
    sử dụng đất"): a search for ``phrase`` also finds ``expands_to`` (and, two-way, back)."""

    phrase = models.CharField(_("words people type"), max_length=100)
    expands_to = models.CharField(_("also search for"), max_length=200)
    both_ways = models.BooleanField(
        _("both ways"),
        default=False,
        help_text=_("Also search for the first words when the second ones are typed."),
    )

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["phrase"]

    def __str__(self) -> str:
        arrow = "↔" if self.both_ways else "→"
        return f"{self.phrase} {arrow} {self.expands_to}"
