"""The audit history in the admin: each audited object's "History" page, and the
read-only list of every entry an officer may read (their commune's)."""

from typing import ClassVar

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.db import transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core import audit, selectors
from core.admin_base import ProjectAdmin
from core.models import AuditEntry

HISTORY_PAGE_SIZE = 100


class AuditedAdmin(ProjectAdmin):
    """Admin of an audited model: the "History" page shows the audit history with each
    field's value before → after, and what the admin saves or deletes itself is recorded
    in the admin's transaction.

    ``audit_saves``: the admin saves the model itself (True), or calls a service that
    records (False). ``audit_rows``: related name → ``select_related`` of inline rows
    saved by the admin and recorded here (added, changed, deleted). ``audit_cascade``:
    related names of rows recorded as deleted with the object (default: ``audit_rows``).
    """

    audit_saves = True
    audit_rows: dict[str, tuple[str, ...]] = {}
    audit_cascade: tuple[str, ...] | None = None
    object_history_template = "admin/chuprong/audit_history.html"

    def _rows(self, obj, name):
        return getattr(obj, name).select_related(*self.audit_rows.get(name, ())).order_by("pk")

    def save_model(self, request, obj, form, change):
        if self.audit_saves:
            obj._audit_before = audit.snapshot_stored(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        rows = {name: audit.rows_snapshot(self._rows(obj, name)) for name in self.audit_rows}
        super().save_related(request, form, formsets, change)
        if self.audit_saves:
            audit.record(actor=request.user, obj=obj, before=getattr(obj, "_audit_before", None))
        for name, before in rows.items():
            audit.record_rows(actor=request.user, before=before, queryset=self._rows(obj, name))

    def _record_delete(self, request, obj):
        cascade = self.audit_rows if self.audit_cascade is None else self.audit_cascade
        audit.record_delete(actor=request.user, obj=obj)
        for name in cascade:
            for row in getattr(obj, name).all():
                audit.record_delete(actor=request.user, obj=row)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._record_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._record_delete(request, obj)
            super().delete_queryset(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            # Django's own "doesn't exist" message and redirect, missing from django-stubs
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]
        if not self.has_view_or_change_permission(request, obj):
            raise Http404
        paginator = self.get_paginator(
            request, selectors.audit_history(request.user, obj), HISTORY_PAGE_SIZE
        )
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %(object)s") % {"object": obj},
            "subtitle": None,
            "entries": [(entry, audit.shown_changes(entry)) for entry in page],
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "page_var": PAGE_VAR,
            "pagination_required": paginator.count > HISTORY_PAGE_SIZE,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


def changes_table(entry: AuditEntry):
    rows = audit.shown_changes(entry)
    if not rows:
        return "—"
    return format_html(
        '<table class="audit-changes"><thead><tr><th>{}</th><th>{}</th><th></th><th>{}</th>'
        "</tr></thead><tbody>{}</tbody></table>",
        _("Field"),
        _("Before"),
        _("After"),
        format_html_join(
            "",
            "<tr><td>{}</td><td><del>{}</del></td><td>→</td><td><ins>{}</ins></td></tr>",
            ((row.label, row.before, row.after) for row in rows),
        ),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(ProjectAdmin):
    """Read-only: entries are written by the services, never edited or deleted."""

    list_display = ["at", "who", "action", "kind", "object_repr", "fields_changed"]
    list_filter = [
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
        "action",
        "at",
    ]
    date_hierarchy = "at"
    search_fields = ["object_repr", "actor_name"]
    fields: ClassVar[tuple[str, ...]] = (
        "at",
        "who",
        "action",
        "kind",
        "object_repr",
        "record_link",
        "note",
        "changes_shown",
    )
    readonly_fields = fields
    list_per_page = 50
    show_full_result_count = False  # one COUNT of a long table, not two

    def get_queryset(self, request):
        return selectors.audit_entries_for_user(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("who"), ordering="actor_name")
    def who(self, entry: AuditEntry) -> str | Promise:
        return entry.actor_name or _("the system")

    @admin.display(description=_("kind of record"), ordering="content_type")
    def kind(self, entry: AuditEntry) -> str | Promise:
        model = entry.content_type.model_class()
        name = model._meta.verbose_name if model else None
        return capfirst(name) if name else entry.content_type.model

    @admin.display(description=_("fields changed"))
    def fields_changed(self, entry: AuditEntry) -> str:
        return ", ".join(row.label for row in audit.shown_changes(entry)) or "—"

    @admin.display(description=_("record"))
    def record_link(self, entry: AuditEntry):
        owner = entry.owner_type
        try:
            url = reverse(f"admin:{owner.app_label}_{owner.model}_history", args=[entry.owner_id])
        except NoReverseMatch:
            return "—"
        return format_html('<a href="{}">{}</a>', url, _("History of the record"))

    @admin.display(description=_("changes"))
    def changes_shown(self, entry: AuditEntry):
        return changes_table(entry)
