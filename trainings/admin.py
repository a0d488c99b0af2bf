from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import CommuneScopedAdmin
from core.admin_base import ProjectForms, choices, shared
from core.audit_admin import AuditedAdmin

from . import services
from .models import Attendance, Topic, TrainingSession
from .selectors import sessions_for_user

# What an officer may pick in any admin form (core/admin_base.py).
shared(Topic)
choices(TrainingSession, sessions_for_user)


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    """The province's topics: superusers change them (every change audited)."""

    list_display = ["name", "slug", "position", "active"]
    list_editable = ["position", "active"]
    prepopulated_fields = {"slug": ["name"]}


class AttendanceInline(ProjectForms, admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["name", "volunteer", "village", "phone", "method", "checked_in_at"]
    readonly_fields = ["method", "checked_in_at"]
    autocomplete_fields = ["volunteer"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # attendance is marked on the session's page (QR, sheet, import)

    def service_errors(self, request, instance, data):
        return services.attendee_errors(
            session=instance.session, volunteer=data.get("volunteer"), village=data.get("village")
        )


@admin.register(TrainingSession)
class TrainingSessionAdmin(CommuneScopedAdmin):
    list_display = ["title", "kind", "starts_at", "village", "capacity", "public", "page"]
    list_filter = ["kind", "public", "topics", "starts_at"]
    search_fields = ["title", "trainer", "place"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["topics"]
    list_select_related = ["commune", "village"]
    inlines = [AttendanceInline]
    fields = [
        "commune",
        "village",
        "title",
        "kind",
        "topics",
        "starts_at",
        "ends_at",
        "place",
        "online_link",
        "trainer",
        "capacity",
        "audience",
        "external_participants",
        "description",
        "public",
    ]

    def service_errors(self, request, instance, data):
        return services.session_errors(
            commune=data["commune"],
            village=data.get("village"),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            actor=request.user,
        )

    @admin.display(description=_("attendance page"))
    def page(self, obj):
        url = reverse("trainings:session_detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Attendance"))
