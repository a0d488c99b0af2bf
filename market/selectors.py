"""Reads of the cashless market: who sees which market and vendor, adoption figures,
the follow-ups due."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Upper
from django.http import Http404
from django.utils import timezone

from core.models import User, Village
from core.roles import Role
from core.selectors import user_has_role, villages_for_user
from kit.money import PriceLine
from kit.text import fold

from . import banking, vietqr
from .models import Bank, Market, PaymentAccount, Vendor, VendorFollowUp, VendorStatusChange
from .posters import Poster, PriceTag


def commune_markets(commune_id: int) -> QuerySet[Market]:
    """A commune's markets for its public page: name and village (1 query)."""
    return (
        Market.objects.filter(village__commune_id=commune_id)
        .select_related("village")
        .order_by("village__position", "name")
    )


def _markets_in(villages: QuerySet[Village]) -> QuerySet[Market]:
    return Market.objects.filter(village__in=villages).select_related("village__commune")


def _vendor_in(villages: QuerySet[Village], pk: int) -> Vendor:
    """The vendor of a market in ``villages``, with its market and accounts, or 404."""
    vendor = (
        Vendor.objects.filter(market__village__in=villages)
        .select_related("market__village__commune", "village")
        .prefetch_related(_accounts())
        .filter(pk=pk)
        .first()
    )
    if vendor is None:
        raise Http404
    return vendor


def _market_or_404(markets: QuerySet[Market], pk: int) -> Market:
    market = markets.filter(pk=pk).first()
    if market is None:
        raise Http404
    return market


def markets_for_user(user: User) -> QuerySet[Market]:
    return _markets_in(villages_for_user(user))


def market_for_user(user: User, pk: int) -> Market:
    """The market, or 404 when it does not exist or is not the user's to see."""
    return _market_or_404(markets_for_user(user), pk)


def vendors_for_user(user: User) -> QuerySet[Vendor]:
    return Vendor.objects.filter(market__village__in=villages_for_user(user))


def vendor_for_user(user: User, pk: int) -> Vendor:
    return _vendor_in(villages_for_user(user), pk)


def _accounts() -> Prefetch:
    return Prefetch(
        "accounts",
        queryset=PaymentAccount.objects.select_related("bank").order_by(
            "-is_primary", "created_at"
        ),
    )


def vendor_by_token(token: str) -> Vendor | None:
    """The vendor whose page key is ``token``, with its market (one query)."""
    if not token or len(token) > 32:
        return None
    return Vendor.objects.select_related("market__village__commune").filter(token=token).first()


def vendor_for_self_or_officer(
    user: User, pk: int, perm: str, *, managers_only: bool = False
) -> Vendor:
    """Vendor ``pk`` for the vendor signed in as themselves, or for a user holding
    ``perm`` whose villages it is in (with ``managers_only``, who also has the market's
    officer tools: ``manages_market``, not a volunteer); 404 for anyone else."""
    own = getattr(user, "vendor", None)
    if own is not None and own.pk == pk:
        return Vendor.objects.select_related("market__village__commune").get(pk=pk)
    if not user.has_perm(perm):
        raise Http404
    vendor = vendor_for_user(user, pk)
    if managers_only and not manages_market(user, vendor.market):
        raise Http404
    return vendor


def vendor_accounts(vendor: Vendor) -> list[PaymentAccount]:
    """The vendor's accounts as the page lists them: primary first (one query)."""
    return list(
        PaymentAccount.objects.filter(vendor=vendor)
        .select_related("bank")
        .order_by("-is_primary", "created_at")
    )


def account_for_token(token: str, account_id: int | None) -> PaymentAccount | None:
    """One account of the vendor with that key (the primary one without an id), with its
    bank, vendor and market, 1 query."""
    accounts = PaymentAccount.objects.select_related("bank", "vendor__market").filter(
        vendor__token=token
    )
    if account_id is None:
        return accounts.order_by("-is_primary", "created_at").first()
    return accounts.filter(pk=account_id).first()


