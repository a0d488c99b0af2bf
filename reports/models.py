"""The adoption report: one frozen report of a scope (commune or village) and a period.

The model moved here from the core (app label ``chuprong``) with its table:
``db_table`` keeps ``chuprong_adoptionreport`` (reports/migrations/0001_initial.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Commune, User, Village


def _report_file_path(report: "AdoptionReport", filename: str) -> str:
    # server-made names only: the scope key, the period, the version
    return f"reports/{report.period_start:%Y}/{filename}"


class AdoptionReport(models.Model):
    """One frozen report for a scope and a period: its numbers never change once made.

    Making the same scope and period again makes a new version; the newest
    finished one is the current one (a partial unique constraint allows one).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class SentState(models.TextChoices):
        DRAFT = "draft", _("Not sent")
        SENT = "sent", _("Sent to the province")
        RECEIVED = "received", _("Received by the province")

    class EmailState(models.TextChoices):
        NONE = "", _("No e-mail")
        QUEUED = "queued", _("E-mail waiting to go")
        SENDING = "sending", _("E-mail going out")
        SENT = "sent", _("E-mailed")
        NO_ADDRESS = "no_address", _("Not e-mailed: the province has no address for reports")
        FAILED = "failed", _("The e-mail could not be sent")

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")
        CUSTOM = "custom", _("Custom dates")

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="reports", verbose_name=_("commune")
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("village"),
        help_text=_("Empty: the whole commune."),
    )
    # "commune:<id>" or "village:<id>": one non-null key for the constraints
    scope_key = models.CharField(max_length=40, editable=False)
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    as_of = models.DateField(
        _("figures up to"),
        null=True,
        blank=True,
        help_text=_(
            "The last day the figures count: the period's end, or the day the report was "
            "made for a period not yet over. Empty for reports made before it was kept."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("reason of the failure"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    data = models.JSONField(_("figures"), default=dict, blank=True, editable=False)
    xlsx = models.FileField(_("XLSX"), upload_to=_report_file_path, blank=True, editable=False)
    pdf = models.FileField(_("PDF"), upload_to=_report_file_path, blank=True, editable=False)
    csv = models.FileField(_("CSV"), upload_to=_report_file_path, blank=True, editable=False)
    # Sending upward (issue 16): separate from the making (``status``). A sent report is
    # frozen; a correction is a new version, which names the sent one it corrects.
    sent_state = models.CharField(
        _("sending"), max_length=10, choices=SentState.choices, default=SentState.DRAFT
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    send_reason = models.TextField(_("reason for sending despite blocking problems"), blank=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("correction of"),
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    email_state = models.CharField(
        _("e-mail to the province"),
        max_length=12,
        choices=EmailState.choices,
        default=EmailState.NONE,
        blank=True,
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    emailed_to = models.EmailField(_("e-mailed to"), blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("adoption report")
        verbose_name_plural = _("adoption reports")
        db_table = "chuprong_adoptionreport"
        ordering = ["-period_start", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key", "period_start", "period_end", "version"],
                name="report_one_version_number",
            ),
            models.UniqueConstraint(
                fields=["scope_key", "period_start", "period_end"],
                condition=models.Q(is_current=True),
                name="report_one_current_version",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_in_order",
            ),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]
        permissions = [
            ("send_adoptionreport", _("Can send a commune's report to the province")),
            ("receive_adoptionreport", _("Can mark a sent report received")),
        ]

    def __str__(self) -> str:
        scope = self.village.name if self.village_id else self.commune.name
        return _("%(scope)s, %(start)s – %(end)s (version %(version)s)") % {
            "scope": scope,
            "start": f"{self.period_start:%d/%m/%Y}",
            "end": f"{self.period_end:%d/%m/%Y}",
            "version": self.version,
        }


class IndicatorTarget(models.Model):
    """A commune's target for one indicator and one year, set by the province or refined
    by the commune itself.

    Both are kept side by side: the effective target is the commune's refinement if
    there is one, else the province's, else the indicator's default
    (``reports.indicators.Indicator.target``). ``reports.services.target_set`` writes them.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        COMMUNE = "commune", _("Commune")

    indicator = models.CharField(_("indicator"), max_length=60)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="targets", verbose_name=_("commune")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("set by"), max_length=10, choices=Level.choices)
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    set_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by (person)"),
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["commune__name", "year", "indicator", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "indicator", "year", "level"], name="target_one_per_level"
            ),
        ]

    def __str__(self) -> str:
        return _("%(indicator)s, %(commune)s, %(year)s: %(value)s (%(level)s)") % {
            "indicator": self.indicator,
            "commune": self.commune.name,
            "year": self.year,
            "value": self.value.normalize() if self.value is not None else "",
            "level": self.get_level_display(),
        }


class IndicatorBaseline(models.Model):
    """An indicator's value in a commune when the program began there (e.g. Chư Prông's
    market: June 2023), against which progress is measured."""

    indicator = models.CharField(_("indicator"), max_length=60)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="baselines", verbose_name=_("commune")
    )
    value = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2)
    as_of = models.DateField(_("as of"))
    set_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by (person)"),
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator baseline")
        verbose_name_plural = _("indicator baselines")
        ordering = ["commune__name", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "indicator"], name="baseline_one_per_commune"
            ),
        ]

    def __str__(self) -> str:
        return _("%(indicator)s, %(commune)s: %(value)s on %(day)s") % {
            "indicator": self.indicator,
            "commune": self.commune.name,
            "value": self.value.normalize() if self.value is not None else "",
            "day": f"{self.as_of:%d/%m/%Y}" if self.as_of else "",
        }
