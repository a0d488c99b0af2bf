"""What every admin class of the project stands on: the choices an officer is offered.

Every foreign key, one-to-one and many-to-many of every admin form and inline (drop-
downs, ``filter_horizontal``, ``raw_id_fields``, ``autocomplete_fields``) offers only
what the signed-in user may see, so a posted id of another commune's record is "not
a valid choice". What a user may see of a model is said once, by the app that owns the
model, with ``choices(Model, selector)`` in its ``admin.py``; ``shared(...)`` for
records every commune uses (banks, topics, documents). A related model nobody declared
offers nothing to anyone but a superuser (and ``tests/test_admin_scoping.py`` fails).

List filters on relations list the same choices (``ScopedRelatedFilter``).
A superuser sees everything. A page an officer may not open answers 404, never 403.
"""

from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.options import BaseModelAdmin, IncorrectLookupParameters, InlineModelAdmin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.forms import BaseInlineFormSet, ModelChoiceField, ModelForm, ModelMultipleChoiceField
from django.http import Http404, HttpRequest

ChoicesOf = Callable[..., models.QuerySet]  # (user) → the records they may pick

_CHOICES: dict[str, ChoicesOf] = {}


def choices(model: type[models.Model], of: ChoicesOf) -> None:
    """Declare what a user may pick of ``model`` in any admin form: ``of(user)``."""
    _CHOICES[model._meta.label_lower] = of


def shared(*models_: type[models.Model]) -> None:
    """Records every commune shares: anyone who may open the form may pick any of them."""
    for model in models_:
        choices(model, lambda _user, model=model: model._default_manager.all())


def superusers_only(*models_: type[models.Model]) -> None:
    """Records only a superuser picks (groups, permissions)."""
    for model in models_:
        choices(model, lambda _user, model=model: model._default_manager.none())


def is_declared(model: type[models.Model]) -> bool:
    return model._meta.label_lower in _CHOICES


def choices_for(user, model: type[models.Model]) -> models.QuerySet:
    """The records of ``model`` that ``user`` may pick; none when nobody declared them."""
    if user.is_superuser:
        return model._default_manager.all()
    of = _CHOICES.get(model._meta.label_lower)
    if of is None:
        return model._default_manager.none()
    return of(user)


class ScopedRawIdWidget(widgets.ForeignKeyRawIdWidget):
    """A raw-id box whose label (the record's name beside the id) is shown only for a
    record of ``queryset``: typing ids one by one reveals no one's name."""

    def __init__(self, rel, admin_site, *, queryset, attrs=None, using=None):
        super().__init__(rel, admin_site, attrs, using)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            visible = self.queryset.filter(**{key: value}).exists()
        except (ValueError, TypeError, ValidationError):
            return "", ""
        return super().label_and_url_for_value(value) if visible else ("", "")


def add_errors(form, errors: Mapping[Any, list[str]]) -> None:
    """Put a service's errors (field → messages) on the form, under the field when shown."""
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


if TYPE_CHECKING:  # what the mixins below are mixed into (their bases at run time: object)
    _AdminBase = BaseModelAdmin[Any]
    _InlineBase = InlineModelAdmin[Any, Any]
else:
    _AdminBase = _InlineBase = object


