import datetime
import zoneinfo

import pytest

from accesslog.models import DataAccessRecord
from accesslog.services import data_access_record, data_access_rows_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def test_access_service_keeps_who_saw_what_and_when():
    agent = UserFactory(is_staff=True)
    record = data_access_record(user=agent, subject="borrower BR-1", detail={"page": "change"}, now=NOW)
    record.refresh_from_db()
    assert (record.user, record.action, record.subject, record.detail, record.at) == (
        agent,
        DataAccessRecord.Action.VIEWED,
        "borrower BR-1",
        {"page": "change"},
        NOW,
    )


def test_export_row_count_is_completed_afterwards():
    record = data_access_record(
        user=UserFactory(is_staff=True), subject="complaints", action=DataAccessRecord.Action.EXPORTED, now=NOW
    )
    data_access_rows_set(record=record, rows=42)
    record.refresh_from_db()
    assert record.rows == 42


def test_log_keeps_the_table_the_desk_created():
    assert DataAccessRecord._meta.db_table == "desk_dataaccessrecord"


def test_access_service_keeps_the_borrower_id_when_given():
    agent = UserFactory(is_staff=True)
    record = data_access_record(user=agent, subject="complaint TS-1", borrower_id=12, now=NOW)
    record.refresh_from_db()
    assert record.borrower_id == 12
    assert data_access_record(user=agent, subject="complaints", now=NOW).borrower_id is None
