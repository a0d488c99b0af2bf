"""Field pages of the volunteers (a phone in a resident's yard) and officers' lists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.selectors import villages_for_user
from kit import imports
from kit.forms import add_service_errors
from kit.http import XLSX, file_response, int_param, private_no_store

from . import selectors, services, spreadsheets
from .forms import FollowUpCloseForm, VisitForm
from .models import Service

PAGE_SIZE = 25


def _require_recorder(user) -> None:
    if not selectors.can_record(user):
        raise Http404


def _require_manager(user) -> None:
    if not selectors.is_manager(user):
        raise Http404


def _new_visit_initial(request) -> dict:
    """A new visit: today, the volunteer's village and self, the campaign open there."""
    user = request.user
    profile = selectors.volunteer_profile(user)
    today = timezone.localdate()
    initial = {"helped_on": today}
    village = None
    if profile is not None:
        village = profile.village
        initial["volunteers"] = [profile.pk]
    elif user.village_id:
        village = user.village
    if village is not None:
        initial["village"] = village.pk
    if village is not None and request.method == "GET":
        campaign = selectors.campaign_covering(village, today)
        if campaign is not None:
            initial["campaign"] = campaign.pk
    return initial


def _visit_form(request, initial: dict) -> VisitForm:
    user = request.user
    return VisitForm(
        request.POST or None,
        initial=initial,
        villages=selectors.visit_villages(user),
        volunteers=selectors.selectable_volunteers(user),
        campaigns=selectors.campaigns_for_user(user),
        vendors=selectors.selectable_vendors(user),
    )


def _report_effects(request, logged: services.VisitLogged) -> None:
    """Say what saving did besides: the campaign joined, the vendor's status."""
    if logged.campaign_attached:
        messages.info(
            request,
            _("The visit was added to the campaign %(name)s, open that day in %(village)s.")
            % {"name": logged.record.campaign, "village": logged.record.village},
        )
    outcome = logged.vendor_outcome
    if outcome is not None:
        level = messages.WARNING if outcome.kind == outcome.NO_ACCOUNT else messages.INFO
        messages.add_message(request, level, outcome.message)


