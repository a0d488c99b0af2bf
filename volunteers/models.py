"""Volunteers, door-to-door campaigns and the log of every resident they helped.

A ``Volunteer`` belongs to the Youth Union branch of a ``Village``. An
``AssistanceRecord`` is one visit to one resident: who helped, where, in
which ``Campaign`` (optional), and the ``ServiceGiven`` rows, one per service
with its outcome. Residents are kept to the minimum the program needs (a name
or nobody, a birth year, a phone), never an identity-card number.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import Commune, Village


class Volunteer(models.Model):
    class BranchRole(models.TextChoices):
        SECRETARY = "secretary", _("Branch secretary")
        DEPUTY = "deputy", _("Deputy secretary")
        MEMBER = "member", _("Member")

    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        related_name="volunteers",
        verbose_name=_("village branch"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    branch_role = models.CharField(
        _("role in the branch"),
        max_length=12,
        choices=BranchRole.choices,
        default=BranchRole.MEMBER,
    )
    on_tech_team = models.BooleanField(
        _("member of the community digital-technology team"), default=False
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("sign-in account"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["village", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "phone"],
                condition=~Q(phone=""),
                name="volunteer_phone_unique_in_village",
            ),
        ]
        indexes = [models.Index(fields=["village", "active"])]

    def __str__(self) -> str:
        return self.full_name


class Campaign(models.Model):
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("commune")
    )
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    description = models.TextField(_("description"), blank=True)
    goal = models.PositiveIntegerField(
        _("goal"), default=0, help_text=_("How many residents the campaign means to help.")
    )
    villages = models.ManyToManyField(
        Village, related_name="campaigns", verbose_name=_("villages covered"), blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Service(models.TextChoices):
    """What a volunteer helped a resident with (the fixed list of the program)."""

    VNEID_CREATED = "vneid_created", _("VNeID account created")
    VNEID_ACTIVATED = "vneid_activated", _("VNeID account activated and signed in")
    PAYMENT_APP = "payment_app", _("Cashless payment app installed")
    SIM_OWNER = "sim_owner", _("SIM registered to its owner")
    PUBLIC_SERVICE = "public_service", _("Online public service filed")
    FEE_PAID = "fee_paid", _("Fee paid online")
    RESULT_LOOKUP = "result_lookup", _("Result looked up")
    LEGAL_LIBRARY = "legal_library", _("Legal library shown")
    OTHER = "other", pgettext_lazy("service", "Other")


class Outcome(models.TextChoices):
    DONE = "done", _("Done")
    REFERRED = "referred", _("Referred elsewhere")
    FOLLOW_UP = "follow_up", _("To follow up")


class AssistanceRecord(models.Model):
    helped_on = models.DateField(_("date"))
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        related_name="assistance_records",
        verbose_name=_("village"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("campaign"),
    )
    volunteers = models.ManyToManyField(
        Volunteer, related_name="assistance_records", verbose_name=_("volunteers")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assistance_recorded",
        verbose_name=_("recorded by"),
    )
    resident_name = models.CharField(
        _("resident's name"), max_length=200, blank=True, help_text=_("Empty: anonymous.")
    )
    resident_birth_year = models.PositiveSmallIntegerField(
        _("resident's year of birth"), null=True, blank=True
    )
    resident_phone = models.CharField(_("resident's phone"), max_length=20, blank=True)
    resident_consented = models.BooleanField(
        _("resident agreed to keep their name and phone"),
        default=False,
        help_text=_("Without it no name or phone is kept."),
    )
    personal_erased_on = models.DateField(
        _("personal data erased on"), null=True, blank=True, editable=False
    )
    resident_ref = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text="A random token set when the name is erased: the same resident's visits "
        "still count as one resident (reports), but it names nobody.",
    )
    vendor = models.ForeignKey(
        "market.Vendor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assistance_records",
        verbose_name=_("market vendor"),
    )
    notes = models.TextField(_("notes"), blank=True)
    client_id = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The id the visit was given where it was typed (the phone, or the page's "
        "form): the same visit sent twice, after a lost answer or from two tabs, is stored once.",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assistance record")
        verbose_name_plural = _("assistance records")
        ordering = ["-helped_on", "-created_at"]
        indexes = [
            models.Index(fields=["village", "helped_on"]),
            models.Index(fields=["campaign", "helped_on"]),
            models.Index(fields=["recorded_by", "helped_on"]),
            models.Index(
                fields=["resident_phone"],
                condition=~Q(resident_phone=""),
                name="record_resident_phone",
            ),
            # the province's figures of a period: every commune's records of those days
            # (PostgreSQL; other databases skip covering indexes)
            models.Index(fields=["helped_on"], include=["village"], name="record_helped_on"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_label} {self.helped_on:%d/%m/%Y}"

    @property
    def resident_label(self) -> str:
        return self.resident_name or str(_("Anonymous"))


class ServiceGiven(models.Model):
    record = models.ForeignKey(
        AssistanceRecord,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("assistance record"),
        db_index=False,  # the unique (record, service) and the covering index below lead with it
    )
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.DONE
    )
    # A "to follow up" keeps its outcome as history; closing it sets these two
    # (open: outcome follow_up and no date; services.follow_up_close).
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True, editable=False)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="follow_ups_closed",
        verbose_name=_("followed up by"),
    )

    class Meta:
        verbose_name = _("service given")
        verbose_name_plural = _("services given")
        ordering = ["record", "service"]
        constraints = [
            models.UniqueConstraint(fields=["record", "service"], name="service_once_per_record"),
        ]
        indexes = [
            models.Index(fields=["service", "outcome"]),
            # reports count services and outcomes of a scope's records from the index alone
            # (PostgreSQL; other databases skip covering indexes)
            models.Index(
                fields=["record"], include=["service", "outcome"], name="service_given_cover"
            ),
            # the open follow-ups (the phone list, the counts): a small part of the table
            models.Index(
                fields=["record"],
                condition=Q(outcome="follow_up", followed_up_on__isnull=True),
                name="service_follow_up_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()}: {self.get_outcome_display()}"
