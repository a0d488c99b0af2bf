"""Field pages of the volunteers (a phone in a resident's yard) and officers' lists."""

import json
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.selectors import villages_for_user
from kit import imports
from kit.forms import add_service_errors
from kit.http import XLSX, file_response, int_param, private_no_store

from . import selectors, services, spreadsheets, sync
from .forms import FollowUpCloseForm, ResidentEraseForm, ResidentSearchForm, VisitForm
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
    initial = {"helped_on": today, "client_id": uuid.uuid4()}
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
    return VisitForm.for_user(user, request.POST or None, initial=initial)


def _report_saved(request, received: sync.Received) -> None:
    """Say what saving did: the day's count, the campaign joined, the vendor's status."""
    messages.success(
        request,
        _("Saved. You have logged %(count)s visits today.")
        % {"count": selectors.today_count(request.user)},
    )
    for level, text in received.notes():
        messages.add_message(request, level, text)


@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request):
    """Log a visit in a few taps; nothing is saved unless all of it is right, and a visit
    posted twice (its ``client_id``) is saved once."""
    _require_recorder(request.user)
    form = _visit_form(request)
    if request.method == "POST":
        received = sync.receive(form, user=request.user)
        if received.status == sync.STORED:
            _report_saved(request, received)
            return redirect(_saved_url(received.client_id))
        if received.status == sync.ALREADY:
            messages.info(request, _("This visit was saved already."))
            return redirect(_saved_url(received.client_id))
        if form.is_valid():  # refused by the service: its errors, at their fields
            add_service_errors(form, ValidationError(received.errors))
    return render(
        request,
        "volunteers/visit_form.html",
        {"form": form, "unlinked": selectors.is_unlinked_secretary(request.user)},
        status=400 if form.errors else 200,
    )


def _saved_url(client_id) -> str:
    """The start page, telling the phone's outbox which visit is saved (?luu=)."""
    url = reverse("volunteer_home")
    return f"{url}?{urlencode({'luu': client_id})}" if client_id else url


@never_cache
@require_http_methods(["GET", "POST"])
def visit_sync(request):
    """The phone's outbox (static/js/visits.js) sends its waiting visits here.

    GET: who is signed in and a CSRF token for the POST (the page the outbox runs in may
    be an old copy from the phone, with a stale token). POST: ``{"visits": [{"id":
    uuid, "fields": [[name, value], ...]}, ...]}``, at most ``sync.MAX_BATCH``; the
    answer ``{"visits": [{"id", "status", "errors"?, "reasons"?, "notes"?}]}`` in the
    same order. Signed out: 401 with where to sign in, and the phone keeps its visits.
    """
    user = request.user
    if not user.is_authenticated:
        sign_in = f"{reverse('account_login')}?{urlencode({'next': reverse('volunteer_home')})}"
        return JsonResponse({"sign_in": sign_in}, status=401)
    _require_recorder(user)
    if request.method == "GET":
        return JsonResponse({"owner": user.pk, "csrf": get_token(request)})
    try:
        payload = json.loads(request.body)
        answers = sync.receive_batch(payload["visits"], user=user)
    except (ValueError, KeyError, TypeError):  # BatchError is a ValueError
        return JsonResponse({"error": _("This is not a batch of visits.")}, status=400)
    return JsonResponse({"visits": answers, "today": selectors.today_count(user)})


