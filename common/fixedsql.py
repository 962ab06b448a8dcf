"""Fixed statements for the few writes and reads too hot for the ORM: new
rows inserted, and one row read by its id.

``save()`` and ``bulk_create()`` build and compile their ``INSERT`` anew on
every call, which costs a complaint's filing far more Python than
PostgreSQL spends running it. Here each model's statement is built once per
process from its metadata (PostgreSQL prepares it once per connection) and
each value is converted by its field as the ORM converts it
(``pre_save`` then ``get_db_prep_save``), so the row written is the one
``save()`` would write, on PostgreSQL and SQLite alike.

:func:`row_by_id` reads every column of one row and converts each as a
queryset does (``from_db``), for a lookup whose queryset costs more to
compile than to run.

No ``pre_save`` or ``post_save`` signal is sent, as with ``bulk_create``:
only for models nothing listens to but django-simple-history, whose
history row :func:`insert_with_history` (and, for rows changed in bulk,
:func:`insert_history`) writes as simple-history would.
"""

import functools

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from simple_history.models import HistoricalRecords


@functools.cache
def _statement(model: type[Model], rows: int, vendor: str) -> tuple[str, tuple]:
    """(SQL, fields) inserting ``rows`` rows of ``model`` and returning their
    ids in order. Identifiers come from the model's metadata, quoted; every
    value is a parameter."""
    meta = model._meta
    if meta.parents or meta.auto_field is None or meta.auto_field is not meta.pk:
        raise TypeError(f"{meta.label}: only models of one table with an automatic id are inserted here.")
    fields = tuple(field for field in meta.local_concrete_fields if field is not meta.pk and not field.generated)
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)})"  # noqa: S608
        f" VALUES {', '.join([row] * rows)} RETURNING {quote(meta.pk.column)}"
    )
    return sql, fields


def _values(obj: Model, fields) -> list:
    values = []
    for field in fields:
        value = field.pre_save(obj, True)
        if hasattr(value, "resolve_expression"):
            raise TypeError(f"{field}: an expression is not inserted here; give the value.")
        values.append(field.get_db_prep_save(value, connection))
    return values


def insert_rows(objects: list[Model]) -> list[Model]:
    """Insert new objects of one model in one statement, as ``bulk_create``
    would, setting their ids; return them."""
    if objects:
        _insert(objects)
    return objects


def _insert(objects: list[Model]) -> list[dict]:
    """Insert; return each row's values as written, by attname."""
    model = type(objects[0])
    if any(type(obj) is not model or obj.pk is not None for obj in objects):
        raise ValueError("insert_rows takes new objects of one model.")
    for obj in objects:
        obj._prepare_related_fields_for_save(operation_name="insert_rows")
    sql, fields = _statement(model, len(objects), connection.vendor)
    rows = [_values(obj, fields) for obj in objects]
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    names = [field.attname for field in fields]
    return [dict(zip(names, row, strict=True)) for row in rows]


def insert_row(obj: Model) -> Model:
    """Insert one new object, as ``save()`` would, without its signals."""
    return insert_rows([obj])[0]


@functools.cache
def _history_statement(model: type[Model], rows: int, vendor: str) -> tuple[str, tuple, frozenset]:
    """(SQL for ``rows`` history rows, the history model's fields, the
    tracked fields' attnames)."""
    history_model = getattr(model, model._meta.simple_history_manager_attribute).model
    sql, fields = _statement(history_model, rows, vendor)
    tracked = {field.attname for field in history_model.tracked_fields}
    return sql, fields, frozenset(field.attname for field in fields if field.attname in tracked)


def _history_written(obj: Model) -> bool:
    """Whether simple-history writes a history row when ``obj`` is saved."""
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True) and not hasattr(obj, "skip_history_when_saving")


def _history_values(obj: Model, fields, tracked, history_type: str, written: dict | None = None) -> list:
    """The parameters of ``obj``'s history row: the tracked columns as the
    object holds them (or as its insert wrote them, ``written``), stamped as
    simple-history's ``post_save`` stamps them."""
    stamp = {
        "history_type": history_type,
        "history_date": obj._history_date if hasattr(obj, "_history_date") else timezone.now(),
        "history_user_id": getattr(_history_user(obj), "pk", None),
        "history_change_reason": getattr(obj, "_change_reason", None),
    }
    values = []
    for field in fields:
        if written is not None and field.attname in written and field.attname in tracked:
            values.append(written[field.attname])
        else:
            value = getattr(obj, field.attname) if field.attname in tracked else stamp[field.attname]
            values.append(field.get_db_prep_save(value, connection))
    return values


def insert_with_history(obj: Model) -> Model:
    """Insert a new object of a model django-simple-history tracks, and its
    history row: the row simple-history's ``post_save`` would write
    (``history_type`` "+", ``history_date`` the time of writing, the user
    and change reason it would take from the object or the request), and
    none where simple-history would write none (``SIMPLE_HISTORY_ENABLED``
    off, or the object's ``skip_history_when_saving``)."""
    # A tracked column holds what the object's own insert wrote (the
    # history model copies each field's type), so those values are reused.
    written = _insert([obj])[0]
    if _history_written(obj):
        sql, fields, tracked = _history_statement(type(obj), 1, connection.vendor)
        with connection.cursor() as cursor:
            cursor.execute(sql, _history_values(obj, fields, tracked, "+", written))
    return obj


