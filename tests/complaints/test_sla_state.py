"""One rule for how a deadline stands, in Python and in SQL."""

import datetime
import uuid

import pytest

from complaints.models import Category, Complaint, SLATarget
from complaints.sla_state import SlaState, sla_state, sla_state_q
from tests.factories import BorrowerFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)

# Each clock as (due, warn, extra fields) relative to NOW, with its state.
CLOCKS = {
    "on_track": (5 * H, 3 * H, {}),
    "at_risk": (H, -H, {}),
    "breached": (-H, -2 * H, {}),
    "paused": (-H, -2 * H, {"paused_at": NOW - 3 * H}),
    "breached_then_paused": (H, -H, {"paused_at": NOW - H, "breached_at": NOW - 2 * H}),
    "met": (-H, -2 * H, {"met_at": NOW - 3 * H}),
    "cancelled": (H, -H, {"cancelled_at": NOW - 3 * H}),
}


@pytest.fixture
def clocks():
    made = {}
    for name, (due, warn, extra) in CLOCKS.items():
        complaint = Complaint.objects.create(
            borrower=BorrowerFactory(),
            category=Category.objects.get(code="CT-HOURS"),
            incident_at=NOW - 2 * H,
            description="x",
            severity=2,
            submit_token=uuid.uuid4(),
            submitted_at=NOW - 10 * H,
            updated_at=NOW - 10 * H,
        )
        made[name] = SLATarget.objects.create(
            complaint=complaint,
            kind=SLATarget.Kind.FINAL_DECISION,
            measure="calendar",
            started_at=NOW - 10 * H,
            due_at=NOW + due,
            warn_at=NOW + warn,
            **extra,
        )
    return made


def test_a_paused_clock_past_its_old_deadline_is_paused_not_breached(clocks):
    assert sla_state(clocks["paused"], now=NOW) == SlaState.PAUSED


def test_no_target_has_no_open_deadline():
    assert sla_state(None, now=NOW) == SlaState.NONE


@pytest.mark.parametrize("state", SlaState.values)
def test_sql_form_finds_exactly_the_clocks_the_python_form_puts_in_that_state(clocks, state):
    in_python = {t.pk for t in clocks.values() if sla_state(t, now=NOW) == state}
    in_sql = set(SLATarget.objects.filter(sla_state_q(state, now=NOW)).values_list("pk", flat=True))
    assert in_sql == in_python
    assert in_python
