"""The sign-in codes and locks moved from the project package to
``borrowers`` in Django's state only: codes already sent and phones already
locked stay in their tables."""

import datetime

import pytest

from borrowers.models import SignInCode, SignInLock

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_THE_MOVE = [("borrowers", None), ("portal", "0003_ratelimitcounter_moves_to_common")]
MOVING_APPS = ("portal", "borrowers")
SENT = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


def sign_in_before_the_move(migrator):
    apps = migrator.migrate(BEFORE_THE_MOVE)
    apps.get_model("portal", "SignInCode").objects.create(
        phone="13800000000",
        code_hash="a" * 64,
        created_at=SENT,
        expires_at=SENT + datetime.timedelta(minutes=10),
        attempts=2,
    )
    apps.get_model("portal", "SignInLock").objects.create(phone="13900000000")


def test_codes_sent_before_the_move_are_read_through_borrowers(migrator):
    sign_in_before_the_move(migrator)

    migrator.migrate_to_latest(*MOVING_APPS)

    code = SignInCode.objects.get()
    assert (code.phone, code.created_at, code.attempts, code.used_at) == ("13800000000", SENT, 2, None)


def test_locks_taken_before_the_move_are_read_through_borrowers(migrator):
    sign_in_before_the_move(migrator)

    migrator.migrate_to_latest(*MOVING_APPS)

    assert list(SignInLock.objects.values_list("phone", flat=True)) == ["13900000000"]


def test_codes_and_locks_stay_when_the_move_is_reversed_and_applied_again(migrator):
    sign_in_before_the_move(migrator)
    migrator.migrate_to_latest(*MOVING_APPS)

    apps = migrator.migrate(BEFORE_THE_MOVE)
    assert apps.get_model("portal", "SignInCode").objects.get().phone == "13800000000"
    migrator.migrate_to_latest(*MOVING_APPS)

    assert (SignInCode.objects.get().phone, SignInLock.objects.get().phone) == ("13800000000", "13900000000")