# ------------------------------------------------------------------ the market workspace
# Officers and volunteers at work in a market, on a phone: registering vendors,
# adding accounts, handing over the page, recording the status. Volunteers are a
# program above this one (the import direction): their model is reached through
# the ``helped_by`` foreign key of the status history, never imported.


def volunteer_model() -> type[models.Model]:
    """The volunteers' roster model, as ``VendorStatusChange.helped_by`` names it."""
    return cast(type[models.Model], VendorStatusChange._meta.get_field("helped_by").related_model)


def workspace_villages(user: User) -> QuerySet[Village]:
    """The villages whose markets ``user`` works in: those they manage
    (``villages_for_user``) and, for an active volunteer, their own village."""
    if not user.is_authenticated or not user.is_active:
        return Village.objects.none()
    own = volunteer_model()._default_manager.filter(user=user, active=True)
    return Village.objects.filter(
        Q(pk__in=villages_for_user(user).values("pk")) | Q(pk__in=own.values("village_id"))
    )


def workspace_markets(user: User) -> QuerySet[Market]:
    return _markets_in(workspace_villages(user))


def workspace_market(user: User, pk: int) -> Market:
    """A market of ``user``'s workspace, or 404."""
    return _market_or_404(workspace_markets(user), pk)


def workspace_vendor(user: User, pk: int) -> Vendor:
    """A vendor of a market in ``user``'s workspace, with its accounts, or 404."""
    return _vendor_in(workspace_villages(user), pk)


def manages_market(user: User, market: Market) -> bool:
    """Whether ``user`` has the market's officer tools (posters of the whole market,
    export, import): its commune's officers and its village's secretary, not volunteers."""
    return markets_for_user(user).filter(pk=market.pk).exists()


def vendor_villages(market: Market) -> QuerySet[Village]:
    """Where a vendor of ``market`` may live: the villages of the market's commune."""
    return Village.objects.filter(commune_id=market.village.commune_id).order_by("position", "name")


def status_helpers(market: Market) -> QuerySet:
    """The active volunteers of the market's village, who may be named as having helped."""
    return (
        volunteer_model()
        ._default_manager.filter(village_id=market.village_id, active=True)
        .order_by("full_name")
    )


def vendor_status_history(vendor: Vendor) -> QuerySet[VendorStatusChange]:
    """The vendor's status changes, newest first, with who changed and who helped."""
    return vendor.status_changes.select_related("changed_by", "helped_by").order_by(
        "-changed_at", "-pk"
    )


# ------------------------------------------------------------------ banks and accounts


@dataclass
class BankIndex:
    """The active banks by BIN and by every name they go by (``banking.bank_keys``)."""

    by_bin: dict[str, Bank] = field(default_factory=dict)
    by_name: dict[str, list[Bank]] = field(default_factory=lambda: defaultdict(list))

    def resolve(self, text: str) -> list[Bank]:
        """The banks ``text`` may mean (``banking.resolve_bank``): one, several or none."""
        return banking.resolve_bank(text, by_bin=self.by_bin, by_name=self.by_name)


def bank_index() -> BankIndex:
    """Every active bank, to be found by BIN, code, short or full name, in any case and
    with or without diacritics: "970436", "VCB", "vietcombank", "Ngân hàng TMCP Ngoại
    thương Việt Nam" and "Vietcombank (970436)" all find Vietcombank (1 query)."""
    index = BankIndex()
    for bank in Bank.objects.filter(active=True).order_by("bin"):
        index.by_bin[bank.bin] = bank
        for key in banking.bank_keys(code=bank.code, short_name=bank.short_name, name=bank.name):
            if bank not in index.by_name[key]:
                index.by_name[key].append(bank)
    return index


@dataclass(frozen=True)
class Holder:
    """A vendor who holds an account, and whether the asking user may see them."""

    vendor_id: int
    vendor_name: str
    market_name: str
    commune_id: int
    visible: bool


