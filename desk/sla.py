"""The SLA badge: which deadline comes next and how it stands, in words as
well as colour so staff who do not see colour read it the same."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from complaints.models import OPEN_STATUSES, SLATarget


class SlaState(models.TextChoices):
    BREACHED = "breached", _("Breached")
    AT_RISK = "at_risk", _("At risk")
    ON_TRACK = "on_track", _("On track")
    PAUSED = "paused", _("Paused")
    NONE = "none", _("No open deadline")


ICONS = {
    SlaState.BREACHED: "✖",
    SlaState.AT_RISK: "▲",
    SlaState.ON_TRACK: "✓",
    SlaState.PAUSED: "⏸",
    SlaState.NONE: "–",
}
_RANK = {SlaState.BREACHED: 0, SlaState.AT_RISK: 1, SlaState.ON_TRACK: 2, SlaState.PAUSED: 3}


def target_state(target: SLATarget, *, now: datetime.datetime) -> str:
    if target.met_at is not None or target.cancelled_at is not None:
        return SlaState.NONE
    if target.breached_at is not None or (target.paused_at is None and target.due_at <= now):
        return SlaState.BREACHED
    if target.paused_at is not None:
        return SlaState.PAUSED
    if target.warn_at <= now:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def duration_text(delta: datetime.timedelta) -> str:
    """3 d 4 h, 5 h 20 min, 12 min: rounded down to the minute."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


@dataclass(frozen=True)
class SlaBadge:
    state: str
    target: SLATarget | None
    detail: str

    @property
    def label(self) -> str:
        return str(SlaState(self.state).label)

    @property
    def icon(self) -> str:
        return ICONS[self.state]

    @property
    def css_class(self) -> str:
        return "sla-" + self.state.replace("_", "-")

    @property
    def text(self) -> str:
        """The whole badge as plain text (CSV, screen readers)."""
        return f"{self.label}: {self.detail}" if self.detail else self.label


def sla_badge(targets, *, now: datetime.datetime) -> SlaBadge:
    """The badge for a complaint's targets: the worst open one, and among
    equals the one due first."""
    open_targets = [t for t in targets if t.met_at is None and t.cancelled_at is None]
    if not open_targets:
        return SlaBadge(SlaState.NONE, None, "")
    target = min(open_targets, key=lambda t: (_RANK[target_state(t, now=now)], t.due_at))
    state = target_state(target, now=now)
    kind = target.get_kind_display()
    if state == SlaState.BREACHED:
        detail = _("%(target)s, %(time)s overdue") % {"target": kind, "time": duration_text(now - target.due_at)}
    elif state == SlaState.PAUSED:
        detail = _("%(target)s, waiting for the borrower (%(time)s left)") % {
            "target": kind,
            "time": duration_text(target.due_at - target.paused_at),
        }
    else:
        detail = _("%(target)s, %(time)s left") % {"target": kind, "time": duration_text(target.due_at - now)}
    return SlaBadge(state, target, detail)


def open_target_summary(now: datetime.datetime):
    """Per complaint with running clocks: how many run (not paused), how
    many have passed their warning time, how many are overdue.

    Computed from the open targets alone (a few per open complaint, found
    through the partial unique index), never by probing every complaint.
    """
    return (
        SLATarget.objects.filter(met_at__isnull=True, cancelled_at__isnull=True)
        .order_by()
        .values("complaint_id")
        .annotate(
            running=Count("pk", filter=Q(paused_at__isnull=True)),
            warned=Count("pk", filter=Q(paused_at__isnull=True, warn_at__lte=now)),
            overdue=Count("pk", filter=Q(breached_at__isnull=False) | Q(paused_at__isnull=True, due_at__lte=now)),
        )
    )


# The badge's rule (worst open target wins) in terms of the summary.
STATE_RULES = {
    SlaState.BREACHED: Q(overdue__gt=0),
    SlaState.AT_RISK: Q(overdue=0, warned__gt=0),
    SlaState.ON_TRACK: Q(overdue=0, warned=0, running__gt=0),
    SlaState.PAUSED: Q(overdue=0, running=0),
}


def state_of_summary(row: dict) -> str:
    if row["overdue"]:
        return SlaState.BREACHED
    if row["warned"]:
        return SlaState.AT_RISK
    if row["running"]:
        return SlaState.ON_TRACK
    return SlaState.PAUSED


def sla_state_filter(queryset, *, state: str, now: datetime.datetime):
    """Complaints whose badge would show ``state`` at ``now``."""
    if state == SlaState.NONE:
        running = SLATarget.objects.filter(met_at__isnull=True, cancelled_at__isnull=True).values("complaint_id")
        return queryset.exclude(pk__in=running)
    if state in STATE_RULES:
        ids = open_target_summary(now).filter(STATE_RULES[state]).values("complaint_id")
        # Only open complaints have running clocks; saying so lets the
        # database start from the open ones rather than read every complaint.
        return queryset.filter(status__in=OPEN_STATUSES, pk__in=ids)
    return queryset
