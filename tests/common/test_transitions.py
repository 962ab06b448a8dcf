import datetime

import pytest

from common.transitions import status_write, status_write_many

NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


class Row:
    """Stands in for a model row: records what ``save`` was asked to write."""

    def __init__(self, status):
        self.status = status
        self.saved = None

    def save(self, *, update_fields):
        self.saved = update_fields


def test_status_write_stamps_the_move_and_saves_only_its_columns():
    row = Row("submitted")
    previous = status_write(row, to="closed", now=NOW, timestamps={"closed": "closed_at"}, extra_fields={"note": "x"})
    assert (previous, row.status, row.closed_at, row.updated_at, row.note) == ("submitted", "closed", NOW, NOW, "x")
    assert row.saved == ["closed_at", "note", "status", "updated_at"]


def test_status_write_without_a_timestamp_for_the_target_saves_status_and_updated_at():
    row = Row("submitted")
    status_write(row, to="reopened", now=NOW, timestamps={"closed": "closed_at"})
    assert row.saved == ["status", "updated_at"]


@pytest.mark.django_db
def test_status_write_many_writes_each_row_its_own_columns_and_the_history_save_writes(
    new_complaint, django_assert_num_queries
):
    from complaints.models import Complaint

    rows = [new_complaint(), new_complaint(status="acknowledged")]
    for row in rows:
        row.save()
    with django_assert_num_queries(2):
        previous = status_write_many(
            rows,
            to="closed",
            now=NOW,
            timestamps={"closed": "closed_at"},
            extra_fields=[{"routing_note": "first"}, None],
        )
    assert previous == ["submitted", "acknowledged"]
    stored = list(Complaint.objects.order_by("pk").values_list("status", "closed_at", "updated_at", "routing_note"))
    assert stored == [("closed", NOW, NOW, "first"), ("closed", NOW, NOW, rows[1].routing_note)]
    assert [row.history.order_by("-history_id").first().status for row in rows] == ["closed", "closed"]
