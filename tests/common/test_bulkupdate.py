import datetime
from zoneinfo import ZoneInfo

import pytest

from common.bulkupdate import rows_update
from outbox.models import Obligation

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _row(key: str, **fields) -> Obligation:
    values = {"kind": "test.kind", "payload": {}, "next_attempt_at": AT, "created_at": AT, **fields}
    return Obligation.objects.create(key=key, **values)


def test_each_row_gets_its_own_values_in_one_statement(django_assert_num_queries):
    rows = [_row("a"), _row("b"), _row("c")]
    for index, row in enumerate(rows):
        row.result = f"result {index}"
        row.delivered_at = AT + datetime.timedelta(minutes=index)
    rows[2].delivered_at = None
    with django_assert_num_queries(1):
        assert rows_update(rows, ["result", "delivered_at"]) == 3
    stored = list(Obligation.objects.order_by("key").values_list("result", "delivered_at"))
    assert stored == [("result 0", AT), ("result 1", AT + datetime.timedelta(minutes=1)), ("result 2", None)]


def test_rows_that_do_not_match_where_keep_what_they_have():
    kept, written = _row("kept", status=Obligation.Status.CANCELLED), _row("written")
    for row in (kept, written):
        row.result = "done"
    assert rows_update([kept, written], ["result"], where={"status": Obligation.Status.PENDING}) == 1
    assert dict(Obligation.objects.values_list("key", "result")) == {"kept": "", "written": "done"}


def test_where_none_matches_null_columns_only():
    unclaimed, claimed = _row("unclaimed"), _row("claimed", claimed_until=AT)
    for row in (unclaimed, claimed):
        row.result = "done"
    assert rows_update([unclaimed, claimed], ["result"], where={"claimed_until": None}) == 1
    assert Obligation.objects.get(result="done").key == "unclaimed"


def test_nothing_to_write_costs_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert rows_update([], ["result"]) == 0
