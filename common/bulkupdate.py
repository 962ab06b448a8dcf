"""Writing each of many rows its own values in one statement, cheaply.

``QuerySet.bulk_update`` writes ``CASE WHEN pk = … THEN …`` through the
ORM's expressions: resolving a ``When`` per row and column costs about a
millisecond of CPU for a handful of rows, more than the statement costs the
database. :func:`rows_update` writes the same statement as text.
"""

from collections.abc import Sequence

from django.db import connection, models

# Rows a statement: SQLite allows 32766 parameters.
_CHUNK = 500


def rows_update(rows: Sequence[models.Model], fields: Sequence[str], *, where: dict | None = None) -> int:
    """Write ``fields`` of saved ``rows`` (all of one model) as the objects
    hold them, in one ``UPDATE`` per 500 rows, only where the row also
    matches ``where`` (column equalities, as ``filter(**where)`` with
    plain field names). Returns how many rows were written. No signals, no
    ``auto_now``: as ``bulk_update``."""
    if not rows or not fields:
        return 0
    meta = rows[0]._meta
    quote = connection.ops.quote_name
    pk_column = quote(meta.pk.column)
    written = 0
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        assignments, params = [], []
        for name in fields:
            field = meta.get_field(name)
            case = f"CASE {pk_column}{' WHEN %s THEN %s' * len(chunk)} END"
            if connection.features.requires_casted_case_in_updates:
                case = f"CAST({case} AS {field.cast_db_type(connection)})"
            assignments.append(f"{quote(field.column)} = {case}")
            for row in chunk:
                params += [row.pk, field.get_db_prep_save(getattr(row, field.attname), connection=connection)]
        conditions = [f"{pk_column} IN ({', '.join(['%s'] * len(chunk))})"]
        params += [row.pk for row in chunk]
        for name, value in (where or {}).items():
            field = meta.get_field(name)
            if value is None:
                conditions.append(f"{quote(field.column)} IS NULL")
            else:
                conditions.append(f"{quote(field.column)} = %s")
                params.append(field.get_db_prep_save(value, connection=connection))
        # Names quoted from the model, values as parameters.
        sql = f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} WHERE {' AND '.join(conditions)}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            written += cursor.rowcount
    return written
