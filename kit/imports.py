"""The import page every list shares: upload → preview with per-row errors → confirm.

Vendors, volunteers and past attendance are imported the same way: the file is
read and checked, the rows are kept in the session under a one-time id, and
only "save" writes, after checking the rows again against the database of that
moment. Nothing is saved on a preview; nothing is half-saved on a confirm.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kit.forms import SpreadsheetForm

from .spreadsheets import Row, SpreadsheetError


@dataclass(frozen=True)
class ImportFlow:
    key: str  # the session key, unique per list (e.g. "volunteer-import-3")
    template: str
    context: dict[str, Any]
    max_bytes: int
    read: Callable[[bytes, str], list[Row]]  # raises SpreadsheetError for the whole file
    check: Callable[[list[Row]], list[Row]]  # fills each row's errors
    save: Callable[[list[Row], bool], str]  # (rows, only_clean) → success message
    done_url: str


def handle(
    request: HttpRequest, flow: ImportFlow, form_class: type[forms.Form] = SpreadsheetForm
) -> HttpResponse:
    """Run the import page for ``flow``: GET, upload (preview) or confirm."""
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, flow, form_class)
    form = form_class(request.POST or None, request.FILES or None)
    rows: list[Row] | None = None
    import_id: str | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = flow.check(flow.read(upload.read(flow.max_bytes + 1), upload.name))
        except SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            import_id = uuid.uuid4().hex
            request.session[flow.key] = {
                "id": import_id,
                "rows": [(r.number, r.values) for r in rows],
            }
    return _page(request, flow, form, rows, import_id)


def _confirm(request: HttpRequest, flow: ImportFlow, form_class: type[forms.Form]) -> HttpResponse:
    """Save the previewed rows (all, or only the clean ones), checked again."""
    stored = request.session.get(flow.key)
    if not stored or stored["id"] != request.POST.get("import_id"):
        messages.error(request, _("This preview has expired; upload the file again."))
        return redirect(request.path)
    rows = flow.check([Row(number=n, values=v) for n, v in stored["rows"]])
    try:
        message = flow.save(rows, request.POST["confirm"] == "clean")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _page(request, flow, form_class(), rows, stored["id"])
    del request.session[flow.key]
    messages.success(request, message)
    return redirect(flow.done_url)


def _page(
    request: HttpRequest,
    flow: ImportFlow,
    form: forms.Form,
    rows: list[Row] | None,
    import_id: str | None,
) -> HttpResponse:
    context = {
        **flow.context,
        "form": form,
        "rows": rows,
        "import_id": import_id,
        "bad": sum(not r.ok for r in rows or []),
    }
    return render(request, flow.template, context, status=400 if form.errors else 200)
