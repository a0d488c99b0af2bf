"""Pages of the cashless market: the vendor's own page (public by its key) and officer tools."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import permission_required_or_404
from kit import imports
from kit.forms import add_service_errors
from kit.http import pdf_response, private_no_store
from kit.money import format_vnd as vnd

from . import pages, posters, qr, selectors, services, spreadsheets
from .forms import (
    AccountFieldsForm,
    AccountForm,
    AmountRequestForm,
    CeilingForm,
    FollowUpForm,
    ImportForm,
    PriceTagForm,
    StatusForm,
    VendorRegisterForm,
)
from .models import Vendor, VendorFollowUp
from .qr_reader import QRImageError, read_vietqr
from .vietqr import VietQRError
from .vietqr_messages import vietqr_error_message

# ------------------------------------------------------------------ vendor pages


@require_GET
def vendor_page(request, token: str):
    """The counter screen: the vendor's codes big on a phone; "ask for an amount" shows
    one code with the amount built in.

    An anonymous visitor's plain page is rendered once and kept in the cache; it is
    served from there by market/early.py before sessions and authentication
    run, and here for a visitor with a session cookie. Either way the vendor's stamp
    is read on every request, so a reissued key or a deleted vendor answers 404 at once.
    """
    plain = not request.GET and not request.user.is_authenticated
    language = get_language()
    if plain and (html := qr.cached_page(token, language)) is not None:
        return pages.vendor_page_response(html)
    vendor = selectors.vendor_by_token(token)
    if vendor is None:
        raise Http404
    response = _vendor_render(request, vendor, cacheable=plain)
    if plain:
        qr.store_page(token, language, response.content, stamp=qr.stamp_of(vendor.updated_at))
    return pages.vendor_headers(response)


def _vendor_render(request, vendor, *, cacheable: bool) -> HttpResponse:
    accounts = selectors.vendor_accounts(vendor)
    form = AmountRequestForm(request.GET or None, accounts=accounts, ceiling=vendor.amount_ceiling)
    requested = None
    if form.is_bound and form.is_valid() and accounts:
        chosen = next((a for a in accounts if a.pk == form.cleaned_data["account"]), accounts[0])
        requested = {
            "account": chosen,
            "amount": form.cleaned_data["amount"],
            "note": form.cleaned_data["note"],
            "query": urlencode(
                {"amount": form.cleaned_data["amount"], "purpose": form.cleaned_data["note"]}
            ),
        }
        # a fresh form for the next amount (a confirmation is never carried over)
        form = AmountRequestForm(
            accounts=accounts, ceiling=vendor.amount_ceiling, initial={"account": chosen.pk}
        )
    own = vendor.user_id is not None and vendor.user_id == request.user.pk
    return render(
        request,
        "market/vendor_page.html",
        {
            "vendor": vendor,
            "accounts": accounts,
            "form": form,
            "requested": requested,
            "own": own,
            "ceiling_form": CeilingForm(initial={"amount_ceiling": vnd(vendor.amount_ceiling)})
            if own
            else None,
            "cacheable": cacheable,  # no per-visitor messages in a cached page
        },
    )


@login_required
@require_GET
def vendor_me(request):
    """A vendor signed in to their account goes to their own page."""
    vendor = getattr(request.user, "vendor", None)
    if vendor is None:
        raise Http404
    return redirect("market:vendor_page", token=vendor.token)


@require_GET
def vendor_qr(request, token: str, fmt: str, account_id: int | None = None):
    """A code's image; rendered once, then from the cache, with an ETag. ``?download=1``
    gives the labelled card (code, bank, holder, account, stall) named after the bank."""
    amount = request.GET.get("amount")
    purpose = request.GET.get("purpose", "")
    dynamic = amount is not None
    card = bool(request.GET.get("download")) and not dynamic
    which = "primary" if account_id is None else str(account_id)
    kind = f"{qr.CARD}-{get_language()}" if card else fmt
    image = None if dynamic else qr.cached(token, which, kind)
    if image is not None and not card:
        return pages.image_response(request, image)
    account = selectors.account_for_token(token, account_id)
    if account is None:
        raise Http404
    if image is None:
        try:
            payload = (
                account.payload_for(amount=amount, purpose=purpose) if dynamic else account.payload
            )
        except VietQRError as exc:
            return HttpResponseBadRequest(vietqr_error_message(exc), content_type="text/plain")
        image = qr.account_card(account) if card else qr.render(payload, fmt)
        if not dynamic:
            qr.store(token, which, kind, image, stamp=qr.stamp_of(account.vendor.updated_at))
    filename = qr.card_filename(account) if card else None
    return pages.image_response(request, image, filename=filename)


@login_required
@require_http_methods(["GET", "POST"])
def vendor_ceiling(request, pk: int):
    """The largest amount the vendor's page asks for without a confirmation: set by the
    vendor (signed in) or by an officer of the vendor's commune."""
    vendor = selectors.vendor_for_self_or_officer(
        request.user, pk, "market.change_vendor", managers_only=True
    )
    form = CeilingForm(request.POST or None, initial={"amount_ceiling": vnd(vendor.amount_ceiling)})
    if form.is_valid():
        services.vendor_update(
            vendor=vendor, amount_ceiling=form.cleaned_data["amount_ceiling"], actor=request.user
        )
        messages.success(request, _("Saved: amounts above this ask for a confirmation."))
        return redirect(_back_to(request, vendor))
    return render(
        request,
        "market/vendor_ceiling.html",
        {"vendor": vendor, "form": form, "back": _back_to(request, vendor)},
        status=400 if form.errors else 200,
    )


