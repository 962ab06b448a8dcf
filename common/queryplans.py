"""How PostgreSQL plans a query the portal repeats on one connection.

With ``DATABASE_PREPARED_STATEMENTS`` on (the default), psycopg prepares a
statement on the server once it has run twice on a connection. PostgreSQL
plans a prepared statement with its parameter values for its first five
runs (custom plans) and from then on may keep one plan for any values (the
generic plan) when that plan's estimated cost is no worse. A generic plan
cannot know how few rows ``due_at <= $1`` selects, nor that ``status = $1``
is the value a partial index covers, so it may walk a whole table in key
order where the custom plan reads a few entries of a partial index.
The slow plan then appears only on long-lived connections, from a query's
sixth run on, and never in an ``EXPLAIN`` with literal values.
"""

import contextlib
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextlib.contextmanager
def custom_plans(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block's queries in one transaction in which PostgreSQL plans
    every statement with its actual values (``plan_cache_mode =
    force_custom_plan``), as ``EXPLAIN`` of the query with literal values
    shows, however often the connection has run it.

    For the few selections that must find their rows through a partial
    index whatever the value compared (a sweep's "what is due now?"): each
    such run pays its planning, a fraction of a millisecond. Prepared
    statements elsewhere keep their generic plans. ``SET LOCAL`` ends with
    the transaction; inside a caller's transaction the setting lasts until
    that one ends (it changes plans, never results). Other databases run the
    block as it is, without a transaction of its own.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield
