"""The officers' dashboard and adoption reports: figures, "make a report now", downloads."""

import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import Province
from core.selectors import villages_for_user
from kit.http import int_param
from kit.text import slugify
from reports import charts
from reports.files import cell_text, write_province_xlsx
from reports.forms import GoalsForm, ReportRequestForm, ReportSendForm
from reports.indicators import (
    BY_CODE,
    CHECK_RULES,
    CHECKS,
    INDICATORS,
    PROGRAM_NAMES,
    SEVERITY_NAMES,
    TABLE_BY_KEY,
    Program,
    check_severity,
    for_program,
    problems,
)

from . import selectors, services
from .models import AdoptionReport

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}
RECENT = 20


def _charts(board: selectors.Dashboard) -> dict[str, str]:
    """One server-drawn SVG chart per program, from this month's live figures."""
    tables = board.now["tables"]
    services_before = {r["service"]: r["total"] for r in board.before["tables"]["services"]}
    no_data = _("No data yet this month")
    return {
        # both shares against the target: a code on the wall is not a transfer received
        Program.MARKET: "".join(
            charts.bar_chart(
                [(r["market"], r.get(key)) for r in tables["markets"]],
                target=70,
                max_value=100,
                unit="%",
                title=title,
                target_text=_("target 70%"),
                empty_text=no_data,
            )
            for key, title in (
                ("share", _("Share of vendors paid cashless, per market")),
                ("confirmed_share", _("Share confirmed receiving transfers, per market")),
            )
        ),
        Program.ASSISTANCE: charts.comparison_bars(
            [
                (cell_text("service", r["service"]), r["total"], services_before.get(r["service"]))
                for r in tables["services"]
                if r["total"] or services_before.get(r["service"])
            ],
            current_text=_("This month"),
            previous_text=_("Last month"),
            title=_("Services given, by type"),
            empty_text=no_data,
        ),
        Program.TRAININGS: charts.bar_chart(
            [(r["topic"], r["attendances"]) for r in tables["training_topics"]],
            title=_("Attendances by topic"),
            empty_text=no_data,
        ),
        Program.LIBRARY: charts.bar_chart(
            [(r["point"], r["scans"]) for r in tables["library_points"]][:15],
            title=_("Visits per library point"),
            empty_text=no_data,
        ),
        Program.VOLUNTEERS: charts.bar_chart(
            [(r["volunteer"], r["visits"]) for r in tables["volunteer_visits"]],
            title=_("Visits per volunteer"),
            empty_text=no_data,
        ),
    }


@login_required
@require_GET
def dashboard(request):
    commune = selectors.dashboard_commune(request.user, int_param(request.GET.get("xa")))
    board = selectors.dashboard(commune, timezone.localdate())
    columns = TABLE_BY_KEY["villages"].columns
    sort = request.GET.get("sap-xep", "")
    sort = sort if sort in {c.key for c in columns} else ""  # "": the villages' own order
    descending = request.GET.get("chieu") == "giam"
    drawn = _charts(board)
    programs = [
        (name, board.rows(program), drawn[program]) for program, name in PROGRAM_NAMES.items()
    ]
    return render(
        request,
        "reports/dashboard.html",
        {
            "board": board,
            "programs": programs,
            "columns": columns,
            "villages": board.villages(sort, descending),
            "sort": sort,
            "descending": descending,
            "form": ReportRequestForm(
                villages=villages_for_user(request.user).filter(commune=commune),
                initial={"month": f"{board.last_month[0]:%Y-%m}"},
            ),
            "reports": selectors.reports_for_user(request.user).filter(commune=commune)[:RECENT],
        },
    )


@login_required
@require_POST
def report_request(request):
    """ "Make a report now": queue it, then watch its progress on its page."""
    commune = selectors.dashboard_commune(request.user, int_param(request.POST.get("xa")))
    if not request.user.has_perm("reports.add_adoptionreport"):
        raise Http404
    form = ReportRequestForm(
        request.POST, villages=villages_for_user(request.user).filter(commune=commune)
    )
    if form.is_valid():
        start, end = form.cleaned_data["period"]
        try:
            report = services.report_request(
                commune=commune,
                village=form.cleaned_data["village"],
                period_kind=form.cleaned_data["period_kind"],
                start=start,
                end=end,
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The report is queued; this page follows its progress."))
            return redirect("reports:detail", pk=report.pk)
    return render(
        request,
        "reports/request.html",
        {"form": form, "commune": commune},
        status=400,
    )


def _detail(request, report: AdoptionReport, send_form=None, status: int = 200):
    indicators = report.data.get("indicators", {})
    programs = [
        (name, [(i, indicators.get(i.code, {})) for i in for_program(program)])
        for program, name in PROGRAM_NAMES.items()
    ]
    checks = report.data.get("checks", [])
    may_send = not selectors.send_refusal(report) and selectors.may_send(request.user, report)
    found = [(CHECK_RULES.get(c["code"]), c) for c in problems(checks)]
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "programs": programs if indicators else [],
            "checks": [
                (CHECKS.get(c["code"], c["code"]), SEVERITY_NAMES.get(check_severity(c)), c)
                for c in checks
            ],
            "blocking": [(rule, c) for rule, c in found if c["severity"] == "blocking"],
            "warnings": [(rule, c) for rule, c in found if c["severity"] != "blocking"],
            "send_form": (send_form or ReportSendForm()) if may_send else None,
            "may_receive": report.sent_state == AdoptionReport.SentState.SENT
            and selectors.may_receive(request.user, report),
            "versions": selectors.reports_for_user(request.user).filter(
                scope_key=report.scope_key,
                period_start=report.period_start,
                period_end=report.period_end,
            ),
        },
        status=status,
    )


@login_required
@require_GET
def report_detail(request, pk: int):
    return _detail(request, selectors.report_for_user(request.user, pk))


