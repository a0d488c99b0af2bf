import calendar
import re
from collections.abc import Sequence

from cron_descriptor import (
    FormatException,
    MissingFieldException,
    Options,
    WrongArgumentException,
    get_description,
)
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from core import audit, selectors
from core.admin_base import ProjectAdmin, SafeDateChangeList, choices, shared, superusers_only
from core.audit_admin import AuditedAdmin
from core.models import AuditEntry, Commune, Province, User, Village

__all__ = ["CommuneScopedAdmin", "ProjectAdmin", "SafeDateChangeList", "VillageScopedAdmin"]

# What an officer may pick in any admin form (core/admin_base.py); each app
# declares its own models in its admin.py.
choices(Province, selectors.provinces_for_user)
choices(Commune, selectors.communes_for_user)
choices(Village, selectors.villages_for_user)
choices(User, selectors.users_for_user)
choices(AuditEntry, selectors.audit_entries_for_user)
shared(ContentType, PeriodicTask, ClockedSchedule, CrontabSchedule, SolarSchedule, IntervalSchedule)
superusers_only(Group, Permission)


class VillageScopedAdmin(ProjectAdmin):
    """Shows an officer only the rows of the villages they may see.

    ``village_path`` is the lookup from the model to its village ("village",
    "market__village", or "pk" for Village itself). Every choice of its forms is
    scoped by ``ProjectAdmin``, so an officer cannot file a record elsewhere.
    """

    village_path = "village"
    # Filters that would list other communes: shown to superusers only.
    superuser_only_filters = ("commune",)

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [
            f
            for f in filters
            if (f[0] if isinstance(f, tuple) else f) not in self.superuser_only_filters
        ]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        villages = selectors.villages_for_user(request.user)
        return qs.filter(**{f"{self.village_path}__in": villages})


class CommuneScopedAdmin(ProjectAdmin):
    """For records that belong to a commune (campaigns, training sessions).

    An officer sees their commune's rows; the choices of the forms are scoped by
    ``ProjectAdmin`` (their commune, its villages, ...).
    """

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(commune__in=selectors.communes_for_user(request.user))


