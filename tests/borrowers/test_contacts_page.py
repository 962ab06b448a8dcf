import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from loans.models import ContactEvent
from tests.factories import (
    AssignmentFactory,
    BorrowerFactory,
    ContactEventFactory,
    LoanAccountFactory,
)

pytestmark = pytest.mark.django_db


def _events(account, count, *, at=None):
    assignment = AssignmentFactory(account=account)
    now = timezone.now()
    ContactEvent.objects.bulk_create(
        ContactEvent(
            external_id=f"HIST-{account.pk}-{i}",
            account=account,
            agency=assignment.agency,
            occurred_at=at or now - datetime.timedelta(minutes=i + 1),
            channel=ContactEvent.Channel.SMS,
            party=ContactEvent.Party.BORROWER,
            from_number="",
            outcome=ContactEvent.Outcome.DELIVERED,
        )
        for i in range(count)
    )


def _page(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def _older_link(page):
    match = re.search(r'href="([^"]*\?before=[^"]*)"', page)
    return match.group(1).replace("&amp;", "&") if match else None


def _shown_ids(page):
    return [int(pk) for pk in re.findall(r"event=(\d+)", page)]


def test_contact_history_walks_every_contact_once_newest_first(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    _events(account, 120)
    url = reverse("portal:contacts", args=[account.reference])
    seen = []
    while url:
        page = _page(borrower_client, url)
        seen.extend(_shown_ids(page))
        url = _older_link(page)
    expected = list(
        ContactEvent.objects.filter(account=account).order_by("-occurred_at", "-pk").values_list("pk", flat=True)
    )
    assert seen == expected


def test_contact_history_pages_through_contacts_made_at_the_same_moment(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    _events(account, 60, at=timezone.now() - datetime.timedelta(hours=1))
    first = _page(borrower_client, reverse("portal:contacts", args=[account.reference]))
    second = _page(borrower_client, _older_link(first))
    assert sorted(_shown_ids(first) + _shown_ids(second)) == sorted(
        ContactEvent.objects.filter(account=account).values_list("pk", flat=True)
    )


def test_contact_history_last_page_has_no_older_link(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    _events(account, 50)
    page = _page(borrower_client, reverse("portal:contacts", args=[account.reference]))
    assert _older_link(page) is None


def test_contact_history_of_another_borrowers_account_is_not_found(borrower_client):
    other = LoanAccountFactory(borrower=BorrowerFactory())
    ContactEventFactory(account=other)
    response = borrower_client.get(reverse("portal:contacts", args=[other.reference]))
    assert response.status_code == 404


def test_contact_history_with_a_tampered_page_link_is_not_found(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    response = borrower_client.get(reverse("portal:contacts", args=[account.reference]) + "?before=x';--")
    assert response.status_code == 404


def test_contact_history_needs_sign_in(client):
    account = LoanAccountFactory()
    response = client.get(reverse("portal:contacts", args=[account.reference]))
    assert response.status_code == 302
    assert reverse("portal:signin") in response["Location"]


def test_contact_history_makes_the_same_number_of_queries_on_a_deep_page(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    _events(account, 200)
    first_url = reverse("portal:contacts", args=[account.reference])
    first = _page(borrower_client, first_url)
    deep_url = _older_link(_page(borrower_client, _older_link(_page(borrower_client, _older_link(first)))))
    counts = []
    for url in (first_url, deep_url):
        with CaptureQueriesContext(connection) as context:
            _page(borrower_client, url)
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]


def test_contact_history_says_when_nothing_was_reported(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    page = _page(borrower_client, reverse("portal:contacts", args=[account.reference]))
    assert "No contacts have been reported for this loan." in page


def test_contact_history_marks_contacts_that_broke_the_conduct_rules(borrower, borrower_client):
    from conduct.models import Breach

    account = LoanAccountFactory(borrower=borrower)
    event = ContactEventFactory(account=account)
    Breach.objects.create(
        contact_event=event, rule=Breach.Rule.THIRD_PARTY_STOPPED, agency=event.agency, detected_at=event.occurred_at
    )
    page = borrower_client.get(
        reverse("portal:contacts", args=[account.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Against the collection rules: Family or others contacted after the borrower asked to stop" in page


def test_contact_history_names_both_collectors_of_a_home_visit(borrower_client, visited_account):
    page = _page(borrower_client, reverse("portal:contacts", args=[visited_account.reference]))
    assert visited_account.partner.badge_number in page


def test_contact_history_marks_contacts_that_broke_a_restriction(borrower, borrower_client):
    from conduct.models import Breach

    account = LoanAccountFactory(borrower=borrower)
    event = ContactEventFactory(account=account)
    Breach.objects.create(
        contact_event=event, rule=Breach.Rule.ON_HOLD, agency=event.agency, detected_at=event.occurred_at
    )
    page = borrower_client.get(
        reverse("portal:contacts", args=[account.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Against the collection rules: Contact while collection on the account was on hold" in page


@pytest.mark.parametrize(("language", "label"), [("zh-hans", "联系对象："), ("en", "Contacted: ")])
def test_contact_history_writes_each_label_with_its_languages_colon(borrower, borrower_client, language, label):
    account = LoanAccountFactory(borrower=borrower)
    _events(account, 1, at=datetime.datetime(2026, 11, 25, 2, 0, tzinfo=datetime.UTC))
    page = borrower_client.get(reverse("portal:contacts", args=[account.reference]), HTTP_ACCEPT_LANGUAGE=language)
    assert label in page.content.decode()