@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk: int):
    """Correct one's own visit, for 24 hours after logging it (else 404)."""
    record = selectors.editable_record(request.user, pk)
    form = VisitForm.for_user(
        request.user, request.POST or None, initial=VisitForm.initial_for(record)
    )
    if request.method == "POST" and form.is_valid():
        try:
            logged = services.assistance_update(
                record=record, **form.visit_fields(), actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The visit is corrected."))
            for level, text in sync.visit_notes(logged):
                messages.add_message(request, level, text)
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


# ------------------------------------------------------------------ the installable app

APP_CACHE = "tinh-nguyen-v1"  # raise it when the worker's way of keeping pages changes


@require_GET
def service_worker(request):
    """The worker of the volunteers' app (volunteers/templates/volunteers/app/sw.js)."""
    form_url = reverse("volunteers:visit_new")
    precache = [
        form_url,
        static("css/site.css"),
        static("js/visits.js"),
        static("img/app-192.png"),
        reverse("volunteers:manifest"),
    ]
    response = render(
        request,
        "volunteers/app/sw.js",
        {  # JSON: safe to write into the script as it is
            "cache": json.dumps(APP_CACHE),
            "form_url": json.dumps(form_url),
            "scope": json.dumps(reverse("volunteer_home")),
            "precache": json.dumps(precache),
        },
        content_type="application/javascript",
    )
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


@require_GET
def manifest(request):
    """The web app manifest: the volunteers' pages installed on a phone's home screen."""
    home = reverse("volunteer_home")
    icons = [
        {"src": static(f"img/app-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    icons += [{**icons[1], "purpose": "maskable"}]
    data = {
        "name": _("Chư Prông digital volunteers"),
        "short_name": _("Volunteers"),
        "description": _("Log the residents you help, with or without signal."),
        "lang": translation.get_language(),
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b4f9c",
        "icons": icons,
    }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    patch_cache_control(response, public=True, max_age=3600)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


# ------------------------------------------------------------------ residents' requests


def _require_resident_desk(user) -> None:
    if not selectors.handles_resident_requests(user):
        raise Http404


@private_no_store
@login_required
@require_GET
def resident_desk(request):
    """A resident's request: find them by phone or name (officers of the commune)."""
    _require_resident_desk(request.user)
    form = ResidentSearchForm(request.GET or None)
    found = None
    if form.is_valid():
        found = selectors.resident_search(request.user, form.cleaned_data["q"])
    return render(
        request,
        "volunteers/resident_desk.html",
        {"form": form, "found": found, "most": selectors.RESIDENTS_FOUND},
        status=400 if form.errors else 200,
    )


def _resident_shown(request, pk: int, *, exported: bool) -> list:
    """The resident's visits, written in their history as shown or downloaded."""
    visits = list(selectors.resident_visits(request.user, pk))
    services.resident_data_access(records=visits, actor=request.user, exported=exported)
    return visits


@private_no_store
@login_required
@require_GET
def resident_detail(request, pk: int):
    """What is kept about the resident of visit ``pk``; the showing is audited."""
    visits = _resident_shown(request, pk, exported=False)
    return render(
        request,
        "volunteers/resident_detail.html",
        {"visits": visits, "pk": pk, "months": settings.RESIDENT_DATA_MONTHS},
    )


@private_no_store
@login_required
@require_GET
def resident_export(request, pk: int):
    content = spreadsheets.export_resident_xlsx(
        _resident_shown(request, pk, exported=True),
        exported_by=str(request.user),
        today=timezone.localdate(),
    )
    return file_response(content, "du-lieu-nguoi-dan.xlsx", XLSX)


@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def resident_erase(request, pk: int):
    """Confirm, then erase the resident's name, phone and notes (services.resident_data_erase)."""
    visits = selectors.resident_visits(request.user, pk)
    form = ResidentEraseForm(request.POST if request.method == "POST" else None, visits=visits)
    if request.method == "POST" and form.is_valid():
        erased = services.resident_data_erase(
            records=form.cleaned_data["records"], actor=request.user
        )
        messages.success(
            request,
            _("Name, phone and notes erased from %(count)s visits, and from their history.")
            % {"count": erased},
        )
        return redirect("volunteers:resident_desk")
    return render(
        request,
        "volunteers/resident_erase.html",
        {"form": form, "pk": pk},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def resident_policy(request):
    """For officers and branch secretaries: what is kept about residents, why, how long."""
    _require_manager(request.user)
    return render(
        request,
        "volunteers/resident_policy.html",
        {
            "months": settings.RESIDENT_DATA_MONTHS,
            "desk": selectors.handles_resident_requests(request.user),
        },
    )
