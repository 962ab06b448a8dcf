import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints import services
from complaints.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    AgencyResponse,
    AgencyTicket,
    Complaint,
    SLATarget,
    Status,
    TimelineEvent,
    transition_allowed,
)
from complaints.services import ComplaintTransitionError
from tests.factories import UserFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db

LATER = NOW + datetime.timedelta(hours=1)


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def supervisor(db):
    return UserFactory(is_staff=True, is_superuser=True)


def force(complaint: Complaint, status: str) -> Complaint:
    """Test setup only: put the complaint in a status directly."""
    fields = {"status": status}
    if status == Status.RESOLVED:
        fields.update(
            resolution_type="explanation",
            finding="not_substantiated",
            review_window_ends_at=NOW + datetime.timedelta(days=30),
        )
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    complaint.refresh_from_db()
    return complaint


def decide(complaint, staff, now):
    """Take the complaint from the agency into review and decide it."""
    complaint.refresh_from_db()
    if complaint.status != Status.UNDER_REVIEW:
        services.complaint_start_review(complaint=complaint, by=staff, now=now)
    services.complaint_resolve(
        complaint=complaint,
        by=staff,
        resolution_type="explanation",
        finding="not_substantiated",
        explanation="No breach.",
        now=now,
    )


def _actions(staff):
    def borrower_kwargs(c):
        return {"complaint": c, "borrower": c.borrower, "user": c.borrower.user, "now": LATER}

    return {
        "acknowledge": (
            Status.ACKNOWLEDGED,
            lambda c: services.complaint_acknowledge(complaint=c, by=staff, now=LATER),
        ),
        "send_to_agency": (
            Status.WITH_AGENCY,
            lambda c: services.complaint_send_to_agency(complaint=c, by=staff, message="Please answer.", now=LATER),
        ),
        "start_review": (
            Status.UNDER_REVIEW,
            lambda c: services.complaint_start_review(complaint=c, by=staff, now=LATER),
        ),
        "escalate": (
            Status.ESCALATED,
            lambda c: services.complaint_escalate(complaint=c, by=staff, reason="Serious.", now=LATER),
        ),
        "resolve": (
            Status.RESOLVED,
            lambda c: services.complaint_resolve(
                complaint=c,
                by=staff,
                resolution_type="non_monetary",
                finding="substantiated",
                explanation="The collector was removed.",
                now=LATER,
            ),
        ),
        "withdraw": (Status.WITHDRAWN, lambda c: services.complaint_withdraw(reason="", **borrower_kwargs(c))),
        "reopen": (
            Status.REOPENED,
            lambda c: services.complaint_reopen(complaint=c, by=staff, reason="New facts.", now=LATER),
        ),
    }


ACTIONS = ["acknowledge", "send_to_agency", "start_review", "escalate", "resolve", "withdraw", "reopen"]


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_is_allowed_exactly_where_the_table_says(routed, staff, status, action):
    complaint = force(routed(), status)
    target, call = _actions(staff)[action]
    if transition_allowed(status, target):
        call(complaint)
        complaint.refresh_from_db()
        assert complaint.status == target
    else:
        with pytest.raises(ComplaintTransitionError):
            call(complaint)
        complaint.refresh_from_db()
        assert complaint.status == status


def test_every_status_has_a_row_in_the_table():
    assert set(TRANSITIONS) == set(Status.values)


def test_withdrawn_is_final():
    assert TRANSITIONS[Status.WITHDRAWN] == frozenset()


def test_transition_sets_timestamp_and_appends_timeline(routed, staff):
    complaint = force(routed(), Status.AGENCY_RESPONDED)
    services.complaint_start_review(complaint=complaint, by=staff, now=LATER)
    complaint.refresh_from_db()
    event = complaint.timeline.order_by("-pk").first()
    assert complaint.under_review_at == LATER
    assert (event.kind, event.data["from"], event.data["to"], event.author) == (
        TimelineEvent.Kind.REVIEW_STARTED,
        Status.AGENCY_RESPONDED,
        Status.UNDER_REVIEW,
        staff,
    )


def test_timeline_events_cannot_be_changed(routed):
    event = routed().timeline.first()
    event.text = "changed"
    with pytest.raises(ValueError):
        event.save()


@pytest.mark.parametrize("status", sorted(set(Status.values) - {Status.RESOLVED}))
def test_borrower_cannot_accept_without_a_decision(routed, status):
    complaint = force(routed(), status)
    with pytest.raises(ComplaintTransitionError):
        services.complaint_accept_decision(complaint=complaint, borrower=complaint.borrower, user=None, now=LATER)


