import sys

from allauth.account.views import LoginView as AllauthLoginView
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import selectors
from core.models import Commune
from legal_library.selectors import public_points
from trainings.selectors import my_attendances, public_calendar
from volunteers import selectors as volunteering

from . import selectors as health


@require_GET
def home(request):
    """The commune's home page; with several communes, the list of them."""
    communes = list(selectors.public_communes())
    if len(communes) == 1:
        return _commune_page(request, communes[0])
    return render(request, "portal/commune_list.html", {"communes": communes})


@require_GET
def commune_detail(request, slug: str):
    return _commune_page(request, get_object_or_404(Commune, slug=slug))


def _commune_page(request, commune: Commune):
    villages = selectors.commune_villages(commune)
    points = public_points().filter(village__commune=commune)
    sessions = public_calendar(commune=commune, limit=3)
    return render(
        request,
        "portal/home.html",
        {"commune": commune, "villages": villages, "points": points, "sessions": sessions},
    )


@never_cache
@require_GET
def healthz(request):
    """200 with the state of the database and broker; 503 when the database is down.

    A broker that is down does not fail the check: pages keep working and
    queued work waits, so a load balancer must not take every web host out.
    """
    database = health.database_state()
    broker = health.broker_state()
    return JsonResponse(
        {"status": "ok" if database == "ok" else "error", "database": database, "broker": broker},
        status=200 if database == "ok" else 503,
    )


@require_GET
def set_language(request, code: str):
    """Switch the language by a plain link (no form, no CSRF token in cached pages)."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response


class LoginView(AllauthLoginView):
    """allauth's sign-in, answering 429 Too Many Requests while failed sign-ins are limited.

    allauth shows "too many failed attempts" on the form with status 200; the
    status tells proxies, monitoring and scripts what happened too.
    """

    def form_invalid(self, form):
        response = super().form_invalid(form)
        errors = form.non_field_errors().as_data()
        if any(error.code == "too_many_login_attempts" for error in errors):
            response.status_code = 429
        return response


def email_management_closed(request, *args, **kwargs):
    """allauth's "E-mail addresses" page (add, remove, make primary) is not offered: an
    account's address is set by the officer who makes it (``user_create``, the admin), so
    nobody adds an address that was never verified and then resets the password with it."""
    raise Http404


RETRY_AFTER_SECONDS = 30


def server_error(request):
    """``handler500``: a database that cannot be reached is a 503 page, not a 500.

    While PostgreSQL restarts (or the network to it drops), every request that
    needs it fails; the visitor gets "briefly unavailable, try again" with
    ``Retry-After``, and the load balancer's ``/healthz`` says 503 too. Other
    errors keep the 500 page. Neither page touches the database.
    """
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    context = {"LANGUAGE_CODE": translation.get_language()}
    response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def volunteer_home(request):
    """The volunteer's start page: today's count, "log a visit", campaigns, trainings.

    It shows two programs (volunteers and trainings), so it lives here, where the
    programs are composed; neither program imports the other for it.
    """
    user = request.user
    if not volunteering.can_record(user):
        raise Http404
    today = timezone.localdate()
    campaigns = [
        volunteering.campaign_progress(c) for c in volunteering.open_campaigns(user, today)
    ]
    return render(
        request,
        "portal/volunteer_home.html",
        {
            "profile": volunteering.volunteer_profile(user),
            "today_count": volunteering.today_count(user),
            "recent": volunteering.my_records(user)[:5],
            "campaigns": campaigns,
            "attendances": my_attendances(user)[:10],
            "manager": volunteering.is_manager(user),
        },
    )
