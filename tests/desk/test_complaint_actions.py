"""Every desk action, allowed and refused, through the admin as staff use it."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import translation

from complaints.models import AgencyTicket, Complaint, Hold, SLATarget, Status, TimelineEvent
from complaints.services import complaint_acknowledge, complaint_resolve
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:complaints_complaint_changelist")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def act(client, action, complaints, **extra):
    return client.post(
        CHANGELIST,
        {"action": action, ACTION_CHECKBOX_NAME: [str(c.pk) for c in complaints], **extra},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def reload(complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def with_agency(complaint):
    Complaint.objects.filter(pk=complaint.pk).update(agency=AgencyFactory())
    return reload(complaint)


def test_acknowledge_refused_on_an_acknowledged_complaint_says_why(client_for, agent, submit):
    complaint = submit()
    complaint_acknowledge(complaint=complaint, by=None, now=complaint.submitted_at)
    response = act(client_for(agent), "acknowledge", [complaint])
    assert any(complaint.reference in m and "cannot be moved" in m for m in messages_of(response))


def test_bulk_acknowledge_applies_to_those_it_can_and_reports_the_others(client_for, agent, submit):
    fresh, done = submit(), submit()
    complaint_acknowledge(complaint=done, by=None, now=done.submitted_at)
    response = act(client_for(agent), "acknowledge", [fresh, done])
    assert reload(fresh).status == Status.ACKNOWLEDGED
    texts = messages_of(response)
    assert any("1 complaint acknowledged" in m for m in texts)
    assert any(done.reference in m for m in texts)


def test_assign_to_me(client_for, agent, submit):
    complaint = submit()
    act(client_for(agent), "assign_to_me", [complaint])
    assert reload(complaint).assignee == agent


def test_assign_to_someone_asks_whom_first(client_for, agent, supervisor, submit):
    complaint = submit()
    response = act(client_for(agent), "assign", [complaint])
    assert b'name="assignee"' in response.content
    assert reload(complaint).assignee is None
    act(client_for(agent), "assign", [complaint], desk_apply="1", assignee=str(supervisor.pk))
    assert reload(complaint).assignee == supervisor


def test_assign_refuses_a_user_who_is_not_desk_staff(client_for, agent, submit):
    from tests.factories import UserFactory

    outsider = UserFactory(username="outsider")
    complaint = submit()
    response = act(client_for(agent), "assign", [complaint], desk_apply="1", assignee=str(outsider.pk))
    assert b"errorlist" in response.content
    assert reload(complaint).assignee is None


def test_send_to_agency_with_a_message(client_for, agent, submit):
    complaint = with_agency(submit())
    complaint_acknowledge(complaint=complaint, by=None, now=complaint.submitted_at)
    act(client_for(agent), "send_to_agency", [complaint], desk_apply="1", message="Please send the call recording.")
    complaint = reload(complaint)
    assert complaint.status == Status.WITH_AGENCY
    assert AgencyTicket.objects.get(complaint=complaint).platform_message == "Please send the call recording."


def test_send_to_agency_refused_without_a_responsible_agency(client_for, agent, submit):
    complaint = submit()
    response = act(client_for(agent), "send_to_agency", [complaint], desk_apply="1", message="Hello")
    assert any("No responsible agency" in m for m in messages_of(response))
    assert reload(complaint).status == Status.SUBMITTED


def test_send_to_agency_needs_a_message(client_for, agent, submit):
    complaint = with_agency(submit())
    complaint_acknowledge(complaint=complaint, by=None, now=complaint.submitted_at)
    response = act(client_for(agent), "send_to_agency", [complaint], desk_apply="1", message="   ")
    assert b"errorlist" in response.content
    assert reload(complaint).status == Status.ACKNOWLEDGED


def test_request_information_pauses_the_decision_clock(client_for, agent, submit):
    complaint = submit()
    act(client_for(agent), "request_information", [complaint], desk_apply="1", question="Which number called you?")
    complaint = reload(complaint)
    assert complaint.waiting_on_borrower_since is not None
    decision = SLATarget.objects.get(complaint=complaint, kind="final_decision", met_at__isnull=True)
    assert decision.paused_at is not None


def test_request_information_refused_while_a_question_is_open(client_for, agent, submit):
    complaint = submit()
    client = client_for(agent)
    act(client, "request_information", [complaint], desk_apply="1", question="First?")
    response = act(client, "request_information", [complaint], desk_apply="1", question="Second?")
    assert any("not answered the last question" in m for m in messages_of(response))


def test_triage_agent_is_not_offered_escalation(client_for, agent, submit):
    submit()
    content = client_for(agent).get(CHANGELIST).content.decode()
    assert 'value="escalate"' not in content
    assert 'value="acknowledge"' in content


def test_triage_agent_cannot_escalate_by_posting(client_for, agent, submit):
    complaint = submit()
    act(client_for(agent), "escalate", [complaint], desk_apply="1", reason="Threats")
    assert reload(complaint).status == Status.SUBMITTED


def test_supervisor_escalates_with_a_reason(client_for, supervisor, submit):
    complaint = submit()
    act(client_for(supervisor), "escalate", [complaint], desk_apply="1", reason="Threats of violence")
    complaint = reload(complaint)
    assert complaint.status == Status.ESCALATED
    assert complaint.timeline.filter(kind=TimelineEvent.Kind.ESCALATED, text="Threats of violence").exists()


def test_first_extension_by_a_triage_agent(client_for, agent, submit):
    complaint = submit()
    act(client_for(agent), "extend", [complaint], desk_apply="1", reason="We need the recordings.")
    assert reload(complaint).extension_count == 1


def test_second_extension_refused_to_a_triage_agent(client_for, agent, submit):
    complaint = submit()
    client = client_for(agent)
    act(client, "extend", [complaint], desk_apply="1", reason="First")
    response = act(client, "extend", [complaint], desk_apply="1", reason="Second")
    assert reload(complaint).extension_count == 1
    assert any("supervisor" in m for m in messages_of(response))


def test_second_extension_by_a_supervisor(client_for, agent, supervisor, submit):
    complaint = submit()
    act(client_for(agent), "extend", [complaint], desk_apply="1", reason="First")
    act(client_for(supervisor), "extend", [complaint], desk_apply="1", reason="Second")
    assert reload(complaint).extension_count == 2


def test_resolve_records_the_decision(client_for, agent, submit):
    complaint = submit()
    complaint_acknowledge(complaint=complaint, by=None, now=complaint.submitted_at)
    act(client_for(agent), "start_review", [complaint])
    act(
        client_for(agent),
        "resolve",
        [complaint],
        desk_apply="1",
        resolution_type="non_monetary",
        finding="substantiated",
        explanation="The collector was removed from your account.",
    )
    complaint = reload(complaint)
    assert (complaint.status, complaint.resolution_type, complaint.finding) == (
        Status.RESOLVED,
        "non_monetary",
        "substantiated",
    )


def test_resolve_without_an_explanation_changes_nothing(client_for, agent, submit):
    complaint = submit()
    response = act(
        client_for(agent),
        "resolve",
        [complaint],
        desk_apply="1",
        resolution_type="explanation",
        finding="substantiated",
    )
    assert b"errorlist" in response.content
    assert reload(complaint).status == Status.SUBMITTED


def test_resolve_refused_on_a_submitted_complaint_says_why(client_for, agent, submit):
    complaint = submit()
    response = act(
        client_for(agent),
        "resolve",
        [complaint],
        desk_apply="1",
        resolution_type="explanation",
        finding="not_substantiated",
        explanation="No breach.",
    )
    assert reload(complaint).status == Status.SUBMITTED
    assert any(complaint.reference in m for m in messages_of(response))


def test_merge_duplicates_of_the_same_borrower(client_for, agent, submit):
    primary = submit()
    duplicate = submit(borrower=primary.borrower, account=primary.account)
    act(client_for(agent), "merge", [duplicate], desk_apply="1", primary=primary.reference)
    duplicate = reload(duplicate)
    assert (duplicate.status, duplicate.merged_into) == (Status.CLOSED, primary)


def test_merge_refused_across_borrowers(client_for, agent, submit):
    primary, other = submit(), submit()
    response = act(client_for(agent), "merge", [other], desk_apply="1", primary=primary.reference)
    assert reload(other).status == Status.SUBMITTED
    assert any("same borrower" in m for m in messages_of(response))


def test_merge_into_an_unknown_reference_is_a_form_error(client_for, agent, submit):
    complaint = submit()
    response = act(client_for(agent), "merge", [complaint], desk_apply="1", primary="TS-0000-0000")
    assert b"TS-0000-0000" in response.content
    assert reload(complaint).status == Status.SUBMITTED


def test_reopen_a_decided_complaint(client_for, agent, submit):
    complaint = submit()
    complaint_acknowledge(complaint=complaint, by=None, now=complaint.submitted_at)
    act(client_for(agent), "start_review", [complaint])
    complaint_resolve(
        complaint=complaint,
        by=agent,
        resolution_type="explanation",
        finding="not_substantiated",
        explanation="x",
        now=complaint.submitted_at,
    )
    act(client_for(agent), "reopen", [complaint], desk_apply="1", reason="New recording arrived.")
    assert reload(complaint).status == Status.REOPENED


def test_reopen_refused_on_an_open_complaint(client_for, agent, submit):
    complaint = submit()
    response = act(client_for(agent), "reopen", [complaint], desk_apply="1", reason="Why not")
    assert reload(complaint).status == Status.SUBMITTED
    assert any("cannot be moved" in m for m in messages_of(response))


def test_auditor_is_offered_no_action(client_for, auditor, submit):
    submit()
    content = client_for(auditor).get(CHANGELIST).content.decode()
    assert 'name="action"' not in content


def test_auditor_cannot_act_by_posting(client_for, auditor, submit):
    complaint = submit()
    act(client_for(auditor), "acknowledge", [complaint])
    act(client_for(auditor), "assign_to_me", [complaint])
    complaint = reload(complaint)
    assert (complaint.status, complaint.assignee) == (Status.SUBMITTED, None)


def test_lift_hold_by_a_supervisor(client_for, supervisor, submit):
    complaint = with_agency(submit())
    hold = Hold.objects.create(
        account=complaint.account, agency=complaint.agency, complaint=complaint, placed_at=complaint.submitted_at
    )
    act(client_for(supervisor), "lift_hold", [complaint], desk_apply="1", reason="Agency retrained the collector.")
    hold.refresh_from_db()
    assert hold.lifted_by == supervisor


def test_triage_agent_cannot_lift_a_hold(client_for, agent, submit):
    complaint = with_agency(submit())
    hold = Hold.objects.create(
        account=complaint.account, agency=complaint.agency, complaint=complaint, placed_at=complaint.submitted_at
    )
    act(client_for(agent), "lift_hold", [complaint], desk_apply="1", reason="x")
    hold.refresh_from_db()
    assert hold.lifted_at is None


def test_set_severity_with_a_reason(client_for, agent, submit):
    complaint = submit()
    act(client_for(agent), "set_severity", [complaint], desk_apply="1", severity="3", reason="Single late call.")
    complaint = reload(complaint)
    assert (complaint.severity, complaint.severity_overridden) == (3, True)


def test_an_action_on_too_many_rows_is_refused(client_for, agent, submit, monkeypatch):
    import desk.actions

    monkeypatch.setattr(desk.actions, "BULK_LIMIT", 1)
    first, second = submit(), submit()
    response = act(client_for(agent), "acknowledge", [first, second])
    assert reload(first).status == Status.SUBMITTED
    assert any("at most 1" in m for m in messages_of(response))


def test_a_suspended_agency_gets_no_new_ticket(client_for, agent, supervisor, submit):
    from agencies.suspension import agency_suspend

    complaint = with_agency(submit())
    complaint_acknowledge(complaint=complaint, by=None, now=complaint.submitted_at)
    agency_suspend(
        agency_id=complaint.agency_id,
        reason="Night calls",
        public_reason="conduct",
        by=supervisor,
        now=complaint.submitted_at,
    )
    response = act(client_for(agent), "send_to_agency", [complaint], desk_apply="1", message="Please answer.")
    assert reload(complaint).status == Status.ACKNOWLEDGED
    assert not AgencyTicket.objects.filter(complaint=complaint).exists()
    assert any("cannot receive tickets" in m for m in messages_of(response))


@pytest.fixture
def extension_asked(submit, agent):
    """A complaint with the agency, whose agency asked for more time."""
    from complaints.services import complaint_send_to_agency

    complaint = with_agency(submit())
    complaint_acknowledge(complaint=complaint, by=None, now=complaint.submitted_at)
    complaint_send_to_agency(complaint=complaint, by=agent, message="Please answer.", now=complaint.submitted_at)
    AgencyTicket.objects.filter(complaint=complaint).update(
        extension_status=AgencyTicket.ExtensionStatus.REQUESTED, extension_reason="Recordings are archived."
    )
    return reload(complaint)


def test_supervisor_approves_the_agencys_request_for_more_time(client_for, supervisor, extension_asked):
    before = AgencyTicket.objects.get(complaint=extension_asked).response_due_at
    act(client_for(supervisor), "approve_extension", [extension_asked], desk_apply="1", business_days="2")
    ticket = AgencyTicket.objects.get(complaint=extension_asked)
    assert ticket.extension_status == AgencyTicket.ExtensionStatus.APPROVED
    assert ticket.response_due_at > before


def test_supervisor_refuses_the_agencys_request_with_a_reason(client_for, supervisor, extension_asked):
    act(client_for(supervisor), "refuse_extension", [extension_asked], desk_apply="1", reason="Answer from notes.")
    assert AgencyTicket.objects.get(complaint=extension_asked).extension_status == "refused"


def test_triage_agent_cannot_decide_on_more_time(client_for, agent, extension_asked):
    act(client_for(agent), "approve_extension", [extension_asked], desk_apply="1", business_days="2")
    assert AgencyTicket.objects.get(complaint=extension_asked).extension_status == "requested"


def test_approving_when_nothing_was_asked_says_why(client_for, supervisor, submit):
    complaint = submit()
    response = act(client_for(supervisor), "approve_extension", [complaint], desk_apply="1")
    assert any("not been sent to an agency" in m for m in messages_of(response))


def test_start_review_refused_on_a_submitted_complaint(client_for, agent, submit):
    complaint = submit()
    response = act(client_for(agent), "start_review", [complaint])
    assert reload(complaint).status == Status.SUBMITTED
    assert any("cannot be moved" in m for m in messages_of(response))


def test_set_severity_needs_a_reason(client_for, agent, submit):
    complaint = submit()
    response = act(client_for(agent), "set_severity", [complaint], desk_apply="1", severity="1", reason=" ")
    assert b"errorlist" in response.content
    assert reload(complaint).severity_overridden is False


def test_actions_are_kept_in_the_admin_log(client_for, agent, submit):
    from django.contrib.admin.models import LogEntry

    complaint = submit()
    act(client_for(agent), "acknowledge", [complaint])
    entry = LogEntry.objects.get(object_id=str(complaint.pk))
    assert (entry.user, entry.change_message) == (agent, "Acknowledge")


def _with_the_agency(complaint, agent):
    from complaints.services import complaint_send_to_agency

    complaint = with_agency(complaint)
    complaint_acknowledge(complaint=complaint, by=None, now=complaint.submitted_at)
    return complaint_send_to_agency(complaint=complaint, by=agent, message="Please answer.", now=complaint.submitted_at)


def test_move_to_agency_asks_which_agency_and_why_then_moves(client_for, agent, submit):
    complaint = _with_the_agency(submit(), agent)
    first_agency, right_agency = complaint.agency, AgencyFactory()
    client = client_for(agent)
    assert b'name="agency"' in act(client, "move_to_agency", [complaint]).content
    act(client, "move_to_agency", [complaint], desk_apply="1", agency=str(right_agency.pk), reason="Wrong agency.")
    tickets = dict(AgencyTicket.objects.filter(complaint=complaint).values_list("agency", "status"))
    assert tickets == {first_agency.pk: AgencyTicket.Status.MOVED, right_agency.pk: AgencyTicket.Status.OPEN}


def test_move_to_agency_does_not_offer_a_suspended_agency(client_for, agent, submit):
    complaint = _with_the_agency(submit(), agent)
    suspended = AgencyFactory(status="suspended")
    response = act(
        client_for(agent), "move_to_agency", [complaint], desk_apply="1", agency=str(suspended.pk), reason="Moving."
    )
    assert b"errorlist" in response.content
    assert AgencyTicket.objects.filter(complaint=complaint).count() == 1


def test_move_to_agency_refused_for_the_agency_already_responsible_says_why(client_for, agent, submit):
    complaint = _with_the_agency(submit(), agent)
    response = act(
        client_for(agent),
        "move_to_agency",
        [complaint],
        desk_apply="1",
        agency=str(complaint.agency.pk),
        reason="Moving.",
    )
    assert any(complaint.reference in m and "already responsible" in m for m in messages_of(response))


def test_complaint_page_shows_the_ticket_it_moved_from(client_for, agent, submit):
    from complaints.services import complaint_move_to_agency

    complaint = _with_the_agency(submit(), agent)
    first = complaint.agency
    complaint_move_to_agency(
        complaint=complaint, agency=AgencyFactory(), by=agent, reason="Wrong agency.", now=complaint.submitted_at
    )
    url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    page = client_for(agent).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Earlier agency ticket" in page
    assert str(first) in page