class ScopedChoices(_AdminBase):
    """The forms of a ModelAdmin or an inline: the choices of every relation scoped to
    the user, and ``service_errors`` (the checks of the service that owns the model,
    field → messages) run when the fields themselves are valid, so an admin save meets
    the same checks as the program's own pages. ``ProjectAdmin`` and ``ProjectForms``
    (the inlines) put it in their forms."""

    def service_errors(
        self, request: HttpRequest, instance: models.Model, data: dict[str, Any]
    ) -> dict[str, list[str]]:
        return {}

    def _checked(self, form_class: type[ModelForm], request: HttpRequest) -> type[ModelForm]:
        """``form_class`` whose ``clean`` also runs ``service_errors`` on a valid form."""
        admin_ = self

        # mypy checks no base class known only at run time (python/mypy#2477).
        class Checked(form_class):  # type: ignore[misc,valid-type]
            def clean(self) -> dict[str, Any]:
                data = super().clean()
                if data is None:  # a clean() that changed cleaned_data in place returns nothing
                    data = self.cleaned_data
                if not self.errors:
                    add_errors(self, admin_.service_errors(request, self.instance, data))
                return data

        Checked.__name__ = form_class.__name__
        return Checked

    def _scoped_queryset(
        self, db_field: models.ForeignKey | models.ManyToManyField, request: HttpRequest
    ) -> models.QuerySet:
        queryset = choices_for(request.user, db_field.related_model)
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        ordering = related_admin.get_ordering(request) if related_admin is not None else ()
        return queryset.order_by(*ordering) if ordering else queryset

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if not request.user.is_superuser:
            if "queryset" not in kwargs:
                kwargs["queryset"] = self._scoped_queryset(db_field, request)
            if (
                "widget" not in kwargs
                and db_field.name in self.raw_id_fields
                and db_field.name not in self.get_autocomplete_fields(request)
            ):
                kwargs["widget"] = ScopedRawIdWidget(
                    db_field.remote_field,
                    self.admin_site,
                    queryset=kwargs["queryset"],
                    using=kwargs.get("using"),
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField | None:
        if not request.user.is_superuser and "queryset" not in kwargs:
            kwargs["queryset"] = self._scoped_queryset(db_field, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ProjectForms(ScopedChoices, _InlineBase):
    """An inline with the project's forms: scoped choices, ``service_errors`` on each row."""

    def get_formset(
        self, request: HttpRequest, obj: models.Model | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet]:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = self._checked(formset.form, request)
        return formset


@cache
def scoped_inline(inline: type[InlineModelAdmin]) -> type[InlineModelAdmin]:
    """``inline`` with the project's forms (an app's own inline, or a third-party one)."""
    if issubclass(inline, ProjectForms):
        return inline
    return type(inline.__name__, (ProjectForms, inline), {"__module__": inline.__module__})


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A list filter on a relation lists only the records the user may pick (Django's
    own lists every row of the related table: every commune's campaigns and villages)."""

    def field_choices(self, field, request, model_admin):
        queryset = choices_for(request.user, field.related_model)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


def _is_relation(model, path: str) -> bool:
    try:
        field = get_fields_from_path(model, path)[-1]
    except (FieldDoesNotExist, NotRelationField):
        return False
    return bool(field.is_relation)


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


class ProjectAdmin(ScopedChoices, admin.ModelAdmin):
    """The base of every admin class of the project (and of those re-registered from
    other packages): scoped choices in its form and inlines, safe date filters, and a
    404 where Django would answer 403 (a page one may not open tells nothing)."""

    def get_form(
        self,
        request: HttpRequest,
        obj: models.Model | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[ModelForm]:
        return self._checked(super().get_form(request, obj, change=change, **kwargs), request)

    def get_changelist(self, request, **kwargs):
        return SafeDateChangeList

    def get_list_filter(self, request):
        return [
            (f, ScopedRelatedFilter) if isinstance(f, str) and _is_relation(self.model, f) else f
            for f in super().get_list_filter(request)
        ]

    def get_inlines(self, request, obj):
        return [scoped_inline(inline) for inline in super().get_inlines(request, obj)]

    def changeform_view(self, *args, **kwargs):
        try:
            return super().changeform_view(*args, **kwargs)
        except PermissionDenied as exc:
            raise Http404 from exc

    def changelist_view(self, *args, **kwargs):
        try:
            return super().changelist_view(*args, **kwargs)
        except PermissionDenied as exc:
            raise Http404 from exc

    def delete_view(self, *args, **kwargs):
        try:
            return super().delete_view(*args, **kwargs)
        except PermissionDenied as exc:
            raise Http404 from exc

    def history_view(self, *args, **kwargs):
        try:
            return super().history_view(*args, **kwargs)
        except PermissionDenied as exc:
            raise Http404 from exc
