import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from loans.models import ContactEvent
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    CollectorFactory,
    ContactEventFactory,
    LoanAccountFactory,
    ScheduledMeasureFactory,
    StageFactory,
)

pytestmark = pytest.mark.django_db


def _bulk_events(account, agency, collector, count):
    now = timezone.now()
    ContactEvent.objects.bulk_create(
        ContactEvent(
            external_id=f"BULK-{account.pk}-{i}",
            account=account,
            agency=agency,
            collector=collector,
            occurred_at=now - datetime.timedelta(minutes=i + 1),
            channel=ContactEvent.Channel.CALL,
            party=ContactEvent.Party.BORROWER,
            from_number="+862160000001",
            outcome=ContactEvent.Outcome.NO_ANSWER,
        )
        for i in range(count)
    )


def _queries_for(client, account):
    url = reverse("portal:account", args=[account.reference])
    client.get(url)  # warm the session and any per-process caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_account_page_makes_the_same_number_of_queries_for_1_and_500_contacts(borrower, borrower_client):
    small = LoanAccountFactory(borrower=borrower)
    large = LoanAccountFactory(borrower=borrower)
    for account, count in ((small, 1), (large, 500)):
        assignment = AssignmentFactory(account=account)
        ScheduledMeasureFactory(account=account, performer=assignment.agency)
        _bulk_events(account, assignment.agency, assignment.collector, count)
    assert _queries_for(borrower_client, small) == _queries_for(borrower_client, large)


