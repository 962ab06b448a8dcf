"""The personal-data access log moved from the desk to ``accesslog`` in
Django's state only: the records stay in their table, and the rights staff
were given on the model move with it."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from accesslog.models import DataAccessRecord

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_THE_MOVE = [("accesslog", None), ("desk", "0002_roles")]
MOVING_APPS = ("desk", "accesslog")
VIEWED = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


def staff_member(apps, username):
    return apps.get_model("portal", "User").objects.create(username=username, password="!", is_staff=True)


def record_before_the_move(migrator):
    apps = migrator.migrate(BEFORE_THE_MOVE)
    user = staff_member(apps, "auditor")
    apps.get_model("desk", "DataAccessRecord").objects.create(
        user=user, action="exported", subject="complaints export", detail={"status": "open"}, rows=12, at=VIEWED
    )
    return user.pk


def grant_view_before_the_move(migrator):
    apps = migrator.migrate(BEFORE_THE_MOVE)
    user = staff_member(apps, "reader")
    permission = apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="desk", codename="view_dataaccessrecord"
    )
    user.user_permissions.add(permission)
    return user.pk


def test_records_written_before_the_move_are_read_through_accesslog(migrator):
    user_pk = record_before_the_move(migrator)

    migrator.migrate_to_latest(*MOVING_APPS)

    record = DataAccessRecord.objects.get()
    assert (record.user_id, record.action, record.subject, record.detail, record.rows, record.at) == (
        user_pk,
        "exported",
        "complaints export",
        {"status": "open"},
        12,
        VIEWED,
    )


def test_a_directly_granted_view_right_holds_on_the_moved_model(migrator):
    user_pk = grant_view_before_the_move(migrator)

    migrator.migrate_to_latest(*MOVING_APPS)

    assert get_user_model().objects.get(pk=user_pk).has_perm("accesslog.view_dataaccessrecord")


def test_the_right_returns_to_the_desk_when_the_move_is_reversed(migrator):
    user_pk = grant_view_before_the_move(migrator)
    migrator.migrate_to_latest(*MOVING_APPS)

    migrator.migrate(BEFORE_THE_MOVE)

    assert get_user_model().objects.get(pk=user_pk).has_perm("desk.view_dataaccessrecord")


def test_records_and_rights_stay_when_the_move_is_reversed_and_applied_again(migrator):
    record_before_the_move(migrator)
    user_pk = grant_view_before_the_move(migrator)
    migrator.migrate_to_latest(*MOVING_APPS)

    migrator.migrate(BEFORE_THE_MOVE)
    migrator.migrate_to_latest(*MOVING_APPS)

    assert DataAccessRecord.objects.get().subject == "complaints export"
    assert get_user_model().objects.get(pk=user_pk).has_perm("accesslog.view_dataaccessrecord")
