import functools
import sys

from allauth.account.views import LoginView as AllauthLoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import selectors
from core import services as accounts
from core.models import Commune, User
from core.roles import Role
from kit import qr
from kit.forms import add_service_errors
from kit.http import int_param, private_no_store, public_url
from legal_library.selectors import public_points
from market import selectors as market_selectors
from market import services as market_services
from trainings.selectors import my_attendances, public_calendar
from volunteers import selectors as volunteering
from volunteers import services as volunteer_services

from . import selectors as health
from .forms import FirstPasswordForm, SecretaryLoginForm


@require_GET
def home(request):
    """The commune's home page; with several communes, the list of them."""
    communes = list(selectors.public_communes())
    if len(communes) == 1:
        return _commune_page(request, communes[0])
    return render(request, "portal/commune_list.html", {"communes": communes})


@require_GET
def commune_detail(request, slug: str):
    return _commune_page(
        request, get_object_or_404(Commune.objects.select_related("province"), slug=slug)
    )


def _commune_page(request, commune: Commune):
    """A commune's page: its introduction, villages, markets, library points and coming
    sessions, all from its own records (5 queries)."""
    return render(
        request,
        "portal/home.html",
        {
            "commune": commune,
            "villages": selectors.commune_villages(commune),
            "markets": market_selectors.commune_markets(commune.pk),
            "points": public_points().filter(village__commune=commune),
            "sessions": public_calendar(commune=commune, limit=3),
        },
    )


@require_GET
def province_detail(request, slug: str):
    """A province's page: its communes, each with its villages and a link (3 queries)."""
    province = selectors.public_province(slug[:80])
    if province is None:
        raise Http404
    communes = selectors.province_communes(province)
    return render(request, "portal/province.html", {"province": province, "communes": communes})


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
    """The volunteer's start page: today's count, "log a visit", the open follow-ups,
    campaigns, trainings.

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
            "follow_ups_open": volunteering.open_follow_ups(user).count(),
            "recent": volunteering.my_records(user)[:5],
            "campaigns": campaigns,
            "attendances": my_attendances(user)[:10],
            "manager": volunteering.is_manager(user),
            "resident_desk": volunteering.handles_resident_requests(user),
            "unlinked": volunteering.is_unlinked_secretary(user),
        },
    )


# ------------------------------------------------------------------ sign-in accounts
# A commune officer makes the accounts of their commune's volunteers, branch secretaries
# and vendors and hands over a one-time link (core.services); the person sets a password.
# Every page here but the link's own is the officer's: 404 for anyone else.


def officers_only(view):
    """Only one who may make accounts (a commune officer) reaches ``view``; 404 for anyone
    else, before the method is looked at, and for what the services refuse them."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.roles_given_by(request.user):
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            raise Http404 from exc

    return wrapped


def _issued(request, user: User):
    """Issue ``user``'s first (or a new) link and show it to the officer."""
    accounts.sign_in_link_issue(user=user, actor=request.user)
    return redirect("login_handover", pk=user.pk)


@private_no_store
@login_required
@officers_only
@require_GET
def logins(request):
    """The commune's people, with and without a sign-in account."""
    overview = health.logins_overview(
        request.user, village_id=int_param(request.GET.get("village"))
    )
    return render(request, "portal/logins.html", {"overview": overview})


def _made(request, make):
    """Make an account with ``make()`` and show its first link; or say why not."""
    try:
        user = make()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("logins")
    return _issued(request, user)


@login_required
@officers_only
@require_POST
def login_volunteer_create(request, pk: int):
    volunteer = volunteering.volunteer_for_user(request.user, pk)
    return _made(
        request,
        lambda: volunteer_services.volunteer_login_create(volunteer=volunteer, actor=request.user),
    )


@login_required
@officers_only
@require_POST
def login_vendor_create(request, pk: int):
    vendor = market_selectors.vendor_for_user(request.user, pk)
    return _made(
        request, lambda: market_services.vendor_login_create(vendor=vendor, actor=request.user)
    )


@private_no_store
@login_required
@officers_only
@require_http_methods(["GET", "POST"])
def login_secretary_create(request):
    """A branch secretary's account, linked to their volunteer record (made if missing)."""
    form = SecretaryLoginForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = volunteer_services.secretary_login_create(
                village=data["village"],
                volunteer=data["volunteer"],
                full_name=data["full_name"],
                phone=data["phone"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _issued(request, user)
    return render(request, "portal/login_secretary.html", {"form": form})


@login_required
@officers_only
@require_POST
def login_link_issue(request, pk: int):
    """A new one-time link for an account; the earlier one stops working."""
    return _issued(request, selectors.handed_over_account(request.user, pk))


def _no_referrer(response):
    """The link's token is in the address: no other site learns it from a Referer.
    (``same-origin``, not ``no-referrer``: under the latter browsers post the form with
    ``Origin: null``, which the CSRF check refuses.)"""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@private_no_store
@login_required
@officers_only
@require_GET
def login_handover(request, pk: int):
    """The link to hand over: a big QR code, the link to copy or share, until when."""
    account = selectors.handed_over_account(request.user, pk)
    link = accounts.sign_in_link_of(account)
    url = public_url(request, _link_path(link)) if link else ""
    return _no_referrer(
        render(
            request, "portal/login_handover.html", {"account": account, "link": link, "url": url}
        )
    )


def _link_path(link: accounts.SignInLink) -> str:
    return reverse("sign_in_link", kwargs={"uidb64": link.uidb64, "token": link.token})


@private_no_store
@login_required
@officers_only
@require_GET
def login_handover_qr(request, pk: int):
    link = accounts.sign_in_link_of(selectors.handed_over_account(request.user, pk))
    if link is None:
        raise Http404
    image = qr.render(public_url(request, _link_path(link)), "svg")
    response = HttpResponse(image.content, content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _start_page(user: User) -> str:
    if selectors.user_has_role(user, Role.VENDOR):
        return reverse("market:vendor_me")
    return reverse("volunteer_home")


@private_no_store
@require_http_methods(["GET", "POST"])
def sign_in_link(request, uidb64: str, token: str):
    """The one-time link: set a password, be signed in, go to one's start page.

    An expired, used or mistyped link says so (410), whoever opens it."""
    account = selectors.sign_in_link_account(uidb64, token)
    if account is None:
        return _no_referrer(render(request, "portal/sign_in_link_gone.html", status=410))
    form = FirstPasswordForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.sign_in_link_use(user=account, password=form.cleaned_data["new_password1"])
        except ValidationError:
            return _no_referrer(render(request, "portal/sign_in_link_gone.html", status=410))
        login(request, account, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Your password is set. Next time, sign in as %(username)s with it.")
            % {"username": account.username},
        )
        return redirect(_start_page(account))
    return _no_referrer(
        render(request, "portal/sign_in_link.html", {"account": account, "form": form})
    )
