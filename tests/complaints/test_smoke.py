from complaints.models import Status


def test_routed_complaint_goes_to_the_agency(routed, agency, borrower_notices):
    complaint = routed()
    assert complaint.status == Status.WITH_AGENCY
    assert complaint.agency == agency
    assert complaint.ticket.agency == agency
    assert [n["event"] for n in borrower_notices] == ["complaint.acknowledged"]
