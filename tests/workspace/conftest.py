import datetime
import uuid

import pyotp
import pytest
from django.utils import timezone

from agencies.models import AgencyMembership
from agencies.tokens import api_token_create
from agencies.verification import VERIFIED_SESSION_KEY
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    AuthorisedNumberFactory,
    CollectorFactory,
    LoanAccountFactory,
    UserFactory,
)

PASSWORD = "a-long-test-password"


class AgencySide:
    """One agency with a signed-up member, a collector, a number, an account
    assigned to it and an API token."""

    def __init__(self, label: str):
        now = timezone.now()
        self.agency = AgencyFactory(short_name=f"Agency {label}")
        self.user = UserFactory(username=f"agent-{label}")
        self.membership = AgencyMembership.objects.create(
            user=self.user, agency=self.agency, totp_secret=pyotp.random_base32(), totp_confirmed_at=now
        )
        self.collector = CollectorFactory(agency=self.agency)
        self.number = AuthorisedNumberFactory(agency=self.agency)
        self.account = LoanAccountFactory()
        self.assignment = AssignmentFactory(
            account=self.account,
            agency=self.agency,
            collector=self.collector,
            starts_at=now - datetime.timedelta(days=30),
        )
        self.token, self.token_text = api_token_create(agency=self.agency, name="dialler", now=now)

    @property
    def auth(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token_text}"}

    def code(self, *, at=None) -> str:
        return pyotp.TOTP(self.membership.totp_secret).at(at or timezone.now())


@pytest.fixture
def side_a(db):
    return AgencySide("a")


@pytest.fixture
def side_b(db):
    return AgencySide("b")


def sign_in_session(client, side: AgencySide):
    """A client signed in to the workspace as the side's member, as after
    both factors."""
    client.force_login(side.user)
    session = client.session
    session[VERIFIED_SESSION_KEY] = True
    session.save()
    return client


@pytest.fixture
def client_a(client, side_a):
    return sign_in_session(client, side_a)


def open_ticket(side: AgencySide, *, consent_to_share: bool = True, files=(), category_code: str = "CT-HOURS"):
    """A borrower complaint about the side's account, routed to its agency
    through the complaints services."""
    from complaints.models import AgencyTicket, Category
    from complaints.services.intake import complaint_submit
    from complaints.services.routing import complaint_route

    now = timezone.now()
    complaint, _ = complaint_submit(
        borrower=side.account.borrower,
        user=None,
        account=side.account,
        category=Category.objects.get(code=category_code),
        incident_at=now - datetime.timedelta(days=1),
        description="They called me at 23:00 three nights in a row.",
        submit_token=uuid.uuid4(),
        consent_to_share=consent_to_share,
        files=list(files),
        now=now - datetime.timedelta(minutes=5),
    )
    complaint_route(complaint_id=complaint.pk, now=now - datetime.timedelta(minutes=4))
    return AgencyTicket.objects.select_related("complaint").get(complaint=complaint)


def response_clock(ticket):
    """The ticket's first-response clock, as a queryset to move it with."""
    from complaints.models import AgencyTicket, SLATarget

    return SLATarget.objects.filter(pk=AgencyTicket.objects.get(pk=ticket.pk).response_target_id)


@pytest.fixture
def ticket_a(side_a):
    return open_ticket(side_a)


@pytest.fixture
def ticket_b(side_b):
    return open_ticket(side_b)
