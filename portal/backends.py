import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PortalBackend(ModelBackend):
    """Django's model backend, loading a borrower's record with the user.

    Every signed-in request loads its user. ``select_related("borrower")``
    cost more to build than both rows cost to read, so the pair comes from
    one fixed statement through ``raw()`` (which converts the user's columns
    as the ORM does; a borrower's are all text and numbers).
    """

    def get_user(self, user_id):
        user = next(iter(get_user_model()._default_manager.raw(_user_with_borrower_sql(), [user_id])), None)
        if user is None:
            return None
        _attach_borrower(user)
        return user if self.user_can_authenticate(user) else None


_BORROWER_PREFIX = "borrower__"


@functools.cache
def _user_with_borrower_sql() -> str:
    from loans.models import Borrower

    user_model = get_user_model()
    pk = user_model._meta.pk.column
    user_columns = ", ".join(f'u."{field.column}"' for field in user_model._meta.concrete_fields)
    borrower_columns = ", ".join(
        f'b."{field.column}" AS "{_BORROWER_PREFIX}{field.attname}"' for field in Borrower._meta.concrete_fields
    )
    # Identifiers from the models' metadata; the user id is a parameter.
    return (
        f"SELECT {user_columns}, {borrower_columns}"  # noqa: S608
        f' FROM "{user_model._meta.db_table}" u'
        f' LEFT JOIN "{Borrower._meta.db_table}" b ON b."{Borrower._meta.get_field("user").column}" = u."{pk}"'
        f' WHERE u."{pk}" = %s'
    )


def _attach_borrower(user) -> None:
    """Cache the borrower (or its absence) on ``user`` as select_related would."""
    from loans.models import Borrower

    names = [field.attname for field in Borrower._meta.concrete_fields]
    values = [user.__dict__.pop(_BORROWER_PREFIX + name) for name in names]
    borrower = None
    if values[0] is not None:
        borrower = Borrower.from_db(user._state.db, names, values)
        Borrower._meta.get_field("user").set_cached_value(borrower, user)
    type(user).borrower.related.set_cached_value(user, borrower)
