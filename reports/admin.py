from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import CommuneScopedAdmin
from core.admin_base import choices
from core.audit_admin import AuditedAdmin
from core.selectors import communes_read_by

from . import selectors, services
from .indicators import INDICATORS, PROGRAM_NAMES
from .models import AdoptionReport, IndicatorBaseline, IndicatorTarget

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
        "sent_state",
        "requested_by",
        "finished_at",
    ]
    list_filter = ["status", "sent_state", "period_kind", "is_current", "commune"]
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
        "as_of",
        "sent_state",
        "sent_at",
        "sent_by",
        "send_reason",
        "corrects",
        "received_at",
        "received_by",
        "email_state",
        "emailed_to",
        "emailed_at",
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


def _indicator_choices():
    return [(i.code, f"{PROGRAM_NAMES[i.program]}: {i.name}") for i in INDICATORS]


class GoalAdmin(AuditedAdmin):
    """Targets and baselines at a desk: a province officer's are their province's
    communes, a commune officer's their own; every save goes through the service."""

    audit_saves = False  # reports.services records
    list_select_related = ["commune", "set_by"]
    search_fields = ["commune__name", "indicator"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(commune__in=selectors.goals_communes(request.user))
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            return forms.ChoiceField(label=_("indicator"), choices=_indicator_choices())
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "commune":
            kwargs["queryset"] = selectors.goals_communes(request.user).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fixed = ["commune", "indicator", *self.fixed_on_change] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    def _may_change(self, request, obj) -> bool:
        return selectors.goal_level(request.user, obj.commune) is not None

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._may_change(request, obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def service_errors(self, request, instance, data):
        commune = data.get("commune") or getattr(instance, "commune", None)
        if commune is None or selectors.goal_level(request.user, commune) is None:
            return {"commune": [_("You may not set this commune's targets.")]}
        try:
            services.goal_value_check(
                indicator=data.get("indicator") or instance.indicator, value=data.get("value")
            )
        except ValidationError as exc:
            return {"value": exc.messages}
        return {}


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(GoalAdmin):
    list_display = ["commune", "indicator", "year", "value", "level", "set_by", "set_at"]
    list_filter = ["year", "level", "indicator"]
    fields = ["commune", "indicator", "year", "value", "level", "set_by", "set_at"]
    readonly_fields = ["level", "set_by", "set_at"]
    fixed_on_change = ["year"]

    def _may_change(self, request, obj) -> bool:
        # a commune officer refines; the province's target beside it is not theirs
        return selectors.goal_level(request.user, obj.commune) == obj.level

    def save_model(self, request, obj, form, change):
        saved = services.target_set(
            commune=obj.commune,
            indicator=obj.indicator,
            year=obj.year,
            value=obj.value,
            actor=request.user,
        )
        obj.pk = saved.pk if saved else obj.pk

    def delete_model(self, request, obj):
        services.target_set(
            commune=obj.commune,
            indicator=obj.indicator,
            year=obj.year,
            value=None,
            actor=request.user,
        )


@admin.register(IndicatorBaseline)
class IndicatorBaselineAdmin(GoalAdmin):
    list_display = ["commune", "indicator", "value", "as_of", "set_by", "set_at"]
    list_filter = ["indicator"]
    fields = ["commune", "indicator", "value", "as_of", "set_by", "set_at"]
    readonly_fields = ["set_by", "set_at"]
    fixed_on_change: list[str] = []

    def save_model(self, request, obj, form, change):
        saved = services.baseline_set(
            commune=obj.commune,
            indicator=obj.indicator,
            value=obj.value,
            as_of=obj.as_of,
            actor=request.user,
        )
        obj.pk = saved.pk if saved else obj.pk

    def delete_model(self, request, obj):
        services.baseline_set(
            commune=obj.commune, indicator=obj.indicator, value=None, as_of=None, actor=request.user
        )