def test_account_page_shows_only_the_latest_10_contacts(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    assignment = AssignmentFactory(account=account)
    _bulk_events(account, assignment.agency, assignment.collector, 25)
    page = borrower_client.get(reverse("portal:account", args=[account.reference])).content.decode()
    assert page.count('class="border-bottom py-2"') == 10


def test_account_page_links_each_contact_to_a_complaint_when_complaints_are_available(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    assignment = AssignmentFactory(account=account)
    event = ContactEventFactory(account=account, agency=assignment.agency)
    page = borrower_client.get(reverse("portal:account", args=[account.reference])).content.decode()
    try:
        complain_url = reverse("complaints:new")
    except Exception:  # noqa: BLE001 - the complaints app may not offer the page yet
        pytest.skip("complaints:new is not available")
    assert f"{complain_url}?account={account.reference}&amp;event={event.pk}" in page


def test_account_page_shows_who_handles_it_with_numbers_and_hours(borrower, borrower_client, full_account):
    assignment = full_account.assignments.get()
    page = borrower_client.get(
        reverse("portal:account", args=[full_account.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert assignment.agency.name in page
    assert assignment.agency.licence_number in page
    assert assignment.collector.badge_number in page
    assert "021 6000 0001" in page
    assert "021 6000 0002" in page
    assert "08:00–20:00" in page


def test_account_page_omits_expired_numbers_and_other_collectors_numbers(borrower, borrower_client, full_account):
    from tests.factories import AuthorisedNumberFactory

    assignment = full_account.assignments.get()
    AuthorisedNumberFactory(
        agency=assignment.agency,
        number="+862160000009",
        valid_from=timezone.now() - datetime.timedelta(days=60),
        valid_until=timezone.now() - datetime.timedelta(days=1),
    )
    AuthorisedNumberFactory(
        agency=assignment.agency,
        collector=CollectorFactory(agency=assignment.agency),
        number="+862160000008",
    )
    page = borrower_client.get(reverse("portal:account", args=[full_account.reference])).content.decode()
    assert "021 6000 0009" not in page
    assert "021 6000 0008" not in page


def test_account_page_warns_when_the_agency_is_suspended(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    AssignmentFactory(account=account, agency=AgencyFactory(status="suspended", status_reason="Under investigation"))
    page = borrower_client.get(
        reverse("portal:account", args=[account.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "It must not contact you" in page
    assert "Under investigation" in page


def test_account_page_gives_a_suspended_agency_no_contact_hours(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    AssignmentFactory(account=account, agency=AgencyFactory(status="suspended"))
    page = borrower_client.get(
        reverse("portal:account", args=[account.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert ("Not while it may not collect" in page, "China time" in page) == (True, False)


@pytest.mark.parametrize(("status", "on_hold"), [("active", False), ("suspended", True)])
def test_account_page_puts_a_measure_on_hold_while_its_performer_may_not_collect(
    borrower, borrower_client, status, on_hold
):
    account = LoanAccountFactory(borrower=borrower)
    ScheduledMeasureFactory(
        account=account, performer=AgencyFactory(name="Lawyer Partners Ltd", short_name="", status=status)
    )
    page = borrower_client.get(
        reverse("portal:account", args=[account.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert ("On hold: Lawyer Partners Ltd may not collect" in page) is on_hold


def test_account_page_lists_upcoming_measures_with_date_performer_and_how_to_avoid(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    performer = AgencyFactory(name="Lawyer Partners Ltd", short_name="")
    ScheduledMeasureFactory(account=account, performer=performer, how_to_avoid="Pay by Friday.")
    ScheduledMeasureFactory(account=account, performer=performer, status="cancelled", kind="home_visit")
    page = borrower_client.get(
        reverse("portal:account", args=[account.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Lawyer's letter" in html.unescape(page)
    assert "Lawyer Partners Ltd" in page
    assert "Pay by Friday." in page
    assert "Home visit" not in page


def test_account_page_shows_the_timeline_with_the_current_stage(borrower, borrower_client, full_account):
    page = borrower_client.get(
        reverse("portal:account", args=[full_account.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'class="is-current" aria-current="step"' in page
    assert page.count('class="is-done"') == 3
    assert (
        page.count('class="is-upcoming"')
        == StageFactory._meta.model.objects.filter(on_ladder=True, position__gt=full_account.stage.position).count()
    )


def test_complaint_link_of_a_contact_opens_the_complaint_form(borrower, borrower_client):
    import re

    account = LoanAccountFactory(borrower=borrower)
    assignment = AssignmentFactory(account=account)
    ContactEventFactory(account=account, agency=assignment.agency, from_number="+862160000001")
    page = borrower_client.get(reverse("portal:account", args=[account.reference])).content.decode()
    link = re.search(r'href="([^"]*[?;&]event=\d+[^"]*)"', page)
    assert link, "no complaint link on the page"
    response = borrower_client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200


def test_measure_links_to_the_notice_the_borrower_was_sent(borrower, borrower_client):
    from notices.models import Notice

    account = LoanAccountFactory(borrower=borrower)
    measure = ScheduledMeasureFactory(account=account)
    now = timezone.now()
    notice = Notice.objects.create(
        key=f"test-{measure.pk}",
        borrower=borrower,
        account=account,
        measure=measure,
        event="measure.planned",
        status=Notice.Status.ISSUED,
        send_at=now,
        issued_at=now,
        created_at=now,
    )
    page = borrower_client.get(reverse("portal:account", args=[account.reference])).content.decode()
    assert reverse("notices:detail", args=[notice.pk]) in page


def test_measure_without_own_advice_gets_the_general_advice(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    ScheduledMeasureFactory(account=account, how_to_avoid="")
    page = borrower_client.get(
        reverse("portal:account", args=[account.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Pay the amount overdue, or agree a repayment plan with us" in page


def test_account_page_makes_the_same_number_of_queries_for_1_and_10_measures(borrower, borrower_client):
    from notices.models import Notice

    now = timezone.now()
    few = LoanAccountFactory(borrower=borrower)
    many = LoanAccountFactory(borrower=borrower)
    for account, count in ((few, 1), (many, 10)):
        for _ in range(count):
            measure = ScheduledMeasureFactory(account=account)
            Notice.objects.create(
                key=f"q-{measure.pk}",
                borrower=borrower,
                account=account,
                measure=measure,
                event="measure.planned",
                status=Notice.Status.ISSUED,
                send_at=now,
                issued_at=now,
                created_at=now,
            )
    assert _queries_for(borrower_client, few) == _queries_for(borrower_client, many)


def test_account_page_links_to_all_contacts_when_older_ones_exist(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    assignment = AssignmentFactory(account=account)
    _bulk_events(account, assignment.agency, assignment.collector, 11)
    page = borrower_client.get(reverse("portal:account", args=[account.reference])).content.decode()
    assert f'href="{reverse("portal:contacts", args=[account.reference])}"' in page


def test_account_page_with_exactly_10_contacts_has_no_link_to_older_contacts(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    assignment = AssignmentFactory(account=account)
    _bulk_events(account, assignment.agency, assignment.collector, 10)
    page = borrower_client.get(reverse("portal:account", args=[account.reference])).content.decode()
    assert reverse("portal:contacts", args=[account.reference]) not in page


def test_account_page_marks_contacts_that_broke_the_conduct_rules(borrower, borrower_client):
    from conduct.models import Breach

    account = LoanAccountFactory(borrower=borrower)
    night_call = ContactEventFactory(account=account, occurred_at=timezone.now() - datetime.timedelta(hours=3))
    ContactEventFactory(account=account, occurred_at=timezone.now() - datetime.timedelta(hours=2))
    for rule in (Breach.Rule.QUIET_HOURS, Breach.Rule.UNREGISTERED_NUMBER):
        Breach.objects.create(contact_event=night_call, rule=rule, agency=night_call.agency, detected_at=timezone.now())
    page = borrower_client.get(
        reverse("portal:account", args=[account.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert page.count("Against the collection rules") == 1
    assert (
        "Against the collection rules: Contact in the quiet hours; "
        "Call or SMS from a number not registered for the agency" in page
    )


def test_account_page_names_both_collectors_of_a_home_visit(borrower_client, visited_account):
    page = borrower_client.get(reverse("portal:account", args=[visited_account.reference])).content.decode()
    assert f"{html.escape(visited_account.partner.display_name)} (" in page
    assert visited_account.partner.badge_number in page


def test_account_page_tells_the_borrower_a_contact_was_with_them(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower, stage=StageFactory(code="OUTSOURCED"))
    ContactEventFactory(account=account, agency=AssignmentFactory(account=account).agency)
    for page in ("portal:account", "portal:contacts"):
        content = borrower_client.get(reverse(page, args=[account.reference]), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert "您本人" in content.content.decode(), page
