"""Training pages: the public calendar, QR check-in, attendance, certificates, skills."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.selectors import villages_for_user
from kit import imports, qr
from kit.forms import add_service_errors
from kit.http import XLSX, file_response, int_param, pdf_response, private_no_store, public_url
from volunteers.selectors import is_manager, volunteer_profile

from . import documents, selectors, services, spreadsheets
from .forms import AttendanceSheetForm, SessionPlanForm


def _require_manager(user) -> None:
    """Officers and branch secretaries; anyone else gets 404, as for what is not theirs."""
    if not is_manager(user):
        raise Http404


# ------------------------------------------------------------------ public


@require_GET
def calendar(request):
    """Upcoming public sessions of every commune, soonest first."""
    response = render(request, "trainings/calendar.html", {"sessions": selectors.public_calendar()})
    if request.user.is_authenticated:  # the page then carries their menu and a CSRF token
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=300)
    return response


@require_GET
def verify_certificate(request, code: str):
    """What a certificate's QR code opens: is this certificate real, and whose is it."""
    attendance = selectors.attendance_by_certificate(code)
    response = render(
        request,
        "trainings/verify.html",
        {"attendance": attendance},
        status=200 if attendance else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


# ------------------------------------------------------------------ QR check-in


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request, code: str):
    """The page a session's QR code opens: one tap checks the signed-in volunteer in."""
    session = selectors.session_by_checkin_code(code)
    if session is None:
        raise Http404
    profile = volunteer_profile(request.user)
    attendance = selectors.attendance_of(session, profile)
    status = 200
    if request.method == "POST" and profile is not None:
        try:
            result = services.check_in(session=session, volunteer=profile)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 400
        else:
            time = timezone.localtime(result.attendance.checked_in_at)
            if result.created:
                messages.success(request, _("You are checked in. Thank you!"))
            else:
                messages.info(
                    request,
                    _("You were already checked in at %(time)s; nothing changed.")
                    % {"time": f"{time:%H:%M %d/%m/%Y}"},
                )
            return redirect("trainings:check_in", code=code)
    return render(
        request,
        "trainings/check_in.html",
        {"session": session, "profile": profile, "attendance": attendance},
        status=status,
    )


# ------------------------------------------------------------------ officer pages


@login_required
@require_GET
def session_list(request):
    _require_manager(request.user)
    return render(
        request, "trainings/session_list.html", {"sessions": selectors.session_list(request.user)}
    )


def _plan(form: SessionPlanForm, commune, actor):
    """``services.session_create`` with what the plan form read."""
    data = form.cleaned_data
    village = data["village"]
    return services.session_create(
        commune=village.commune if village is not None else commune,
        village=village,
        title=data["title"],
        kind=data["kind"],
        topics=data["topics"],
        starts_at=data["start"],
        ends_at=data["end"],
        place=data["place"],
        online_link=data["online_link"],
        trainer=data["trainer"],
        capacity=data["capacity"],
        description=data["description"],
        public=data["public"],
        actor=actor,
    )


