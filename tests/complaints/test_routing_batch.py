"""Routing under a burst: one task routes the complaints that wait, in one
transaction; one that fails is rolled back alone."""

import datetime

import pytest

from complaints.models import AgencyTicket, Complaint, Status, TimelineEvent, TriageItem
from complaints.services import complaints_route, notify
from complaints.services import routing as routing_services
from complaints.services.notify import EMAIL, ROUTE, WEBHOOK
from outbox import services as outbox_services
from outbox.models import Obligation

from .conftest import NOW

pytestmark = pytest.mark.django_db

LATER = NOW + datetime.timedelta(minutes=1)
ISSUE_NOTICES = notify.borrower_notify


@pytest.fixture
def notices(monkeypatch):
    """Borrowers are told through the notices app itself."""
    monkeypatch.setattr(notify, "borrower_notify", ISSUE_NOTICES)


@pytest.fixture
def published(monkeypatch):
    sent = []
    monkeypatch.setattr(
        outbox_services, "_enqueue", lambda task, *, args, queue: sent.append((task.name, args, queue)) or True
    )
    return sent


@pytest.fixture
def hooked(agency):
    agency.webhook_url = "https://agency.example.cn/hooks"
    agency.save()
    return agency


def _route_row(complaint: Complaint) -> Obligation:
    return Obligation.objects.get(key=f"complaint:{complaint.pk}:route")


def _effects(complaint: Complaint) -> dict:
    """What routing leaves behind for one complaint, counted."""
    keys = Obligation.objects.filter(key__startswith=f"complaint:{complaint.pk}:")
    return {
        "tickets": AgencyTicket.objects.filter(complaint=complaint).count(),
        "triage": TriageItem.objects.filter(complaint=complaint).count(),
        "events": sorted(TimelineEvent.objects.filter(complaint=complaint).values_list("kind", flat=True)),
        "mails": keys.filter(kind=EMAIL).count(),
        "webhooks": keys.filter(kind=WEBHOOK).count(),
    }


def test_a_batch_routes_each_complaint_with_all_its_effects(submit, hooked, borrower_notices):
    complaints = [submit() for _ in range(3)]
    routed = complaints_route(complaint_ids=[complaint.pk for complaint in complaints], now=LATER)
    assert all(isinstance(routed[complaint.pk], Complaint) for complaint in complaints)
    for complaint in complaints:
        complaint.refresh_from_db()
        assert (complaint.status, complaint.agency_id, complaint.routed_at) == (Status.WITH_AGENCY, hooked.pk, LATER)
        assert _effects(complaint) == {
            "tickets": 1,
            "triage": 1,
            "events": sorted(
                [
                    TimelineEvent.Kind.SUBMITTED,
                    TimelineEvent.Kind.ROUTED,
                    TimelineEvent.Kind.ACKNOWLEDGED,
                    TimelineEvent.Kind.SENT_TO_AGENCY,
                ]
            ),
            "mails": 2,
            "webhooks": 1,
        }
    assert sorted(notice["key"].split(":")[0:3] for notice in borrower_notices) == sorted(
        ["complaint", str(complaint.pk), "complaint.acknowledged"] for complaint in complaints
    )


def test_one_task_routes_the_complaints_that_wait(submit, hooked, published):
    complaints = [submit() for _ in range(3)]
    first = _route_row(complaints[0])
    assert outbox_services.obligation_try(obligation_id=first.pk, now=LATER) == Obligation.Status.DELIVERED
    rows = [_route_row(complaint) for complaint in complaints]
    assert [(row.status, row.attempts) for row in rows] == [(Obligation.Status.DELIVERED, 1)] * 3
    assert Complaint.objects.filter(status=Status.WITH_AGENCY).count() == 3
    # The tasks of the rows it took along find nothing to do.
    assert outbox_services.obligation_try(obligation_id=rows[1].pk, now=LATER) is None
    assert AgencyTicket.objects.count() == 3


def test_a_task_takes_along_no_more_than_the_gather_size(submit, settings, published):
    settings.OUTBOX_GATHER_SIZE = 2
    complaints = [submit() for _ in range(3)]
    outbox_services.obligation_try(obligation_id=_route_row(complaints[0]).pk, now=LATER)
    statuses = [_route_row(complaint).status for complaint in complaints]
    assert statuses == [Obligation.Status.DELIVERED, Obligation.Status.DELIVERED, Obligation.Status.PENDING]


