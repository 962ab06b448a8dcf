import datetime
import uuid

import pytest

from complaints.models import Category, Complaint

# A signed-in borrower, for the kernel's tests that load a real page.
from tests.borrowers.conftest import borrower, borrower_client  # noqa: F401
from tests.factories import BorrowerFactory, LoanAccountFactory, UserFactory

NOW = datetime.datetime(2026, 11, 25, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def new_complaint():
    """Unsaved complaints of one borrower, alike but for their token."""
    account = LoanAccountFactory(borrower=BorrowerFactory(user=UserFactory()))
    category = Category.objects.get(code="CT-HOURS")

    def build(**overrides):
        values = {
            "borrower": account.borrower,
            "account": account,
            "category": category,
            "incident_at": NOW - datetime.timedelta(days=1),
            "caller_number": "+862150000123",
            "description": "They called me at 23:00 three nights in a row.",
            "consent_to_share": True,
            "severity": category.default_severity,
            "submit_token": uuid.uuid4(),
            "submitted_at": NOW,
            "updated_at": NOW,
            "acknowledge_due_at": NOW + datetime.timedelta(days=1),
        }
        values.update(overrides)
        return Complaint(**values)

    return build
