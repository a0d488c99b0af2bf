"""Writes of the cashless market: vendors, their accounts, status, page keys, imports,
follow-ups."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core import services as core_services
from core.models import User, Village
from core.roles import Role
from kit.text import strip_diacritics

from . import banking, qr, selectors, vietqr
from .models import Bank, Market, PaymentAccount, Vendor, VendorFollowUp, VendorStatusChange
from .vietqr_messages import vietqr_error_message

TOKEN_BYTES = 12  # 96 bits of randomness, 16 URL-safe characters


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def bank_style_name(name: str) -> str:
    """How a bank shows an account holder: "Lê Thị  Bưởi" → "LE THI BUOI"."""
    return " ".join(strip_diacritics(name).upper().split())


@dataclass(frozen=True)
class AccountData:
    bank: Bank
    account_number: str
    holder_name: str
    label: str = ""
    is_primary: bool = False
    holder_confirmed: bool = False


def _forget_images(vendor: Vendor, token: str | None = None) -> None:
    """After a change of the vendor's codes: move its ``updated_at`` (the page's cache key
    and the images' stamp), and once committed tell the image cache (``qr.forget``)."""
    Vendor.objects.filter(pk=vendor.pk).update(updated_at=timezone.now())
    _forget_images_on_commit(token or vendor.token)


def _forget_images_on_commit(token: str) -> None:
    def forget() -> None:
        # read after the commit: the stamp the database now has, or none for a key
        # that opens nothing any more (reissued, or the vendor deleted)
        updated = Vendor.objects.filter(token=token).values_list("updated_at", flat=True).first()
        qr.forget(token, None if updated is None else qr.stamp_of(updated))

    transaction.on_commit(forget)


def _record_status(vendor: Vendor, status: str, actor: User | None, at, helped_by=None) -> None:
    vendor.status, vendor.status_changed_at = status, at
    VendorStatusChange.objects.create(
        vendor=vendor, status=status, changed_at=at, changed_by=actor, helped_by=helped_by
    )


@transaction.atomic
def market_create(*, village: Village, name: str, address: str = "", actor: User | None) -> Market:
    market = Market(village=village, name=name.strip(), address=address.strip())
    market.full_clean()
    market.save()
    audit.record(actor=actor, obj=market, before=None)
    return market


@transaction.atomic
def vendor_register(
    *,
    market: Market,
    full_name: str,
    stall: str = "",
    goods: str = "",
    phone: str = "",
    village: Village | None = None,
    status: str = Vendor.Status.NOT_YET,
    onboarded_by: str = "",
    notes: str = "",
    accounts: Sequence[AccountData] = (),
    override_reason: str = "",
    actor: User | None,
    at=None,
) -> Vendor:
    """Register a vendor with their accounts; the first account becomes primary.

    All or nothing: an account refused (``account_add``: a bad number, one another
    vendor holds without an officer's ``override_reason``) leaves no vendor behind.
    The vendor lives in a village of the market's commune (the market's by default).
    """
    at = at or timezone.now()
    if village is not None and village.commune_id != market.village.commune_id:
        raise ValidationError(
            {"village": _("The vendor's village must be in the market's commune.")}
        )
    vendor = Vendor(
        market=market,
        full_name=" ".join(full_name.split()),
        stall=stall.strip(),
        goods=goods.strip(),
        phone=phone.strip(),
        village=village or market.village,
        status=status,
        status_changed_at=at,
        onboarded_by=onboarded_by.strip(),
        notes=notes.strip(),
        token=new_token(),
        token_issued_at=at,
    )
    if vendor.stall and market.vendors.filter(stall__iexact=vendor.stall).exists():
        raise ValidationError(
            {
                "stall": _("Stall %(stall)s already has a vendor in this market.")
                % {"stall": vendor.stall}
            }
        )
    vendor.full_clean()
    vendor.save()
    VendorStatusChange.objects.create(vendor=vendor, status=status, changed_at=at, changed_by=actor)
    audit.record(actor=actor, obj=vendor, before=None)
    for data in accounts:
        account_add(vendor=vendor, data=data, actor=actor, override_reason=override_reason)
    return vendor


