"""A small world whose quarterly figures are worked out by hand.

The quarter is 2026 Q4 (1 October to 31 December, China time), seen on
25 November. Agency A, in that quarter:

- 20 accounts handled (an assignment that ended in August does not count);
- 12 complaints (one more in September does not count): 10 with a finding,
  4 of them substantiated -> 6,000 per 10,000 accounts, 40.0 % substantiated;
- final decisions: 7 met on time, 1 met late, 2 overdue, 2 not yet due
  -> 7 of 10 on time, 70.0 %;
- 5 first-response tickets, 3 answered on time -> too few to publish;
- 20 contacts with 3 quiet-hours and 1 agency-hours breaches (hours family,
  200.0 per 1,000) and 2 connected-call breaches (frequency, 100.0);
- 10 measures judged, 9 noticed in time (90.0 %), 2 still pending.
"""

import datetime
import uuid
import zoneinfo

import pytest

from agencies.models import Agency
from complaints.models import AgencyTicket, Category, Complaint, SLATarget, Status
from conduct.models import Breach
from loans.models import ContactEvent
from notices.models import MeasureNoticeState
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    BorrowerFactory,
    LoanAccountFactory,
    ScheduledMeasureFactory,
)

NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)
DESCRIPTION = "Collector Zhang Wei shouted at me on 13800138000"


def complaint(agency, *, submitted_at, finding="") -> Complaint:
    return Complaint.objects.create(
        borrower=BorrowerFactory(),
        category=Category.objects.get(code="CT-HOURS"),
        incident_at=submitted_at - D,
        description=DESCRIPTION,
        severity=2,
        status=Status.RESOLVED if finding else Status.ACKNOWLEDGED,
        resolution_type="explanation" if finding else "",
        finding=finding,
        submit_token=uuid.uuid4(),
        submitted_at=submitted_at,
        updated_at=submitted_at,
        agency=agency,
    )


def target(c, *, kind, due, met_at=None) -> SLATarget:
    return SLATarget.objects.create(
        complaint=c,
        kind=kind,
        measure="calendar",
        started_at=c.submitted_at,
        due_at=due,
        warn_at=due - H,
        met_at=met_at,
    )


@pytest.fixture
def world(db):
    a = AgencyFactory(name="A Collections", licence_number="LIC-A-001", status=Agency.Status.ACTIVE)
    recent = AgencyFactory(
        name="Recently Suspended Collections",
        status=Agency.Status.SUSPENDED,
        status_changed_at=NOW - 100 * D,
        status_reason="Staff note: SECRET-REASON about collector Li Na",
    )
    old = AgencyFactory(name="Long Gone Collections", status=Agency.Status.SUSPENDED, status_changed_at=NOW - 400 * D)
    in_house = AgencyFactory(name="In-house team", kind=Agency.Kind.IN_HOUSE)

    for _ in range(20):
        AssignmentFactory(agency=a, collector=None, starts_at=NOW - 200 * D)
    AssignmentFactory(agency=a, collector=None, starts_at=NOW - 300 * D, ends_at=NOW - 100 * D)
    for _ in range(12):
        AssignmentFactory(agency=old, collector=None, starts_at=NOW - 200 * D)

    findings = ["substantiated"] * 4 + ["not_substantiated"] * 6 + ["", ""]
    complaints = [complaint(a, submitted_at=NOW - (i + 1) * D, finding=f) for i, f in enumerate(findings)]
    complaint(a, submitted_at=NOW - 70 * D, finding="substantiated")
    for c in complaints[:7]:
        target(c, kind=SLATarget.Kind.FINAL_DECISION, due=NOW - H, met_at=NOW - 2 * H)
    target(complaints[7], kind=SLATarget.Kind.FINAL_DECISION, due=NOW - 2 * H, met_at=NOW - H)
    for c in complaints[8:10]:
        target(c, kind=SLATarget.Kind.FINAL_DECISION, due=NOW - H)
    for c in complaints[10:]:
        target(c, kind=SLATarget.Kind.FINAL_DECISION, due=NOW + 5 * D)

    for index, c in enumerate(complaints[:5]):
        opened = c.submitted_at + H
        answered = opened + (2 * H if index < 3 else 6 * H)
        AgencyTicket.objects.create(
            complaint=c,
            agency=a,
            opened_at=opened,
            response_target=target(c, kind=SLATarget.Kind.AGENCY_FIRST_RESPONSE, due=opened + 3 * H, met_at=answered),
            first_response_at=answered,
        )

    account = LoanAccountFactory()
    contacts = ContactEvent.objects.bulk_create(
        ContactEvent(
            external_id=f"SC-{n}",
            account=account,
            agency=a,
            occurred_at=NOW - (n + 1) * H,
            channel=ContactEvent.Channel.CALL,
            party=ContactEvent.Party.BORROWER,
            from_number="+862160000000",
            outcome=ContactEvent.Outcome.CONNECTED,
        )
        for n in range(20)
    )
    rules = [Breach.Rule.QUIET_HOURS] * 3 + [Breach.Rule.AGENCY_HOURS] + [Breach.Rule.CONNECTED_CALLS] * 2
    for contact, rule in zip(contacts, rules, strict=False):
        Breach.objects.create(contact_event=contact, rule=rule, agency=a, detected_at=NOW)

    outcomes = ["compliant"] * 9 + ["noncompliant"] + ["pending"] * 2
    for index, compliance in enumerate(outcomes):
        measure = ScheduledMeasureFactory(account=account, performer=a, planned_for=NOW - (index + 1) * D)
        MeasureNoticeState.objects.update_or_create(
            measure=measure,
            defaults={
                "planned_for": measure.planned_for,
                "measure_status": measure.status,
                "kind": measure.kind,
                "compliance": compliance,
                "synced_at": NOW,
            },
        )
    return {"a": a, "recent": recent, "old": old, "in_house": in_house}