def test_accepting_the_decision_closes(routed):
    complaint = force(routed(), Status.RESOLVED)
    services.complaint_accept_decision(complaint=complaint, borrower=complaint.borrower, user=None, now=LATER)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_reason) == (Status.CLOSED, Complaint.ClosedReason.ACCEPTED)


def test_rejecting_the_decision_reopens_and_escalates_with_review_clock(routed, borrower_notices):
    complaint = force(routed(), Status.RESOLVED)
    services.complaint_reject_decision(
        complaint=complaint, borrower=complaint.borrower, user=None, reason="The calls went on.", now=LATER
    )
    complaint.refresh_from_db()
    review = complaint.sla_targets.get(kind=SLATarget.Kind.REVIEW)
    assert (complaint.status, complaint.reopened_at) == (Status.ESCALATED, LATER)
    assert review.due_at == LATER + datetime.timedelta(days=15)
    assert borrower_notices[-1]["event"] == "complaint.reopened"


def test_reject_needs_a_reason(routed):
    complaint = force(routed(), Status.RESOLVED)
    with pytest.raises(ValidationError):
        services.complaint_reject_decision(
            complaint=complaint, borrower=complaint.borrower, user=None, reason=" ", now=LATER
        )


def test_review_within_thirty_days_gets_a_fifteen_day_target(routed, staff):
    complaint = routed()
    decide(complaint, staff, NOW)
    asked = NOW + datetime.timedelta(days=29)
    services.complaint_request_review(
        complaint=complaint, borrower=complaint.borrower, user=None, reason="You ignored my recording.", now=asked
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED
    assert complaint.decision_due_at == asked + datetime.timedelta(days=15)


def test_review_after_thirty_days_is_refused(routed, staff):
    complaint = routed()
    decide(complaint, staff, NOW)
    with pytest.raises(ComplaintTransitionError):
        services.complaint_request_review(
            complaint=complaint,
            borrower=complaint.borrower,
            user=None,
            reason="Too late?",
            now=NOW + datetime.timedelta(days=31),
        )


def test_only_one_review(routed, staff):
    complaint = routed()
    decide(complaint, staff, NOW)
    services.complaint_request_review(
        complaint=complaint, borrower=complaint.borrower, user=None, reason="Again", now=NOW
    )
    decide(complaint, staff, LATER)
    with pytest.raises(ComplaintTransitionError):
        services.complaint_request_review(
            complaint=complaint, borrower=complaint.borrower, user=None, reason="Again", now=LATER
        )


def test_review_window_end_closes_the_complaint_in_the_sweep(routed, staff):
    complaint = routed()
    decide(complaint, staff, NOW)
    counts = services.sla_sweep(now=NOW + datetime.timedelta(days=31))
    complaint.refresh_from_db()
    assert counts["closed"] == 1
    assert (complaint.status, complaint.closed_reason) == (Status.CLOSED, Complaint.ClosedReason.REVIEW_WINDOW_ENDED)


def test_resolve_needs_an_explanation(routed, staff):
    with pytest.raises(ValidationError):
        services.complaint_resolve(
            complaint=routed(),
            by=staff,
            resolution_type="explanation",
            finding="substantiated",
            explanation="",
            now=LATER,
        )


def test_resolve_refuses_unknown_resolution_type(routed, staff):
    with pytest.raises(ValidationError):
        services.complaint_resolve(
            complaint=routed(), by=staff, resolution_type="vibes", finding="substantiated", explanation="x", now=LATER
        )


def test_rating_once_after_decision(routed):
    complaint = force(routed(), Status.RESOLVED)
    services.complaint_rate(complaint=complaint, borrower=complaint.borrower, user=None, rating=4, now=LATER)
    with pytest.raises(ComplaintTransitionError):
        services.complaint_rate(complaint=complaint, borrower=complaint.borrower, user=None, rating=5, now=LATER)


def test_rating_refused_while_open(routed):
    complaint = routed()
    with pytest.raises(ComplaintTransitionError):
        services.complaint_rate(complaint=complaint, borrower=complaint.borrower, user=None, rating=4, now=LATER)


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_rating_outside_one_to_five_is_refused(routed, rating):
    complaint = force(routed(), Status.RESOLVED)
    with pytest.raises(ValidationError):
        services.complaint_rate(complaint=complaint, borrower=complaint.borrower, user=None, rating=rating, now=LATER)


def test_borrower_services_refuse_another_borrowers_complaint(routed):
    from tests.factories import BorrowerFactory

    complaint = routed()
    with pytest.raises(ComplaintTransitionError):
        services.complaint_withdraw(complaint=complaint, borrower=BorrowerFactory(), user=None, reason="", now=LATER)


def test_merge_closes_the_duplicate_into_the_primary(routed, staff):
    primary, duplicate = routed(), routed()
    services.complaint_merge(duplicate=duplicate, primary=primary, by=staff, now=LATER)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into, duplicate.closed_reason) == (
        Status.CLOSED,
        primary,
        Complaint.ClosedReason.MERGED,
    )
    assert not duplicate.sla_targets.filter(met_at__isnull=True, cancelled_at__isnull=True).exists()


