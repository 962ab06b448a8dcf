"""Staff move a complaint to the agency that is really responsible: the
first agency's ticket closes as moved, the new agency starts afresh and
never sees what the first one wrote or received."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import AgencyMembership
from complaints import services
from complaints.models import AgencyTicket, Hold, SLATarget, Status, TimelineEvent
from complaints.selectors import evidence_for_agency, evidence_for_ticket, ticket_for_agency, timeline_for_ticket
from complaints.services import ComplaintTransitionError
from complaints.services.notify import EMAIL, WEBHOOK
from complaints.uploads import check_upload
from outbox.models import Obligation
from tests.factories import AgencyFactory, UserFactory

from .conftest import category
from .test_transitions import LATER, respond

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MOVED_AT = LATER + datetime.timedelta(hours=1)


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def agency_user(agency):
    user = UserFactory()
    AgencyMembership.objects.create(user=user, agency=agency)
    return user


@pytest.fixture
def other_agency(db):
    return AgencyFactory(email="other@example.cn", webhook_url="https://other.example.cn/hooks", webhook_secret="s")


def move(complaint, to, by, **overrides):
    values = {"reason": "The caller's number belongs to the other agency.", "now": MOVED_AT}
    values.update(overrides)
    return services.complaint_move_to_agency(complaint=complaint, agency=to, by=by, **values)


def test_move_closes_the_first_ticket_as_moved_and_opens_one_for_the_new_agency(routed, agency, other_agency, staff):
    complaint = routed()
    first = complaint.ticket
    move(complaint, other_agency, staff)
    first.refresh_from_db()
    assert (first.status, first.closed_at) == (AgencyTicket.Status.MOVED, MOVED_AT)
    assert (complaint.ticket.agency, complaint.ticket.status) == (other_agency, AgencyTicket.Status.OPEN)


def test_move_makes_the_new_agency_responsible_and_keeps_the_complaint_with_the_agency(routed, other_agency, staff):
    complaint = move(routed(), other_agency, staff)
    complaint.refresh_from_db()
    assert (complaint.agency, complaint.collector, complaint.status) == (other_agency, None, Status.WITH_AGENCY)


def test_move_restarts_the_agency_response_clock(routed, other_agency, staff):
    complaint = move(routed(), other_agency, staff)
    targets = complaint.sla_targets.filter(kind=SLATarget.Kind.AGENCY_FIRST_RESPONSE).order_by("started_at")
    assert [(t.cancelled_at, t.started_at) for t in targets] == [(MOVED_AT, targets[0].started_at), (None, MOVED_AT)]
    assert complaint.ticket.response_due_at == targets[1].due_at


def test_new_agency_sees_none_of_the_first_agencys_answers_or_messages(routed, other_agency, staff, agency_user):
    complaint = routed()
    respond(complaint, agency_user, statement="Our collector denies it.")
    services.complaint_send_to_agency(complaint=complaint, by=staff, message="Send the recording.", now=LATER)
    move(complaint, other_agency, staff, message="Please answer for your collector.")
    shown = timeline_for_ticket(ticket=complaint.ticket)
    texts = list(shown.values_list("text", flat=True))
    assert "Please answer for your collector." in texts
    assert "Send the recording." not in texts
    assert not shown.filter(kind=TimelineEvent.Kind.AGENCY_RESPONDED).exists()
    assert not complaint.ticket.responses.exists()


def test_new_agency_never_gets_the_first_agencys_files(routed, other_agency, staff, agency_user):
    complaint = routed(consent_to_share=True)
    respond(complaint, agency_user, files=[check_upload(SimpleUploadedFile("call-log.png", PNG))])
    move(complaint, other_agency, staff)
    services.complaint_send_to_agency(complaint=complaint, by=staff, message="Over to you.", now=MOVED_AT)
    agency_file = complaint.evidence.get(party="agency")
    assert not evidence_for_ticket(ticket=complaint.ticket).filter(pk=agency_file.pk).exists()
    with pytest.raises(Exception, match="No such file"):
        evidence_for_agency(agency=other_agency, token=agency_file.token)


def test_first_agency_keeps_its_own_file_after_the_move(routed, agency, other_agency, staff, agency_user):
    complaint = routed(consent_to_share=True)
    respond(complaint, agency_user, files=[check_upload(SimpleUploadedFile("call-log.png", PNG))])
    move(complaint, other_agency, staff)
    agency_file = complaint.evidence.get(party="agency")
    assert evidence_for_agency(agency=agency, token=agency_file.token) == agency_file


def test_first_agency_sees_nothing_that_happens_after_the_move(routed, agency, other_agency, staff):
    complaint = routed()
    move(complaint, other_agency, staff, message="For the new agency only.")
    services.complaint_note_add(
        complaint=complaint, author=staff, text="For everyone.", visibility="all", now=MOVED_AT + datetime.timedelta(1)
    )
    old = ticket_for_agency(agency=agency, reference=complaint.reference)
    texts = list(timeline_for_ticket(ticket=old).values_list("text", flat=True))
    assert old.is_moved
    assert "For the new agency only." not in texts
    assert "For everyone." not in texts


def test_first_agency_can_no_longer_answer(routed, other_agency, staff, agency_user):
    complaint = routed()
    first = complaint.ticket
    move(complaint, other_agency, staff)
    with pytest.raises(ComplaintTransitionError, match="moved to another agency"):
        services.agency_response_submit(
            ticket=first, user=agency_user, statement="Late answer.", remediation="warned", now=MOVED_AT
        )


def test_both_agencies_are_told(routed, agency, other_agency, staff):
    complaint = routed()
    move(complaint, other_agency, staff)
    mails = Obligation.objects.filter(kind=EMAIL, payload__to=[agency.email], key__endswith="moved-mail")
    hooks = Obligation.objects.filter(kind=WEBHOOK, payload__agency_id=other_agency.pk)
    assert mails.count() == 1
    assert list(hooks.values_list("payload__event", flat=True)) == ["ticket.opened"]


def test_first_agency_gets_a_moved_webhook(routed, agency, other_agency, staff):
    agency.webhook_url, agency.webhook_secret = "https://agency.example.cn/hooks", "s"
    agency.save(update_fields=["webhook_url", "webhook_secret"])
    complaint = routed()
    move(complaint, other_agency, staff)
    moved = Obligation.objects.get(kind=WEBHOOK, payload__event="ticket.moved")
    assert (moved.payload["agency_id"], moved.payload["data"]) == (agency.pk, {"reference": complaint.reference})


def test_move_is_recorded_for_staff_only(routed, agency, other_agency, staff):
    complaint = move(routed(), other_agency, staff)
    event = complaint.timeline.get(kind=TimelineEvent.Kind.AGENCY_CHANGED)
    assert (event.visibility, event.author, event.data["from"], event.data["to"]) == (
        TimelineEvent.Visibility.INTERNAL,
        staff,
        agency.pk,
        other_agency.pk,
    )


def test_a_hold_on_the_first_agency_moves_to_the_new_one(routed, agency, other_agency, staff):
    complaint = routed(category=category("TP-CONTACTS"))
    assert Hold.objects.get(complaint=complaint).agency == agency
    move(complaint, other_agency, staff)
    hold = Hold.objects.get(complaint=complaint)
    assert (hold.agency, hold.placed_at, hold.lifted_at) == (other_agency, MOVED_AT, None)


def test_a_hold_is_lifted_when_the_in_house_team_takes_the_complaint(routed, in_house, staff):
    complaint = routed(category=category("TP-CONTACTS"))
    move(complaint, in_house, staff)
    hold = Hold.objects.get(complaint=complaint)
    assert (hold.lifted_at, hold.lifted_by) == (MOVED_AT, staff)


def test_complaint_not_yet_with_an_agency_only_changes_the_responsible_agency(routed, other_agency, staff):
    complaint = routed()
    services.complaint_start_review(complaint=complaint, by=staff, now=LATER)
    move(complaint, other_agency, staff)
    complaint.refresh_from_db()
    assert (complaint.agency, complaint.status, complaint.ticket) == (other_agency, Status.UNDER_REVIEW, None)


def test_sending_after_a_move_opens_the_new_agencys_ticket(routed, other_agency, staff):
    complaint = routed()
    services.complaint_start_review(complaint=complaint, by=staff, now=LATER)
    move(complaint, other_agency, staff)
    services.complaint_send_to_agency(complaint=complaint, by=staff, message="Over to you.", now=MOVED_AT)
    assert (complaint.ticket.agency, complaint.tickets.count()) == (other_agency, 2)


def test_move_needs_a_reason(routed, other_agency, staff):
    with pytest.raises(ValidationError, match="reason"):
        move(routed(), other_agency, staff, reason="  ")


def test_move_to_the_same_agency_is_refused(routed, agency, staff):
    with pytest.raises(ValidationError, match="already responsible"):
        move(routed(), agency, staff)


def test_move_to_a_suspended_agency_is_refused(routed, staff):
    suspended = AgencyFactory(status="suspended")
    with pytest.raises(ValidationError, match="not authorised now"):
        move(routed(), suspended, staff)


def test_move_of_a_withdrawn_complaint_is_refused(routed, other_agency, staff):
    complaint = routed()
    services.complaint_withdraw(
        complaint=complaint, borrower=complaint.borrower, user=complaint.borrower.user, reason="Sorted out.", now=LATER
    )
    with pytest.raises(ComplaintTransitionError):
        move(complaint, other_agency, staff)
    assert complaint.tickets.count() == 1
