import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Agency, Collector
from common.bilingual import Bilingual
from common.masking import mask_id_number, mask_name, mask_phone


class Stage(Bilingual, models.Model):
    """A step of the collection ladder, configurable by staff."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    explanation_zh = models.TextField(_("explanation (Chinese)"))
    explanation_en = models.TextField(_("explanation (English)"))
    handler_zh = models.CharField(_("who handles it (Chinese)"), max_length=120, blank=True)
    handler_en = models.CharField(_("who handles it (English)"), max_length=120, blank=True)
    measures_zh = models.CharField(_("usual measures (Chinese)"), max_length=200, blank=True)
    measures_en = models.CharField(_("usual measures (English)"), max_length=200, blank=True)
    min_days_past_due = models.PositiveIntegerField(_("from days past due"), null=True, blank=True)
    max_days_past_due = models.PositiveIntegerField(_("to days past due"), null=True, blank=True)
    on_ladder = models.BooleanField(
        _("on the main ladder"),
        default=True,
        help_text=_("Off for side states such as a repayment plan or settled, which the timeline shows apart."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collection stage")
        verbose_name_plural = _("collection stages")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.tr.name


class Borrower(models.Model):
    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="borrower",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("mobile number"), max_length=20, unique=True)
    id_number = models.CharField(_("ID number"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("borrower")
        verbose_name_plural = _("borrowers")

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_phone})"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_label(self) -> str:
        """What ``__str__`` says, masked, for pages that must not show the full name."""
        return f"{mask_name(self.name)} ({self.masked_phone})"


class LoanAccount(models.Model):
    reference = models.CharField(_("platform reference"), max_length=40, unique=True)
    borrower = models.ForeignKey(
        Borrower, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("borrower")
    )
    product = models.CharField(_("product"), max_length=100)
    principal = models.DecimalField(_("principal"), max_digits=12, decimal_places=2)
    amount_overdue = models.DecimalField(_("amount overdue"), max_digits=12, decimal_places=2, default=Decimal("0"))
    due_date = models.DateField(_("due date"))
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("stage"))
    stage_since = models.DateTimeField(_("in stage since"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("loan account")
        verbose_name_plural = _("loan accounts")
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(condition=Q(principal__gte=0), name="account_principal_not_negative"),
            models.CheckConstraint(condition=Q(amount_overdue__gte=0), name="account_overdue_not_negative"),
        ]

    def __str__(self) -> str:
        return self.reference

    def days_past_due(self, *, today: datetime.date) -> int:
        if self.amount_overdue <= 0:
            return 0
        return max((today - self.due_date).days, 0)


class StageChange(models.Model):
    """The account's stage history: one row per move, fed by the lender."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    account = models.ForeignKey(
        LoanAccount, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("account")
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("stage"))
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["account", "changed_at"]
        indexes = [models.Index(fields=["account", "changed_at"], name="stagechange_account_time")]

    def __str__(self) -> str:
        return f"{self.account} → {self.stage} ({self.changed_at:%Y-%m-%d})"