VENDOR_FIELDS = {
    "market",
    "full_name",
    "stall",
    "goods",
    "phone",
    "village",
    "onboarded_by",
    "notes",
    "user",
    "amount_ceiling",
}


@transaction.atomic
def vendor_update(
    *, vendor: Vendor, actor: User | None, status: str | None = None, **fields
) -> Vendor:
    """Change a vendor's fields; a new status is added to the status history."""
    unknown = set(fields) - VENDOR_FIELDS
    if unknown:
        raise TypeError(f"unknown vendor fields: {sorted(unknown)}")
    before = audit.snapshot(vendor)
    changed = []
    for name, given in fields.items():
        value = given.strip() if isinstance(given, str) else given
        if getattr(vendor, name) != value:
            setattr(vendor, name, value)
            changed.append(name)
    if status is not None and status != vendor.status:
        _record_status(vendor, status, actor, timezone.now())
        changed += ["status", "status_changed_at"]
    if not changed:
        return vendor
    vendor.full_clean()
    vendor.save(update_fields=[*changed, "updated_at"])
    _forget_images_on_commit(vendor.token)  # the cached page shows these fields
    audit.record(actor=actor, obj=vendor, before=before)
    return vendor


def check_status_helper(*, vendor: Vendor, helped_by) -> None:
    """A helper named on a status change is an active volunteer of the market's village."""
    if helped_by is None:
        return
    if not helped_by.active or helped_by.village_id != vendor.market.village_id:
        raise ValidationError(
            {"helped_by": _("Choose an active volunteer of the market's village.")}
        )


@transaction.atomic
def vendor_login_create(*, vendor: Vendor, actor: User) -> User:
    """The vendor's sign-in account (to open their own page), made by an officer of the
    market's commune, and linked to the vendor record; the password comes with the
    one-time link (``core.services.sign_in_link_issue``)."""
    if vendor.user_id is not None:
        raise ValidationError(_("%(name)s already has a sign-in account.") % {"name": vendor})
    user = core_services.login_create(
        role=Role.VENDOR,
        full_name=vendor.full_name,
        phone=vendor.phone,
        village=vendor.market.village,
        actor=actor,
    )
    before = audit.snapshot(vendor)
    vendor.user = user
    vendor.save(update_fields=["user", "updated_at"])
    audit.record(actor=actor, obj=vendor, before=before)
    return user


@transaction.atomic
def vendor_set_status(
    *, vendor: Vendor, status: str, actor: User | None, helped_by=None, at=None
) -> Vendor:
    """Move the vendor to ``status``, kept in the status history with who helped
    (``helped_by``: an active volunteer of the market's village, or None).
    The same status again changes nothing."""
    if status not in Vendor.Status.values:
        raise ValidationError({"status": _("Choose one of the statuses shown.")})
    check_status_helper(vendor=vendor, helped_by=helped_by)
    if status == vendor.status:
        return vendor
    before = audit.snapshot(vendor)
    _record_status(vendor, status, actor, at or timezone.now(), helped_by)
    vendor.save(update_fields=["status", "status_changed_at", "updated_at"])
    audit.record(actor=actor, obj=vendor, before=before)
    return vendor


# What a vendor's status becomes when a follow-up finds they stopped using their code.
STOPPED_STATUS = Vendor.Status.NOT_YET


@dataclass(frozen=True)
class FollowUpResult:
    followup: VendorFollowUp | None
    recorded: bool  # False: another answer came first (a double tap), nothing was written


