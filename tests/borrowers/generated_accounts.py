"""Small generated loan accounts for the status page's property test: every
kind of row the page reads, from empty histories to hand-overs, home visits,
breaches, holds and notices, all dated around a pinned ``NOW``."""

import datetime
import uuid
from decimal import Decimal

from hypothesis import strategies as st

from agencies.models import Agency
from borrowers.status_page import RECENT_CONTACTS
from complaints.models import Category, Hold
from complaints.services import complaint_submit
from conduct.models import Breach
from loans.models import ContactEvent, LoanAccount, ScheduledMeasure
from notices.models import Notice
from tests.factories import (
    DEFAULT_STAGES,
    AgencyFactory,
    AssignmentFactory,
    AuthorisedNumberFactory,
    BorrowerFactory,
    CollectorFactory,
    ContactEventFactory,
    LoanAccountFactory,
    ScheduledMeasureFactory,
    StageChangeFactory,
    StageFactory,
)

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

# Generated accounts ------------------------------------------------------------------------

LADDER = [code for code, default in DEFAULT_STAGES.items() if default[5]]
SIDE = [code for code, default in DEFAULT_STAGES.items() if not default[5]]

assignments = st.lists(
    st.fixed_dictionaries(
        {
            "agency": st.integers(0, 2),
            "with_collector": st.booleans(),
            "ends_after_days": st.none() | st.integers(1, 40),
        }
    ),
    max_size=3,
)
numbers = st.lists(
    st.fixed_dictionaries(
        {
            "agency": st.integers(0, 2),
            "own": st.booleans(),  # the assigned collector's own number, else the agency's shared one
            "from_days": st.integers(-5, 100),  # negative: not valid yet
            "until_days": st.none() | st.integers(-30, 60),  # negative: expired
        }
    ),
    max_size=4,
)
measures = st.lists(
    st.fixed_dictionaries(
        {
            "hours": st.integers(-48, 24 * 30),
            "status": st.sampled_from(ScheduledMeasure.Status.values),
            "notices": st.integers(0, 2),
            "short_name": st.booleans(),
        }
    ),
    max_size=4,
)
contacts = st.lists(
    st.fixed_dictionaries(
        {
            "agency": st.integers(0, 2),
            "visit": st.booleans(),  # a home visit by two collectors
            "with_collector": st.booleans(),
            "number": st.booleans(),
            "breaches": st.lists(st.sampled_from(Breach.Rule.values), max_size=2, unique=True),
        }
    ),
    max_size=RECENT_CONTACTS + 3,
)
accounts = st.fixed_dictionaries(
    {
        "stage": st.sampled_from(LADDER + SIDE),
        "history": st.lists(st.tuples(st.sampled_from(LADDER + SIDE), st.integers(1, 90)), max_size=4),
        "overdue": st.sampled_from([Decimal("0.00"), Decimal("1234.56")]),
        "assignments": assignments,
        "agency_status": st.sampled_from(Agency.Status.values),
        "numbers": numbers,
        "measures": measures,
        "contacts": contacts,
        "hold": st.sampled_from(["none", "open", "lifted"]),
        "unread": st.integers(0, 2),
        "read": st.integers(0, 1),
        "language": st.sampled_from(["zh-hans", "en"]),
    }
)


# Everything at once, so every part of the statement is exercised whatever
# Hypothesis generates: a hand-over to a suspended agency, the collector's own
# number sorting before the shared ones, numbers not valid yet and expired,
# measures with and without notices, more contacts than the page shows (home
# visits, breaches, calls without a collector), a hold and unread notices.
RICH = {
    "stage": "LATE",
    "history": [("REMINDER", 60), ("EARLY", 40), ("OUTSOURCED", 20), ("EARLY", 30)],
    "overdue": Decimal("1234.56"),
    "assignments": [
        {"agency": 1, "with_collector": True, "ends_after_days": None},
        {"agency": 0, "with_collector": True, "ends_after_days": None},
    ],
    "agency_status": Agency.Status.SUSPENDED,
    "numbers": [
        {"agency": 0, "own": True, "from_days": 10, "until_days": None},
        {"agency": 0, "own": False, "from_days": 10, "until_days": 5},
        {"agency": 0, "own": False, "from_days": -3, "until_days": None},
        {"agency": 0, "own": False, "from_days": 30, "until_days": -1},
        {"agency": 1, "own": False, "from_days": 30, "until_days": None},
    ],
    "measures": [
        {"hours": 30, "status": ScheduledMeasure.Status.PLANNED, "notices": 2, "short_name": True},
        {"hours": 5, "status": ScheduledMeasure.Status.PLANNED, "notices": 0, "short_name": False},
        {"hours": -5, "status": ScheduledMeasure.Status.PLANNED, "notices": 1, "short_name": True},
        {"hours": 50, "status": ScheduledMeasure.Status.CANCELLED, "notices": 1, "short_name": True},
    ],
    "contacts": [
        {
            "agency": n % 3,
            "visit": n % 4 == 1,
            "with_collector": n % 2 == 0,
            "number": n % 3 != 2,
            "breaches": list(Breach.Rule.values[: n % 3]),
        }
        for n in range(RECENT_CONTACTS + 2)
    ],
    "hold": "open",
    "unread": 2,
    "read": 1,
    "language": "en",
}