def test_a_row_waiting_out_its_backoff_is_not_taken_along(submit, published):
    waiting, fresh = submit(), submit()
    Obligation.objects.filter(pk=_route_row(waiting).pk).update(
        attempts=1, next_attempt_at=LATER + datetime.timedelta(minutes=5)
    )
    outbox_services.obligation_try(obligation_id=_route_row(fresh).pk, now=LATER)
    row = _route_row(waiting)
    assert (row.status, row.attempts) == (Obligation.Status.PENDING, 1)
    assert _route_row(fresh).status == Obligation.Status.DELIVERED


def test_a_complaint_that_fails_does_not_stop_or_undo_the_others(submit, hooked, monkeypatch, published):
    complaints = [submit() for _ in range(3)]
    broken = complaints[1]
    opened = routing_services.tickets_open

    def tickets_open(*, complaints, **kwargs):
        if broken.pk in [complaint.pk for complaint in complaints]:
            raise RuntimeError("the database refused the ticket")
        return opened(complaints=complaints, **kwargs)

    monkeypatch.setattr(routing_services, "tickets_open", tickets_open)
    outbox_services.obligation_try(obligation_id=_route_row(complaints[0]).pk, now=LATER)
    statuses = [_route_row(complaint).status for complaint in complaints]
    assert statuses == [Obligation.Status.DELIVERED, Obligation.Status.PENDING, Obligation.Status.DELIVERED]
    failed = _route_row(broken)
    assert (failed.attempts, failed.last_error) == (1, "the database refused the ticket")
    broken.refresh_from_db()
    # Its savepoint is rolled back: nothing of it stays, to be done on the retry.
    assert (broken.status, broken.routed_at) == (Status.SUBMITTED, None)
    assert _effects(broken) == {
        "tickets": 0,
        "triage": 0,
        "events": [TimelineEvent.Kind.SUBMITTED],
        "mails": 0,
        "webhooks": 0,
    }
    assert Complaint.objects.filter(status=Status.WITH_AGENCY).count() == 2


def test_routing_a_batch_again_creates_nothing_twice(submit, hooked, borrower_notices):
    ids = [submit().pk for _ in range(3)]
    complaints_route(complaint_ids=ids, now=LATER)
    counts = [_effects(Complaint(pk=pk)) for pk in ids]
    obligations = Obligation.objects.count()
    again = complaints_route(complaint_ids=ids, now=LATER + datetime.timedelta(minutes=1))
    assert all(isinstance(again[pk], Complaint) for pk in ids)
    assert [_effects(Complaint(pk=pk)) for pk in ids] == counts
    assert (Obligation.objects.count(), len(borrower_notices)) == (obligations, 3)


def test_a_complaint_gone_before_routing_is_reported_gone(submit):
    complaint = submit()
    assert complaints_route(complaint_ids=[complaint.pk, 10**9], now=LATER)[10**9] is None