@transaction.atomic
def followup_answer(
    *,
    vendor: Vendor,
    answer: str,
    reason: str = "",
    note: str = "",
    seen_last_id: int | None = None,
    actor: User | None,
    at=None,
) -> FollowUpResult:
    """Record the answer to "is the vendor still receiving transfers?".

    "no" keeps the status (the vendor is then not confirmed); "stopped" moves the
    status back to ``STOPPED_STATUS`` through ``vendor_set_status`` (the history
    keeps it). "no" and "stopped" need a reason. ``seen_last_id`` is the vendor's latest
    answer the person saw (0: none): when another answer was recorded since (a double
    tap, two volunteers at once), nothing is written and that answer is returned.
    """
    at = at or timezone.now()
    # one answer at a time per vendor (PostgreSQL; SQLite writes one at a time anyway)
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    latest = (
        VendorFollowUp.objects.filter(vendor=vendor, answered_at__gte=vendor.status_changed_at)
        .order_by("-answered_at", "-pk")
        .first()
    )
    if seen_last_id is not None and (latest.pk if latest else 0) != seen_last_id:
        return FollowUpResult(latest, recorded=False)
    if vendor.status != Vendor.Status.CASHLESS:
        raise ValidationError(_("This vendor is no longer marked cashless: nothing to follow up."))
    if answer == VendorFollowUp.Answer.YES:
        reason = ""
    elif not reason:
        raise ValidationError({"reason": _("Choose the reason.")})
    followup = VendorFollowUp(
        vendor=vendor,
        answer=answer,
        reason=reason,
        note=" ".join(note.split()),
        answered_at=at,
        answered_by=actor,
    )
    followup.full_clean()
    followup.save()
    audit.record(actor=actor, obj=followup, before=None)
    if answer == VendorFollowUp.Answer.STOPPED:
        vendor_set_status(vendor=vendor, status=STOPPED_STATUS, actor=actor, at=at)
    return FollowUpResult(followup, recorded=True)


@transaction.atomic
@dataclass(frozen=True)
class PaymentAppOutcome:
    """What a visit's payment-app help did to a vendor's status, and why, in the
    volunteer's words: ``updated`` (to cashless, or to being guided when the help is not
    done), ``already_cashless`` (nothing changed) or ``no_account`` (being guided, not
    cashless: there is no account to be paid into)."""

    UPDATED = "updated"
    ALREADY_CASHLESS = "already_cashless"
    NO_ACCOUNT = "no_account"

    kind: str
    vendor: Vendor
    message: str


def vendor_helped_with_payment_app(
    *, vendor: Vendor, done: bool, helpers: str, actor: User | None
) -> PaymentAppOutcome:
    """A volunteer helped the vendor install a payment app (a door-to-door visit says so).

    The vendor becomes cashless when the help is done and the vendor has an account
    to be paid into, else is being guided; a cashless vendor stays so. The helpers'
    names fill "onboarded by" when it is empty. The outcome says which, and why.
    """
    names = {"vendor": vendor.full_name}
    if vendor.status == Vendor.Status.CASHLESS:
        return PaymentAppOutcome(
            PaymentAppOutcome.ALREADY_CASHLESS,
            vendor,
            _("%(vendor)s was already cashless: their status is unchanged.") % names,
        )
    has_account = vendor.accounts.exists()
    fields = {} if vendor.onboarded_by else {"onboarded_by": helpers[:200]}
    vendor = vendor_update(
        vendor=vendor,
        actor=actor,
        status=Vendor.Status.CASHLESS if done and has_account else Vendor.Status.ONBOARDING,
        **fields,
    )
    if done and not has_account:
        return PaymentAppOutcome(
            PaymentAppOutcome.NO_ACCOUNT,
            vendor,
            _(
                "%(vendor)s has no account to be paid into yet, so they are marked "
                "“onboarding”, not cashless: add their account on the market page."
            )
            % names,
        )
    if done:
        message = _("%(vendor)s is now marked cashless.") % names
    else:
        message = _("%(vendor)s is marked “onboarding”: the payment app is not done yet.") % names
    return PaymentAppOutcome(PaymentAppOutcome.UPDATED, vendor, message)


@transaction.atomic
def vendor_reissue_token(*, vendor: Vendor, actor: User | None) -> Vendor:
    """Revoke the vendor's page link and issue a new one (the old link answers 404)."""
    old = vendor.token
    before = audit.snapshot(vendor)
    vendor.token, vendor.token_issued_at = new_token(), timezone.now()
    vendor.save(update_fields=["token", "token_issued_at", "updated_at"])
    _forget_images(vendor, old)
    audit.record(actor=actor, obj=vendor, before=before)
    return vendor


