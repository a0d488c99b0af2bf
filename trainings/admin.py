from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import CommuneScopedAdmin
from core.admin_base import ProjectForms, choices
from core.audit_admin import AuditedAdmin

from . import services
from .models import Attendance, Topic, TrainingSession
from .selectors import may_keep_topic, sessions_for_user, topic_owner_for, topics_for_user

# What an officer may pick in any admin form (core/admin_base.py).
choices(Topic, topics_for_user)
choices(TrainingSession, sessions_for_user)


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    """The province's topics (kept by province officers) and each commune's own (kept
    by its officers): saved by services.topic_save, every change audited. An officer
    sees the province's and their commune's, changes only their commune's."""

    audit_saves = False  # topic_save records
    list_display = ["name", "slug", "owner", "position", "active"]
    list_select_related = ["commune"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "commune", "position", "active"]

    @admin.display(description=_("whose"), ordering="commune__name")
    def owner(self, obj):
        return obj.commune.name if obj.commune else _("Province-wide")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=topics_for_user(request.user).values("pk"))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("commune")  # whose it is follows from who adds it
        return fields

    def has_change_permission(self, request, obj=None) -> bool:
        keeps = obj is None or may_keep_topic(request.user, obj.commune_id)
        return keeps and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        keeps = obj is None or may_keep_topic(request.user, obj.commune_id)
        return keeps and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.commune = topic_owner_for(request.user)
        services.topic_save(topic=obj, actor=request.user)


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
        errors = services.session_errors(
            commune=data["commune"],
            village=data.get("village"),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            actor=request.user,
        )
        errors.update(services.topic_errors(commune=data["commune"], topics=data["topics"]))
        return errors

    @admin.display(description=_("attendance page"))
    def page(self, obj):
        url = reverse("trainings:session_detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Attendance"))
