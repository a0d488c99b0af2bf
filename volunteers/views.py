"""Field pages of the volunteers (a phone in a resident's yard) and officers' lists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.selectors import villages_for_user
from kit import imports
from kit.forms import add_service_errors
from kit.http import XLSX, file_response, int_param, private_no_store

from . import selectors, services, spreadsheets
from .forms import VisitForm
from .models import Service

PAGE_SIZE = 25


def _require_recorder(user) -> None:
    if not selectors.can_record(user):
        raise Http404


def _require_manager(user) -> None:
    if not selectors.is_manager(user):
        raise Http404


def _visit_form(request) -> VisitForm:
    user = request.user
    profile = selectors.volunteer_profile(user)
    today = timezone.localdate()
    villages = selectors.visit_villages(user)
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
    return VisitForm(
        request.POST or None,
        initial=initial,
        villages=villages,
        volunteers=selectors.selectable_volunteers(user),
        campaigns=selectors.campaigns_for_user(user),
        vendors=selectors.selectable_vendors(user),
    )


def _report_saved(request, logged: services.VisitLogged) -> None:
    """Say what saving did: the day's count, the campaign joined, the vendor's status."""
    messages.success(
        request,
        _("Saved. You have logged %(count)s visits today.")
        % {"count": selectors.today_count(request.user)},
    )
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
    form = _visit_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            logged = services.assistance_record(
                helped_on=data["helped_on"],
                village=data["village"],
                volunteers=data["volunteers"],
                services=data["services"],
                campaign=data["campaign"],
                resident_name=data["resident_name"],
                resident_birth_year=data["resident_birth_year"],
                resident_phone=data["resident_phone"],
                resident_consented=data["resident_consented"],
                vendor=data["vendor"],
                notes=data["notes"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _report_saved(request, logged)
            return redirect("volunteer_home")
    return render(
        request,
        "volunteers/visit_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@private_no_store
@login_required
@require_GET
def my_history(request):
    _require_recorder(request.user)
    page = Paginator(selectors.my_records(request.user), PAGE_SIZE).get_page(request.GET.get("p"))
    return render(request, "volunteers/history.html", {"page": page})


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
    return render(
        request,
        "volunteers/record_detail.html",
        {"record": selectors.record_for_user(request.user, pk)},
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