@transaction.atomic
def vendor_delete(*, vendor: Vendor, actor: User | None) -> None:
    """Delete a vendor and its accounts (kept in the audit history); its page and its
    images stop answering once committed, in every process."""
    audit.record_delete(actor=actor, obj=vendor)
    for account in vendor.accounts.select_related("bank").order_by("pk"):
        audit.record_delete(actor=actor, obj=account)
    token = vendor.token
    vendor.delete()
    _forget_images_on_commit(token)


def validate_account_data(data: AccountData) -> tuple[str, str]:
    """The account number and holder name as stored, or a ValidationError in Vietnamese.

    Spaces, dashes and dots people group the digits with are dropped first."""
    try:
        number = vietqr.validate_account(banking.clean_account_number(data.account_number))
        vietqr.validate_bin(data.bank.bin)
    except vietqr.VietQRError as exc:
        raise ValidationError({"account_number": vietqr_error_message(exc)}) from exc
    holder = bank_style_name(data.holder_name)
    if not holder:
        raise ValidationError({"holder_name": _("Enter the account holder's name.")})
    return number, holder


# ------------------------------------------------------------------ one account, one person

REASON_MIN_CHARS = 15
HELD_ELSEWHERE = "held_elsewhere"  # the code of the error: an officer may confirm it


def may_confirm_shared_account(actor: User | None) -> bool:
    """Who may save an account another vendor already holds, with a written reason:
    commune officers (who may change accounts), never volunteers, vendors or the system."""
    return (
        actor is not None
        and actor.is_authenticated
        and actor.has_perm("market.change_paymentaccount")
    )


def held_elsewhere_message(holder: selectors.Holder, *, commune_id: int | None) -> str:
    """Who already holds the account, as far as the person asking may know: the vendor
    by name in their scope, else only "a vendor in another commune" (or village)."""
    if holder.visible:
        return _(
            "This account number is already held by another vendor, %(vendor)s (%(market)s): "
            "a code made with it would pay that person."
        ) % {"vendor": holder.vendor_name, "market": holder.market_name}
    if holder.commune_id != commune_id:
        return _(
            "This account number is already held by a vendor in another commune: "
            "a code made with it would pay that person."
        )
    return _(
        "This account number is already held by a vendor in another village: "
        "a code made with it would pay that person."
    )


def check_account_holder(
    *,
    vendor: Vendor,
    bank: Bank,
    account_number: str,
    actor: User | None,
    override_reason: str = "",
) -> str:
    """Refuse an account another vendor holds (a photo of a neighbour's code makes a
    poster that pays the neighbour), unless an officer confirms it with a reason.

    Returns "" when nobody else holds it, the audit note when it was confirmed;
    raises a ValidationError (code ``HELD_ELSEWHERE`` on ``account_number``) otherwise.
    """
    holders = selectors.holders_of(bank.bin, account_number, user=actor, except_vendor_id=vendor.pk)
    if not holders:
        return ""
    commune_id = vendor.market.village.commune_id
    message = held_elsewhere_message(holders[0], commune_id=commune_id)
    reason = " ".join(override_reason.split())
    if not reason:
        errors = [ValidationError(message, code=HELD_ELSEWHERE)]
        if may_confirm_shared_account(actor):
            errors.append(
                ValidationError(
                    _(
                        "If it truly is this vendor's account too, write why in “Reason "
                        "for a shared account” (at least %(count)s characters) and save "
                        "again: the reason is kept in the vendor's history."
                    )
                    % {"count": REASON_MIN_CHARS},
                    code=HELD_ELSEWHERE,
                )
            )
        raise ValidationError({"account_number": errors})
    if not may_confirm_shared_account(actor):
        raise ValidationError(
            {
                "account_number": ValidationError(message, code=HELD_ELSEWHERE),
                "override_reason": _(
                    "Only a commune officer may save an account another vendor holds."
                ),
            }
        )
    if len(reason) < REASON_MIN_CHARS:
        raise ValidationError(
            {
                "account_number": ValidationError(message, code=HELD_ELSEWHERE),
                "override_reason": _("Write a reason of at least %(count)s characters.")
                % {"count": REASON_MIN_CHARS},
            }
        )
    return _("Account also held by another vendor, confirmed: %(reason)s") % {"reason": reason}