@functools.cache
def _history_copy_statement(model: type[Model], rows: int, vendor: str) -> str:
    """SQL writing the history rows of ``rows`` rows of ``model`` by copying
    their tracked columns from the table, each stamped with the four
    parameters before the ids (date, type, user, change reason). On
    PostgreSQL the ids are one array, whatever their number (``rows`` 0)."""
    history_model = getattr(model, model._meta.simple_history_manager_attribute).model
    tracked = [field.column for field in history_model.tracked_fields]
    stamp = ["history_date", "history_type", "history_user_id", "history_change_reason"]
    columns = {field.column for field in history_model._meta.concrete_fields} - {history_model._meta.pk.column}
    if columns != {*tracked, *stamp}:
        raise TypeError(f"{history_model._meta.label}: its columns are not the tracked ones and the stamp.")
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    where = f"{pk} = ANY(%s)" if vendor == "postgresql" else f"{pk} IN ({', '.join(['%s'] * rows)})"
    return (
        f"INSERT INTO {quote(history_model._meta.db_table)} ({', '.join(quote(name) for name in tracked + stamp)})"  # noqa: S608
        f" SELECT {', '.join(quote(name) for name in tracked)}, %s, %s, %s, %s"
        f" FROM {quote(model._meta.db_table)} WHERE {where} ORDER BY {pk}"
    )


def insert_history(objects: list[Model]) -> None:
    """The history rows simple-history's ``post_save`` would write for saved
    objects of one tracked model that were just written, bypassing
    ``save()`` (as :func:`common.bulkupdate.rows_update` does): ``history_type``
    "~", stamped as simple-history stamps them, their columns copied from the
    table in one statement (the objects were read under lock and written,
    so the table holds them as they are; one time of writing for them all)."""
    objects = [obj for obj in objects if _history_written(obj)]
    if not objects:
        return
    now = timezone.now()
    stamps: dict[tuple, list[int]] = {}
    for obj in objects:
        stamp = (
            obj._history_date if hasattr(obj, "_history_date") else now,
            getattr(_history_user(obj), "pk", None),
            getattr(obj, "_change_reason", None),
        )
        stamps.setdefault(stamp, []).append(obj.pk)
    model = type(objects[0])
    dated = getattr(model, model._meta.simple_history_manager_attribute).model._meta.get_field("history_date")
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for (date, user_id, reason), ids in stamps.items():
            sql = _history_copy_statement(model, 0 if postgresql else len(ids), connection.vendor)
            date = dated.get_db_prep_save(date, connection)
            cursor.execute(sql, [date, "~", user_id, reason, *([ids] if postgresql else ids)])


def _history_user(obj: Model):
    """The user simple-history records (its ``get_history_user``): the
    object's ``_history_user``, else the signed-in user of the request its
    middleware keeps, else none."""
    try:
        return obj._history_user
    except AttributeError:
        pass
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def column_converters(fields, alias: str) -> tuple:
    """Each field's column (of the table named ``alias`` in the statement)
    with the converters a queryset applies to it: the backend's, then the
    field's (``from_db_value``)."""
    columns = [field.get_col(alias) for field in fields]
    return tuple(
        (column, (*connection.ops.get_db_converters(column), *column.get_db_converters(connection)))
        for column in columns
    )


def converted(row, converters) -> list:
    """A row's values converted as a queryset converts them."""
    values = list(row)
    for index, (column, column_converters) in enumerate(converters):
        for converter in column_converters:
            values[index] = converter(values[index], column, connection)
    return values


@functools.cache
def _select_statement(model: type[Model], name: str, order_by: str | None, vendor: str) -> tuple[str, tuple, tuple]:
    """(SQL, attnames, each column with its converters) reading the rows
    whose field ``name`` equals a parameter, in the order of ``order_by``."""
    meta = model._meta
    fields = tuple(meta.concrete_fields)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(f"{table}.{quote(field.column)}" for field in fields)
    # Identifiers from the model's metadata, quoted; the value is a parameter.
    sql = f"SELECT {columns} FROM {table} WHERE {table}.{quote(meta.get_field(name).column)} = %s"  # noqa: S608
    if order_by:
        sql += f" ORDER BY {table}.{quote(meta.get_field(order_by).column)}"
    return sql, tuple(field.attname for field in fields), column_converters(fields, meta.db_table)


def rows_where(model: type[Model], name: str, value, *, order_by: str | None = None) -> list[Model]:
    """Every object whose field ``name`` equals ``value``, every field
    loaded, ordered by the field ``order_by`` (ascending)."""
    sql, attnames, converters = _select_statement(model, name, order_by, connection.vendor)
    field = model._meta.get_field(name)
    with connection.cursor() as cursor:
        cursor.execute(sql, [field.get_db_prep_value(field.get_prep_value(value), connection, prepared=True)])
        rows = cursor.fetchall()
    return [model.from_db(connection.alias, attnames, converted(row, converters)) for row in rows]


def row_by_id(model: type[Model], pk: int) -> Model | None:
    """The object with this id, every field loaded, or None."""
    rows = rows_where(model, model._meta.pk.name, pk)
    return rows[0] if rows else None
