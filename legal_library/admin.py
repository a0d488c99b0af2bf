from django.contrib import admin, messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import VillageScopedAdmin
from core.admin_base import choices, shared
from core.audit_admin import AuditedAdmin
from core.models import Commune

from . import selectors, services
from .forms import AddToPointsForm, DocumentAdminForm, DocumentAudioForm, RelationForm
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

# What an officer may pick in any admin form (core/admin_base.py).
shared(Category, Issuer)
choices(Document, selectors.documents_for_user)
choices(LibraryPoint, selectors.points_for_user)


class KeptWithTheDocument:
    """An inline of a document: changed only by who keeps the document (its commune's
    officers, or the province's for a province-wide one); read-only for the others."""

    def _keeps(self, request, obj) -> bool:
        return obj is None or selectors.may_keep_document(request.user, obj.commune_id)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._keeps(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._keeps(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._keeps(request, obj) and super().has_delete_permission(request, obj)


class DeletesStaleCachedPages:
    """Deleting records that public pages show makes every cached library page stale, so
    no page still shows or links to them (the page cache is keyed on the library's
    version)."""

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.pages_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.pages_changed()


@admin.register(Category)
class CategoryAdmin(DeletesStaleCachedPages, AuditedAdmin):
    """The province's categories: superusers change them (every change audited)."""

    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Issuer)
class IssuerAdmin(AuditedAdmin):
    """The list of issuers: officers add the ones they need (every change audited)."""

    list_display = ["name", "short_name", "position"]
    search_fields = ["name", "short_name"]


class RevisionInline(admin.TabularInline):
    model = DocumentRevision
    extra = 0
    can_delete = False
    fields = ["number", "changed_at", "changed_by", "what_changed"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("what changed"))
    def what_changed(self, obj):
        """Field: before → after, one line each (not the stored JSON)."""
        lines = selectors.revision_changes(obj)
        return format_html_join("", "<div>{}</div>", ((str(line),) for line in lines)) or "—"


class RelationInline(KeptWithTheDocument, admin.TabularInline):
    """What this document replaces, amends or guides (saved by services.relation_save)."""

    model = DocumentRelation
    fk_name = "from_document"
    form = RelationForm
    extra = 0
    raw_id_fields = ["to_document"]
    verbose_name = _("this document replaces, amends or guides")
    verbose_name_plural = _("this document replaces, amends or guides")


class AudioInline(KeptWithTheDocument, admin.TabularInline):
    """The document's audio readings (checked and saved by services.audio_save): one file
    per save of the page fits the upload limit."""

    model = DocumentAudio
    form = DocumentAudioForm
    extra = 0
    fields = ["file", "language", "title", "reader", "position", "format", "size", "duration"]
    readonly_fields = ["format", "size", "duration"]
    verbose_name = _("audio reading")
    verbose_name_plural = _("audio readings (MP3, M4A or Ogg)")


@admin.register(SearchSynonym)
class SearchSynonymAdmin(AuditedAdmin):
    """The province's search synonyms ("sổ đỏ" → "giấy chứng nhận quyền sử dụng đất"):
    superusers change them, every search uses them."""

    list_display = ["phrase", "expands_to", "both_ways"]
    search_fields = ["phrase", "expands_to"]


@admin.register(Document)
class DocumentAdmin(DeletesStaleCachedPages, AuditedAdmin):
    form = DocumentAdminForm
    audit_saves = False  # document_save records
    change_list_template = "admin/legal_library/document/change_list.html"  # import, export

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        services.documents_deleted(pks=[pk])

    def delete_queryset(self, request, queryset):
        queryset = queryset.filter(pk__in=selectors.documents_kept_by(request.user).values("pk"))
        pks = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        services.documents_deleted(pks=pks)

    list_display = [
        "title",
        "number",
        "owner",
        "doc_type",
        "status",
        "published",
        "updated_at",
        "preview",
    ]
    list_select_related = ["commune"]
    list_filter = ["published", "status", "doc_type", "categories"]
    search_fields = ["title", "number", "search_text"]
    filter_horizontal = ["categories"]
    readonly_fields = [
        "slug",
        "status",
        "partly_expired_on",
        "replaced_by",
        "published_at",
        "updated_at",
        "preview",
    ]
    fields = [
        "title",
        "slug",
        "commune",
        "number",
        "doc_type",
        "issuer",
        "issued_on",
        "effective_on",
        "expires_on",
        "status",
        "partly_expired_on",
        "replaced_by",
        "categories",
        "summary",
        "title_jra",
        "summary_jra",
        "body",
        "attachment",
        "published",
        "published_at",
        "updated_at",
        "preview",
    ]
    inlines = [AudioInline, RelationInline, RevisionInline]
    actions = ["publish", "unpublish", "add_to_points"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("legal_library:document", args=[obj.slug]) + "?xem-truoc=1"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Preview"))

    @admin.display(description=_("whose"), ordering="commune__name")
    def owner(self, obj):
        return obj.commune.name if obj.commune else _("Province-wide")

    def get_queryset(self, request):
        """The province's documents and the officer's commune's own (a province
        officer: their province's communes' too), never another commune's."""
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=selectors.documents_for_user(request.user).values("pk"))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("commune")  # whose it is follows from who adds it
        return fields

    def has_change_permission(self, request, obj=None) -> bool:
        keeps = obj is None or selectors.may_keep_document(request.user, obj.commune_id)
        return keeps and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        keeps = obj is None or selectors.may_keep_document(request.user, obj.commune_id)
        return keeps and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj._before = services.snapshot_of(obj) if change else None
        if not change and not request.user.is_superuser:
            obj.commune = selectors.document_owner_for(request.user)

    def save_related(self, request, form, formsets, change):
        document = form.instance
        services.document_save(
            document=document,
            categories=list(form.cleaned_data["categories"]),
            actor=request.user,
            before=document._before,
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        doors = {
            DocumentRelation: (services.relation_save, services.relation_remove, "relation"),
            DocumentAudio: (services.audio_save, services.audio_remove, "audio"),
        }
        if formset.model not in doors:
            return super().save_formset(request, form, formset, change)
        save, remove, name = doors[formset.model]
        for obj in formset.save(commit=False):
            save(**{name: obj, "actor": request.user})
        for obj in formset.deleted_objects:
            remove(**{name: obj, "actor": request.user})
        return None

    @admin.action(description=_("Publish the selected documents"))
    def publish(self, request, queryset):
        for document in queryset.filter(pk__in=selectors.documents_kept_by(request.user)):
            services.document_set_published(document=document, published=True, actor=request.user)
        self.message_user(request, _("Published."), messages.SUCCESS)

    @admin.action(description=_("Unpublish the selected documents"))
    def unpublish(self, request, queryset):
        for document in queryset.filter(pk__in=selectors.documents_kept_by(request.user)):
            services.document_set_published(document=document, published=False, actor=request.user)
        self.message_user(request, _("Unpublished."), messages.SUCCESS)

    @admin.action(description=_("Show the selected documents at library points"))
    def add_to_points(self, request, queryset):
        points = selectors.points_for_user(request.user)
        form = AddToPointsForm(request.POST if "apply" in request.POST else None, points=points)
        if form.is_valid():
            added = sum(
                services.point_add_documents(
                    point=point,
                    documents=list(queryset),
                    pinned=form.cleaned_data["pinned"],
                    actor=request.user,
                )
                for point in form.cleaned_data["points"]
            )
            self.message_user(
                request,
                ngettext("%(count)d document placed.", "%(count)d documents placed.", added)
                % {"count": added},
                messages.SUCCESS,
            )
            return None
        return render(
            request,
            "admin/legal_library/add_to_points.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "documents": queryset,
                "action": "add_to_points",
                "title": _("Show documents at library points"),
            },
        )


class PointDocumentInline(admin.TabularInline):
    model = PointDocument
    extra = 1
    raw_id_fields = ["document"]


@admin.register(LibraryPoint)
class LibraryPointAdmin(DeletesStaleCachedPages, AuditedAdmin, VillageScopedAdmin):
    audit_rows = {"entries": ("point", "document")}  # the point and its documents, recorded here
    list_display = ["name", "code", "village", "place", "active", "shows_all", "links"]
    list_filter = ["active", ("village", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["village"]
    search_fields = ["name", "code", "place"]
    inlines = [PointDocumentInline]
    actions = ["expand"]
    change_list_template = "admin/legal_library/librarypoint/change_list.html"

    @admin.display(description=_("links"))
    def links(self, obj):
        return format_html(
            '<a href="{}" target="_blank">{}</a> · <a href="{}">{}</a>',
            reverse("legal_library:point", args=[obj.code]),
            _("page"),
            reverse("legal_library:poster", args=[obj.code]),
            _("poster"),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.pages_changed()

    @admin.action(description=_("Open a point in every village of these points' communes"))
    def expand(self, request, queryset):
        created = []
        for commune_id in set(queryset.values_list("village__commune_id", flat=True)):
            created += services.points_expand(
                commune=Commune.objects.get(pk=commune_id), actor=request.user
            )
        self.message_user(
            request,
            ngettext("%(count)d new point.", "%(count)d new points.", len(created))
            % {"count": len(created)},
            messages.SUCCESS,
        )