@transaction.atomic
def account_add(
    *, vendor: Vendor, data: AccountData, actor: User | None, override_reason: str = ""
) -> PaymentAccount:
    """Add a payment account; the first one, or one marked primary, becomes the primary.

    An account another vendor holds is refused unless an officer gives
    ``override_reason`` (``check_account_holder``), which the history keeps."""
    number, holder = validate_account_data(data)
    if PaymentAccount.objects.filter(
        vendor=vendor, bank=data.bank, account_number__iexact=number
    ).exists():
        raise ValidationError(
            {"account_number": _("This vendor already has this account at this bank.")}
        )
    note = check_account_holder(
        vendor=vendor,
        bank=data.bank,
        account_number=number,
        actor=actor,
        override_reason=override_reason,
    )
    accounts_before = accounts_snapshot(vendor=vendor)
    has_primary = any(values["is_primary"] for _name, values in accounts_before.values())
    primary = data.is_primary or not has_primary
    if primary and has_primary:
        vendor.accounts.filter(is_primary=True).update(is_primary=False)
    account = PaymentAccount.objects.create(
        vendor=vendor,
        bank=data.bank,
        account_number=number,
        holder_name=holder,
        label=data.label.strip(),
        is_primary=primary,
        holder_confirmed=data.holder_confirmed,
    )
    _forget_images(vendor)
    record_accounts(vendor=vendor, before=accounts_before, actor=actor, notes={account.pk: note})
    return account


def accounts_snapshot(*, vendor: Vendor) -> dict:
    """The vendor's accounts as they are now, for ``record_accounts`` after a change."""
    return audit.rows_snapshot(vendor.accounts.select_related("bank").order_by("pk"))


def record_accounts(
    *, vendor: Vendor, before: dict, actor: User | None, notes: dict[int, str] | None = None
) -> None:
    """Record in the vendor's history the accounts added, changed or removed since
    ``before`` (``accounts_snapshot``); ``notes``: account id → the note of its entry
    (an officer's reason for a shared account)."""
    queryset = vendor.accounts.select_related("bank").order_by("pk")
    entries = audit.record_rows(actor=actor, before=before, queryset=queryset)
    note_of = {str(pk): note for pk, note in (notes or {}).items() if note}
    for entry in entries:
        if entry.object_id in note_of:
            entry.note = note_of[entry.object_id][:200]
            entry.save(update_fields=["note"])


def _changed_accounts(vendor: Vendor, before: dict) -> list[PaymentAccount]:
    """The vendor's accounts that are new, or whose bank or number changed, since ``before``."""
    changed = []
    for account in vendor.accounts.select_related("bank").order_by("pk"):
        was = before.get(account.pk)
        if was is None or (was[1]["bank"], was[1]["account_number"]) != (
            account.bank_id,
            account.account_number,
        ):
            changed.append(account)
    return changed


def after_accounts_changed(
    *,
    vendor: Vendor,
    actor: User | None,
    accounts_before: dict | None = None,
    reasons: dict[int, str] | None = None,
) -> None:
    """Keep one primary account and drop cached images after accounts were edited elsewhere
    (the admin's inline forms); record the changes since ``accounts_before``
    (``accounts_snapshot`` taken before the edit) in the vendor's history.

    An added or changed account another vendor holds is refused as ``account_add``
    refuses it, unless ``reasons`` (account id → an officer's written reason) has one.
    """
    notes = {}
    if accounts_before is not None:
        for account in _changed_accounts(vendor, accounts_before):
            notes[account.pk] = check_account_holder(
                vendor=vendor,
                bank=account.bank,
                account_number=account.account_number,
                actor=actor,
                override_reason=(reasons or {}).get(account.pk, ""),
            )
    accounts = list(vendor.accounts.order_by("-is_primary", "created_at"))
    if accounts and not accounts[0].is_primary:
        PaymentAccount.objects.filter(pk=accounts[0].pk).update(is_primary=True)
    _forget_images(vendor)
    if accounts_before is not None:
        record_accounts(vendor=vendor, before=accounts_before, actor=actor, notes=notes)


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped: int
    accounts: int = 0  # accounts added, to new vendors and to those already there


