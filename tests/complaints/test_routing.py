import datetime
import hashlib
import hmac
import json

import pytest

from complaints.models import AgencyTicket, Hold, Status, TimelineEvent, TriageItem
from complaints.selectors import holds_for_account
from complaints.services import complaint_route, responsible_party
from complaints.services.notify import EMAIL, ROUTE, SMS, WEBHOOK
from outbox.handlers import WEBHOOKS_QUEUE, queue_for
from outbox.models import Obligation
from outbox.services import obligation_deliver
from tests.factories import AgencyFactory, AssignmentFactory, CollectorFactory, ContactEventFactory

from .conftest import NOW, category
from .webhook_receiver import Receiver

pytestmark = pytest.mark.django_db

# Measured on SQLite (the borrower's notice recorded, not issued) when a
# batch's triage items went into one insert and a new ticket pointed at its
# clock from the start.
ROUTING_QUERIES = 23


def test_contact_event_names_the_responsible_party(submit, account):
    other = AgencyFactory()
    collector = CollectorFactory(agency=other)
    event = ContactEventFactory(account=account, agency=other, collector=collector)
    complaint = submit(contact_event=event)
    party = responsible_party(complaint=complaint)
    assert (party.agency, party.collector) == (other, collector)


def test_assignment_at_incident_time_is_used_not_the_current_one(submit, borrower, in_house):
    from tests.factories import LoanAccountFactory

    account = LoanAccountFactory(borrower=borrower)
    earlier, later = AgencyFactory(), AgencyFactory()
    AssignmentFactory(
        account=account,
        agency=earlier,
        starts_at=NOW - datetime.timedelta(days=60),
        ends_at=NOW - datetime.timedelta(days=5),
    )
    AssignmentFactory(account=account, agency=later, starts_at=NOW - datetime.timedelta(days=5))
    complaint = submit(account=account, incident_at=NOW - datetime.timedelta(days=10))
    assert responsible_party(complaint=complaint).agency == earlier


def test_no_assignment_goes_to_the_in_house_team(submit, borrower, in_house):
    from tests.factories import LoanAccountFactory

    complaint = submit(account=LoanAccountFactory(borrower=borrower))
    assert responsible_party(complaint=complaint).agency == in_house


def test_complaint_without_account_goes_to_the_in_house_team(submit, in_house):
    complaint = submit(account=None)
    assert responsible_party(complaint=complaint).agency == in_house


def test_suspended_agency_gets_no_ticket_and_is_flagged(submit, agency, in_house):
    agency.status = agency.Status.SUSPENDED
    agency.status_public_reason = "conduct"
    agency.save()
    complaint = submit()
    complaint_route(complaint_id=complaint.pk, now=NOW)
    complaint.refresh_from_db()
    assert complaint.agency == in_house
    assert complaint.ticket.agency == in_house
    assert any(str(agency) in flag for flag in TriageItem.objects.get(complaint=complaint).flags)


