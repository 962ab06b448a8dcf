"""The SLA badge: which deadline comes next and how it stands, in words as
well as colour so staff who do not see colour read it the same."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from complaints.models import OPEN_STATUSES, SLATarget
from complaints.sla_state import WORST_FIRST, SlaState, sla_state, sla_state_q

ICONS = {
    SlaState.BREACHED: "✖",
    SlaState.AT_RISK: "▲",
    SlaState.ON_TRACK: "✓",
    SlaState.PAUSED: "⏸",
    SlaState.NONE: "–",
}
_RANK = {state: rank for rank, state in enumerate(WORST_FIRST)}


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


def target_label(target) -> str:
    """What a deadline is for: a complaint's target names its kind, a
    borrower request's deadline its duty (both run on the same engine)."""
    getter = getattr(target, "get_kind_display", None) or target.get_duty_display
    return str(getter())


def badge_html(badge: SlaBadge) -> str:
    """The badge as the desk's lists show it, in words, icon and colour."""
    return format_html(
        '<span class="sla-badge {}"><span class="sla-icon" aria-hidden="true">{}</span>{}'
        '<span class="sla-detail">{}</span></span>',
        badge.css_class,
        badge.icon,
        badge.label,
        f" · {badge.detail}" if badge.detail else "",
    )


def sla_badge(targets, *, now: datetime.datetime) -> SlaBadge:
    """The badge for a complaint's targets (or a borrower request's
    deadlines): the worst open one, and among equals the one due first."""
    open_targets = [t for t in targets if t.met_at is None and t.cancelled_at is None]
    if not open_targets:
        return SlaBadge(SlaState.NONE, None, "")
    target = min(open_targets, key=lambda t: (_RANK[sla_state(t, now=now)], t.due_at))
    state = sla_state(target, now=now)
    kind = target_label(target)
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
    """Per complaint with open clocks: how many are in each state (named by
    the state's value).

    Computed from the open targets alone (a few per open complaint, found
    through the partial unique index), never by probing every complaint.
    """
    return (
        SLATarget.objects.filter(met_at__isnull=True, cancelled_at__isnull=True)
        .order_by()
        .values("complaint_id")
        .annotate(**{state.value: Count("pk", filter=sla_state_q(state, now=now)) for state in WORST_FIRST})
    )


def _worst_is(state: str) -> Q:
    worse = WORST_FIRST[: WORST_FIRST.index(state)]
    return Q(**{other.value: 0 for other in worse}, **{f"{state.value}__gt": 0})


# The badge's rule (worst open target wins) in terms of the summary.
STATE_RULES = {state: _worst_is(state) for state in WORST_FIRST}


def state_of_summary(row: dict) -> str:
    return next(state for state in WORST_FIRST if row[state.value])


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