@transaction.atomic
def vendor_import(
    *, market: Market, rows: list, only_clean: bool, actor: User | None
) -> ImportResult:
    """Register the vendors of checked spreadsheet rows (``spreadsheets.check_rows``).

    Rows of one vendor (``selectors.vendor_identity``: the stall, else the name) are
    that vendor's accounts; a vendor already in the market gets the accounts it does
    not have yet, and nothing of it is changed or removed, so importing the market's
    own export changes nothing. All rows or none: with any row in error nothing is
    saved, unless the officer chose ``only_clean``, and then exactly the clean rows are.
    """
    bad = [row for row in rows if not row.ok]
    if bad and not only_clean:
        raise ValidationError(
            _("%(count)s rows have errors: nothing was saved.") % {"count": len(bad)}
        )
    villages = {v.code: v for v in market.village.commune.villages.all()}
    banks = {b.bin: b for b in Bank.objects.filter(bin__in={r.values["bank"] for r in rows})}
    vendors = {
        key: found[0]
        for key, found in selectors.market_vendors_by_identity(market).items()
        if len(found) == 1
    }
    created = added = 0
    for row in rows:
        if not row.ok:
            continue
        v = row.values
        key = selectors.vendor_identity(v["full_name"], v["stall"])
        vendor = vendors.get(key)
        if vendor is None:
            vendor = vendors[key] = vendor_register(
                market=market,
                full_name=v["full_name"],
                stall=v["stall"],
                goods=v["goods"],
                phone=v["phone"],
                village=villages.get(v["village"]),
                status=v["status"],
                onboarded_by=v["onboarded_by"],
                notes=v["notes"],
                actor=actor,
            )
            created += 1
        if (
            v["account_number"]
            and not vendor.accounts.filter(
                bank=banks[v["bank"]], account_number__iexact=v["account_number"]
            ).exists()
        ):
            account_add(
                vendor=vendor,
                data=AccountData(
                    bank=banks[v["bank"]],
                    account_number=v["account_number"],
                    holder_name=v["holder_name"],
                    label=v["label"],
                ),
                actor=actor,
            )
            added += 1
    if created or added or bad:  # an import that changed nothing leaves no entry
        audit.record(
            actor=actor,
            obj=market,
            before=audit.snapshot(market),
            note=f"imported {created} vendors and {added} accounts, skipped {len(bad)}",
        )
    return ImportResult(created=created, skipped=len(bad), accounts=added)


@transaction.atomic
def vendor_save_from_admin(
    *, vendor: Vendor, is_new: bool, status_changed: bool, actor: User | None
) -> Vendor:
    """Save a vendor edited in the Django admin the way the services would.

    The admin builds the instance itself (its inline account forms need that very
    object), so this fills what registration would: the page key, the dates and the
    status history.
    """
    before = None if is_new else audit.snapshot_stored(vendor)
    now = timezone.now()
    if is_new:
        vendor.token, vendor.token_issued_at = new_token(), now
    if is_new or status_changed:
        vendor.status_changed_at = now
    vendor.full_name = " ".join(vendor.full_name.split())
    vendor.save()
    if is_new or status_changed:
        VendorStatusChange.objects.create(
            vendor=vendor, status=vendor.status, changed_at=now, changed_by=actor
        )
    if not is_new:
        _forget_images(vendor)
    audit.record(actor=actor, obj=vendor, before=before)
    return vendor
