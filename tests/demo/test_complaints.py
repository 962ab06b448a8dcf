import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from complaints.models import AgencyTicket, Complaint, Finding, Hold, Status
from complaints.sla_state import SlaState
from portal.demo import complaints as demo
from workspace.selectors import agency_tickets


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker):
    """The demo world with its complaints, loaded once for the class and
    rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo_data", stdout=io.StringIO())
        yield demo.demo_complaints()
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestDemoComplaints:
    def test_every_demo_complaint_is_filed(self, loaded):
        assert set(loaded) == {spec.key for spec in demo.COMPLAINTS}

    def test_demo_complaints_reach_every_settled_status(self, loaded):
        # Submitted and acknowledged last only until routing, which runs at once.
        settled = set(Status.values) - {Status.SUBMITTED, Status.ACKNOWLEDGED}
        assert {complaint.status for complaint in loaded.values()} == settled

    def test_demo_complaints_reach_every_sla_state(self, loaded):
        now = timezone.now()
        states = {key: demo.complaint_sla_state(complaint, now=now) for key, complaint in loaded.items()}
        assert set(states.values()) == set(SlaState.values)
        assert states["at-risk"] == SlaState.AT_RISK
        assert states["breached"] == SlaState.BREACHED
        assert states["waiting-on-borrower"] == SlaState.PAUSED

    def test_the_breached_complaint_is_escalated(self, loaded):
        complaint = loaded["breached"]
        assert complaint.status == Status.ESCALATED
        assert complaint.sla_targets.filter(breached_at__isnull=False, escalated_at__isnull=False).exists()

    def test_the_new_s1_complaint_holds_the_agency(self, loaded):
        complaint = loaded["s1-hold"]
        assert Hold.objects.get(complaint=complaint).lifted_at is None

    def test_extensions_once_and_twice(self, loaded):
        assert loaded["extended-once"].extension_count == 1
        assert loaded["extended-twice"].extension_count == 2

    def test_closed_complaints_carry_each_finding(self, loaded):
        closed = {c.finding for c in loaded.values() if c.status == Status.CLOSED}
        assert closed == set(Finding.values)

    def test_moved_complaint_has_a_ticket_at_each_agency(self, loaded):
        tickets = loaded["moved"].tickets.values_list("agency__external_id", "status")
        assert set(tickets) == {("AG-HUAXIN", AgencyTicket.Status.MOVED), ("AG-JINGCHENG", AgencyTicket.Status.OPEN)}

    def test_an_agency_request_for_more_time_is_pending(self, loaded):
        ticket = AgencyTicket.objects.current().get(complaint=loaded["extension-pending"])
        assert ticket.extension_status == AgencyTicket.ExtensionStatus.REQUESTED

    def test_demo_complaints_spread_over_agencies(self, loaded):
        agencies = {complaint.agency.external_id for complaint in loaded.values()}
        assert {"AG-AYD", "AG-HUAXIN", "AG-JINGCHENG"} <= agencies

    def test_each_agency_sees_its_tickets(self, loaded):
        for external_id in ("AG-HUAXIN", "AG-JINGCHENG"):
            agency = Agency.objects.get(external_id=external_id)
            seen = set(agency_tickets(agency=agency).values_list("complaint__reference", flat=True))
            own = {c.reference for c in loaded.values() if c.agency_id == agency.pk}
            assert own and own <= seen

    def test_loading_again_adds_nothing(self, loaded):
        before = (Complaint.objects.count(), AgencyTicket.objects.count())
        out = io.StringIO()
        demo.load(stdout=out)
        assert (Complaint.objects.count(), AgencyTicket.objects.count()) == before
        assert "0" in out.getvalue()

    def test_the_guide_points_at_complaints_by_reference(self, loaded):
        text = "\n".join(demo.guide(base_url="http://x"))
        assert loaded["extension-pending"].reference in text
        assert f"/admin/complaints/complaint/{loaded['breached'].pk}/change/" in text