def _notice(*, account, key: str, measure=None, read: bool = False, issued_at=NOW) -> Notice:
    return Notice.objects.create(
        key=key,
        borrower=account.borrower,
        account=account,
        measure=measure,
        event="measure.planned",
        status=Notice.Status.ISSUED,
        send_at=issued_at,
        issued_at=issued_at,
        created_at=issued_at,
        read_at=NOW if read else None,
    )


def build_account(spec: dict) -> LoanAccount:
    agencies = [AgencyFactory(status=spec["agency_status"] if n == 0 else Agency.Status.ACTIVE) for n in range(3)]
    account = LoanAccountFactory(
        borrower=BorrowerFactory(),
        stage=StageFactory(code=spec["stage"]),
        stage_since=NOW - 2 * DAY,
        amount_overdue=spec["overdue"],
        due_date=datetime.date(2026, 1, 15),
    )
    for code, days in spec["history"]:
        StageChangeFactory(account=account, stage=StageFactory(code=code), changed_at=NOW - days * DAY)

    # Hand-overs: each assignment ends by the time the next one starts (an
    # account has one open assignment at most); the last may still be open.
    collectors = {}
    starts = [NOW - (10 * (len(spec["assignments"]) - n) + n) * DAY for n in range(len(spec["assignments"]))]
    for n, handover in enumerate(spec["assignments"]):
        agency = agencies[handover["agency"]]
        collector = CollectorFactory(agency=agency) if handover["with_collector"] else None
        ends = [starts[n + 1]] if n + 1 < len(starts) else []
        if handover["ends_after_days"] is not None:
            ends.append(starts[n] + handover["ends_after_days"] * DAY)
        AssignmentFactory(
            account=account, agency=agency, collector=collector, starts_at=starts[n], ends_at=min(ends, default=None)
        )
        collectors.setdefault(agency.pk, collector)
    for n, spec_number in enumerate(spec["numbers"]):
        agency = agencies[spec_number["agency"]]
        valid_from = NOW - spec_number["from_days"] * DAY
        until = spec_number["until_days"]
        AuthorisedNumberFactory(
            agency=agency,
            collector=collectors.get(agency.pk) if spec_number["own"] else None,
            number=f"+8621600{account.pk % 1000:03d}{n:02d}",
            valid_from=valid_from,
            valid_until=max(NOW + until * DAY, valid_from + DAY) if until is not None else None,
        )

    for n, spec_measure in enumerate(spec["measures"]):
        performer = agencies[n % 3]
        if not spec_measure["short_name"]:
            Agency.objects.filter(pk=performer.pk).update(short_name="")
        measure = ScheduledMeasureFactory(
            account=account,
            performer=performer,
            planned_for=NOW + spec_measure["hours"] * HOUR + n * datetime.timedelta(minutes=1),
            status=spec_measure["status"],
            how_to_avoid="" if n % 2 else "Pay before the date.",
        )
        for k in range(spec_measure["notices"]):
            _notice(account=account, key=f"m-{measure.pk}-{k}", measure=measure, issued_at=NOW - (k + 1) * HOUR)

    for n, spec_contact in enumerate(spec["contacts"]):
        agency = agencies[spec_contact["agency"]]
        visit = spec_contact["visit"]
        event = ContactEventFactory(
            account=account,
            agency=agency,
            collector=CollectorFactory(agency=agency) if visit or spec_contact["with_collector"] else None,
            second_collector=CollectorFactory(agency=agency) if visit else None,
            channel=ContactEvent.Channel.VISIT if visit else ContactEvent.Channel.CALL,
            outcome=ContactEvent.Outcome.VISITED if visit else ContactEvent.Outcome.CONNECTED,
            from_number="+862160000009" if spec_contact["number"] and not visit else "",
            occurred_at=NOW - (n + 1) * HOUR - (n % 3) * DAY,
        )
        for rule in spec_contact["breaches"]:
            Breach.objects.create(contact_event=event, rule=rule, agency=agency, detected_at=NOW)

    if spec["hold"] != "none":
        _hold(account=account, agency=agencies[0], lifted=spec["hold"] == "lifted")
    for k in range(spec["unread"]):
        _notice(account=account, key=f"u-{account.pk}-{k}")
    for k in range(spec["read"]):
        _notice(account=account, key=f"r-{account.pk}-{k}", read=True)
    return account


def _hold(*, account: LoanAccount, agency: Agency, lifted: bool) -> None:
    complaint, _created = complaint_submit(
        borrower=account.borrower,
        user=None,
        category=Category.objects.get(code="CT-HOURS"),
        incident_at=NOW - DAY,
        description="Called at 23:00.",
        submit_token=uuid.uuid4(),
        now=NOW,
        account=account,
    )
    Hold.objects.update_or_create(
        complaint=complaint,
        defaults={"account": account, "agency": agency, "placed_at": NOW, "lifted_at": NOW if lifted else None},
    )