class Assignment(models.Model):
    """Who handles an account, over time. One open assignment per account."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    account = models.ForeignKey(
        LoanAccount, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("account")
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("agency"))
    collector = models.ForeignKey(
        Collector,
        on_delete=models.PROTECT,
        related_name="assignments",
        null=True,
        blank=True,
        verbose_name=_("collector"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["account", "starts_at"]
        indexes = [
            models.Index(fields=["account", "starts_at"], name="assignment_account_start"),
            models.Index(fields=["agency", "ends_at"], name="assignment_agency_open"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(ends_at__isnull=True), name="assignment_one_open_per_account"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="assignment_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} → {self.agency}"

    def covers(self, when: datetime.datetime) -> bool:
        return self.starts_at <= when and (self.ends_at is None or when < self.ends_at)


class ContactEvent(models.Model):
    class Channel(models.TextChoices):
        CALL = "call", _("Phone call")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        APP = "app", _("App message")
        LETTER = "letter", _("Letter")
        VISIT = "visit", _("Home visit")

    class Party(models.TextChoices):
        """Labels for staff and agencies; the borrower's own pages name the
        parties from the borrower's side (borrowers/rows.py)."""

        BORROWER = "borrower", _("The borrower")
        EMERGENCY_CONTACT = "emergency_contact", _("The borrower's emergency contact")
        THIRD_PARTY = "third_party", _("Another third party")

    class Outcome(models.TextChoices):
        CONNECTED = "connected", _("Spoke")
        NO_ANSWER = "no_answer", _("No answer")
        REFUSED = "refused", _("Refused")
        PROMISE_TO_PAY = "promise_to_pay", _("Promised to pay")
        MESSAGE_SENT = "message_sent", _("Message sent")
        DELIVERED = "delivered", _("Delivered")
        VISITED = "visited", _("Visit made")
        NOT_HOME = "not_home", _("Nobody at home")
        INVALID_NUMBER = "invalid_number", _("Number invalid")

    external_id = models.CharField(_("external id"), max_length=64)
    account = models.ForeignKey(
        LoanAccount, on_delete=models.CASCADE, related_name="contact_events", verbose_name=_("account")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="contact_events", verbose_name=_("agency")
    )
    collector = models.ForeignKey(
        Collector,
        on_delete=models.PROTECT,
        related_name="contact_events",
        null=True,
        blank=True,
        verbose_name=_("collector"),
    )
    occurred_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    party = models.CharField(_("who was contacted"), max_length=20, choices=Party.choices)
    from_number = models.CharField(_("from number"), max_length=20, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    # Every call and visit is recorded (kept 3 years): the agency's reference
    # to the recording. The collector who went with the first on a visit.
    recording_ref = models.CharField(_("recording reference"), max_length=120, blank=True, default="", db_default="")
    second_collector = models.ForeignKey(
        Collector,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("second collector (visits)"),
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # When the contact was checked against the conduct rulebook (conduct app); empty until then.
    conduct_checked_at = models.DateTimeField(_("conduct checked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("contact event")
        verbose_name_plural = _("contact events")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["account", "-occurred_at"], name="contact_account_recent"),
            models.Index(
                fields=["occurred_at"], name="contact_conduct_unchecked", condition=Q(conduct_checked_at__isnull=True)
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agency", "external_id"], name="contact_agency_external_id_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.get_channel_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class ScheduledMeasure(models.Model):
    class Kind(models.TextChoices):
        AGENCY_ASSIGNMENT = "agency_assignment", _("Assignment to an external agency")
        HOME_VISIT = "home_visit", _("Home visit")
        LAWYER_LETTER = "lawyer_letter", _("Lawyer's letter")
        LAWSUIT = "lawsuit", _("Lawsuit or arbitration filing")
        CREDIT_REPORT = "credit_report", _("Negative credit report")
        REMINDER = "reminder", _("Reminder call or message")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Carried out")
        CANCELLED = "cancelled", _("Cancelled")

    external_id = models.CharField(_("external id"), max_length=64)
    account = models.ForeignKey(
        LoanAccount, on_delete=models.CASCADE, related_name="measures", verbose_name=_("account")
    )
    kind = models.CharField(_("measure"), max_length=24, choices=Kind.choices)
    planned_for = models.DateTimeField(_("planned for"))
    performer = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("performed by"),
        help_text=_("The agency or in-house team that carries it out (or, for legal steps, instructs the lawyers)."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    how_to_avoid = models.TextField(_("how the borrower can avoid it"), blank=True)
    # When the borrower was last told of this measure on its current date (its
    # advance notice, or the notice that it moved, issued). Kept by notices
    # as it issues them, so that the conduct rulebook can judge a visit
    # announced without reading notices' tables. Empty until then.
    announced_at = models.DateTimeField(_("announced to the borrower at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scheduled measure")
        verbose_name_plural = _("scheduled measures")
        ordering = ["planned_for"]
        indexes = [models.Index(fields=["account", "status", "planned_for"], name="measure_account_upcoming")]
        constraints = [
            models.UniqueConstraint(fields=["performer", "external_id"], name="measure_performer_external_id_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.get_kind_display()} {self.planned_for:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        """A full save of a stored measure leaves ``announced_at`` alone: only
        notices sets it, and a writer's instance may have been loaded before
        the notice went out."""
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.attname != "announced_at"
            ]
        super().save(*args, **kwargs)


class ContactPreference(models.Model):
    """What the borrower asked of collectors. Every change is kept (history)."""

    class Channel(models.TextChoices):
        ANY = "any", _("No preference")
        CALL = "call", _("Phone call")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        APP = "app", _("App message")

    borrower = models.OneToOneField(
        Borrower, on_delete=models.CASCADE, related_name="contact_preference", verbose_name=_("borrower")
    )
    no_third_party_contact = models.BooleanField(_("do not contact my family, friends or employer"), default=False)
    window_start = models.TimeField(_("contact me from"), null=True, blank=True)
    window_end = models.TimeField(_("contact me until"), null=True, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=8, choices=Channel.choices, default=Channel.ANY
    )
    updated_at = models.DateTimeField(_("last changed"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")
        constraints = [
            models.CheckConstraint(
                condition=(Q(window_start__isnull=True) & Q(window_end__isnull=True))
                | Q(window_start__lt=models.F("window_end")),
                name="preference_window_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.borrower}"

    @property
    def masked_label(self) -> str:
        return self.borrower.masked_label


class Restriction(models.Model):
    """What binds collection on a borrower's accounts from a known time: a
    hold, a stop on third-party contact, a restriction of how the borrower
    may be contacted, stricter care for a vulnerable borrower, or a pause of
    planned measures.

    Restrictions are placed by what causes them (a borrower's request, a
    critical complaint) through :mod:`loans.restrictions`; the conduct
    rulebook judges each contact by the restrictions in force at its time.
    ``source`` names the cause (``"request:<reference>"``,
    ``"complaint:<reference>"``) without saying anything private about it:
    agencies see the kind, the account and the period, never why."""

    class Kind(models.TextChoices):
        COLLECTION_HOLD = "collection_hold", _("Collection on hold")
        NO_THIRD_PARTY = "no_third_party", _("No contact with family or other third parties")
        WRITTEN_ONLY = "written_only", _("Written or online contact only: no calls, no visits")
        NOT_AT_WORK = "not_at_work", _("No contact at the workplace")
        STRICTER_CARE = "stricter_care", _("Stricter contact rules")
        MEASURES_PAUSED = "measures_paused", _("Planned measures paused")

    borrower = models.ForeignKey(
        Borrower, on_delete=models.CASCADE, related_name="restrictions", verbose_name=_("borrower")
    )
    # Empty: every account of the borrower.
    account = models.ForeignKey(
        LoanAccount,
        on_delete=models.CASCADE,
        related_name="restrictions",
        null=True,
        blank=True,
        verbose_name=_("account"),
    )
    # Empty: everyone who collects (for a hold: every outside agency).
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="restrictions", null=True, blank=True, verbose_name=_("agency")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(_("in force from"))
    ends_at = models.DateTimeField(_("in force until"), null=True, blank=True)
    source = models.CharField(_("placed because of"), max_length=64)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("restriction on collection")
        verbose_name_plural = _("restrictions on collection")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["borrower", "starts_at"], name="restriction_borrower_start"),
            models.Index(fields=["source"], name="restriction_source"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="restriction_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["source", "kind"],
                condition=Q(ends_at__isnull=True),
                name="restriction_one_open_per_source_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.source})"

    def in_force_at(self, moment: datetime.datetime) -> bool:
        return self.starts_at <= moment and (self.ends_at is None or moment < self.ends_at)

    def binds(self, *, account_id: int, agency_id: int, in_house: bool) -> bool:
        """Whether the restriction binds this party's work on this account of
        its borrower (the caller has checked the borrower). A hold that names
        no agency binds every outside agency, never the lender's own team;
        every other kind that names no agency binds everyone who collects."""
        if self.account_id is not None and self.account_id != account_id:
            return False
        if self.agency_id is not None:
            return self.agency_id == agency_id
        return not (in_house and self.kind == self.Kind.COLLECTION_HOLD)