def test_submit_queues_routing_once_after_commit(submit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        complaint = submit()
    assert Obligation.objects.filter(kind=ROUTE, key=f"complaint:{complaint.pk}:route").count() == 1
    assert len(callbacks) == 1


def test_routing_opens_triage_ticket_and_acknowledges(submit, agency, borrower_notices):
    complaint = submit()
    complaint_route(complaint_id=complaint.pk, now=NOW)
    complaint.refresh_from_db()
    assert complaint.status == Status.WITH_AGENCY
    assert TriageItem.objects.filter(complaint=complaint).exists()
    assert complaint.ticket.status == AgencyTicket.Status.OPEN
    assert complaint.ticket.response_due_at is not None
    assert [n["event"] for n in borrower_notices] == ["complaint.acknowledged"]


def test_routing_twice_creates_one_ticket_and_sends_nothing_twice(submit, borrower_notices):
    complaint = submit()
    complaint_route(complaint_id=complaint.pk, now=NOW)
    obligations = Obligation.objects.count()
    complaint_route(complaint_id=complaint.pk, now=NOW + datetime.timedelta(minutes=5))
    assert AgencyTicket.objects.filter(complaint=complaint).count() == 1
    assert Obligation.objects.count() == obligations
    assert len(borrower_notices) == 1


def test_route_obligation_delivered_twice_routes_once(submit):
    complaint = submit()
    obligation = Obligation.objects.get(kind=ROUTE)
    obligation_deliver(obligation_id=obligation.pk)
    obligation_deliver(obligation_id=obligation.pk)
    assert AgencyTicket.objects.filter(complaint=complaint).count() == 1
    assert TimelineEvent.objects.filter(complaint=complaint, kind=TimelineEvent.Kind.ROUTED).count() == 1


def test_routing_tells_support_and_the_agency_by_email(submit, agency, settings):
    complaint = submit()
    complaint_route(complaint_id=complaint.pk, now=NOW)
    recipients = [o.payload["to"] for o in Obligation.objects.filter(kind=EMAIL)]
    assert [settings.PLATFORM_SUPPORT_EMAIL] in recipients
    assert [agency.email] in recipients


def test_s1_complaint_alerts_on_call_and_holds_the_agency(submit, agency, account, settings):
    settings.PLATFORM_ONCALL_PHONE = "+8613900000000"
    complaint = submit(category=category("TH-VIOLENCE"))
    complaint_route(complaint_id=complaint.pk, now=NOW)
    hold = Hold.objects.get(complaint=complaint)
    assert (hold.account, hold.agency, hold.lifted_at) == (account, agency, None)
    assert list(holds_for_account(account=account)) == [hold]
    assert Obligation.objects.filter(kind=SMS, payload__to="+8613900000000").exists()
    assert Obligation.objects.filter(kind=EMAIL, payload__to=[settings.PLATFORM_ONCALL_EMAIL]).exists()


def test_s2_complaint_places_no_hold(submit):
    complaint = submit(category=category("CT-HOURS"))
    complaint_route(complaint_id=complaint.pk, now=NOW)
    assert not Hold.objects.exists()


def test_webhook_is_queued_only_for_agencies_with_an_address(submit, agency):
    complaint = submit()
    complaint_route(complaint_id=complaint.pk, now=NOW)
    assert not Obligation.objects.filter(kind=WEBHOOK).exists()


def test_webhook_is_signed_with_the_agency_secret(submit, agency):
    with Receiver() as receiver:
        agency.webhook_url = receiver.url
        agency.webhook_secret = "s3cret"
        agency.save()
        complaint = submit()
        complaint_route(complaint_id=complaint.pk, now=NOW)
        obligation_deliver(obligation_id=Obligation.objects.get(kind=WEBHOOK).pk)
    sent = receiver.requests[0]
    timestamp = sent["headers"]["X-Timestamp"]
    expected = hmac.new(b"s3cret", f"{timestamp}.{sent['body']}".encode(), hashlib.sha256).hexdigest()
    assert sent["headers"]["X-Signature"] == expected
    assert json.loads(sent["body"])["data"]["reference"] == complaint.reference


def test_webhook_server_error_is_retried_with_backoff(submit, agency):
    with Receiver(status=503) as receiver:
        agency.webhook_url = receiver.url
        agency.webhook_secret = "s3cret"
        agency.save()
        complaint = submit()
        complaint_route(complaint_id=complaint.pk, now=NOW)
        obligation = Obligation.objects.get(kind=WEBHOOK)
        obligation_deliver(obligation_id=obligation.pk, now=NOW)
    obligation.refresh_from_db()
    assert (obligation.status, obligation.attempts) == (Obligation.Status.PENDING, 1)
    assert obligation.next_attempt_at > NOW


def test_webhook_redirect_is_not_followed(submit, agency):
    with Receiver(status=302) as receiver:
        agency.webhook_url = receiver.url
        agency.save()
        complaint = submit()
        complaint_route(complaint_id=complaint.pk, now=NOW)
        obligation = Obligation.objects.get(kind=WEBHOOK)
        obligation_deliver(obligation_id=obligation.pk, now=NOW)
    obligation.refresh_from_db()
    assert (obligation.status, obligation.last_error) == (Obligation.Status.FAILED, "HTTP 302")


def test_webhooks_use_their_own_queue():
    assert queue_for(WEBHOOK) == WEBHOOKS_QUEUE
    assert (queue_for(ROUTE), queue_for(EMAIL), queue_for(SMS)) == (None, None, None)


def test_complaint_withdrawn_before_routing_is_not_sent_anywhere(submit):
    from complaints.services import complaint_withdraw

    complaint = submit()
    complaint_withdraw(complaint=complaint, borrower=complaint.borrower, user=None, reason="", now=NOW)
    complaint_route(complaint_id=complaint.pk, now=NOW)
    complaint.refresh_from_db()
    assert complaint.routed_at == NOW
    assert not AgencyTicket.objects.exists()
    assert not Obligation.objects.filter(kind=EMAIL).exists()


def test_routing_takes_a_fixed_number_of_queries(submit, agency):
    """The complaint is locked once and read once: routing with a contact
    named and its agency's webhook costs no more than this."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agency.webhook_url = "https://agency.example.cn/hooks"
    agency.save()
    complaint = submit(contact_event=ContactEventFactory(account=submit().account, agency=agency))
    with CaptureQueriesContext(connection) as queries:
        complaint_route(complaint_id=complaint.pk, now=NOW)
    selects = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    assert sum('FROM "complaints_complaint"' in sql for sql in selects) == 1
    assert len(queries) <= ROUTING_QUERIES


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_routing_delivers_its_mails_at_once_and_hands_the_webhook_to_its_pool(
    submit, agency, monkeypatch, mailoutbox, settings
):
    from outbox import services as outbox_services
    from outbox.services import obligation_try

    agency.webhook_url = "https://agency.example.cn/hooks"
    agency.save()
    complaint = submit()
    published = []
    monkeypatch.setattr(
        outbox_services, "_enqueue", lambda task, *, args, queue: published.append((task.name, args, queue)) or True
    )
    obligation_try(obligation_id=Obligation.objects.get(key=f"complaint:{complaint.pk}:route").pk)
    mails = Obligation.objects.filter(kind=EMAIL, key__startswith=f"complaint:{complaint.pk}:")
    assert sorted(mails.values_list("status", flat=True)) == [Obligation.Status.DELIVERED] * 2
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        ["agency@example.cn", settings.PLATFORM_SUPPORT_EMAIL]
    )
    webhook = Obligation.objects.get(kind=WEBHOOK)
    assert published == [("outbox.tasks.deliver_obligations_task", [[webhook.pk]], WEBHOOKS_QUEUE)]
