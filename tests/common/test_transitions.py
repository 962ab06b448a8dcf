import datetime

from common.transitions import status_write

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
