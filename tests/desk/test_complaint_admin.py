import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone, translation

from accesslog.models import DataAccessRecord
from complaints.models import Status

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:complaints_complaint_changelist")


def page(complaint):
    return reverse("admin:complaints_complaint_change", args=[complaint.pk])


def act(client, action, complaints, **extra):
    return client.post(
        CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [str(c.pk) for c in complaints], **extra}, follow=True
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_changelist_shows_the_masked_borrower_and_not_the_phone(client_for, agent, submit):
    complaint = submit()
    content = client_for(agent).get(CHANGELIST).content.decode()
    assert complaint.reference in content
    assert complaint.borrower.phone[-4:] in content
    assert complaint.borrower.phone[3:] not in content
    assert complaint.borrower.name not in content


def test_changelist_shows_the_sla_badge_as_words(client_for, agent, submit):
    submit()
    content = client_for(agent).get(CHANGELIST).content.decode()
    assert "sla-badge" in content
    assert "Acknowledge" in content or "确认" in content


def test_complaint_page_renders_for_an_auditor(client_for, auditor, submit):
    complaint = submit()
    response = client_for(auditor).get(page(complaint))
    assert response.status_code == 200
    assert complaint.reference in response.content.decode()


def test_opening_a_complaint_page_is_recorded(client_for, agent, submit):
    complaint = submit()
    client_for(agent).get(page(complaint))
    assert DataAccessRecord.objects.filter(user=agent, subject=f"complaint {complaint.reference}").exists()


def test_acknowledge_action_acknowledges_a_submitted_complaint(client_for, agent, submit):
    complaint = submit()
    act(client_for(agent), "acknowledge", [complaint])
    complaint.refresh_from_db()
    assert complaint.status == Status.ACKNOWLEDGED


def test_complaint_page_escapes_the_borrowers_text(client_for, agent, submit):
    complaint = submit(description='<script>alert("x")</script> called at night')
    content = client_for(agent).get(page(complaint)).content.decode()
    assert '<script>alert("x")</script>' not in content
    assert "&lt;script&gt;" in content


def test_internal_note_is_added_to_the_timeline(client_for, agent, submit):
    complaint = submit()
    response = client_for(agent).post(page(complaint), {"visibility": "internal", "text": "Checked the recording."})
    assert response.status_code == 302
    assert complaint.timeline.filter(kind="note", visibility="internal", text="Checked the recording.").exists()


def test_staff_note_text_is_escaped_on_the_page(client_for, agent, submit):
    complaint = submit()
    client = client_for(agent)
    client.post(page(complaint), {"visibility": "internal", "text": "<img src=x onerror=alert(1)>"})
    content = client.get(page(complaint)).content.decode()
    assert "<img src=x onerror=alert(1)>" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content


def test_reply_to_the_borrower_is_shown_apart_from_internal_notes(client_for, agent, submit):
    complaint = submit()
    client = client_for(agent)
    client.post(page(complaint), {"visibility": "borrower", "text": "We are looking into it."})
    client.post(page(complaint), {"visibility": "internal", "text": "Looks like agency X."})
    content = client.get(page(complaint)).content.decode()
    assert 'class="party-staff"' in content
    assert 'class="party-internal"' in content
    assert 'class="party-borrower"' in content


def test_empty_note_is_refused_with_an_error(client_for, agent, submit):
    complaint = submit()
    response = client_for(agent).post(page(complaint), {"visibility": "internal", "text": "   "})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not complaint.timeline.filter(kind="note").exists()


def test_auditor_cannot_add_a_note(client_for, auditor, submit):
    complaint = submit()
    response = client_for(auditor).post(page(complaint), {"visibility": "internal", "text": "x"})
    assert response.status_code == 403
    assert not complaint.timeline.filter(kind="note").exists()


def test_auditor_page_offers_no_note_form_or_actions(client_for, auditor, submit):
    complaint = submit()
    content = client_for(auditor).get(page(complaint)).content.decode()
    assert 'name="text"' not in content
    assert "/do/" not in content