def test_merge_refuses_other_borrowers_complaints(routed, staff):
    from tests.factories import BorrowerFactory, LoanAccountFactory

    other = BorrowerFactory()
    theirs = routed(borrower=other, account=LoanAccountFactory(borrower=other))
    with pytest.raises(ValidationError):
        services.complaint_merge(duplicate=routed(), primary=theirs, by=staff, now=LATER)


def test_merge_into_itself_is_refused(routed, staff):
    complaint = routed()
    with pytest.raises(ValidationError):
        services.complaint_merge(duplicate=complaint, primary=complaint, by=staff, now=LATER)


def test_merged_complaint_cannot_be_reopened(routed, staff):
    primary, duplicate = routed(), routed()
    services.complaint_merge(duplicate=duplicate, primary=primary, by=staff, now=LATER)
    with pytest.raises(ComplaintTransitionError):
        services.complaint_reopen(complaint=duplicate, by=staff, reason="oops", now=LATER)


def test_assign_only_to_staff(routed, staff):
    with pytest.raises(ValidationError):
        services.complaint_assign(complaint=routed(), assignee=UserFactory(), by=staff, now=LATER)


def test_assign_records_and_finishes_triage(routed, staff):
    complaint = routed()
    services.complaint_assign(complaint=complaint, assignee=staff, by=staff, now=LATER)
    complaint.refresh_from_db()
    assert complaint.assignee == staff
    assert complaint.triage.done_at == LATER


def test_note_visibility_decides_who_reads_it(routed, staff):
    from complaints.selectors import timeline_for

    complaint = routed()
    services.complaint_note_add(
        complaint=complaint, author=staff, visibility="agency", text="For the agency", now=LATER
    )
    assert timeline_for(complaint=complaint, audience="agency").filter(text="For the agency").exists()
    assert not timeline_for(complaint=complaint, audience="borrower").filter(text="For the agency").exists()


def test_note_the_borrower_may_read_is_sent_to_them(routed, staff, borrower_notices):
    complaint = routed()
    borrower_notices.clear()
    services.complaint_note_add(
        complaint=complaint, author=staff, visibility="borrower", text="We listened to the call.", now=LATER
    )
    [sent] = borrower_notices
    assert (sent["event"], sent["borrower"]) == ("complaint.message", complaint.borrower)
    assert sent["context"]["reason"] == "We listened to the call."


def test_notes_for_staff_or_the_agency_only_send_the_borrower_nothing(routed, staff, borrower_notices):
    complaint = routed()
    borrower_notices.clear()
    for visibility in ("internal", "agency"):
        services.complaint_note_add(
            complaint=complaint, author=staff, visibility=visibility, text="Not yours", now=LATER
        )
    assert borrower_notices == []


def test_severity_override_to_s1_recomputes_and_holds(routed, staff, account):
    complaint = routed()
    services.complaint_set_severity(
        complaint=complaint, severity=1, by=staff, reason="Threats found in recording", now=LATER
    )
    complaint.refresh_from_db()
    assert (complaint.severity, complaint.severity_overridden) == (1, True)
    assert complaint.decision_due_at == complaint.submitted_at + datetime.timedelta(days=7)
    assert complaint.hold.lifted_at is None


def test_hold_lift_needs_a_supervisor(routed, staff, supervisor):
    from complaints.models import Hold
    from complaints.services import hold_lift

    from .conftest import category

    complaint = routed(category=category("TP-CONTACTS"))
    hold = Hold.objects.get(complaint=complaint)
    with pytest.raises(PermissionDenied):
        hold_lift(hold=hold, by=staff, reason="Checked", now=LATER)
    hold_lift(hold=hold, by=supervisor, reason="Checked the recordings", now=LATER)
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lifted_at) == (supervisor, LATER)


# The agency's side -------------------------------------------------------


@pytest.fixture
def agency_user(agency):
    from agencies.models import AgencyMembership

    user = UserFactory()
    AgencyMembership.objects.create(user=user, agency=agency)
    return user


def respond(complaint, user, **overrides):
    values = {"statement": "We spoke to the collector.", "remediation": AgencyResponse.Remediation.WARNED, "now": LATER}
    values.update(overrides)
    return services.agency_response_submit(ticket=complaint.ticket, user=user, **values)


