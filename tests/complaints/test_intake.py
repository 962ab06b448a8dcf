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