def account_holders(
    pairs: Iterable[tuple[str, str]], *, user: User | None
) -> dict[tuple[str, str], list[Holder]]:
    """The vendors holding each (BIN, account number), account numbers compared in
    any case; ``visible`` by ``user``'s scope (None: the system sees all). 2 queries."""
    wanted = {(bin_, number.upper()) for bin_, number in pairs}
    if not wanted:
        return {}
    accounts = list(
        PaymentAccount.objects.annotate(number=Upper("account_number"))
        .filter(number__in={n for _b, n in wanted}, bank__bin__in={b for b, _n in wanted})
        .select_related("bank", "vendor__market__village")
        .order_by("pk")
    )
    accounts = [a for a in accounts if (a.bank.bin, a.number) in wanted]
    ids = {a.vendor_id for a in accounts}
    if user is None:
        visible = ids
    else:
        # a volunteer knows the vendors of their village's market too (the workspace)
        visible = set(
            Vendor.objects.filter(
                market__village__in=workspace_villages(user), pk__in=ids
            ).values_list("pk", flat=True)
        )
    found: dict[tuple[str, str], list[Holder]] = defaultdict(list)
    for account in accounts:
        vendor = account.vendor
        found[(account.bank.bin, account.number)].append(
            Holder(
                vendor_id=vendor.pk,
                vendor_name=str(vendor),
                market_name=vendor.market.name,
                commune_id=vendor.market.village.commune_id,
                visible=vendor.pk in visible,
            )
        )
    return found


def holders_of(
    bin_: str, number: str, *, user: User | None, except_vendor_id: int | None = None
) -> list[Holder]:
    """The other vendors holding this account (``account_holders`` of one account)."""
    holders = account_holders([(bin_, number)], user=user).get((bin_, number.upper()), [])
    return [h for h in holders if h.vendor_id != except_vendor_id]


def vendor_identity(full_name: str, stall: str) -> tuple[str, str]:
    """How a spreadsheet row names its vendor in a market: by stall when it has one
    (a stall has one vendor), else by name; several rows of one vendor are its accounts."""
    return ("stall", fold(stall)) if stall.strip() else ("name", fold(full_name))


def market_vendors_by_identity(market: Market) -> dict[tuple[str, str], list[Vendor]]:
    """The market's vendors by ``vendor_identity`` (1 query; a name may have several)."""
    found: dict[tuple[str, str], list[Vendor]] = defaultdict(list)
    for vendor in market.vendors.order_by("pk"):
        found[vendor_identity(vendor.full_name, vendor.stall)].append(vendor)
    return found


def vendors_of_communes(communes: Iterable[int] | QuerySet) -> QuerySet[Vendor]:
    """The vendors of the markets of these communes (ids or a values() subquery), by market."""
    return (
        Vendor.objects.filter(market__village__commune_id__in=communes)
        .select_related("market")
        .order_by("market__name", "stall", "full_name")
    )


def market_vendors(market: Market) -> QuerySet[Vendor]:
    """A market's vendors with their accounts and banks, for lists and exports (2 queries)."""
    return (
        market.vendors.select_related("village")
        .prefetch_related(_accounts())
        .order_by("stall", "full_name")
    )


@dataclass(frozen=True)
class Adoption:
    vendors: int
    with_code: int
    cashless: int
    confirmed: int = 0  # cashless and confirmed receiving transfers (``with_followup``)
    due: int = 0  # follow-ups due today

    @property
    def share_cashless(self) -> float | None:
        """Cashless vendors as a fraction of all vendors (None when there are none)."""
        return self.cashless / self.vendors if self.vendors else None

    @property
    def percent_cashless(self) -> int | None:
        share = self.share_cashless
        return None if share is None else round(share * 100)

    @property
    def percent_confirmed(self) -> int | None:
        """Vendors confirmed receiving transfers, in % of all vendors: a code on the
        wall is not a transfer received."""
        return round(100 * self.confirmed / self.vendors) if self.vendors else None


CASHLESS_TARGET = 0.70


