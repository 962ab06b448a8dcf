"""An S1 hold is also a collection hold in the restrictions table, which the
rulebook and the agency ingest read: placed with the hold, moved with the
complaint, ended when it is lifted."""

import datetime
import importlib

import pytest
from django.apps import apps

from complaints import services
from complaints.models import Hold
from loans.models import Restriction
from tests.factories import AgencyFactory, UserFactory

from .conftest import NOW, category
from .test_move_to_agency import MOVED_AT, move
from .test_transitions import LATER

pytestmark = pytest.mark.django_db
ROUTED_AT = NOW + datetime.timedelta(minutes=1)
migration = importlib.import_module("complaints.migrations.0015_hold_restrictions")


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def supervisor(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def other_agency(db):
    return AgencyFactory()


def holds_of(complaint):
    return list(
        Restriction.objects.filter(source=f"complaint:{complaint.reference}")
        .order_by("starts_at", "pk")
        .values_list("kind", "account_id", "agency_id", "starts_at", "ends_at")
    )


def test_an_s1_hold_places_a_collection_hold_on_the_agency_and_account(routed, agency, account):
    complaint = routed(category=category("TP-CONTACTS"))
    assert holds_of(complaint) == [(Restriction.Kind.COLLECTION_HOLD, account.pk, agency.pk, ROUTED_AT, None)]
    assert Restriction.objects.get().borrower_id == account.borrower_id


def test_a_complaint_without_a_hold_places_no_restriction(routed):
    routed()
    assert not Restriction.objects.exists()


def test_routing_twice_places_one_restriction(routed):
    complaint = routed(category=category("TP-CONTACTS"))
    services.complaint_route(complaint_id=complaint.pk, now=LATER)
    assert len(holds_of(complaint)) == 1


def test_moving_the_complaint_ends_the_first_agencys_hold_and_holds_the_new_one(
    routed, agency, other_agency, staff, account
):
    complaint = routed(category=category("TP-CONTACTS"))
    move(complaint, other_agency, staff)
    assert holds_of(complaint) == [
        (Restriction.Kind.COLLECTION_HOLD, account.pk, agency.pk, ROUTED_AT, MOVED_AT),
        (Restriction.Kind.COLLECTION_HOLD, account.pk, other_agency.pk, MOVED_AT, None),
    ]


def test_moving_the_complaint_to_the_lenders_team_ends_the_hold(routed, in_house, staff):
    complaint = routed(category=category("TP-CONTACTS"))
    move(complaint, in_house, staff)
    assert [row[-1] for row in holds_of(complaint)] == [MOVED_AT]


def test_lifting_the_hold_ends_the_restriction_and_keeps_it(routed, supervisor):
    complaint = routed(category=category("TP-CONTACTS"))
    services.hold_lift(hold=Hold.objects.get(complaint=complaint), by=supervisor, reason="Checked", now=LATER)
    assert [(row[3], row[4]) for row in holds_of(complaint)] == [(ROUTED_AT, LATER)]


def test_migration_turns_each_open_hold_into_a_collection_hold(routed, agency, account, supervisor):
    held = routed(category=category("TP-CONTACTS"))
    lifted = routed(category=category("TH-VIOLENCE"))
    services.hold_lift(hold=Hold.objects.get(complaint=lifted), by=supervisor, reason="Checked", now=LATER)
    Restriction.objects.all().delete()

    migration.holds_to_restrictions(apps, None)
    migration.holds_to_restrictions(apps, None)

    assert holds_of(held) == [(Restriction.Kind.COLLECTION_HOLD, account.pk, agency.pk, ROUTED_AT, None)]
    assert holds_of(lifted) == []
