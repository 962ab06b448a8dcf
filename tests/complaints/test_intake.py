import datetime
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Complaint, SLATarget, Status
from complaints.services import complaint_submit
from complaints.services.intake import MAX_COMPLAINTS_PER_DAY
from complaints.uploads import check_upload
from tests.factories import ContactEventFactory, LoanAccountFactory

from .conftest import NOW, category

pytestmark = pytest.mark.django_db


def test_submit_takes_the_category_severity_and_starts_the_clocks(submit):
    complaint = submit(category=category("TP-CONTACTS"))
    assert (complaint.status, complaint.severity) == (Status.SUBMITTED, 1)
    kinds = set(complaint.sla_targets.values_list("kind", flat=True))
    assert kinds == {SLATarget.Kind.ACKNOWLEDGE, SLATarget.Kind.FINAL_DECISION}


def test_submit_twice_with_one_token_returns_the_first(submit):
    token = uuid.uuid4()
    first = submit(submit_token=token)
    second = submit(submit_token=token, description="A different text this time.")
    assert first.pk == second.pk
    assert Complaint.objects.count() == 1


def test_token_of_another_borrower_is_refused(submit, borrower):
    from tests.factories import BorrowerFactory

    token = uuid.uuid4()
    submit(submit_token=token)
    other = BorrowerFactory()
    with pytest.raises(ValidationError):
        submit(submit_token=token, borrower=other, account=LoanAccountFactory(borrower=other))


def test_submit_refuses_another_borrowers_account(submit):
    with pytest.raises(ValidationError):
        submit(account=LoanAccountFactory())


def test_submit_refuses_a_contact_event_of_another_account(submit):
    with pytest.raises(ValidationError):
        submit(contact_event=ContactEventFactory())


def test_submit_refuses_a_future_incident(submit):
    with pytest.raises(ValidationError):
        submit(incident_at=NOW + datetime.timedelta(hours=1))


def test_submit_is_limited_per_borrower_per_day(submit):
    for _ in range(MAX_COMPLAINTS_PER_DAY):
        submit()
    with pytest.raises(ValidationError) as error:
        submit()
    assert error.value.code == "too_many_complaints"


def test_files_of_a_failed_submission_are_removed(submit, borrower, account, monkeypatch, settings, tmp_path):
    from complaints.services import intake

    settings.PRIVATE_MEDIA_ROOT = tmp_path

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(intake, "obligation_create", broken)
    checked = check_upload(SimpleUploadedFile("p.pdf", b"%PDF-1.4\n" + b"x" * 50))
    with pytest.raises(RuntimeError):
        complaint_submit(
            borrower=borrower,
            user=borrower.user,
            account=account,
            category=category("CT-HOURS"),
            incident_at=NOW - datetime.timedelta(days=1),
            description="They called at night again.",
            submit_token=uuid.uuid4(),
            now=NOW,
            files=[checked],
        )
    assert not [path for path in Path(tmp_path).rglob("*") if path.is_file()]
    assert not Complaint.objects.exists()


@pytest.fixture
def evidence_folder(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def _pdf():
    return check_upload(SimpleUploadedFile("p.pdf", b"%PDF-1.4\n" + b"x" * 50))


def test_a_complaint_with_files_tells_of_them_after_its_submission(submit, evidence_folder):
    complaint = submit(files=[_pdf(), _pdf()])
    events = list(complaint.timeline.order_by("pk").values_list("kind", "data"))
    evidence = list(complaint.evidence.order_by("pk").values_list("pk", flat=True))
    assert events == [
        ("submitted", {"category": "CT-HOURS", "severity": complaint.severity}),
        ("evidence_added", {"files": ["p.pdf", "p.pdf"], "evidence": evidence}),
    ]


def test_files_cost_a_complaint_one_statement_more(submit, evidence_folder):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submit()
    with CaptureQueriesContext(connection) as without_files:
        submit()
    with CaptureQueriesContext(connection) as with_files:
        submit(files=[_pdf(), _pdf()])
    assert len(with_files) == len(without_files) + 1


def test_a_complaint_that_is_not_stored_does_not_count_towards_the_daily_limit(submit, borrower, account, monkeypatch):
    from complaints.services import intake

    def broken(**kwargs):
        raise RuntimeError("database went away")

    with monkeypatch.context() as patched:
        patched.setattr(intake, "obligation_create", broken)
        with pytest.raises(RuntimeError):
            submit()
    for _ in range(MAX_COMPLAINTS_PER_DAY):
        submit()
    assert Complaint.objects.count() == MAX_COMPLAINTS_PER_DAY


def test_a_new_complaint_shows_the_deadlines_of_its_first_clocks(submit):
    complaint = submit(category=category("TP-CONTACTS"))
    due = dict(complaint.sla_targets.values_list("kind", "due_at"))
    complaint.refresh_from_db()
    assert (complaint.acknowledge_due_at, complaint.decision_due_at) == (
        due[SLATarget.Kind.ACKNOWLEDGE],
        due[SLATarget.Kind.FINAL_DECISION],
    )


def test_the_first_clocks_keep_their_policy_deadlines_and_warnings(submit):
    """The clocks a new complaint starts with are those ``target_start``
    would start one by one."""
    from complaints.services import sla

    complaint = submit(category=category("TP-CONTACTS"))
    calendar = sla.business_calendar()
    for target in complaint.sla_targets.all():
        expected = sla._target_new(
            complaint=complaint, policy=sla.policy_for(1), kind=target.kind, now=NOW, calendar=calendar
        )
        assert (target.measure, target.started_at, target.due_at, target.warn_at, target.paused_at) == (
            expected.measure,
            expected.started_at,
            expected.due_at,
            expected.warn_at,
            None,
        )


def test_submitting_a_complaint_costs_a_fixed_handful_of_queries(submit, django_assert_max_num_queries):
    """The token check, the daily count, the calendar and policy, the
    complaint and its history, the timeline, both clocks in one insert and
    the routing obligation (eleven), and the savepoint pair of the test's
    own transaction: a few more would be a cost come back (it was 29)."""
    submit()
    with django_assert_max_num_queries(13):
        submit()