@login_required
@private_no_store
@require_http_methods(["GET", "POST"])
def vendor_price_tags(request, pk: int):
    """Items and prices → an A4 sheet of small price tags, each code with its amount:
    the buyer scans the tag and types nothing. For the vendor and the commune's officers."""
    vendor = selectors.vendor_for_self_or_officer(request.user, pk, "market.view_vendor")
    accounts = [a for a in selectors.vendor_accounts(vendor) if a.holder_confirmed]
    form = PriceTagForm(request.POST or None, accounts=accounts, ceiling=vendor.amount_ceiling)
    if accounts and form.is_valid():
        account = next((a for a in accounts if a.pk == form.cleaned_data["account"]), None)
        if account is not None:
            tags = selectors.price_tags_for(vendor, account, form.cleaned_data["items"])
            return pdf_response(posters.render_price_tags(tags), f"the-gia-{vendor.pk}.pdf")
        form.add_error("account", _("Choose one of the vendor's accounts."))
    return render(
        request,
        "market/price_tags.html",
        {"vendor": vendor, "form": form, "accounts": accounts, "back": _back_to(request, vendor)},
        status=400 if form.errors else 200,
    )


def _back_to(request, vendor) -> str:
    if vendor.user_id is not None and vendor.user_id == request.user.pk:
        return reverse("market:vendor_page", args=[vendor.token])
    return reverse("market:market_detail", args=[vendor.market_id]) + f"#v{vendor.pk}"


# ------------------------------------------------------------------ officer pages


def _targets() -> dict:
    """What the adoption figures are shown against (market/includes/adoption.html)."""
    return {
        "target": round(selectors.CASHLESS_TARGET * 100),
        "days": settings.MARKET_FOLLOWUP_EVERY_DAYS,
    }


@login_required
@permission_required_or_404("market.view_market")
@require_GET
def market_list(request):
    pairs = selectors.markets_with_adoption(selectors.workspace_markets(request.user))
    return render(
        request,
        "market/market_list.html",
        {
            "pairs": pairs,
            "total": selectors.total_adoption(pairs),
            **_targets(),
        },
    )


@login_required
@permission_required_or_404("market.view_market")
@require_GET
def market_detail(request, pk: int):
    pairs = selectors.markets_with_adoption(selectors.workspace_markets(request.user).filter(pk=pk))
    if not pairs:
        raise Http404
    market, adoption = pairs[0]
    return render(
        request,
        "market/market_detail.html",
        {
            "market": market,
            "adoption": adoption,
            "manages": selectors.manages_market(request.user, market),
            "vendors": selectors.with_followup(selectors.market_vendors(market)),
            **_targets(),
        },
    )


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _layout(request) -> posters.Layout:
    try:
        return posters.Layout(request.GET.get("layout", posters.Layout.A6_SHEET))
    except ValueError as exc:
        raise Http404 from exc