def _adoption_counts(today: datetime.date):
    def vendors_where(condition: Q) -> Coalesce:
        counted = (
            with_followup(Vendor.objects.filter(market=OuterRef("pk")))
            .filter(condition)
            .order_by()
            .values("market")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    return {
        "n_vendors": Count("vendors", distinct=True),
        "n_with_code": Count("vendors", filter=Q(vendors__accounts__isnull=False), distinct=True),
        "n_cashless": Count(
            "vendors", filter=Q(vendors__status=Vendor.Status.CASHLESS), distinct=True
        ),
        "n_confirmed": vendors_where(Q(followup_confirmed=True)),
        "n_due": vendors_where(Q(followup_due_at__lt=_day_start(today + datetime.timedelta(1)))),
    }


def markets_with_adoption(
    markets: QuerySet[Market], today: datetime.date | None = None
) -> list[tuple[Market, Adoption]]:
    """Each market with its adoption figures, counted in the database (1 query)."""
    counts = _adoption_counts(today or timezone.localdate())
    rows = markets.annotate(**counts).order_by("village__commune__name", "name")
    return [(m, _adoption_of(m)) for m in rows]


def _adoption_of(m: Any) -> Adoption:
    """The figures ``_adoption_counts`` annotated on a market."""
    return Adoption(m.n_vendors, m.n_with_code, m.n_cashless, m.n_confirmed, m.n_due)


def total_adoption(pairs: list[tuple[Market, Adoption]]) -> Adoption:
    return Adoption(
        vendors=sum(a.vendors for _m, a in pairs),
        with_code=sum(a.with_code for _m, a in pairs),
        cashless=sum(a.cashless for _m, a in pairs),
        confirmed=sum(a.confirmed for _m, a in pairs),
        due=sum(a.due for _m, a in pairs),
    )


# ------------------------------------------------------------------ follow-ups


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in Asia/Ho_Chi_Minh."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def first_days() -> datetime.timedelta:
    return datetime.timedelta(days=settings.MARKET_FOLLOWUP_FIRST_DAYS)


def every_days() -> datetime.timedelta:
    return datetime.timedelta(days=settings.MARKET_FOLLOWUP_EVERY_DAYS)


def current_followups(at: datetime.datetime | None = None) -> QuerySet[VendorFollowUp]:
    """The follow-ups of the vendor ``OuterRef("pk")`` since its current status began
    (and before ``at``), latest first: a subquery for ``with_followup``."""
    followups = VendorFollowUp.objects.filter(
        vendor=OuterRef("pk"), answered_at__gte=OuterRef("status_changed_at")
    )
    if at is not None:
        followups = followups.filter(answered_at__lt=at)
    return followups.order_by("-answered_at", "-pk")


def with_followup(
    vendors: QuerySet[Vendor], *, at: datetime.datetime | None = None
) -> QuerySet[Vendor]:
    """The vendors with their follow-up state as of ``at`` (now), all in the database:

    - ``followup_last_id``, ``followup_last_answer``, ``followup_last_at``: the latest
      answer since the vendor's current status began (None: not asked yet);
    - ``followup_due_at`` (cashless vendors only, else None): ``MARKET_FOLLOWUP_FIRST_DAYS``
      after going cashless, or ``MARKET_FOLLOWUP_EVERY_DAYS`` after the latest answer,
      whichever is later;
    - ``followup_confirmed``: cashless, and the latest answer is "yes" and was given in
      the last ``MARKET_FOLLOWUP_EVERY_DAYS`` days ("confirmed receiving transfers").
    """
    at = at or timezone.now()
    latest = current_followups(at)
    since = F("status_changed_at")
    first_due = ExpressionWrapper(since + first_days(), output_field=DateTimeField())
    cashless = Q(status=Vendor.Status.CASHLESS)
    return vendors.annotate(
        followup_last_id=Subquery(latest.values("pk")[:1]),
        followup_last_answer=Subquery(latest.values("answer")[:1]),
        followup_last_at=Subquery(latest.values("answered_at")[:1]),
    ).annotate(
        followup_due_at=Case(
            When(
                cashless,
                then=Greatest(
                    first_due,
                    Coalesce(
                        ExpressionWrapper(
                            F("followup_last_at") + every_days(), output_field=DateTimeField()
                        ),
                        first_due,
                    ),
                ),
            ),
            default=None,
            output_field=DateTimeField(),
        ),
        followup_confirmed=Case(
            When(
                cashless
                & Q(
                    followup_last_answer=VendorFollowUp.Answer.YES,
                    followup_last_at__gte=at - every_days(),
                ),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def followup_villages_for_user(user: User) -> QuerySet[Village]:
    """The villages whose vendors ``user`` may follow up: every village of a commune
    officer's commune (every one for a superuser), a volunteer's own village, nobody
    else's (branch secretaries, vendors, anonymous visitors)."""
    if not user.is_authenticated or not user.has_perm("market.add_vendorfollowup"):
        return Village.objects.none()
    if user.is_superuser or user_has_role(user, Role.COMMUNE_OFFICER):
        return villages_for_user(user)
    if user_has_role(user, Role.VOLUNTEER) and user.village_id:
        return Village.objects.filter(pk=user.village_id)
    return Village.objects.none()


def followup_markets_for_user(user: User) -> QuerySet[Market]:
    return Market.objects.filter(village__in=followup_villages_for_user(user)).select_related(
        "village"
    )


def followup_vendors_for_user(user: User) -> QuerySet[Vendor]:
    """The vendors ``user`` may answer a follow-up for (the answer form's choice)."""
    return Vendor.objects.filter(market__village__in=followup_villages_for_user(user))


def followups_due(
    user: User, *, market: Market | None = None, today: datetime.date | None = None
) -> list[Vendor]:
    """The vendors whose follow-up is due by the end of ``today``, in the user's markets
    (or one of them), the longest waiting first, with their market (1 query)."""
    today = today or timezone.localdate()
    vendors = followup_vendors_for_user(user).filter(status=Vendor.Status.CASHLESS)
    if market is not None:
        vendors = vendors.filter(market=market)
    due: list[Any] = list(  # Vendors with the annotations of ``with_followup``
        with_followup(vendors.select_related("market"))
        .filter(Q(followup_due_at__lt=_day_start(today + datetime.timedelta(1))))
        .order_by(F("followup_due_at"), "market__name", "stall", "full_name")
    )
    for vendor in due:
        vendor.followup_last_label = answer_label(vendor.followup_last_answer)
    return due


def answer_label(answer: str | None) -> str:
    """How a follow-up's answer is shown ("" for none)."""
    return str(VendorFollowUp.Answer(answer).label) if answer else ""


def posters_for(vendors, market: Market) -> list[Poster]:
    """Posters of every account whose holder name was confirmed with its vendor."""
    return [
        Poster(
            payload=account.payload,
            vendor_name=vendor.full_name,
            stall=vendor.stall,
            market_name=market.name,
            bank_name=account.bank.short_name,
            holder_name=account.holder_name,
            account=account.account_number,
            label=account.label,
        )
        for vendor in vendors
        for account in vendor.accounts.all()
        if account.holder_confirmed
    ]


def tag_purpose(name: str) -> str:
    """The transfer note of a price tag: the item's name without diacritics, shortened
    to whole words within the 25 characters a code carries ("Áo sơ mi" → "Ao so mi")."""
    note = ""
    for word in name.split():
        try:
            ascii_word = vietqr.normalize_purpose(word)
        except vietqr.VietQRError:  # one word longer than a whole note
            break
        longer = f"{note} {ascii_word}".strip()
        if len(longer) > vietqr.PURPOSE_MAX_LENGTH:
            break
        note = longer
    return note


def price_tags_for(
    vendor: Vendor, account: PaymentAccount, items: Iterable[PriceLine]
) -> list[PriceTag]:
    """The tags of ``items``, each code with its price built in and the item as its note."""
    return [
        PriceTag(
            payload=account.payload_for(amount=item.amount, purpose=tag_purpose(item.name)),
            item=item.name,
            amount=item.amount,
            bank_name=account.label or account.bank.short_name,
            holder_name=account.holder_name,
            stall=vendor.stall,
            vendor_name=vendor.full_name,
        )
        for item in items
    ]
