from django.contrib import admin

from core.admin import CommuneScopedAdmin
from core.admin_base import choices
from core.audit_admin import AuditedAdmin
from core.selectors import communes_read_by

from . import selectors
from .models import AdoptionReport

choices(AdoptionReport, selectors.reports_for_user)


@admin.register(AdoptionReport)
class AdoptionReportAdmin(AuditedAdmin, CommuneScopedAdmin):
    """Reports are made by the task and read on the dashboard; here they are only listed.

    Their numbers are frozen: nobody edits a report, not even in the admin.
    """

    audit_saves = False  # nothing is saved here; the services record the reports' changes

    list_display = [
        "__str__",
        "period_kind",
        "status",
        "progress",
        "is_current",
        "requested_by",
        "finished_at",
    ]
    list_filter = ["status", "period_kind", "is_current", "commune"]
    list_select_related = ["commune", "village", "requested_by"]
    date_hierarchy = "period_start"
    readonly_fields = [
        "commune",
        "village",
        "period_kind",
        "period_start",
        "period_end",
        "version",
        "is_current",
        "status",
        "progress",
        "error",
        "attempts",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
    ]
    exclude = ["xlsx", "pdf", "csv"]

    def get_queryset(self, request):
        # read by the commune's officers, and by the province officer for every commune of
        # their province (CommuneScopedAdmin would give the province officer none)
        qs = super(CommuneScopedAdmin, self).get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(commune__in=communes_read_by(request.user))

    def has_add_permission(self, request) -> bool:
        return False  # from the dashboard, through the service

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