def test_agency_response_moves_to_agency_responded_and_stops_its_clock(routed, agency_user, borrower_notices):
    complaint = routed()
    respond(complaint, agency_user)
    complaint.refresh_from_db()
    target = complaint.sla_targets.get(kind=SLATarget.Kind.AGENCY_FIRST_RESPONSE)
    assert complaint.status == Status.AGENCY_RESPONDED
    assert (target.met_at, complaint.ticket.first_response_at) == (LATER, LATER)
    assert borrower_notices[-1]["event"] == "complaint.agency_responded"


def test_agency_response_no_action_needs_a_reason(routed, agency_user):
    with pytest.raises(ValidationError):
        respond(routed(), agency_user, remediation=AgencyResponse.Remediation.NONE)


def test_agency_response_refused_for_another_agencys_member(routed):
    from agencies.models import AgencyMembership
    from tests.factories import AgencyFactory

    user = UserFactory()
    AgencyMembership.objects.create(user=user, agency=AgencyFactory())
    with pytest.raises(PermissionDenied):
        respond(routed(), user)


@pytest.mark.parametrize("status", sorted(set(Status.values) - OPEN_STATUSES))
def test_agency_response_refused_once_closed(routed, agency_user, status):
    complaint = force(routed(), status)
    with pytest.raises(ComplaintTransitionError):
        respond(complaint, agency_user)


def test_agency_extension_request_then_approval_moves_its_deadline(routed, agency_user, supervisor):
    complaint = routed()
    before = complaint.ticket.response_due_at
    services.agency_extension_request(ticket=complaint.ticket, user=agency_user, reason="Collector on leave", now=LATER)
    with pytest.raises(ComplaintTransitionError):
        services.agency_extension_request(ticket=complaint.ticket, user=agency_user, reason="Again", now=LATER)
    ticket = services.agency_extension_approve(ticket=complaint.ticket, by=supervisor, now=LATER, business_days=2)
    assert ticket.response_due_at > before
    assert ticket.extension_status == "approved"


def test_agency_extension_refusal_keeps_the_deadline(routed, agency_user, supervisor, staff):
    complaint = routed()
    before = complaint.ticket.response_due_at
    services.agency_extension_request(ticket=complaint.ticket, user=agency_user, reason="Busy", now=LATER)
    with pytest.raises(PermissionDenied):
        services.agency_extension_refuse(ticket=complaint.ticket, by=staff, reason="No", now=LATER)
    ticket = services.agency_extension_refuse(ticket=complaint.ticket, by=supervisor, reason="Answer now", now=LATER)
    assert (ticket.extension_status, ticket.response_due_at) == ("refused", before)


def test_severity_change_moves_the_agency_ticket_deadline(routed, staff):
    complaint = routed()
    before = complaint.ticket.response_due_at
    services.complaint_set_severity(complaint=complaint, severity=1, by=staff, reason="Threats", now=LATER)
    complaint.ticket.refresh_from_db()
    assert complaint.ticket.response_due_at < before


def test_agency_response_during_review_is_recorded_without_a_status_change(routed, agency_user, staff):
    complaint = routed()
    services.complaint_start_review(complaint=complaint, by=staff, now=LATER)
    respond(complaint, agency_user)
    complaint.refresh_from_db()
    assert complaint.status == Status.UNDER_REVIEW
    assert complaint.ticket.responses.count() == 1


def test_sending_back_to_the_agency_starts_a_new_response_clock(routed, agency_user, staff):
    complaint = routed()
    respond(complaint, agency_user)
    services.complaint_send_to_agency(complaint=complaint, by=staff, message="Send the call recording.", now=LATER)
    complaint.refresh_from_db()
    open_clock = complaint.sla_targets.get(
        kind=SLATarget.Kind.AGENCY_FIRST_RESPONSE, met_at__isnull=True, cancelled_at__isnull=True
    )
    assert complaint.status == Status.WITH_AGENCY
    assert (complaint.ticket.status, complaint.ticket.platform_message) == ("open", "Send the call recording.")
    assert complaint.ticket.response_due_at == open_clock.due_at


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (AgencyTicket.Status.RESPONDED, "responded"),
        (AgencyTicket.Status.CLOSED, "ticket_closed"),
        (AgencyTicket.Status.MOVED, "ticket_moved"),
    ],
)
def test_agency_extension_request_refused_with_the_tickets_own_reason(routed, agency_user, status, code):
    ticket = routed().ticket
    AgencyTicket.objects.filter(pk=ticket.pk).update(status=status)
    with pytest.raises(ComplaintTransitionError) as refused:
        services.agency_extension_request(ticket=ticket, user=agency_user, reason="Busy", now=LATER)
    assert refused.value.code == code
