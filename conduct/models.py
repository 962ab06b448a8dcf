"""Breaches of the conduct rulebook found in the contacts collectors report."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Collector
from loans.models import ContactEvent


class Breach(models.Model):
    """A reported contact that broke one rule, with the facts that show it
    and the party responsible. At most one per contact and rule."""

    class Rule(models.TextChoices):
        QUIET_HOURS = "quiet_hours", _("Contact in the quiet hours")
        AGENCY_HOURS = "agency_hours", _("Contact outside the agency's permitted hours")
        OUTSIDE_WINDOW = "outside_window", _("Contact outside the hours the borrower chose")
        WRONG_CHANNEL = "wrong_channel", _("Contact by a channel the borrower did not choose")
        CONNECTED_CALLS = "connected_calls", _("More than 3 connected calls in a day")
        CALL_ATTEMPTS = "call_attempts", _("More than 6 unanswered calls in a day")
        THIRD_PARTY_STOPPED = "third_party_stopped", _("Family or others contacted after the borrower asked to stop")
        THIRD_PARTY_REACHABLE = (
            "third_party_reachable",
            _("Family or others contacted while the borrower was reachable"),
        )
        NOT_ASSIGNED = "not_assigned", _("Contact by an agency not assigned to the loan")
        UNREGISTERED_NUMBER = "unregistered_number", _("Call or SMS from a number not registered for the agency")
        SUSPENDED = "suspended", _("Contact by a suspended agency or collector")
        VISIT_NOT_ANNOUNCED = "visit_not_announced", _("Home visit without notice beforehand")
        VISIT_ALONE = "visit_alone", _("Home visit by one collector alone")
        NO_RECORDING = "no_recording", _("Call or visit without a recording")
        # Restrictions in force on the account (loans.Restriction): a hold, the
        # borrower's requests, and stricter care for a vulnerable borrower
        # (named so that agencies learn only that stricter rules applied).
        ON_HOLD = "on_hold", _("Contact while collection on the account was on hold")
        THIRD_PARTY_REQUEST = (
            "third_party_request",
            _("Family or others contacted after the borrower's formal request to stop"),
        )
        WRITTEN_ONLY = "written_only", _("Call or visit while only written or online contact was allowed")
        CARE_VISIT = "care_visit", _("Home visit while stricter contact rules applied")
        CARE_THIRD_PARTY = "care_third_party", _("Family or others contacted while stricter contact rules applied")
        CARE_CALLS = "care_calls", _("More than 1 connected call in a day while stricter contact rules applied")
        CARE_HOURS = "care_hours", _("Call outside the hours stricter contact rules allow")

    contact_event = models.ForeignKey(
        ContactEvent, on_delete=models.CASCADE, related_name="breaches", verbose_name=_("contact")
    )
    rule = models.CharField(_("rule"), max_length=32, choices=Rule.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="breaches", verbose_name=_("agency"))
    collector = models.ForeignKey(
        Collector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="breaches",
        verbose_name=_("collector"),
    )
    # What shows the breach, as plain values (times, counts, numbers); see ``evidence``.
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    detected_at = models.DateTimeField(_("detected at"))

    class Meta:
        verbose_name = _("conduct breach")
        verbose_name_plural = _("conduct breaches")
        constraints = [models.UniqueConstraint(fields=["contact_event", "rule"], name="breach_one_per_contact_rule")]
        indexes = [models.Index(fields=["agency", "detected_at"], name="breach_agency_detected")]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} ({self.contact_event_id})"

    @property
    def evidence(self) -> str:
        """The facts as a sentence in the active language."""
        return breach_evidence(self.rule, self.facts)


_EVIDENCE = {
    Breach.Rule.QUIET_HOURS: _("at %(time)s China time, in the quiet hours %(start)s–%(end)s"),
    Breach.Rule.AGENCY_HOURS: _("at %(time)s; the agency may contact borrowers %(start)s–%(end)s"),
    Breach.Rule.OUTSIDE_WINDOW: _("at %(time)s; the borrower chose %(start)s–%(end)s"),
    Breach.Rule.WRONG_CHANNEL: _("by %(channel)s; the borrower chose %(preferred)s"),
    Breach.Rule.CONNECTED_CALLS: _("connected call %(count)s of the day (%(date)s)"),
    Breach.Rule.CALL_ATTEMPTS: _("unanswered call %(count)s of the day (%(date)s)"),
    Breach.Rule.THIRD_PARTY_STOPPED: _("the borrower asked on %(date)s that family and others not be contacted"),
    Breach.Rule.THIRD_PARTY_REACHABLE: _("the borrower had not been tried 3 times without answer first"),
    Breach.Rule.NOT_ASSIGNED: _("the loan was not assigned to this agency at that time"),
    Breach.Rule.UNREGISTERED_NUMBER: _("from %(number)s"),
    Breach.Rule.SUSPENDED: _("%(party)s: %(status)s at that time"),
    Breach.Rule.VISIT_NOT_ANNOUNCED: _("no notice of a home visit had been sent"),
    Breach.Rule.VISIT_ALONE: _("no second collector was reported on the visit"),
    Breach.Rule.NO_RECORDING: _("no recording of it was reported"),
    Breach.Rule.ON_HOLD: _("collection on the account was on hold from %(since)s"),
    Breach.Rule.THIRD_PARTY_REQUEST: _(
        "the borrower's request that family and others not be contacted was in force from %(since)s"
    ),
    Breach.Rule.WRITTEN_ONLY: _("by %(channel)s; only written or online contact was allowed from %(since)s"),
    Breach.Rule.CARE_VISIT: _("stricter contact rules applied from %(since)s: no home visits"),
    Breach.Rule.CARE_THIRD_PARTY: _("stricter contact rules applied from %(since)s: no contact with family or others"),
    Breach.Rule.CARE_CALLS: _("connected call %(count)s of the day (%(date)s); stricter contact rules allow %(limit)s"),
    Breach.Rule.CARE_HOURS: _("at %(time)s; under stricter contact rules calls are allowed %(start)s–%(end)s"),
}


def breach_evidence(rule: str, facts: dict) -> str:

    template = _EVIDENCE.get(rule)
    if rule == Breach.Rule.QUIET_HOURS and "start" not in facts:
        # Found before the facts carried the configured hours.
        template = _("at %(time)s China time")
    if template is None:
        return ""
    values = dict(facts)
    channels = dict(ContactEvent.Channel.choices)
    for key in ("channel", "preferred"):
        if key in values:
            values[key] = str(channels.get(values[key], values[key]))
    if "status" in values:
        statuses = dict((Collector if values.get("kind") == "collector" else Agency).Status.choices)
        values["status"] = str(statuses.get(values["status"], values["status"]))
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return ""