@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def session_new(request):
    """Plan a session on a phone: a branch secretary for their own village's branch, an
    officer for the whole commune or one of its villages; anyone else gets 404."""
    villages = selectors.plan_villages(request.user)
    commune = selectors.plan_commune(request.user)
    if commune is None and not villages.exists():
        raise Http404
    form = SessionPlanForm(
        request.POST or None,
        initial={"village": request.user.village_id},
        villages=villages,
        topics=selectors.topics_for_user(request.user).filter(active=True),
        commune_wide=commune is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = _plan(form, commune, request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The session is planned: %(title)s.") % {"title": session})
            return redirect("trainings:session_detail", pk=session.pk)
    status = 400 if form.errors else 200
    return render(request, "trainings/session_form.html", {"form": form}, status=status)


def _sheet_form(request, session) -> AttendanceSheetForm:
    return AttendanceSheetForm(
        request.POST or None,
        roster=selectors.roster(session),
        villages=selectors.session_villages(session),
    )


def _detail(request, session, form, status=200):
    roster = list(selectors.roster(session))
    return render(
        request,
        "trainings/session_detail.html",
        {
            "session": session,
            "roster": roster,
            "form": form,
            "attendances": selectors.session_attendances(session),
            "checkin_url": public_url(
                request, reverse("trainings:check_in", args=[session.checkin_code])
            ),
            "can_mark": request.user.has_perm("trainings.add_attendance"),
            "started": session.starts_at <= timezone.now(),
        },
        status=status,
    )


@private_no_store
@login_required
@require_GET
def session_detail(request, pk: int):
    session = selectors.session_for_user(request.user, pk)
    return _detail(request, session, _sheet_form(request, session))


@private_no_store
@login_required
@require_POST
def attendance_sheet(request, pk: int):
    """The officer's sheet: all ticked and every walk-in saved, or nobody."""
    session = selectors.session_for_user(request.user, pk)
    if not request.user.has_perm("trainings.add_attendance"):
        raise Http404
    form = _sheet_form(request, session)
    if form.is_valid():
        try:
            result = services.attendance_add(
                session=session,
                volunteers=form.cleaned_data["volunteers"],
                walk_ins=form.cleaned_data["walk_in_list"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("%(added)s people marked present; %(already)s were already on the list.")
                % {"added": result.added, "already": result.already},
            )
            return redirect("trainings:session_detail", pk=session.pk)
    return _detail(request, session, form, status=400)


@private_no_store
@login_required
@require_POST
def attendance_remove(request, pk: int, attendance_pk: int):
    session = selectors.session_for_user(request.user, pk)
    if not request.user.has_perm("trainings.delete_attendance"):
        raise Http404
    attendance = session.attendances.filter(pk=attendance_pk).first()
    if attendance is None:
        raise Http404
    services.attendance_remove(attendance=attendance, actor=request.user)
    messages.success(request, _("%(name)s was removed from the list.") % {"name": attendance.name})
    return redirect("trainings:session_detail", pk=session.pk)


@login_required
@require_GET
def checkin_screen(request, pk: int):
    """The session's QR code, big, for a projector or a screen at the door."""
    session = selectors.session_for_user(request.user, pk)
    url = public_url(request, reverse("trainings:check_in", args=[session.checkin_code]))
    return render(
        request, "trainings/checkin_screen.html", {"session": session, "checkin_url": url}
    )


@login_required
@require_GET
def checkin_qr(request, pk: int):
    session = selectors.session_for_user(request.user, pk)
    url = public_url(request, reverse("trainings:check_in", args=[session.checkin_code]))
    image = qr.render(url, "svg")
    response = HttpResponse(image.content, content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    patch_cache_control(response, private=True, max_age=300)
    return response


@private_no_store
@login_required
@require_GET
def skills(request):
    """Who in village X is trained to help with Y."""
    _require_manager(request.user)
    villages = villages_for_user(request.user).order_by("position", "name")
    topics = selectors.topics_for_user(request.user).filter(active=True)
    village_id, topic_id = (
        int_param(request.GET.get("village")),
        int_param(request.GET.get("topic")),
    )
    village = villages.filter(pk=village_id).first() if village_id else None
    topic = topics.filter(pk=topic_id).first() if topic_id else None
    return render(
        request,
        "trainings/skills.html",
        {
            "rows": selectors.trained_volunteers(request.user, village=village, topic=topic),
            "villages": villages,
            "topics": topics,
            "village": village,
            "topic": topic,
        },
    )


@private_no_store
@login_required
@require_GET
def sign_in_sheet(request, pk: int):
    """The printable sheet for a place without a connection, in the roster's order."""
    session = selectors.session_for_user(request.user, pk)
    content = documents.render_sign_in_sheet(session, list(selectors.roster(session)))
    return pdf_response(content, f"danh-sach-diem-danh-{session.pk}.pdf")


@private_no_store
@login_required
@require_GET
def attendance_export(request, pk: int, fmt: str):
    session = selectors.session_for_user(request.user, pk)
    attendances = selectors.session_attendances(session)
    if fmt == "xlsx":
        content = spreadsheets.export_attendance_xlsx(session, attendances)
        return file_response(content, f"diem-danh-{session.pk}.xlsx", XLSX)
    content = spreadsheets.export_attendance_csv(attendances)
    return file_response(content, f"diem-danh-{session.pk}.csv", "text/csv; charset=utf-8")


@private_no_store
@login_required
@require_GET
def certificate(request, pk: int):
    """The certificate of attendance (PDF), for its holder or the officers of the session."""
    attendance = selectors.attendance_for_user(request.user, pk)
    verify_url = public_url(
        request, reverse("trainings:verify", args=[attendance.certificate_code])
    )
    content = documents.render_certificate(attendance, verify_url=verify_url)
    return pdf_response(content, f"giay-chung-nhan-{attendance.pk}.pdf")


@private_no_store
@login_required
@require_http_methods(["GET", "POST"])
def attendance_import(request, pk: int):
    """Past attendance from a list (Google Forms, a typed sheet) → preview → save."""
    session = selectors.session_for_user(request.user, pk)
    if not request.user.has_perm("trainings.add_attendance"):
        raise Http404

    def save(rows, only_clean: bool) -> str:
        result = services.attendance_import(
            session=session, rows=rows, only_clean=only_clean, actor=request.user
        )
        return _("%(added)s people marked present; %(already)s were already on the list.") % {
            "added": result.added,
            "already": result.already,
        }

    flow = imports.ImportFlow(
        key=f"attendance-import-{session.pk}",
        template="trainings/import.html",
        context={
            "session": session,
            "preview_columns": [
                ("full_name", _("Full name")),
                ("phone", _("Phone")),
                ("village", _("Village")),
            ],
        },
        max_bytes=spreadsheets.MAX_BYTES,
        read=spreadsheets.read_rows,
        check=lambda rows: spreadsheets.check_attendance_rows(rows, session),
        save=save,
        done_url=reverse("trainings:session_detail", args=[session.pk]),
    )
    return imports.handle(request, flow)
