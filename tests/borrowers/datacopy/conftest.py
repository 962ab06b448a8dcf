import datetime
import io
import json
import uuid
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accesslog.services import data_access_record
from borrowers.datacopy.archive import datacopy_path
from complaints.models import Category, Party, TimelineEvent
from complaints.services import complaint_note_add, complaint_submit
from complaints.services.evidence import evidence_add
from complaints.uploads import check_upload
from conduct.models import Breach
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    BorrowerFactory,
    ContactEventFactory,
    ContactPreferenceFactory,
    LoanAccountFactory,
    ScheduledMeasureFactory,
    StageChangeFactory,
    StageFactory,
    UserFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def now():
    return NOW


def _history(borrower, *, secret: str):
    """An account, its stages, agency, contacts with a breach, a measure, a
    complaint with a borrower file, an agency file and notes for every
    audience; ``secret`` marks what must never reach anyone else."""
    agency = AgencyFactory(name=f"Agency {secret}")
    account = LoanAccountFactory(borrower=borrower, stage=StageFactory(code="OUTSOURCED"))
    StageChangeFactory(account=account, stage=StageFactory(code="EARLY"), changed_at=NOW - datetime.timedelta(days=30))
    assignment = AssignmentFactory(account=account, agency=agency, starts_at=NOW - datetime.timedelta(days=20))
    call = ContactEventFactory(
        account=account, agency=agency, collector=assignment.collector, occurred_at=NOW - datetime.timedelta(days=2)
    )
    Breach.objects.create(contact_event=call, rule=Breach.Rule.values[0], agency=agency, detected_at=NOW)
    ScheduledMeasureFactory(account=account, performer=agency, planned_for=NOW + datetime.timedelta(days=5))
    ContactPreferenceFactory(borrower=borrower, updated_at=NOW - datetime.timedelta(days=3))
    complaint, _created = complaint_submit(
        borrower=borrower,
        user=borrower.user,
        account=account,
        category=Category.objects.get(code="CT-HOURS"),
        incident_at=NOW - datetime.timedelta(days=2),
        description=f"Called at night {secret}",
        submit_token=uuid.uuid4(),
        now=NOW - datetime.timedelta(days=1),
        consent_to_share=True,
        files=[check_upload(SimpleUploadedFile(f"call-{secret}.pdf", PDF, content_type="application/pdf"))],
    )
    agency_user = UserFactory()
    evidence_add(
        complaint=complaint,
        files=[check_upload(SimpleUploadedFile(f"agency-{secret}.pdf", PDF, content_type="application/pdf"))],
        party=Party.AGENCY,
        user=agency_user,
        agency=agency,
        now=NOW,
    )
    staff = UserFactory(is_staff=True)
    for visibility in (TimelineEvent.Visibility.INTERNAL, TimelineEvent.Visibility.AGENCY):
        complaint_note_add(
            complaint=complaint, author=staff, visibility=visibility, text=f"internal {visibility} {secret}", now=NOW
        )
    complaint_note_add(
        complaint=complaint, author=staff, visibility=TimelineEvent.Visibility.BORROWER, text="We are on it", now=NOW
    )
    data_access_record(user=staff, subject=f"borrower {borrower.external_id}", detail={"page": "change"}, now=NOW)
    data_access_record(
        user=staff,
        subject="borrower list",
        detail={"page": "list", "shown": [f"borrower {borrower.external_id}"]},
        now=NOW,
    )
    return {"account": account, "complaint": complaint, "contact": call}


@pytest.fixture
def rich_borrower(db):
    borrower = BorrowerFactory(user=UserFactory(), name="Zhang Wei")
    borrower.history = _history(borrower, secret="MINE")
    return borrower


@pytest.fixture
def other_borrower(db):
    borrower = BorrowerFactory(user=UserFactory(), name="Li Na OTHER")
    borrower.history = _history(borrower, secret="OTHER")
    return borrower


def archive_of(copy) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(datacopy_path(copy.file_name).read_bytes()))


def data_of(copy) -> dict:
    return json.loads(archive_of(copy).read("data.json"))