def test_operation_page_shows_a_form_and_changes_nothing_on_get(client_for, supervisor, submit):
    complaint = submit()
    url = reverse("admin:complaints_complaint_operation", args=[complaint.pk, "escalate"])
    response = client_for(supervisor).get(url)
    assert response.status_code == 200
    assert b'name="reason"' in response.content
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED


def test_operation_page_applies_on_post_and_returns_to_the_complaint(client_for, supervisor, submit):
    complaint = submit()
    url = reverse("admin:complaints_complaint_operation", args=[complaint.pk, "escalate"])
    response = client_for(supervisor).post(url, {"reason": "Threats"})
    assert response.status_code == 302
    assert response["Location"] == page(complaint)
    complaint.refresh_from_db()
    assert complaint.status == Status.ESCALATED


def test_operation_page_refuses_an_action_the_role_lacks(client_for, agent, submit):
    complaint = submit()
    url = reverse("admin:complaints_complaint_operation", args=[complaint.pk, "escalate"])
    assert client_for(agent).post(url, {"reason": "x"}).status_code == 403


def test_operation_without_a_form_is_refused_on_get(client_for, agent, submit):
    complaint = submit()
    url = reverse("admin:complaints_complaint_operation", args=[complaint.pk, "acknowledge"])
    client_for(agent).get(url)
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED


def test_unknown_operation_is_not_found(client_for, agent, submit):
    complaint = submit()
    url = reverse("admin:complaints_complaint_operation", args=[complaint.pk, "delete_everything"])
    assert client_for(agent).post(url).status_code == 404


def test_operations_need_the_csrf_token(agent, submit):
    from django.test import Client

    complaint = submit()
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    url = reverse("admin:complaints_complaint_operation", args=[complaint.pk, "acknowledge"])
    assert client.post(url).status_code == 403


def test_filter_assigned_to_me(client_for, agent, submit):
    from complaints.services import complaint_assign

    mine, other = submit(), submit()
    complaint_assign(complaint=mine, assignee=agent, by=agent, now=mine.submitted_at)
    content = client_for(agent).get(CHANGELIST, {"assignee": "mine"}).content.decode()
    assert mine.reference in content
    assert other.reference not in content


def test_filter_unassigned(client_for, agent, submit):
    from complaints.services import complaint_assign

    mine, other = submit(), submit()
    complaint_assign(complaint=mine, assignee=agent, by=agent, now=mine.submitted_at)
    content = client_for(agent).get(CHANGELIST, {"assignee": "none"}).content.decode()
    assert other.reference in content
    assert mine.reference not in content


def test_search_by_last_four_digits_of_the_phone(client_for, agent, submit):
    from tests.factories import BorrowerFactory

    wanted = submit(borrower=BorrowerFactory(phone="+8613900004321"))
    other = submit(borrower=BorrowerFactory(phone="+8613900001234"))
    content = client_for(agent).get(CHANGELIST, {"q": "4321"}).content.decode()
    assert wanted.reference in content
    assert other.reference not in content


def test_search_by_reference(client_for, agent, submit):
    wanted, other = submit(), submit()
    content = client_for(agent).get(CHANGELIST, {"q": wanted.reference.lower()}).content.decode()
    assert wanted.reference in content
    assert other.reference not in content


def test_search_by_borrower_name(client_for, agent, submit):
    from tests.factories import BorrowerFactory

    wanted = submit(borrower=BorrowerFactory(name="欧阳娜娜"))
    other = submit()
    content = client_for(agent).get(CHANGELIST, {"q": "欧阳"}).content.decode()
    assert wanted.reference in content
    assert other.reference not in content


def test_filter_by_sla_state_in_the_list(client_for, agent, submit):
    from tests.desk.conftest import NOW

    overdue = submit(now=NOW - datetime.timedelta(days=30))
    fresh = submit(now=timezone.now())
    content = client_for(agent).get(CHANGELIST, {"sla": "breached"}).content.decode()
    assert overdue.reference in content
    assert fresh.reference not in content


def test_list_puts_the_soonest_deadline_first(client_for, agent, submit):
    from tests.desk.conftest import NOW

    later = submit(now=timezone.now())
    sooner = submit(now=NOW - datetime.timedelta(days=30))
    content = client_for(agent).get(CHANGELIST).content.decode()
    assert content.index(sooner.reference) < content.index(later.reference)


