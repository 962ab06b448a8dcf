"""The agency holding a ticket hears of the borrower's replies (with their
consent) and of the decision, through its signed webhook."""

import pytest

from complaints import services
from complaints.services.notify import WEBHOOK
from outbox.models import Obligation
from tests.factories import UserFactory

from .conftest import NOW
from .test_transitions import LATER, decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def hooked(agency):
    agency.webhook_url = "https://agency.example.cn/hooks"
    agency.webhook_secret = "s3cret"
    agency.save(update_fields=["webhook_url", "webhook_secret"])
    return agency


def _events() -> list[str]:
    return sorted(Obligation.objects.filter(kind=WEBHOOK).values_list("payload__event", flat=True))


def test_decision_is_sent_to_the_agency(routed, hooked):
    complaint = routed()
    decide(complaint, UserFactory(is_staff=True), LATER)
    decided = Obligation.objects.get(kind=WEBHOOK, payload__event="ticket.decided")
    assert decided.payload["data"]["finding"] == "not_substantiated"


def test_borrower_reply_is_sent_to_the_agency_with_consent(routed, hooked):
    complaint = routed(consent_to_share=True)
    services.complaint_borrower_reply(
        complaint=complaint, borrower=complaint.borrower, user=complaint.borrower.user, text="Again today.", now=LATER
    )
    assert _events() == ["ticket.borrower_replied", "ticket.opened"]


def test_borrower_reply_stays_with_the_platform_without_consent(routed, hooked):
    complaint = routed(consent_to_share=False)
    services.complaint_borrower_reply(
        complaint=complaint, borrower=complaint.borrower, user=complaint.borrower.user, text="Again today.", now=LATER
    )
    assert _events() == ["ticket.opened"]


def test_no_webhook_before_a_ticket_exists(submit, hooked):
    complaint = submit()
    services.complaint_borrower_reply(
        complaint=complaint, borrower=complaint.borrower, user=complaint.borrower.user, text="More detail.", now=NOW
    )
    assert _events() == []
