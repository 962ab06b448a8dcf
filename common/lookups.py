"""``field__any_of=values``: the ``in`` lookup for long lists of values.

``field__in`` writes ``field IN (%s, %s, ...)``, a parameter per value: a
list of thousands of ids costs Django and the driver a step per value, and
PostgreSQL sees a new statement for every length, so none is prepared
twice. On PostgreSQL ``field__any_of`` writes ``field = ANY(%s)`` with the
values as one array parameter: the same statement whatever their number.
Elsewhere it is ``field__in``. The values are plain column values (ids, not
model instances). Registered on every field (``CommonConfig.ready``).
"""

from django.core.exceptions import EmptyResultSet
from django.db.models.lookups import In


def _all_ints(values) -> bool:
    return all(type(value) is int for value in values)


class AnyOf(In):
    lookup_name = "any_of"

    def get_prep_lookup(self):
        # Ids need no preparing, one by one, from what they already are.
        if isinstance(self.rhs, (list, set, tuple, frozenset)) and _all_ints(self.rhs):
            return list(self.rhs)
        return super().get_prep_lookup()

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        if not values:
            raise EmptyResultSet
        if _all_ints(values):
            # Integers as the array's text, which the server reads at once,
            # where the driver would write each element apart.
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, "{" + ",".join(map(str, values)) + "}")
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection, prepared=True) for value in values]
        return f"{lhs} = ANY(%s)", (*lhs_params, values)