@login_required
@permission_required_or_404("market.view_vendor")
@require_GET
def market_posters(request, pk: int):
    market = selectors.market_for_user(request.user, pk)
    items = selectors.posters_for(selectors.market_vendors(market), market)
    if not items:
        messages.warning(
            request,
            _("No poster to print: no account's holder name has been confirmed with its vendor."),
        )
        return redirect("market:market_detail", pk=market.pk)
    return _pdf_response(posters.render_posters(items, _layout(request)), f"ap-phich-{pk}.pdf")


@login_required
@permission_required_or_404("market.view_vendor")
@require_GET
def vendor_posters(request, pk: int):
    vendor = selectors.workspace_vendor(request.user, pk)
    items = selectors.posters_for([vendor], vendor.market)
    if not items:
        messages.warning(
            request, _("Confirm the account holder's name with the vendor before printing.")
        )
        return redirect("market:vendor_workspace", pk=vendor.pk)
    layout = _layout(request) if "layout" in request.GET else posters.Layout.A6
    return _pdf_response(posters.render_posters(items, layout), f"ap-phich-nguoi-ban-{pk}.pdf")


@login_required
@permission_required_or_404("market.view_vendor")
@require_GET
def market_export(request, pk: int):
    market = selectors.market_for_user(request.user, pk)
    content = spreadsheets.export_vendors(market, selectors.market_vendors(market))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="nguoi-ban-cho-{pk}.xlsx"'
    return response


@login_required
@permission_required_or_404("market.add_vendor")
@require_http_methods(["GET", "POST"])
def market_import(request, pk: int):
    """Upload → preview with per-row errors → save all, or only the clean rows."""
    market = selectors.market_for_user(request.user, pk)

    def save(rows, only_clean: bool) -> str:
        result = services.vendor_import(
            market=market, rows=rows, only_clean=only_clean, actor=request.user
        )
        return _(
            "%(created)s new vendors and %(accounts)s accounts saved, %(skipped)s rows skipped."
        ) % {"created": result.created, "accounts": result.accounts, "skipped": result.skipped}

    flow = imports.ImportFlow(
        key=f"market-import-{market.pk}",
        template="market/import.html",
        context={
            "market": market,
            "preview_columns": [
                ("full_name", _("Full name")),
                ("stall", _("Stall")),
                ("bank", _("Bank")),
                ("account_number", _("Account number")),
            ],
        },
        max_bytes=spreadsheets.MAX_BYTES,
        read=spreadsheets.read_rows,
        check=lambda rows: spreadsheets.check_rows(rows, market, user=request.user),
        save=save,
        done_url=reverse("market:market_detail", args=[market.pk]),
    )
    return imports.handle(request, flow, form_class=ImportForm)


# ------------------------------------------------------------------ the market workspace
# Officers of the commune and volunteers of the market's village, on a phone
# (selectors.workspace_*): register a vendor, add accounts, hand over the page,
# record the status.


def _may_confirm(request) -> bool:
    return services.may_confirm_shared_account(request.user)


