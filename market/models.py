"""Markets, vendors and the bank accounts behind their VietQR codes.

A ``Vendor`` sells at a ``Market`` (which is in a village, and so a commune)
and shows one or more ``PaymentAccount`` codes at the stall. ``token`` is the
unguessable key of the vendor's own page ``/v/<token>/``. Every status change
is kept in ``VendorStatusChange`` so adoption can be drawn over time, and every
answer to "is the vendor still receiving transfers?" in ``VendorFollowUp``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Village

from . import vietqr


class Bank(models.Model):
    """A NAPAS member bank or wallet (loaded from shared/banks.tsv, editable by officers)."""

    bin = models.CharField(
        _("BIN"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("A bank BIN is exactly 6 digits."))],
        help_text=_("The 6-digit NAPAS bank identification number, e.g. 970436."),
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. VCB, ICB"))
    short_name = models.CharField(_("short name"), max_length=60)
    name = models.CharField(_("full name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = _("banks")
        ordering = ["short_name"]

    def __str__(self) -> str:
        return f"{self.short_name} ({self.bin})"


class Market(models.Model):
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="markets", verbose_name=_("village")
    )
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


DEFAULT_AMOUNT_CEILING = 10_000_000
MIN_AMOUNT_CEILING = 1_000
MAX_AMOUNT_CEILING = 10**13 - 1  # the most a VietQR amount can carry (13 digits)


class Vendor(models.Model):
    class Status(models.TextChoices):
        NOT_YET = "not_yet", _("Not yet")
        ONBOARDING = "onboarding", _("Onboarding")
        CASHLESS = "cashless", _("Cashless")

    market = models.ForeignKey(
        Market, on_delete=models.PROTECT, related_name="vendors", verbose_name=_("market")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    stall = models.CharField(_("stall number"), max_length=20, blank=True)
    goods = models.CharField(_("goods"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        related_name="vendors",
        verbose_name=_("village"),
        help_text=_("Where the vendor lives."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_YET
    )
    status_changed_at = models.DateTimeField(_("status changed at"))
    onboarded_by = models.CharField(
        _("helped to onboard by"),
        max_length=200,
        blank=True,
        help_text=_("Who helped the vendor set up cashless payment."),
    )
    notes = models.TextField(_("notes"), blank=True)
    amount_ceiling = models.PositiveBigIntegerField(
        _("largest amount without a confirmation (VND)"),
        default=DEFAULT_AMOUNT_CEILING,
        validators=[MinValueValidator(MIN_AMOUNT_CEILING), MaxValueValidator(MAX_AMOUNT_CEILING)],
        help_text=_(
            "Asking for more than this on the vendor's page needs a confirmation: "
            "a typing slip (an extra zero) is caught before the buyer pays it."
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vendor",
        verbose_name=_("sign-in account"),
    )
    token = models.CharField(_("page key"), max_length=32, unique=True, editable=False)
    token_issued_at = models.DateTimeField(_("page key issued at"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["market", "stall", "full_name"]
        constraints = [
            models.UniqueConstraint(
                "market",
                Lower("stall"),
                condition=~Q(stall=""),
                name="vendor_stall_unique_in_market",
            ),
        ]
        indexes = [models.Index(fields=["market", "status"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.stall})" if self.stall else self.full_name


class VendorStatusChange(models.Model):
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("vendor")
    )
    status = models.CharField(_("status"), max_length=12, choices=Vendor.Status.choices)
    changed_at = models.DateTimeField(_("changed at"), db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    # A string reference, not an import: volunteers sits above market in the
    # import direction (ARCHITECTURE.md, "The direction of imports").
    helped_by = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vendor_status_changes",
        verbose_name=_("helped by"),
        help_text=_("The volunteer of the market's village who helped the vendor."),
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["vendor", "changed_at"]
        indexes = [
            # "when did each vendor first go cashless": reports' onboarding and trend
            models.Index(
                fields=["vendor", "changed_at"],
                condition=models.Q(status="cashless"),
                name="vendor_status_cashless",
            )
        ]

    def __str__(self) -> str:
        # The day in Viet Nam, not in UTC: 23:30 UTC is already the next morning there.
        return f"{self.get_status_display()} {timezone.localtime(self.changed_at):%d/%m/%Y}"


class VendorFollowUp(models.Model):
    """One answer to "is the vendor still receiving transfers?", asked of a cashless vendor
    ``MARKET_FOLLOWUP_FIRST_DAYS`` after going cashless, then every
    ``MARKET_FOLLOWUP_EVERY_DAYS`` (``selectors.with_followup``)."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes, receiving transfers")
        NO = "no", _("No transfers received")
        STOPPED = "stopped", _("Stopped using the code")

    class Reason(models.TextChoices):
        SCAM_FEAR = "scam_fear", _("Afraid of scams")
        FEES = "fees", _("Fees")
        NO_SIGNAL = "no_signal", _("No phone signal")
        PREFER_CASH = "prefer_cash", _("Customers prefer cash")
        OTHER = "other", _("Other")

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="followups", verbose_name=_("vendor")
    )
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices)
    reason = models.CharField(
        _("reason"),
        max_length=12,
        choices=Reason.choices,
        blank=True,
        help_text=_("Why no transfer arrives, or why the vendor stopped."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    answered_at = models.DateTimeField(_("answered at"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["vendor", "-answered_at"]
        indexes = [models.Index(fields=["vendor", "answered_at"])]
        constraints = [
            # a "no" or a "stopped" says why; a "yes" needs no reason
            models.CheckConstraint(
                condition=Q(answer="yes", reason="")
                | (Q(answer__in=["no", "stopped"]) & ~Q(reason="")),
                name="followup_reason_unless_yes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_answer_display()} {timezone.localtime(self.answered_at):%d/%m/%Y}"


class PaymentAccount(models.Model):
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="accounts", verbose_name=_("vendor")
    )
    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("bank")
    )
    account_number = models.CharField(
        _("account or card number"),
        max_length=19,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9]{1,19}$",
                _("An account number has 1 to 19 letters or digits, without spaces or symbols."),
            )
        ],
    )
    holder_name = models.CharField(
        _("account holder name"),
        max_length=100,
        help_text=_("As the bank shows it: upper case, no diacritics, e.g. LE THI BUOI."),
    )
    label = models.CharField(
        _("label"), max_length=40, blank=True, help_text=_("e.g. MoMo, ZaloPay, the bank app")
    )
    is_primary = models.BooleanField(_("primary"), default=False)
    holder_confirmed = models.BooleanField(
        _("holder name confirmed with the vendor"),
        default=False,
        help_text=_("Check the name with the vendor before printing a poster."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment account")
        verbose_name_plural = _("payment accounts")
        ordering = ["vendor", "-is_primary", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "bank", "account_number"], name="account_unique_per_vendor"
            ),
            models.UniqueConstraint(
                fields=["vendor"], condition=Q(is_primary=True), name="one_primary_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank.short_name} {self.account_number}"

    @property
    def payload(self) -> str:
        """The static VietQR payload of this account (the stall poster's code)."""
        return vietqr.build(bin=self.bank.bin, account=self.account_number)

    def payload_for(self, *, amount: int | None = None, purpose: str = "") -> str:
        return vietqr.build(
            bin=self.bank.bin, account=self.account_number, amount=amount, purpose=purpose
        )