@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request):
    """Log a visit in a few taps; nothing is saved unless all of it is right."""
    _require_recorder(request.user)
    form = _visit_form(request, _new_visit_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            logged = services.assistance_record(**form.visit_data(), actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Saved. You have logged %(count)s visits today.")
                % {"count": selectors.today_count(request.user)},
            )
            _report_effects(request, logged)
            return redirect("volunteer_home")
    return render(
        request,
        "volunteers/visit_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk: int):
    """Correct one's own visit, for 24 hours after logging it (else 404)."""
    record = selectors.editable_record(request.user, pk)
    form = _visit_form(request, VisitForm.initial_for(record))
    if request.method == "POST" and form.is_valid():
        try:
            logged = services.assistance_update(
                record=record, **form.visit_data(), actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The visit is corrected."))
            _report_effects(request, logged)
            return redirect("volunteers:record_detail", pk=record.pk)
    context = {
        "form": form,
        "record": record,
        "edit_until": selectors.edit_deadline(record, request.user),
    }
    return render(
        request, "volunteers/visit_edit.html", context, status=400 if form.errors else 200
    )


@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def visit_delete(request, pk: int):
    """Delete one's own visit, for 24 hours after logging it: a page asks, a POST deletes."""
    record = selectors.editable_record(request.user, pk)
    if request.method == "POST":
        try:
            services.assistance_delete(record=record, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("volunteers:record_detail", pk=record.pk)
        messages.success(
            request,
            _("The visit to %(resident)s on %(date)s is deleted.")
            % {"resident": record.resident_label, "date": f"{record.helped_on:%d/%m/%Y}"},
        )
        return redirect("volunteers:history")
    context = {
        "record": record,
        "edit_until": selectors.edit_deadline(record, request.user),
        "vendor_helped": record.vendor_id is not None
        and any(given.service == Service.PAYMENT_APP for given in record.services.all()),
    }
    return render(request, "volunteers/visit_delete.html", context)


@private_no_store
@login_required
@require_GET
def my_history(request):
    _require_recorder(request.user)
    page = Paginator(selectors.my_records(request.user), PAGE_SIZE).get_page(request.GET.get("p"))
    deadlines = selectors.edit_deadlines(request.user, page)
    return render(request, "volunteers/history.html", {"page": page, "deadlines": deadlines})


@private_no_store
@login_required
@require_GET
def record_list(request):
    """Records of the villages an officer or branch secretary manages, with filters."""
    _require_manager(request.user)
    villages = villages_for_user(request.user).order_by("position", "name")
    campaigns = selectors.campaigns_for_user(request.user)
    chosen = {
        "village": int_param(request.GET.get("village")),
        "campaign": int_param(request.GET.get("campaign")),
        "service": request.GET.get("service") if request.GET.get("service") in Service else None,
    }
    records = selectors.record_list(
        request.user,
        village_id=chosen["village"],
        campaign_id=chosen["campaign"],
        service=chosen["service"],
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("p"))
    return render(
        request,
        "volunteers/record_list.html",
        {
            "page": page,
            "villages": villages,
            "campaigns": campaigns,
            "services": Service.choices,
            "chosen": chosen,
        },
    )


@private_no_store
@login_required
@require_GET
def record_detail(request, pk: int):
    record = selectors.record_for_user(request.user, pk)
    return render(
        request,
        "volunteers/record_detail.html",
        {"record": record, "edit_until": selectors.edit_deadline(record, request.user)},
    )


@login_required
@require_GET
def campaign_list(request):
    _require_recorder(request.user)
    campaigns = selectors.campaign_list(request.user)
    return render(request, "volunteers/campaign_list.html", {"campaigns": campaigns})


@login_required
@require_GET
def campaign_detail(request, pk: int):
    _require_recorder(request.user)
    campaign = selectors.campaign_for_user(request.user, pk)
    return render(
        request,
        "volunteers/campaign_detail.html",
        {"progress": selectors.campaign_progress(campaign)},
    )


@private_no_store
@login_required
@require_GET
def follow_ups(request):
    """The open "to follow up"s of the user's villages (an officer's: with a village filter)."""
    _require_recorder(request.user)
    chosen = {
        "village": int_param(request.GET.get("village")),
        "campaign": int_param(request.GET.get("campaign")),
    }
    items = selectors.open_follow_ups(
        request.user, village_id=chosen["village"], campaign_id=chosen["campaign"]
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("p"))
    today = timezone.localdate()
    context = {
        "page": page,
        "rows": [(item, (today - item.record.helped_on).days) for item in page],
        "villages": list(selectors.follow_up_villages(request.user)),
        "chosen": chosen,
        "query": urlencode({k: v for k, v in chosen.items() if v}),
        "form": FollowUpCloseForm(),
    }
    return render(request, "volunteers/follow_ups.html", context)


@login_required
@require_POST
def follow_up_close(request, pk: int):
    """ "Done" on one follow-up (a second tap changes nothing), back to the list."""
    _require_recorder(request.user)
    item = selectors.follow_up_for_user(request.user, pk)
    form = FollowUpCloseForm(request.POST)
    names = {"service": item.get_service_display(), "resident": item.record.resident_label}
    closed = None
    if form.is_valid():
        try:
            closed = services.follow_up_close(
                service_given=item, note=form.cleaned_data["note"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    if form.errors:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    elif closed:
        messages.success(request, _("Done: %(service)s for %(resident)s.") % names)
    else:
        messages.info(request, _("%(service)s for %(resident)s was already done.") % names)
    back = {k: v for k in ("village", "campaign") if (v := int_param(request.POST.get(k)))}
    url = reverse("volunteers:follow_ups")
    return redirect(f"{url}?{urlencode(back)}" if back else url)


@private_no_store
@login_required
@require_GET
def volunteer_list(request):
    _require_manager(request.user)
    chosen = int_param(request.GET.get("village"))
    return render(
        request,
        "volunteers/volunteer_list.html",
        {
            "volunteers": selectors.volunteer_list(request.user, village_id=chosen),
            "villages": villages_for_user(request.user).order_by("position", "name"),
            "chosen": chosen,
        },
    )


@private_no_store
@login_required
@require_GET
def volunteer_export(request):
    _require_manager(request.user)
    volunteers = selectors.volunteers_for_user(request.user).order_by(
        "village__position", "full_name"
    )
    content = spreadsheets.export_volunteers_xlsx(volunteers)
    return file_response(content, "doan-vien.xlsx", XLSX)


@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def volunteer_import(request):
    """Upload a volunteers list (Google Forms, spreadsheets) → preview → save."""
    _require_manager(request.user)
    if not request.user.has_perm("volunteers.add_volunteer"):
        raise Http404

    def save(rows, only_clean: bool) -> str:
        result = services.volunteer_import(rows=rows, only_clean=only_clean, actor=request.user)
        return _("%(created)s volunteers saved, %(skipped)s rows skipped.") % {
            "created": result.created,
            "skipped": result.skipped,
        }

    flow = imports.ImportFlow(
        key="volunteer-import",
        template="volunteers/import.html",
        context={
            "preview_columns": [
                ("full_name", _("Full name")),
                ("village", _("Village")),
                ("phone", _("Phone")),
                ("branch_role", _("Role")),
            ]
        },
        max_bytes=spreadsheets.MAX_BYTES,
        read=spreadsheets.read_rows,
        check=lambda rows: spreadsheets.check_rows(rows, villages_for_user(request.user)),
        save=save,
        done_url=reverse("volunteers:volunteer_list"),
    )
    return imports.handle(request, flow)
