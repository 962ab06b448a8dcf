"""The SLA sweep runs every minute on a worker's long-lived connection:
its selections must keep finding their rows through the partial indexes
however often that connection has run them (see ``common.queryplans``)."""

import datetime

import pytest
from django.conf import settings
from django.db import connection

from complaints import services

from .conftest import NOW

# PostgreSQL plans a prepared statement with its values for its first five
# runs and may switch to its generic plan from the sixth on.
CUSTOM_RUNS = 5
RUNS = 10


def prepared_selections() -> list[tuple[str, int, int]]:
    """The parameterised SELECTs this connection prepared, with how many
    custom and generic plans each has run."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, custom_plans, generic_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s AND statement LIKE %s ORDER BY statement",
            ["SELECT %", "%$1%"],
        )
        return cursor.fetchall()


@pytest.mark.skipif(
    not settings.DATABASES["default"].get("OPTIONS", {}).get("server_side_binding"),
    reason="DATABASE_PREPARED_STATEMENTS=0: nothing is prepared on the server",
)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans of prepared statements are PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sweep_selections_never_run_a_generic_plan_on_a_long_lived_connection():
    connection.close()  # a fresh connection: only the sweeps below prepare statements
    for minute in range(RUNS):
        services.sla_sweep(now=NOW + datetime.timedelta(minutes=minute))
    # Breaches, warnings, review windows, evidence retention: each prepared,
    # run past the sixth time, and never with a generic plan.
    plans = [(custom + generic > CUSTOM_RUNS, generic) for _statement, custom, generic in prepared_selections()]
    assert plans == [(True, 0)] * 4
