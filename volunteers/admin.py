from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import CommuneScopedAdmin, VillageScopedAdmin
from core.admin_base import choices
from core.audit_admin import AuditedAdmin

from . import services
from .forms import VolunteerForm
from .models import AssistanceRecord, Campaign, ServiceGiven, Volunteer
from .selectors import campaigns_for_user, records_for_user, volunteers_for_user

# What an officer may pick in any admin form (core/admin_base.py).
choices(Volunteer, volunteers_for_user)
choices(Campaign, campaigns_for_user)
choices(AssistanceRecord, records_for_user)


@admin.register(Volunteer)
class VolunteerAdmin(AuditedAdmin, VillageScopedAdmin):
    form = VolunteerForm  # the roster import checks each row with it too
    list_display = ["full_name", "village", "branch_role", "on_tech_team", "phone", "active"]
    list_filter = ["active", "on_tech_team", "branch_role", "village"]
    list_select_related = ["village"]
    search_fields = ["full_name", "phone"]
    # a plain list of the commune's accounts (core.admin_base scopes it): an officer has no
    # permission on users, so the autocomplete answered them 403 and they could link nobody
    fields = [*VolunteerForm.Meta.fields, "user"]


@admin.register(Campaign)
class CampaignAdmin(CommuneScopedAdmin):
    list_display = ["name", "starts_on", "ends_on", "goal", "commune"]
    list_select_related = ["commune"]
    search_fields = ["name"]
    filter_horizontal = ["villages"]
    date_hierarchy = "starts_on"

    def service_errors(self, request, instance, data):
        return services.campaign_errors(
            commune=data["commune"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            villages=data.get("villages", ()),
        )


class ServiceGivenInline(admin.TabularInline):
    model = ServiceGiven
    extra = 0
    min_num = 1
    fields = ["service", "outcome", "followed_up_on", "followed_up_by"]
    readonly_fields = ["followed_up_on", "followed_up_by"]


@admin.register(AssistanceRecord)
class AssistanceRecordAdmin(AuditedAdmin, VillageScopedAdmin):
    """Corrections by officers; new visits are logged on the field page (tinh-nguyen)."""

    audit_rows = {"services": ()}  # the record and its services, recorded here

    list_display = ["helped_on", "resident_label", "village", "campaign", "recorded_by"]
    list_filter = ["helped_on", "campaign", "village", "services__service"]
    list_select_related = ["village", "campaign", "recorded_by"]
    search_fields = ["resident_name", "resident_phone", "notes"]
    date_hierarchy = "helped_on"
    inlines = [ServiceGivenInline]
    filter_horizontal = ["volunteers"]
    readonly_fields = ["recorded_by", "created_at", "vendor", "personal_erased_on"]
    fields = [
        "helped_on",
        "village",
        "campaign",
        "volunteers",
        "resident_name",
        "resident_birth_year",
        "resident_phone",
        "resident_consented",
        "personal_erased_on",
        "vendor",
        "notes",
        "recorded_by",
        "created_at",
    ]

    @admin.display(description=_("resident"), ordering="resident_name")
    def resident_label(self, obj):
        return obj.resident_label

    def has_add_permission(self, request) -> bool:
        return False

    actions = ["erase_personal_data"]

    @admin.action(
        description=_("Erase the resident's name, phone and notes (on their request)"),
        permissions=["change"],
    )
    def erase_personal_data(self, request, queryset):
        erased = services.resident_data_erase(records=queryset, actor=request.user)
        self.message_user(
            request,
            _("Name, phone and notes erased from %(count)s visits, and from their history.")
            % {"count": erased},
            messages.SUCCESS,
        )

    def service_errors(self, request, instance, data):
        """The checks of a visit logged on the field page (services.assistance_record)."""
        return services.assistance_record_errors(
            helped_on=data["helped_on"],
            village=data["village"],
            volunteers=data.get("volunteers", ()),
            campaign=data.get("campaign"),
            resident_name=data.get("resident_name", ""),
            resident_birth_year=data.get("resident_birth_year"),
            resident_phone=data.get("resident_phone", ""),
            resident_consented=data.get("resident_consented", False),
            notes=data.get("notes", ""),
            vendor=instance.vendor,  # read-only here
        )
