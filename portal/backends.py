import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from django.db.models.sql import Query


class PortalBackend(ModelBackend):
    """Django's model backend, loading a borrower's record with the user.

    Every signed-in request loads its user. ``select_related("borrower")``
    cost more to build than both rows cost to read, and ``raw()`` spent more
    describing the columns and planning the models than reading them, so the
    pair comes from one fixed statement whose values are converted as the
    ORM converts them and built into models with ``from_db``.
    """

    def get_user(self, user_id):
        user = _load_user_with_borrower(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None


def _load_user_with_borrower(user_id):
    from loans.models import Borrower

    user_model = get_user_model()
    alias = router.db_for_read(user_model)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(_user_with_borrower_sql(), [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    for position, converters, column in _converters(alias, connection.vendor):
        value = row[position]
        for converter in converters:
            value = converter(value, column, connection)
        row[position] = value
    user_names, borrower_names = _attnames()
    user = user_model.from_db(alias, user_names, row[: len(user_names)])
    borrower_values = row[len(user_names) :]
    borrower = None
    if borrower_values[0] is not None:
        borrower = Borrower.from_db(alias, borrower_names, borrower_values)
        Borrower._meta.get_field("user").set_cached_value(borrower, user)
    type(user).borrower.related.set_cached_value(user, borrower)
    return user


@functools.cache
def _attnames() -> tuple[list[str], list[str]]:
    from loans.models import Borrower

    return (
        [field.attname for field in get_user_model()._meta.concrete_fields],
        [field.attname for field in Borrower._meta.concrete_fields],
    )


@functools.lru_cache(maxsize=8)
def _converters(alias: str, vendor: str) -> list:
    """What the ORM would apply to each column of the statement on this
    database (none on PostgreSQL; dates, booleans and decimals on SQLite)."""
    from loans.models import Borrower

    columns = [field.get_col(field.model._meta.db_table) for field in get_user_model()._meta.concrete_fields]
    columns += [field.get_col(field.model._meta.db_table) for field in Borrower._meta.concrete_fields]
    compiler = connections[alias].ops.compiler("SQLCompiler")(Query(get_user_model()), connections[alias], alias)
    return [
        (position, converters, column) for position, (converters, column) in compiler.get_converters(columns).items()
    ]


@functools.cache
def _user_with_borrower_sql() -> str:
    from loans.models import Borrower

    user_model = get_user_model()
    pk = user_model._meta.pk.column
    user_columns = ", ".join(f'u."{field.column}"' for field in user_model._meta.concrete_fields)
    borrower_columns = ", ".join(f'b."{field.column}"' for field in Borrower._meta.concrete_fields)
    # Identifiers from the models' metadata; the user id is a parameter.
    return (
        f"SELECT {user_columns}, {borrower_columns}"  # noqa: S608
        f' FROM "{user_model._meta.db_table}" u'
        f' LEFT JOIN "{Borrower._meta.db_table}" b ON b."{Borrower._meta.get_field("user").column}" = u."{pk}"'
        f' WHERE u."{pk}" = %s'
    )
