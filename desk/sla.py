"""The SLA badge: which deadline comes next and how it stands, in words as
well as colour so staff who do not see colour read it the same."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, OuterRef, Q
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


def _open_target(*conditions, **lookups) -> Q:
    return Q(
        Exists(
            SLATarget.objects.filter(
                *conditions, complaint=OuterRef("pk"), met_at__isnull=True, cancelled_at__isnull=True, **lookups
            )
        )
    )


def breached_condition(now: datetime.datetime) -> Q:
    return _open_target(Q(breached_at__isnull=False) | Q(paused_at__isnull=True, due_at__lte=now))


def at_risk_condition(now: datetime.datetime) -> Q:
    return _open_target(paused_at__isnull=True, warn_at__lte=now) & ~breached_condition(now)


def on_track_condition(now: datetime.datetime) -> Q:
    return (
        _open_target(paused_at__isnull=True)
        & ~_open_target(paused_at__isnull=True, warn_at__lte=now)
        & ~breached_condition(now)
    )


def paused_condition(now: datetime.datetime) -> Q:
    return _open_target(paused_at__isnull=False) & ~_open_target(paused_at__isnull=True) & ~breached_condition(now)


def sla_state_filter(queryset, *, state: str, now: datetime.datetime):
    """Complaints whose badge would show ``state`` at ``now``.

    Only open complaints have running clocks; saying so lets the database
    start from the few open ones instead of every complaint ever made.
    """
    if state != SlaState.NONE:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    if state == SlaState.BREACHED:
        return queryset.filter(breached_condition(now))
    if state == SlaState.AT_RISK:
        return queryset.filter(at_risk_condition(now))
    if state == SlaState.PAUSED:
        return queryset.filter(paused_condition(now))
    if state == SlaState.ON_TRACK:
        return queryset.filter(on_track_condition(now))
    if state == SlaState.NONE:
        return queryset.filter(~_open_target())
    return queryset
