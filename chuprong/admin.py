from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import selectors
from .audit_admin import AuditedAdmin
from .models import AdoptionReport, Commune, User, Village


class SafeDateChangeList(ChangeList):
    """A date hierarchy's impossible year is a bad filter, not a server error.

    Django's own turns ``?x__year=99999999999999999999`` (OverflowError) or a year
    9999 without a month (ValueError) into a 500; here the admin answers as for any
    other bad filter, with its "?e=1" page.
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class VillageScopedAdmin(admin.ModelAdmin):
    """Shows an officer only the rows of the villages they may see.

    ``village_path`` is the lookup from the model to its village ("village",
    "market__village", or "pk" for Village itself). Foreign keys to Village are
    limited the same way, so an officer cannot file a record elsewhere.
    """

    village_path = "village"
    # Filters that would list other communes: shown to superusers only.
    superuser_only_filters = ("commune",)

    def get_changelist(self, request, **kwargs):
        return SafeDateChangeList

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [f for f in filters if f not in self.superuser_only_filters]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        villages = selectors.villages_for_user(request.user)
        return qs.filter(**{f"{self.village_path}__in": villages})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Village and not request.user.is_superuser:
            kwargs["queryset"] = selectors.villages_for_user(request.user)
        if db_field.related_model is Commune and not request.user.is_superuser:
            kwargs["queryset"] = selectors.communes_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CommuneScopedAdmin(admin.ModelAdmin):
    """For records that belong to a commune (campaigns, training sessions).

    An officer sees their commune's rows and can pick only their commune and
    its villages, in foreign keys and many-to-many fields alike.
    """

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(commune__in=selectors.communes_for_user(request.user))

    def get_changelist(self, request, **kwargs):
        return SafeDateChangeList

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.related_model is Commune:
                kwargs["queryset"] = selectors.communes_for_user(request.user)
            elif db_field.related_model is Village:
                kwargs["queryset"] = selectors.villages_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Village and not request.user.is_superuser:
            kwargs["queryset"] = selectors.villages_for_user(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "code", "slug"]
    search_fields = ["name", "province", "code"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return selectors.communes_for_user(request.user)


@admin.register(Village)
class VillageAdmin(VillageScopedAdmin):
    village_path = "pk"
    list_display = ["name", "code", "kind", "commune", "position"]
    list_filter = ["kind", "commune"]
    list_select_related = ["commune"]
    search_fields = ["name", "code"]
    ordering = ["commune", "position", "name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "commune", "village", "is_staff"]
    list_select_related = ["commune", "village"]
    list_filter = ["groups", "is_staff", "is_active", "commune"]
    search_fields = ["username", "full_name", "email", "phone"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email", "phone")}),
        (_("Where the role applies"), {"fields": ("commune", "village")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "email",
                    "phone",
                    "commune",
                    "village",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


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

    def has_add_permission(self, request) -> bool:
        return False  # from the dashboard, through the service

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