def test_unknown_filter_value_is_ignored(client_for, agent, submit):
    complaint = submit()
    response = client_for(agent).get(CHANGELIST, {"sla": "nonsense", "assignee": "1 OR 1=1"})
    assert response.status_code == 200
    assert complaint.reference in response.content.decode()


def test_ordering_by_a_secret_column_is_not_possible(client_for, agent, submit):
    submit()
    response = client_for(agent).get(CHANGELIST, {"o": "borrower__id_number"})
    assert response.status_code == 200
    assert "id_number" not in str(response.context["cl"].queryset.query.order_by)


def test_page_offers_lifting_a_hold_only_while_one_is_active(client_for, supervisor, submit):
    from complaints.models import Hold
    from tests.factories import AgencyFactory

    complaint = submit()
    client = client_for(supervisor)
    lift_url = reverse("admin:complaints_complaint_operation", args=[complaint.pk, "lift_hold"])
    assert lift_url not in client.get(page(complaint)).content.decode()
    Hold.objects.create(
        account=complaint.account, agency=AgencyFactory(), complaint=complaint, placed_at=complaint.submitted_at
    )
    assert lift_url in client.get(page(complaint)).content.decode()


def test_changelist_and_page_carry_no_inline_styles_or_scripts(client_for, agent, submit):
    complaint = submit()
    client = client_for(agent)
    for url in (CHANGELIST, page(complaint)):
        content = client.get(url).content.decode()
        assert "style=" not in content
        assert "<script>" not in content


