"""The migration that fills measures' ``announced_at`` (notices 0009), run
on rows written as they were before loans gave measures the field."""

import datetime
import decimal

import pytest

from loans.models import ScheduledMeasure

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("notices", "0008_seed_complaint_message"), ("loans", "0005_contact_recording_second_collector")]


def at(day, hour=10):
    return datetime.datetime(2026, 12, day, hour, 0, tzinfo=datetime.UTC)


class World:
    def __init__(self, apps):
        self.apps = apps
        model = apps.get_model
        self.borrower = model("loans", "Borrower").objects.create(external_id="B-1", name="Li", phone="13800000000")
        self.account = model("loans", "LoanAccount").objects.create(
            borrower=self.borrower,
            reference="L-1",
            product="cash",
            principal=decimal.Decimal("1000.00"),
            due_date=datetime.date(2026, 11, 1),
            stage=model("loans", "Stage").objects.first(),
            stage_since=at(1),
            created_at=at(1),
        )
        self.agency = model("agencies", "Agency").objects.create(external_id="A-1", name="Agency 1")
        self.kind = model("loans", "ScheduledMeasure")._meta.get_field("kind").choices[0][0]

    def measure(self, name):
        return self.apps.get_model("loans", "ScheduledMeasure").objects.create(
            external_id=name,
            kind=self.kind,
            planned_for=at(20),
            updated_at=at(1),
            account=self.account,
            performer=self.agency,
        )

    def notice(self, measure, purpose, *, issued=None, status="issued"):
        return self.apps.get_model("notices", "Notice").objects.create(
            key=f"{measure.external_id}:{purpose}:{issued}",
            event="measure",
            purpose=purpose,
            status=status,
            send_at=issued or at(1),
            issued_at=issued,
            created_at=at(1),
            borrower=self.borrower,
            account=self.account,
            measure=measure,
        )


@pytest.fixture
def world(migrator):
    return World(migrator.migrate(BEFORE))


def announced_at(measure):
    return ScheduledMeasure.objects.get(pk=measure.pk).announced_at


def migrate_forward(migrator):
    migrator.migrate_to_latest("loans", "notices")


def test_a_measure_announced_in_advance_gets_the_time_its_notice_was_issued(migrator, world):
    measure = world.measure("M-1")
    world.notice(measure, "advance", issued=at(3))

    migrate_forward(migrator)

    assert announced_at(measure) == at(3)


def test_a_measure_whose_date_moved_gets_the_time_the_latest_notice_was_issued(migrator, world):
    measure = world.measure("M-1")
    world.notice(measure, "advance", issued=at(3))
    world.notice(measure, "moved", issued=at(6))

    migrate_forward(migrator)

    assert announced_at(measure) == at(6)


def test_a_later_cancellation_does_not_count_as_an_announcement(migrator, world):
    measure = world.measure("M-1")
    world.notice(measure, "advance", issued=at(3))
    world.notice(measure, "cancelled", issued=at(8))

    migrate_forward(migrator)

    assert announced_at(measure) == at(3)


def test_a_measure_whose_notices_were_not_issued_stays_unannounced(migrator, world):
    scheduled = world.measure("M-1")
    world.notice(scheduled, "advance", status="scheduled")
    withdrawn = world.measure("M-2")
    world.notice(withdrawn, "advance", status="withdrawn")
    cancelled_only = world.measure("M-3")
    world.notice(cancelled_only, "cancelled", issued=at(8))

    migrate_forward(migrator)

    assert [announced_at(m) for m in (scheduled, withdrawn, cancelled_only)] == [None, None, None]


def test_the_fill_gives_the_same_times_when_applied_again_after_reversing(migrator, world):
    measure = world.measure("M-1")
    world.notice(measure, "advance", issued=at(3))
    migrate_forward(migrator)

    migrator.migrate(BEFORE)
    migrate_forward(migrator)

    assert announced_at(measure) == at(3)