def test_each_complaint_more_in_a_batch_costs_fewer_queries_than_alone(submit, hooked):
    """The lock and the outbox rows' insert (and the contacts and the
    in-house team, when read) are once a batch: a complaint more costs at
    least those less than one alone, its savepoint included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count: int) -> int:
        ids = [submit().pk for _ in range(count)]
        with CaptureQueriesContext(connection) as captured:
            complaints_route(complaint_ids=ids, now=LATER)
        return len(captured)

    one = queries(1)
    assert queries(5) - one <= 4 * (one - 3)


def test_the_route_row_kind_gathers():
    from outbox.handlers import gathers

    assert gathers(ROUTE)


def _borrower_with_account(agency, **fields):
    from loans.models import ContactPreference
    from tests.factories import (
        AssignmentFactory,
        BorrowerFactory,
        ContactPreferenceFactory,
        LoanAccountFactory,
        UserFactory,
    )

    preferred = fields.pop("preferred", None)
    borrower = BorrowerFactory(user=UserFactory(), **fields)
    if preferred:
        ContactPreferenceFactory(borrower=borrower, preferred_channel=getattr(ContactPreference.Channel, preferred))
    account = LoanAccountFactory(borrower=borrower)
    AssignmentFactory(account=account, agency=agency, starts_at=NOW - datetime.timedelta(days=30))
    return {"borrower": borrower, "user": borrower.user, "account": account}


def test_a_batch_acknowledges_each_borrower_once_in_their_words_and_starts_each_clock_once(submit, agency, notices):
    from complaints.models import SLATarget
    from notices.delivery import sms_text
    from notices.models import Notice

    people = [
        _borrower_with_account(agency),
        _borrower_with_account(agency, phone="+447700900123"),
        _borrower_with_account(agency, preferred="EMAIL"),
    ]
    complaints = [submit(**person) for person in people]
    complaints_route(complaint_ids=[complaint.pk for complaint in complaints], now=LATER)
    notices = [Notice.objects.get(complaint_reference=complaint.reference) for complaint in complaints]
    for complaint, notice, person in zip(complaints, notices, people, strict=True):
        assert notice.borrower_id == person["borrower"].pk
        assert notice.key.startswith(f"complaint:{complaint.pk}:complaint.acknowledged:")
        assert complaint.reference in notice.title_zh and complaint.reference in notice.title_en
        assert (notice.status, notice.issued_at) == (Notice.Status.ISSUED, LATER)
        clocks = SLATarget.objects.filter(complaint=complaint, kind=SLATarget.Kind.AGENCY_FIRST_RESPONSE)
        assert clocks.count() == 1
        assert AgencyTicket.objects.get(complaint=complaint).response_target_id == clocks.get().pk
    assert Notice.objects.count() == 3
    channels = [sorted(notice.deliveries.values_list("channel", flat=True)) for notice in notices]
    assert channels == [["email", "inbox", "sms"], ["email", "inbox", "sms"], ["email", "inbox"]]
    assert [sms_text(notice) for notice in notices[:2]] == [notices[0].sms_zh, notices[1].sms_en]


def test_a_complaint_whose_acknowledgement_fails_fails_alone(submit, agency, notices, monkeypatch):
    from notices import issuing
    from notices.models import Notice

    complaints = [submit(**_borrower_with_account(agency)) for _ in range(3)]
    broken = complaints[1]
    render = issuing.notice_render

    def notice_render(*, notice, **kwargs):
        if notice.complaint_reference == broken.reference:
            raise RuntimeError("the template would not render")
        return render(notice=notice, **kwargs)

    monkeypatch.setattr(issuing, "notice_render", notice_render)
    routed = complaints_route(complaint_ids=[complaint.pk for complaint in complaints], now=LATER)
    assert isinstance(routed[broken.pk], RuntimeError)
    broken.refresh_from_db()
    assert (broken.status, broken.routed_at) == (Status.SUBMITTED, None)
    assert not AgencyTicket.objects.filter(complaint=broken).exists()
    for complaint in (complaints[0], complaints[2]):
        complaint.refresh_from_db()
        assert complaint.status == Status.WITH_AGENCY
        assert Notice.objects.filter(complaint_reference=complaint.reference).count() == 1
    assert Notice.objects.count() == 2


def test_a_batch_costs_the_same_statements_however_many_complaints_it_routes(submit, account, hooked, notices):
    """Every step of routing (acknowledging, the clocks, the tickets, the
    moves, their history and events) is done for the whole batch at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ContactEventFactory

    def queries(count: int) -> int:
        ids = [
            submit(contact_event=ContactEventFactory(account=account, agency=hooked, occurred_at=NOW)).pk
            for _ in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            complaints_route(complaint_ids=ids, now=LATER)
        return len(captured)

    assert queries(6) == queries(2)


def test_a_batch_writes_each_complaint_the_history_saving_it_alone_writes(submit, hooked):
    """Two versions each: acknowledged with its routing, then with the agency."""
    batch = [submit() for _ in range(2)]
    alone = submit()
    complaints_route(complaint_ids=[complaint.pk for complaint in batch], now=LATER)
    complaints_route(complaint_ids=[alone.pk], now=LATER)

    def versions(complaint):
        return list(
            complaint.history.order_by("history_id").values_list(
                "history_type", "status", "agency_id", "routed_at", "acknowledge_due_at", "sent_to_agency_at"
            )
        )

    assert versions(batch[0]) == versions(batch[1]) == versions(alone)
    assert [version[:2] for version in versions(alone)] == [
        ("+", Status.SUBMITTED),
        ("~", Status.ACKNOWLEDGED),
        ("~", Status.WITH_AGENCY),
    ]
