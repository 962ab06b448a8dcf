import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS, connections

from common.fixedsql import column_converters, converted


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
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: each look-up through the proxy costs
    with db.cursor() as cursor:
        cursor.execute(_user_with_borrower_sql(), [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = converted(row, _converters(db.vendor))
    user_names, borrower_names = _attnames()
    user = user_model.from_db(db.alias, user_names, values[: len(user_names)])
    borrower_values = values[len(user_names) :]
    borrower = None
    if borrower_values[0] is not None:
        borrower = Borrower.from_db(db.alias, borrower_names, borrower_values)
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


@functools.cache
def _converters(vendor: str) -> tuple:
    """What a queryset would apply to each column of the statement on this
    database (none on PostgreSQL; dates, booleans and decimals on SQLite)."""
    from loans.models import Borrower

    return column_converters(get_user_model()._meta.concrete_fields, "u") + column_converters(
        Borrower._meta.concrete_fields, "b"
    )


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
