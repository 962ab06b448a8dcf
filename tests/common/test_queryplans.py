import pytest
from django.db import connection

from common.queryplans import custom_plans

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="plan_cache_mode is PostgreSQL's")


def plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('plan_cache_mode')")
        return cursor.fetchone()[0]


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_custom_plans_hold_inside_the_block_and_end_with_it():
    with custom_plans():
        inside = plan_cache_mode()
    assert (inside, plan_cache_mode()) == ("force_custom_plan", "auto")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_block_opens_no_transaction_on_other_databases(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with custom_plans():
        assert not connection.in_atomic_block
