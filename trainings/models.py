"""Training sessions, their topics and who attended.

A ``TrainingSession`` (class, hands-on practice or webinar) is held by a
commune, optionally for one village's branch, on one or more ``Topic``.
``Attendance`` says who was there: a volunteer of the roster, or a walk-in
known only by name. Attending a session on a topic is what makes a volunteer
"trained" in it (see ``selectors.trained_volunteers``). Each attendance has a
random ``certificate_code`` that the certificate's QR code points to.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import Commune, Village


def new_code() -> str:
    """16 URL-safe characters (96 random bits): neither guessable nor enumerable."""
    return secrets.token_urlsafe(12)


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    # A commune's own topic (offered to its sessions only), or, empty, the province's
    # (offered to every commune's sessions).
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="topics",
        verbose_name=_("commune"),
        help_text=_("Empty: a province-wide topic, offered to every commune."),
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    class Kind(models.TextChoices):
        CLASS = "class", _("Class")
        PRACTICE = "practice", _("Hands-on practice")
        WEBINAR = "webinar", _("Webinar")

    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="training_sessions",
        verbose_name=_("commune"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("village branch"),
        help_text=_("Empty for a session of the whole commune."),
    )
    title = models.CharField(_("title"), max_length=200)
    topics = models.ManyToManyField(Topic, related_name="sessions", verbose_name=_("topics"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CLASS)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(
        _("online link"), blank=True, help_text=_("Google Meet, Zoom or K12 Online address.")
    )
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    audience = models.CharField(
        _("audience"), max_length=200, blank=True, help_text=_("e.g. officers, members, students")
    )
    external_participants = models.PositiveIntegerField(
        _("external participants"),
        null=True,
        blank=True,
        help_text=_("For a webinar: how many people took part outside the attendance list."),
    )
    description = models.TextField(_("description"), blank=True)
    public = models.BooleanField(
        _("on the public calendar"), default=True, help_text=_("Shown on the commune's site.")
    )
    checkin_code = models.CharField(
        _("check-in code"), max_length=32, unique=True, default=new_code, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["commune", "starts_at"]),
            models.Index(fields=["public", "ends_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    class Method(models.TextChoices):
        QR = "qr", _("QR check-in")
        SHEET = "sheet", _("Attendance sheet")
        IMPORT = "import", _("Imported")

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("training session"),
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("volunteer"),
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("The attendee's name as on the certificate.")
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village"),
    )
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    method = models.CharField(_("recorded by way of"), max_length=8, choices=Method.choices)
    checked_in_at = models.DateTimeField(_("checked in at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    certificate_code = models.CharField(
        _("certificate code"), max_length=32, unique=True, default=new_code, editable=False
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "volunteer"],
                condition=Q(volunteer__isnull=False),
                name="attend_once_per_session",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "session"])]

    def __str__(self) -> str:
        return f"{self.name}: {self.session}"
