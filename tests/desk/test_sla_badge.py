import datetime

from django.utils import translation

from complaints.models import SLATarget
from desk.sla import SlaState, duration_text, sla_badge
from tests.desk.conftest import NOW

H = datetime.timedelta(hours=1)


def _target(kind=SLATarget.Kind.ACKNOWLEDGE, *, due, warn, **extra) -> SLATarget:
    return SLATarget(kind=kind, measure="business", started_at=NOW - 10 * H, due_at=due, warn_at=warn, **extra)


def badge(*targets):
    with translation.override("en"):
        result = sla_badge(list(targets), now=NOW)
        return result, result.text


def test_badge_on_track_says_how_long_is_left():
    result, text = badge(_target(due=NOW + 26 * H, warn=NOW + 20 * H))
    assert result.state == SlaState.ON_TRACK
    assert text == "On track: Acknowledge, 1 d 2 h left"


def test_badge_at_risk_once_the_warning_time_has_passed():
    result, text = badge(_target(due=NOW + 90 * datetime.timedelta(minutes=1), warn=NOW - H))
    assert result.state == SlaState.AT_RISK
    assert text == "At risk: Acknowledge, 1 h 30 min left"


def test_badge_breached_says_how_long_overdue():
    result, text = badge(_target(due=NOW - 5 * H, warn=NOW - 8 * H))
    assert result.state == SlaState.BREACHED
    assert text == "Breached: Acknowledge, 5 h 0 min overdue"


def test_badge_breached_when_the_sweep_recorded_a_breach_even_if_paused_since():
    result, _text = badge(_target(due=NOW + H, warn=NOW, breached_at=NOW - H, paused_at=NOW - H))
    assert result.state == SlaState.BREACHED


def test_badge_paused_while_waiting_for_the_borrower():
    result, text = badge(_target(due=NOW + 3 * H, warn=NOW, paused_at=NOW - 2 * H))
    assert result.state == SlaState.PAUSED
    assert text == "Paused: Acknowledge, waiting for the borrower (5 h 0 min left)"


def test_badge_shows_the_worst_of_several_deadlines():
    on_track = _target(SLATarget.Kind.FINAL_DECISION, due=NOW + 100 * H, warn=NOW + 50 * H)
    breached = _target(SLATarget.Kind.AGENCY_FIRST_RESPONSE, due=NOW - H, warn=NOW - 2 * H)
    result, _text = badge(on_track, breached)
    assert result.target is breached


def test_badge_among_equals_shows_the_deadline_due_first():
    later = _target(SLATarget.Kind.FINAL_DECISION, due=NOW + 100 * H, warn=NOW + 50 * H)
    sooner = _target(SLATarget.Kind.ACKNOWLEDGE, due=NOW + 10 * H, warn=NOW + 5 * H)
    result, _text = badge(later, sooner)
    assert result.target is sooner


def test_badge_ignores_met_and_stopped_deadlines():
    met = _target(due=NOW - H, warn=NOW - 2 * H, met_at=NOW - 3 * H)
    stopped = _target(SLATarget.Kind.REVIEW, due=NOW - H, warn=NOW - 2 * H, cancelled_at=NOW - 3 * H)
    result, text = badge(met, stopped)
    assert result.state == SlaState.NONE
    assert text == "No open deadline"


def test_badge_carries_a_symbol_as_well_as_a_colour_class():
    result, _text = badge(_target(due=NOW - H, warn=NOW - 2 * H))
    assert (result.icon, result.css_class) == ("✖", "sla-breached")


def test_duration_text_under_an_hour():
    with translation.override("en"):
        assert duration_text(datetime.timedelta(minutes=12, seconds=59)) == "12 min"