def test_page_marks_a_deadline_met_after_it_was_due_as_late(client_for, agent, submit):
    from complaints.models import SLATarget

    complaint = submit()
    target = SLATarget.objects.get(complaint=complaint, kind="acknowledge")
    SLATarget.objects.filter(pk=target.pk).update(met_at=target.due_at + datetime.timedelta(hours=1))
    with translation.override("en"):
        content = client_for(agent).get(page(complaint), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Met late" in content


def test_search_by_agency_name(client_for, agent, submit):
    from complaints.models import Complaint
    from tests.factories import AgencyFactory

    wanted, other = submit(), submit()
    Complaint.objects.filter(pk=wanted.pk).update(
        agency=AgencyFactory(name="Harmony Recovery Ltd", short_name="Harmony")
    )
    content = client_for(agent).get(CHANGELIST, {"q": "harmony"}).content.decode()
    assert wanted.reference in content
    assert other.reference not in content


def test_page_lists_the_accounts_contacts_around_the_incident_and_marks_the_linked_one(client_for, agent, submit):
    from tests.desk.conftest import NOW
    from tests.factories import ContactEventFactory, LoanAccountFactory

    account = LoanAccountFactory()
    linked = ContactEventFactory(
        account=account, occurred_at=NOW - datetime.timedelta(days=1), from_number="+862161111111"
    )
    ContactEventFactory(account=account, occurred_at=NOW - datetime.timedelta(days=3), from_number="+862162222222")
    ContactEventFactory(account=account, occurred_at=NOW - datetime.timedelta(days=40), from_number="+862163333333")
    complaint = submit(borrower=account.borrower, account=account, contact_event=linked)
    content = client_for(agent).get(page(complaint)).content.decode()
    assert "021 6111 1111" in content
    assert "021 6222 2222" in content
    assert "+862163333333" not in content
    assert 'class="desk-highlight"' in content


def test_page_shows_the_conduct_breaches_of_the_contacts_around_the_incident(client_for, agent, submit):
    from conduct.models import Breach
    from tests.desk.conftest import NOW
    from tests.factories import ContactEventFactory, LoanAccountFactory

    account = LoanAccountFactory()
    linked = ContactEventFactory(account=account, occurred_at=NOW - datetime.timedelta(days=1))
    Breach.objects.create(
        contact_event=linked,
        rule=Breach.Rule.QUIET_HOURS,
        agency=linked.agency,
        facts={"time": "23:10", "start": "22:00", "end": "08:00"},
        detected_at=NOW,
    )
    complaint = submit(borrower=account.borrower, account=account, contact_event=linked)
    content = client_for(agent).get(page(complaint), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<strong>Contact in the quiet hours</strong>: at 23:10 China time, in the quiet hours 22:00–08:00" in content


def test_list_sorts_by_the_sla_column_both_ways(client_for, agent, submit):
    from tests.desk.conftest import NOW

    later = submit(now=timezone.now())
    sooner = submit(now=NOW - datetime.timedelta(days=30))
    client = client_for(agent)
    ascending = client.get(CHANGELIST, {"o": "2"}).content.decode()
    descending = client.get(CHANGELIST, {"o": "-2"}).content.decode()
    assert ascending.index(sooner.reference) < ascending.index(later.reference)
    assert descending.index(later.reference) < descending.index(sooner.reference)


def test_list_says_more_than_the_cap_instead_of_counting_everything(client_for, agent, submit, monkeypatch):
    from desk.paginator import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    for _ in range(3):
        submit()
    with translation.override("en"):
        content = client_for(agent).get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "more than 2 results" in content


def test_capped_paginator_counts_exactly_below_the_cap(submit):
    from complaints.models import Complaint
    from desk.paginator import CappedPaginator

    submit()
    submit()
    paginator = CappedPaginator(Complaint.objects.order_by("pk"), 50)
    assert (paginator.count, paginator.is_capped) == (2, False)


def test_filter_waiting_for_triage(client_for, agent, submit):
    from complaints.models import TriageItem
    from complaints.services import complaint_assign

    waiting, taken, never_routed = submit(), submit(), submit()
    for complaint in (waiting, taken):
        TriageItem.objects.create(complaint=complaint, opened_at=complaint.submitted_at)
    complaint_assign(complaint=taken, assignee=agent, by=agent, now=taken.submitted_at)
    content = client_for(agent).get(CHANGELIST, {"triage": "waiting"}).content.decode()
    assert waiting.reference in content
    assert taken.reference not in content
    assert never_routed.reference not in content


def test_agency_text_is_escaped_on_the_page(client_for, agent, submit):
    from complaints.models import AgencyResponse, AgencyTicket
    from tests.factories import AgencyFactory, UserFactory

    complaint = submit()
    agency = AgencyFactory()
    ticket = AgencyTicket.objects.create(complaint=complaint, agency=agency, opened_at=complaint.submitted_at)
    AgencyResponse.objects.create(
        ticket=ticket,
        author=UserFactory(username="agency-staff"),
        statement='<a href="javascript:alert(1)">see recording</a>',
        remediation="warned",
        submitted_at=complaint.submitted_at,
    )
    content = client_for(agent).get(page(complaint)).content.decode()
    assert '<a href="javascript:alert(1)">' not in content
    assert "&lt;a href=&quot;javascript:alert(1)&quot;&gt;" in content


def test_triage_list_shows_flags_as_words_not_json(client_for, agent, submit):
    from complaints.models import TriageItem

    complaint = submit()
    TriageItem.objects.update_or_create(
        complaint=complaint, defaults={"opened_at": complaint.submitted_at, "flags": ["S1", "Agency suspended."]}
    )
    content = client_for(agent).get("/admin/complaints/triageitem/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "S1 critical" in content
    assert "Agency suspended." in content
    assert "[&quot;S1&quot;" not in content


def test_evidence_the_borrower_added_is_shown_as_from_the_borrower(submit):
    from complaints.models import Evidence, TimelineEvent
    from complaints.services.evidence import evidence_event
    from desk.admin.complaints.page import timeline_party
    from tests.factories import BorrowerFactory, UserFactory

    complaint = submit(borrower=BorrowerFactory(user=UserFactory()))
    evidence_event(
        complaint=complaint,
        evidence=[Evidence(original_name="call-log.png")],
        visibility=TimelineEvent.Visibility.ALL,
        author=complaint.borrower.user,
        now=complaint.submitted_at,
    )
    event = complaint.timeline.get(kind=TimelineEvent.Kind.EVIDENCE_ADDED)
    assert timeline_party(event, complaint)[0] == "borrower"
