"""Agencies see the restrictions that bind them on their accounts (kind and
period, never why) in the workspace and the API, and hear of each change
through their signed webhook; an agency sees only its own."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.services.notify import WEBHOOK
from loans.models import Restriction
from loans.restrictions import RESTRICTION_CHANGED, restriction_place, restrictions_end
from outbox.models import Obligation
from outbox.services import obligation_deliver
from tests.factories import LoanAccountFactory

from .conftest import open_ticket

pytestmark = pytest.mark.django_db
Kind = Restriction.Kind
API = "/api/v1/account-restrictions/"
SOURCE = "request:R2611SECRET"


def place(side, kind=Kind.STRICTER_CARE, *, source=SOURCE, **fields):
    now = timezone.now()
    return restriction_place(
        borrower=side.account.borrower,
        kind=kind,
        source=source,
        starts_at=now - datetime.timedelta(hours=1),
        now=now,
        **fields,
    )


def hook(side):
    side.agency.webhook_url = "https://agency.example.cn/hooks"
    side.agency.webhook_secret = "s3cret"
    side.agency.save(update_fields=["webhook_url", "webhook_secret"])


def deliver_fan_out():
    for obligation in Obligation.objects.filter(kind=RESTRICTION_CHANGED, status=Obligation.Status.PENDING):
        obligation_deliver(obligation_id=obligation.pk)


def webhooks() -> list[tuple[int, str, dict]]:
    return sorted(
        (row.payload["agency_id"], row.payload["event"], row.payload["data"])
        for row in Obligation.objects.filter(kind=WEBHOOK)
    )


# API


def test_api_lists_the_restrictions_binding_the_agency_with_kind_and_period_only(client, side_a):
    restriction = place(side_a)
    body = client.get(API, **side_a.auth).json()
    assert body["results"] == [
        {
            "account": side_a.account.reference,
            "kind": "stricter_care",
            "starts_at": restriction.starts_at.astimezone(timezone.get_default_timezone()).isoformat(),
            "ends_at": None,
        }
    ]
    assert "SECRET" not in str(body)


def test_api_never_lists_another_agencys_accounts(client, side_a, side_b):
    place(side_b)
    assert client.get(API, **side_a.auth).json()["results"] == []


def test_api_leaves_out_a_hold_on_another_agency(client, side_a, side_b):
    place(side_a, Kind.COLLECTION_HOLD, agency=side_b.agency)
    assert client.get(API, **side_a.auth).json()["results"] == []


def test_api_leaves_out_ended_restrictions(client, side_a):
    place(side_a)
    restrictions_end(source=SOURCE, at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(API, **side_a.auth).json()["results"] == []


def test_api_filters_by_account(client, side_a):
    other = LoanAccountFactory(borrower=side_a.account.borrower)
    place(side_a, account=other)
    assert client.get(API, {"account": side_a.account.reference}, **side_a.auth).json()["results"] == []


def test_api_needs_a_token(client, side_a):
    place(side_a)
    assert client.get(API).status_code == 401


def test_ticket_detail_names_the_accounts_restrictions(client, side_a):
    ticket = open_ticket(side_a)
    place(side_a, Kind.WRITTEN_ONLY)
    body = client.get(f"/api/v1/tickets/{ticket.complaint.reference}/", **side_a.auth).json()
    assert [row["kind"] for row in body["account_restrictions"]] == ["written_only"]


# Workspace


def test_restrictions_page_lists_the_agencys_own(client_a, side_a, side_b):
    place(side_a)
    place(side_b, Kind.WRITTEN_ONLY, source="request:OTHER")
    page = client_a.get(reverse("agency:restrictions"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert side_a.account.reference in page and "Stricter contact rules" in page
    assert side_b.account.reference not in page and "Written or online contact only" not in page
    assert "SECRET" not in page


def test_restrictions_page_needs_a_signed_in_agency(client, side_a):
    response = client.get(reverse("agency:restrictions"))
    assert response.status_code in (302, 403)


def test_ticket_page_shows_the_accounts_restrictions(client_a, side_a):
    ticket = open_ticket(side_a)
    place(side_a, Kind.NO_THIRD_PARTY)
    response = client_a.get(reverse("agency:ticket", kwargs={"reference": ticket.complaint.reference}))
    assert [row.kind for row in response.context["restrictions"]] == ["no_third_party"]
    assert "No contact with family or other third parties" in response.content.decode()


# Webhooks


def test_placing_a_restriction_sends_a_signed_webhook_to_the_assigned_agency_only(side_a, side_b):
    hook(side_a)
    hook(side_b)
    restriction = place(side_a)
    deliver_fan_out()
    assert webhooks() == [
        (
            side_a.agency.pk,
            "restriction.placed",
            {
                "account": side_a.account.reference,
                "kind": "stricter_care",
                "starts_at": restriction.starts_at.isoformat(),
                "ends_at": None,
            },
        )
    ]


def test_ending_a_restriction_sends_its_end(side_a):
    hook(side_a)
    place(side_a)
    restrictions_end(source=SOURCE, at=timezone.now())
    deliver_fan_out()
    assert [event for _agency, event, _data in webhooks()] == ["restriction.ended", "restriction.placed"]


def test_a_hold_on_another_agency_is_not_sent_to_this_one(side_a, side_b):
    hook(side_a)
    place(side_a, Kind.COLLECTION_HOLD, agency=side_b.agency)
    deliver_fan_out()
    assert webhooks() == []


def test_webhooks_are_queued_once_however_often_the_change_is_handled(side_a):
    hook(side_a)
    place(side_a)
    place(side_a)
    deliver_fan_out()
    fan_out = Obligation.objects.get(kind=RESTRICTION_CHANGED)
    obligation_deliver(obligation_id=fan_out.pk)
    assert Obligation.objects.filter(kind=WEBHOOK).count() == 1


def test_webhook_never_says_why(side_a):
    hook(side_a)
    place(side_a)
    deliver_fan_out()
    assert "SECRET" not in str(Obligation.objects.get(kind=WEBHOOK).payload)
