"""The migration that points each agency ticket at its first-response clock
(0009), before the copied deadline is dropped (0010), on rows written as
they were before it."""

import datetime
import uuid

import pytest

from complaints.models import AgencyTicket

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("complaints", "0008_ticket_moves")]
FIRST_RESPONSE = "agency_first_response"


def at(day, hour=10):
    return datetime.datetime(2026, 12, day, hour, 0, tzinfo=datetime.UTC)


class World:
    """Rows as the complaints app wrote them before tickets had a clock."""

    def __init__(self, apps):
        self.apps = apps
        model = apps.get_model
        self.borrower = model("loans", "Borrower").objects.create(external_id="B-1", name="Li", phone="13800000000")
        self.category = model("complaints", "Category").objects.first()
        self.agencies = [
            model("agencies", "Agency").objects.create(external_id=f"A-{n}", name=f"Agency {n}") for n in (1, 2)
        ]

    def complaint(self):
        return self.apps.get_model("complaints", "Complaint").objects.create(
            borrower=self.borrower,
            category=self.category,
            incident_at=at(1),
            description="Calls at night.",
            severity=2,
            submit_token=uuid.uuid4(),
            submitted_at=at(1),
            updated_at=at(1),
        )

    def clock(self, complaint, *, started, due, **fields):
        return self.apps.get_model("complaints", "SLATarget").objects.create(
            complaint=complaint,
            kind=FIRST_RESPONSE,
            measure="business",
            started_at=started,
            due_at=due,
            warn_at=due - datetime.timedelta(hours=4),
            **fields,
        )

    def ticket(self, complaint, *, agency=0, **fields):
        return self.apps.get_model("complaints", "AgencyTicket").objects.create(
            complaint=complaint, agency=self.agencies[agency], **fields
        )


@pytest.fixture
def world(migrator):
    return World(migrator.migrate(BEFORE))


def response_target(ticket):
    return AgencyTicket.objects.get(pk=ticket.pk).response_target_id


def test_an_open_ticket_points_at_the_running_clock_its_copy_drifted_from(migrator, world):
    complaint = world.complaint()
    # A hold's resume moved the clock's deadline, not the ticket's copy.
    running = world.clock(complaint, started=at(2), due=at(9))
    ticket = world.ticket(complaint, opened_at=at(2), response_due_at=at(7))

    migrator.migrate_to_latest("complaints")

    assert response_target(ticket) == running.pk


def test_an_open_ticket_points_at_its_running_clock_not_an_earlier_one_with_the_copied_deadline(migrator, world):
    complaint = world.complaint()
    world.clock(complaint, started=at(1), due=at(7), cancelled_at=at(2))
    running = world.clock(complaint, started=at(2), due=at(9))
    ticket = world.ticket(complaint, opened_at=at(2), response_due_at=at(7))

    migrator.migrate_to_latest("complaints")

    assert response_target(ticket) == running.pk


def test_a_closed_ticket_points_at_the_clock_whose_deadline_it_copied(migrator, world):
    complaint = world.complaint()
    answered = world.clock(complaint, started=at(2), due=at(7), met_at=at(4))
    world.clock(complaint, started=at(10), due=at(15), cancelled_at=at(11))
    ticket = world.ticket(
        complaint, status="closed", opened_at=at(2), response_due_at=at(7), first_response_at=at(4), closed_at=at(11)
    )

    migrator.migrate_to_latest("complaints")

    assert response_target(ticket) == answered.pk


def test_a_moved_ticket_and_the_ticket_it_moved_to_each_point_at_their_own_clock(migrator, world):
    complaint = world.complaint()
    first = world.clock(complaint, started=at(2), due=at(7), cancelled_at=at(5))
    second = world.clock(complaint, started=at(5), due=at(10))
    moved = world.ticket(complaint, status="moved", opened_at=at(2), response_due_at=at(7), closed_at=at(5))
    current = world.ticket(complaint, agency=1, opened_at=at(5), response_due_at=at(10))

    migrator.migrate_to_latest("complaints")

    assert (response_target(moved), response_target(current)) == (first.pk, second.pk)


def test_a_moved_ticket_whose_copy_drifted_points_at_its_own_clock_not_the_next_agencys(migrator, world):
    complaint = world.complaint()
    # Resumed after a hold, the first clock's deadline moved from the 7th to
    # the 8th; the move cancelled it and started the next at the same moment.
    first = world.clock(complaint, started=at(2), due=at(8), cancelled_at=at(5))
    world.clock(complaint, started=at(5), due=at(10))
    moved = world.ticket(complaint, status="moved", opened_at=at(2), response_due_at=at(7), closed_at=at(5))
    world.ticket(complaint, agency=1, opened_at=at(5), response_due_at=at(10))

    migrator.migrate_to_latest("complaints")

    assert response_target(moved) == first.pk


def test_a_ticket_without_a_copied_deadline_gets_no_clock(migrator, world):
    complaint = world.complaint()
    world.clock(complaint, started=at(2), due=at(7))
    ticket = world.ticket(complaint, opened_at=at(2))

    migrator.migrate_to_latest("complaints")

    assert response_target(ticket) is None


def test_reversing_copies_each_clocks_deadline_back_onto_its_ticket(migrator, world):
    complaint = world.complaint()
    world.clock(complaint, started=at(2), due=at(9))
    ticket = world.ticket(complaint, opened_at=at(2), response_due_at=at(7))
    migrator.migrate_to_latest("complaints")

    old = migrator.migrate(BEFORE).get_model("complaints", "AgencyTicket")

    assert old.objects.get(pk=ticket.pk).response_due_at == at(9)


def test_the_backfill_points_at_the_same_clock_when_applied_again_after_reversing(migrator, world):
    complaint = world.complaint()
    running = world.clock(complaint, started=at(2), due=at(9))
    ticket = world.ticket(complaint, opened_at=at(2), response_due_at=at(7))
    migrator.migrate_to_latest("complaints")

    migrator.migrate(BEFORE)
    migrator.migrate_to_latest("complaints")

    assert response_target(ticket) == running.pk