@login_required
@require_POST
def report_send(request, pk: int):
    """ "Send to the province": the reason is required while a blocking problem remains."""
    report = selectors.report_for_user(request.user, pk)
    form = ReportSendForm(request.POST)
    if form.is_valid():
        try:
            services.report_send(
                report=report, reason=form.cleaned_data["reason"], actor=request.user
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The report is sent to the province."))
            return redirect("reports:detail", pk=report.pk)
    return _detail(request, report, send_form=form, status=400)


@login_required
@require_POST
def report_receive(request, pk: int):
    report = selectors.report_for_user(request.user, pk)
    try:
        services.report_receive(report=report, actor=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The report is marked received."))
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_GET
def province_inbox(request):
    """Which commune sent which month's report to the province, and what was received."""
    province = selectors.inbox_province(request.user, int_param(request.GET.get("tinh")))
    today = timezone.localdate()
    year = int_param(request.GET.get("nam"))
    year = year if year and 2000 <= year <= today.year else None
    months = selectors.inbox_months(today, year)
    return render(
        request,
        "reports/province_inbox.html",
        {
            "province": province,
            "months": months,
            "rows": selectors.province_inbox(province, months),
            "year": year,
            "years": range(today.year, today.year - 4, -1),
        },
    )


@login_required
@require_GET
def report_status(request, pk: int):
    """What the progress bar asks every few seconds."""
    report = selectors.report_for_user(request.user, pk)
    response = JsonResponse(
        {
            "status": report.status,
            "label": report.get_status_display(),
            "progress": report.progress,
            "error": report.error,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def report_download(request, pk: int, fmt: str):
    report = selectors.report_for_user(request.user, pk)
    field = getattr(report, fmt, None) if fmt in FORMATS else None
    if report.status != AdoptionReport.Status.DONE or not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=field.name.rsplit("/", 1)[-1],
        content_type=FORMATS[fmt],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ------------------------------------------------------------------ targets and baselines


def _year(value: str | None, today) -> int:
    year = int_param(value)
    return year if year and today.year - 5 <= year <= today.year + 5 else today.year


@login_required
@require_http_methods(["GET", "POST"])
def goals(request):
    """A commune's targets of a year and its baselines, on a phone: one form."""
    data = request.POST if request.method == "POST" else request.GET
    commune = selectors.goals_commune(request.user, int_param(data.get("xa")))
    today = timezone.localdate()
    year = _year(data.get("nam"), today)
    current = selectors.commune_goals(commune, year)
    level = selectors.goal_level(request.user, commune)
    initial = {}
    for code, goal in current.items():
        initial[f"t-{code}"] = goal.commune_target if level == "commune" else goal.province_target
        initial[f"b-{code}"], initial[f"d-{code}"] = goal.baseline_set, goal.baseline_as_of
    form = GoalsForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        indicators=INDICATORS,
    )
    if form.is_valid():
        try:
            changed = services.goals_set(
                commune=commune,
                year=year,
                targets={i.code: form.cleaned_data[f"t-{i.code}"] for i in INDICATORS},
                baselines={
                    i.code: (form.cleaned_data[f"b-{i.code}"], form.cleaned_data[f"d-{i.code}"])
                    for i in INDICATORS
                },
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Saved: %(n)s changes.") % {"n": changed})
            return redirect(f"{reverse('reports:goals')}?xa={commune.pk}&nam={year}")
    return render(
        request,
        "reports/goals.html",
        {
            "commune": commune,
            "communes": selectors.goals_communes(request.user).order_by("name"),
            "year": year,
            "years": range(today.year - 1, today.year + 2),
            "level": level,
            "rows": [(i, fields, current[i.code]) for i, fields in form.rows()],
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# ------------------------------------------------------------------ the province dashboard


def _province_board(request) -> selectors.ProvinceBoard:
    province = selectors.provinces_board_for(request.user, int_param(request.GET.get("tinh")))
    period = "year" if request.GET.get("ky") == "nam" else "month"
    return selectors.province_board(province, timezone.localdate(), period)


@login_required
@require_GET
def province_dashboard(request):
    board = _province_board(request)
    sort = request.GET.get("sap-xep", "")
    descending = request.GET.get("chieu") == "giam"
    programs = [
        (name, [i for i in board.indicators if i.program == program])
        for program, name in PROGRAM_NAMES.items()
    ]
    programs = [(name, items) for name, items in programs if items]
    columns = [i for _name, items in programs for i in items]  # the table's order
    spread = [[board.spread[i.code][n] for i in columns] for n in range(3)]
    return render(
        request,
        "reports/province.html",
        {
            "board": board,
            "programs": programs,
            "rows": [(row, row.cells(columns)) for row in board.sorted_rows(sort, descending)],
            "sort": sort if sort in {i.code for i in columns} else "",
            "descending": descending,
            "footer": [
                (_("Province total"), [board.totals[i.code] for i in columns]),
                *zip((_("Lowest"), _("Median"), _("Highest")), spread, strict=True),
            ],
            "furthest": [
                (
                    BY_CODE[code],
                    [(r, done, r.value(code), r.goals[code].target) for r, done in behind],
                )
                for code, behind in board.furthest.items()
            ],
            "provinces": Province.objects.order_by("name") if request.user.is_superuser else [],
            "keep": _board_query(request, board),
        },
    )


def _board_query(request, board) -> str:
    """The query string that keeps the province and the period (for sorting links)."""
    keep = {"tinh": board.province.pk} if request.user.is_superuser else {}
    if board.period == "year":
        keep["ky"] = "nam"
    return urlencode(keep)


@login_required
@require_GET
def province_download(request):
    board = _province_board(request)
    province = board.province
    out = io.BytesIO()
    write_province_xlsx(board, out)
    response = HttpResponse(out.getvalue(), content_type=FORMATS["xlsx"])
    name = f"bang-tinh-{slugify(province.name)}-{board.start:%Y%m%d}-{board.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