@login_required
@permission_required_or_404("market.add_vendor")
@require_http_methods(["GET", "POST"])
def vendor_new(request, pk: int):
    """A vendor and their first account on one screen; "Read the code" fills the bank and
    number from a photo. Saved whole or not at all (``vendor_register``)."""
    market = selectors.workspace_market(request.user, pk)
    banks = selectors.bank_index()
    if request.method == "POST" and "read" in request.POST:
        form, ok = _form_from_photo(request, VendorRegisterForm, banks=banks, market=market)
        return _render_new(request, market, form, ok=ok)
    form = VendorRegisterForm(request.POST or None, banks=banks, market=market)
    if form.is_valid():
        try:
            vendor = services.vendor_register(
                market=market,
                **form.vendor_data(),
                accounts=[form.account_data()],
                override_reason=form.cleaned_data["override_reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_service_errors(exc, may_confirm=_may_confirm(request))
        else:
            messages.success(
                request, _("%(name)s has been registered.") % {"name": vendor.full_name}
            )
            if "another" in request.POST:
                return redirect("market:vendor_account_add", pk=vendor.pk)
            # scrolled to the code: the vendor scans it at once
            return redirect(reverse("market:vendor_handover", args=[vendor.pk]) + "#ma-trang")
    return _render_new(request, market, form, ok=not form.errors)


def _render_form(request, template: str, context: dict, *, ok: bool) -> HttpResponse:
    return render(request, template, context, status=200 if ok else 400)


def _render_new(request, market, form, *, ok: bool) -> HttpResponse:
    return _render_form(request, "market/vendor_new.html", {"market": market, "form": form}, ok=ok)


@login_required
@permission_required_or_404("market.change_vendor")
@require_http_methods(["GET", "POST"])
def vendor_account_add(request, pk: int):
    """Add an account; "Read the code" fills bank and number from a photo, without JavaScript."""
    vendor = selectors.workspace_vendor(request.user, pk)
    banks = selectors.bank_index()
    if request.method == "POST" and "read" in request.POST:
        form, ok = _form_from_photo(request, AccountForm, banks=banks)
        return _render_account(request, vendor, form, ok=ok)
    form = AccountForm(
        request.POST or None,
        banks=banks,
        initial={"holder_name": services.bank_style_name(vendor.full_name)},
    )
    if form.is_valid():
        try:
            services.account_add(
                vendor=vendor,
                data=form.account_data(),
                actor=request.user,
                override_reason=form.cleaned_data["override_reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc, may_confirm=_may_confirm(request))
        else:
            messages.success(request, _("The account has been added."))
            if "another" in request.POST:
                return redirect("market:vendor_account_add", pk=vendor.pk)
            return redirect("market:vendor_workspace", pk=vendor.pk)
    return _render_account(request, vendor, form, ok=not form.errors)


def _render_account(request, vendor, form, *, ok: bool) -> HttpResponse:
    return _render_form(
        request, "market/account_form.html", {"vendor": vendor, "form": form}, ok=ok
    )


PHOTO_ERRORS = {
    "too_large": gettext_lazy(
        "The image is too large: send a photo under 10 MB and 40 megapixels."
    ),
    "not_image": gettext_lazy(
        "The file is not an image. Send a photo (JPEG or PNG) of the QR code."
    ),
    "no_code": gettext_lazy(
        "No QR code was found in the image. Take the photo closer and in focus."
    ),
    "not_vietqr": gettext_lazy(
        "This QR code is not a VietQR bank-transfer code (it may be a web link or a shop's "
        "payment code)."
    ),
}


def _form_from_photo(request, form_class, **kwargs) -> tuple[AccountFieldsForm, bool]:
    """An unbound form pre-filled from the posted fields and the code read from the photo."""
    fields = form_class.base_fields
    initial = {
        name: bool(request.POST.get(name))
        if isinstance(field, forms.BooleanField)
        else request.POST.get(name, "")
        for name, field in fields.items()
        if name != "photo"
    }
    if not initial.get("holder_name") and initial.get("full_name"):
        initial["holder_name"] = services.bank_style_name(str(initial["full_name"]))
    photo = request.FILES.get("photo")
    form = form_class(initial=initial, **kwargs)
    if photo is None:
        form.refuse_photo(_("Choose a photo of the QR code first."))
        return form, False
    try:
        code = read_vietqr(photo, size=photo.size)
    except QRImageError as exc:  # a merchant or cash code: the codec's reason and what to do
        refusal = exc.error if exc.code == "not_stall_code" else None
        form.refuse_photo(vietqr_error_message(refusal) if refusal else PHOTO_ERRORS[exc.code])
        return form, False
    bank = kwargs["banks"].by_bin.get(code.bin)
    initial["account_number"] = code.account
    if bank is None:
        messages.warning(
            request,
            _(
                "The code is for bank BIN %(bin)s, which is not in the bank list: "
                "add the bank first."
            )
            % {"bin": code.bin},
        )
    else:
        initial["bank"] = str(bank)
        messages.success(
            request,
            _("Read from the code: %(bank)s, account %(account)s. Check the details and save.")
            % {"bank": bank.short_name, "account": code.account},
        )
    return form_class(initial=initial, **kwargs), True


@login_required
@permission_required_or_404("market.change_vendor")
@require_GET
def vendor_workspace(request, pk: int):
    """One vendor on a phone: status, accounts, and the next things to do."""
    vendor = selectors.workspace_vendor(request.user, pk)
    return render(
        request,
        "market/vendor_workspace.html",
        {"vendor": vendor, "accounts": vendor.accounts.all()},
    )


@login_required
@permission_required_or_404("market.change_vendor")
@require_GET
def vendor_handover(request, pk: int):
    """The vendor's page link as a big code the vendor scans with their own phone,
    a field to copy it, the phone's share sheet, and the poster."""
    vendor = selectors.workspace_vendor(request.user, pk)
    link = request.build_absolute_uri(reverse("market:vendor_page", args=[vendor.token]))
    return render(
        request,
        "market/vendor_handover.html",
        {
            "vendor": vendor,
            "link": link,
            "qr": qr.data_uri(link),
            "printable": any(a.holder_confirmed for a in vendor.accounts.all()),
        },
    )


@login_required
@permission_required_or_404("market.change_vendor")
@require_http_methods(["GET", "POST"])
def vendor_status(request, pk: int):
    """The status in one tap (one button per status) with who helped; the history below."""
    vendor = selectors.workspace_vendor(request.user, pk)
    form = StatusForm(request.POST or None, market=vendor.market, user=request.user)
    if form.is_valid():
        try:
            services.vendor_set_status(
                vendor=vendor,
                status=form.cleaned_data["status"],
                helped_by=form.cleaned_data["helped_by"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Status of %(name)s: %(status)s.")
                % {"name": vendor.full_name, "status": vendor.get_status_display()},
            )
            return redirect("market:vendor_status", pk=vendor.pk)
    return render(
        request,
        "market/vendor_status.html",
        {
            "vendor": vendor,
            "form": form,
            "statuses": Vendor.Status.choices,
            "history": selectors.vendor_status_history(vendor),
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required_or_404("market.change_vendor")
@require_POST
def vendor_reissue(request, pk: int):
    vendor = selectors.vendor_for_user(request.user, pk)
    services.vendor_reissue_token(vendor=vendor, actor=request.user)
    messages.success(request, _("A new page link was made; the old one no longer works."))
    return redirect(reverse("market:market_detail", args=[vendor.market_id]) + f"#v{vendor.pk}")


# ------------------------------------------------------------------ follow-ups

ANSWERED = {
    VendorFollowUp.Answer.YES: gettext_lazy("Saved: %(vendor)s is still receiving transfers."),
    VendorFollowUp.Answer.NO: gettext_lazy(
        "Saved: %(vendor)s receives no transfers; the vendor stays marked cashless, not confirmed."
    ),
    VendorFollowUp.Answer.STOPPED: gettext_lazy(
        "Saved: %(vendor)s stopped using the code and is marked “not yet” again."
    ),
}


@login_required
@permission_required_or_404("market.add_vendorfollowup")
@require_http_methods(["GET", "POST"])
def followups(request, pk: int | None = None):
    """The phone list of the vendors whose follow-up is due, in the user's markets or
    one of them: one tap answers yes, no or stopped (no and stopped then ask why)."""
    markets = selectors.followup_markets_for_user(request.user)
    market = markets.filter(pk=pk).first() if pk is not None else None
    if pk is not None and market is None:
        raise Http404
    if request.method == "POST":
        return _followup_answer(request, market)
    return render(
        request,
        "market/followups.html",
        {"market": market, "vendors": selectors.followups_due(request.user, market=market)},
    )


def _followup_answer(request, market):
    vendors = selectors.followup_vendors_for_user(request.user)
    if market is not None:
        vendors = vendors.filter(market=market)
    form = FollowUpForm(request.POST, vendors=vendors)
    if "vendor" in form.errors:  # not a vendor this user may follow up
        raise Http404
    if form.is_valid() and not form.needs_reason:
        data = form.cleaned_data
        try:
            result = services.followup_answer(
                vendor=data["vendor"],
                answer=data["answer"],
                reason=data["reason"],
                note=data["note"],
                seen_last_id=data["seen"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            name = data["vendor"].full_name
            if result.recorded:
                messages.success(request, ANSWERED[data["answer"]] % {"vendor": name})
            else:
                messages.info(request, _("%(vendor)s was already answered.") % {"vendor": name})
            return redirect(request.path)
    return render(
        request,
        "market/followup_reason.html",
        {"market": market, "form": form, "vendor": form.cleaned_data.get("vendor")},
        status=400 if form.errors else 200,
    )
