"""Communes, villages and users: the shared spine every program hangs off.

A deployment serves one commune today and a whole province later, so nothing
assumes a single commune: every record of the program apps points at a
``Village``, and through it at a ``Commune``.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Province(models.Model):
    """The level above the commune: since the 2025 reform a commune reports to it directly.

    Its province officers read every commune's figures and own the lists all its
    communes share (core.roles.Role.PROVINCE_OFFICER).
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    code = models.CharField(
        _("administrative code"),
        max_length=10,
        blank=True,
        help_text=_("The national administrative unit code, when known."),
    )
    report_email = models.EmailField(
        _("address for reports"),
        blank=True,
        help_text=_("Where the communes' sent reports are e-mailed."),
    )

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province")
    )
    code = models.CharField(
        _("administrative code"),
        max_length=10,
        blank=True,
        help_text=_("The national administrative unit code, when known."),
    )
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("A few sentences shown on the commune's home page."),
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    class Kind(models.TextChoices):
        THON = "thon", pgettext_lazy("village kind", "thôn")
        LANG = "lang", pgettext_lazy("village kind", "làng")

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="villages", verbose_name=_("commune")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.THON)
    code = models.CharField(
        _("code"), max_length=16, help_text=_("Short and unique within the commune, e.g. T03.")
    )
    name = models.CharField(_("display name"), max_length=120, help_text=_("e.g. Thôn 3, Làng Kte"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["commune", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                "commune", Lower("code"), name="village_code_unique_in_commune"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: officer, branch secretary, volunteer or vendor.

    Vietnamese names are written family name first and have no fixed number of
    parts, so one ``full_name`` replaces Django's first/last name. ``commune``
    and ``village`` say where the user's role applies (see ``core.roles``).
    """

    # None removes an inherited field (Django's documented way); the stubs type both str.
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.TextField(_("full name"), blank=True)
    phone = models.CharField(
        _("phone number"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Optional; digits only, e.g. 0912345678."),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("province"),
        help_text=_("Where a province officer's role applies."),
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("commune"),
        help_text=_("Where a commune officer's role applies."),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("village"),
        help_text=_("Where a branch secretary's or volunteer's role applies."),
    )
    sign_in_link_issued_at = models.DateTimeField(
        _("sign-in link issued at"),
        null=True,
        blank=True,
        editable=False,
        help_text="When the one-time sign-in link now valid was made (core/sign_in_links.py).",
    )

    REQUIRED_FIELDS = ["email"]

    # core.selectors.user_has_role keeps the user's role names here for the request.
    _role_names: set[str]

    class Meta:  # AbstractUser.Meta holds only "abstract" and the two names replaced here
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name.strip()

    def get_short_name(self) -> str:
        """The given name, which in Vietnamese is the last word ("Nguyễn Văn An" → "An")."""
        parts = self.full_name.split()
        return parts[-1] if parts else self.username


class AuditEntry(models.Model):
    """One change to an audited record: who, what, when, each field before and after.

    Written by ``core.audit.record`` inside the service's (or the admin's)
    transaction, so a change and its entry are saved together or not at all.
    ``content_type``/``object_id`` is the row that changed (a vendor, or one of its
    payment accounts); ``owner_type``/``owner_id`` is the record on whose admin
    "History" page the entry shows (the vendor in both cases). ``commune`` scopes
    who may read it: the record's commune, or for records every commune shares (legal
    documents) the officer's; empty for shared records changed by the system.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
        help_text=_("Empty when the system made the change."),
    )
    actor_name = models.CharField(_("who (as named then)"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=6, choices=Action.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kind of record"),
    )
    object_id = models.CharField(_("record number"), max_length=40)
    object_repr = models.CharField(_("record"), max_length=200)
    owner_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    owner_id = models.CharField(max_length=40)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    changes = models.JSONField(
        _("changes"), default=dict, help_text="Field name → [before, after], as shown then."
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit history")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["owner_type", "owner_id", "at"], name="audit_owner_at"),
            models.Index(fields=["commune", "at"], name="audit_commune_at"),
        ]

    def __str__(self) -> str:
        return f"{self.object_repr} ({self.get_action_display()})"