@admin.register(Commune)
class CommuneAdmin(ProjectAdmin):
    list_display = ["name", "province", "code", "slug"]
    list_select_related = ["province"]
    search_fields = ["name", "province__name", "code"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        # a province officer reads (only: view permission) every commune of the province
        return selectors.communes_read_by(request.user).select_related("province")


@admin.register(Province)
class ProvinceAdmin(ProjectAdmin):
    """Provinces are made by a superuser; a province officer reads their own."""

    list_display = ["name", "code", "report_email"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return selectors.provinces_for_user(request.user)


@admin.register(Village)
class VillageAdmin(VillageScopedAdmin):
    village_path = "pk"
    list_display = ["name", "code", "kind", "commune", "position"]
    list_filter = ["kind", "commune"]
    list_select_related = ["commune"]
    search_fields = ["name", "code"]
    ordering = ["commune", "position", "name"]


@admin.register(User)
class UserAdmin(ProjectAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "commune", "village", "is_staff"]
    list_select_related = ["commune", "village"]
    list_filter = ["groups", "is_staff", "is_active", "commune"]
    search_fields = ["username", "full_name", "email", "phone"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email", "phone")}),
        (_("Where the role applies"), {"fields": ("province", "commune", "village")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    # What only a superuser sets: who is staff or superuser, roles, permissions. Officers
    # have no permission on users (they make their people's accounts on /tai-khoan/, with
    # the roles below their own); should one be given it, these stay read-only for them
    # and they reach only the accounts they could make (never staff, never a superuser).
    superuser_fields = ("is_superuser", "is_staff", "groups", "user_permissions")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=selectors.handed_over_by(request.user).values("pk"))

    # Django's user admin refuses its add and password pages with 403 before the form
    # view (which ProjectAdmin turns into 404): a 404 here too.
    def add_view(self, *args, **kwargs):
        try:
            return super().add_view(*args, **kwargs)
        except PermissionDenied as exc:
            raise Http404 from exc

    def user_change_password(self, *args, **kwargs):
        try:
            return super().user_change_password(*args, **kwargs)
        except PermissionDenied as exc:
            raise Http404 from exc

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return (*readonly, *self.superuser_fields)

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


# ------------------------------------------------------------------ province-wide schedules
# django-celery-beat's admin, re-registered so that every change is in the audit history
# (its own admin module is imported before ours: INSTALLED_APPS order). Only superusers
# change schedules (core.roles.PROVINCE_WIDE_MODELS); officers see them.


def _audited_bulk_action(name: str):
    """One of PeriodicTaskAdmin's bulk actions (an ``update()``), with each task recorded."""
    base = getattr(beat_admin.PeriodicTaskAdmin, name)

    def action(self, request, queryset):
        with transaction.atomic():
            before = {task.pk: audit.snapshot(task) for task in queryset}
            base(self, request, queryset)
            for task in PeriodicTask.objects.filter(pk__in=before):
                audit.record(actor=request.user, obj=task, before=before[task.pk])

    action.__name__ = name
    return admin.action(description=base.short_description)(action)


def crontab_in_words(crontab: CrontabSchedule | None) -> str:
    """A schedule in the interface's language, 24-hour clock ("Tại 06:00, vào ngày 1 của
    mỗi tháng"): django-celery-beat's ``human_readable`` is always English."""
    if crontab is None:
        return ""
    options = Options()
    options.locale_code = "vi_VN" if get_language() == "vi" else "en_US"
    options.use_24hour_time_format = True
    expression = " ".join(
        [
            crontab.minute,
            crontab.hour,
            crontab.day_of_month,
            crontab.month_of_year,
            crontab.day_of_week,
        ]
    )
    try:
        words = get_description(expression, options)
    except (FormatException, MissingFieldException, WrongArgumentException):
        return expression
    if options.locale_code == "vi_VN":  # cron-descriptor names days and months in English
        words = _VIETNAMESE_NAMES.sub(lambda m: _VIETNAMESE[m.group(0)], words)
    return f"{words} ({crontab.timezone})"


_VIETNAMESE = {
    **dict(
        zip(
            calendar.day_name,
            ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"],
            strict=True,
        )
    ),
    **{calendar.month_name[n]: f"tháng {n}" for n in range(1, 13)},
}
_VIETNAMESE_NAMES = re.compile(r"\b(" + "|".join(_VIETNAMESE) + r")\b")


_READ_ONLY = {"task": "task_name"}


def _read_only_name(field: str | Sequence[str]) -> str | Sequence[str]:
    """A fieldset's entry (a field, or a line of fields) as one who only reads sees it."""
    if isinstance(field, str):
        return _READ_ONLY.get(field, field)
    return [_READ_ONLY.get(name, name) for name in field]


@admin.display(description=_("Task"))
def _task_name(_admin, obj: PeriodicTask) -> str:
    return obj.task


class PeriodicTaskInline(beat_admin.PeriodicTaskInline):
    """The tasks of a schedule, with the task's column named in the officer's language."""

    fields = ("name", "task_name", "args", "kwargs")
    readonly_fields = fields
    task_name = _task_name


class _TaskNameFilter(admin.AllValuesFieldListFilter):
    """django-celery-beat's task field is named "Task Name" in English only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("task")


class PeriodicTaskAdmin(AuditedAdmin, beat_admin.PeriodicTaskAdmin):
    enable_tasks = _audited_bulk_action("enable_tasks")
    disable_tasks = _audited_bulk_action("disable_tasks")
    toggle_tasks = _audited_bulk_action("toggle_tasks")

    @admin.display(description=_("Schedule"))
    def scheduler(self, obj: PeriodicTask) -> str:
        return crontab_in_words(obj.crontab) if obj.crontab_id else str(obj.scheduler)

    list_display = ("name", "enabled", "scheduler", "start_time", "last_run_at", "one_off")
    list_filter = ["enabled", "one_off", ("task", _TaskNameFilter), "start_time", "last_run_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "task" in form.base_fields:
            form.base_fields["task"].label = _("Task")
        return form

    def get_fieldsets(self, request, obj=None):
        """For one who only reads (an officer), the task as ``task_name``: a read-only
        model field is labelled with its verbose name, English only here."""
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        return [
            (title, {**options, "fields": [_read_only_name(f) for f in options["fields"]]})
            for title, options in fieldsets
        ]

    task_name = _task_name

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *_READ_ONLY.values())

    @admin.display(description=_("Schedule in words"))
    def crontab_translation(self, obj: PeriodicTask) -> str:
        return crontab_in_words(obj.crontab)

    def render_change_form(self, request, context, *args, **kwargs):
        # The words the form shows under the chosen crontab (static/js/periodic-task.js).
        context["readable_crontabs"] = {
            crontab.pk: crontab_in_words(crontab) for crontab in CrontabSchedule.objects.all()
        }
        return super().render_change_form(request, context, *args, **kwargs)


class ClockedScheduleAdmin(AuditedAdmin, beat_admin.ClockedScheduleAdmin):
    inlines = [PeriodicTaskInline]


class CrontabScheduleAdmin(AuditedAdmin, beat_admin.CrontabScheduleAdmin):
    inlines = [PeriodicTaskInline]
    list_display = ("__str__", "in_words")
    fields = (
        "in_words",
        "minute",
        "hour",
        "day_of_month",
        "month_of_year",
        "day_of_week",
        "timezone",
    )
    readonly_fields = ("in_words",)

    @admin.display(description=_("Schedule in words"))
    def in_words(self, obj: CrontabSchedule) -> str:
        return crontab_in_words(obj)


class SolarScheduleAdmin(AuditedAdmin, beat_admin.SolarScheduleAdmin):
    inlines = [PeriodicTaskInline]


class IntervalScheduleAdmin(AuditedAdmin, beat_admin.IntervalScheduleAdmin):
    inlines = [PeriodicTaskInline]


for _model, _admin in [
    (PeriodicTask, PeriodicTaskAdmin),
    (ClockedSchedule, ClockedScheduleAdmin),
    (CrontabSchedule, CrontabScheduleAdmin),
    (SolarSchedule, SolarScheduleAdmin),
    (IntervalSchedule, IntervalScheduleAdmin),
]:
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
