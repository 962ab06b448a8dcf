import pytest
from django.test import Client

from tests.factories import BorrowerFactory, UserFactory


@pytest.fixture
def borrower(db):
    return BorrowerFactory(user=UserFactory())


@pytest.fixture
def borrower_client(borrower):
    client = Client()
    client.force_login(borrower.user)
    return client


@pytest.fixture
def full_account(borrower):
    """An account in external collection with history, a current agency and contacts."""
    import datetime

    from django.utils import timezone

    from tests.factories import (
        AssignmentFactory,
        AuthorisedNumberFactory,
        ContactEventFactory,
        LoanAccountFactory,
        ScheduledMeasureFactory,
        StageChangeFactory,
        StageFactory,
    )

    now = timezone.now()
    account = LoanAccountFactory(borrower=borrower, stage=StageFactory(code="OUTSOURCED"))
    for days, code in ((40, "REMINDER"), (30, "EARLY"), (14, "OUTSOURCED")):
        StageChangeFactory(
            account=account, stage=StageFactory(code=code), changed_at=now - datetime.timedelta(days=days)
        )
    assignment = AssignmentFactory(account=account)
    AuthorisedNumberFactory(agency=assignment.agency, number="+862160000001")
    AuthorisedNumberFactory(agency=assignment.agency, collector=assignment.collector, number="+862160000002")
    ContactEventFactory(
        account=account, agency=assignment.agency, collector=assignment.collector, from_number="+862160000002"
    )
    ScheduledMeasureFactory(account=account, performer=assignment.agency)
    return account


@pytest.fixture
def visited_account(borrower):
    """An account of the borrower's with one home visit made by two
    collectors; ``account.partner`` is the second one."""
    from loans.models import ContactEvent
    from tests.factories import AssignmentFactory, CollectorFactory, ContactEventFactory, LoanAccountFactory

    account = LoanAccountFactory(borrower=borrower)
    assignment = AssignmentFactory(account=account)
    account.partner = CollectorFactory(agency=assignment.agency)
    ContactEventFactory(
        account=account,
        agency=assignment.agency,
        collector=assignment.collector,
        second_collector=account.partner,
        channel=ContactEvent.Channel.VISIT,
        outcome=ContactEvent.Outcome.VISITED,
        from_number="",
    )
    return account
