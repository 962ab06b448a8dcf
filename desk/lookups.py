"""A desk list is filtered by the filters it offers, and by nothing else.

Django's admin lets anyone who may open a list filter it from the address
bar by any field of its model, and by any field one relation away,
whatever filters the list offers: ``?totp_secret__startswith=A`` on the
agency memberships, ``?id_number__startswith=1101`` on the borrowers,
``?words__icontains=`` on the borrower requests. Counting the rows that
match, a character at a time, reads a secret, a number the desk masks or a
borrower's own words, and no access log records it. A desk list accepts
the parameters its own filters send (``list_filter``, ``date_hierarchy``)
and refuses any other, as Django refuses a lookup it does not allow (400).
The desk's admin site gives every list this rule (``desk.sites``).
"""

from django.contrib.admin import SimpleListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.widgets import url_params_from_lookup_dict
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP

# What Django's field filters and the date hierarchy add to a field's path.
FILTER_LOOKUPS = frozenset({"exact", "isnull", "isempty", "gte", "lt", "year", "month", "day"})


class OfferedFiltersOnly:
    """For a ``ModelAdmin``: refuse lookups its filters do not offer."""

    def lookup_allowed(self, lookup, value, request=None):
        return lookup_offered(self, lookup, value, request) and super().lookup_allowed(lookup, value, request)


def lookup_offered(model_admin, lookup: str, value, request) -> bool:
    paths = {model_admin.date_hierarchy} - {None}
    for item in model_admin.get_list_filter(request) if request is not None else model_admin.list_filter:
        if isinstance(item, type) and issubclass(item, SimpleListFilter):
            if lookup == item.parameter_name:
                return True
        else:
            paths.add(item[0] if isinstance(item, list | tuple) else item)
    for path in paths:
        if lookup == path or lookup.startswith(path + LOOKUP_SEP):
            rest = lookup[len(path) + len(LOOKUP_SEP) :]
            if not rest or rest in FILTER_LOOKUPS or rest == _related_exact(model_admin.model, path):
                return True
    return _popup_lookup(model_admin.model, lookup, value)


def _related_exact(model, path: str) -> str | None:
    """What a related field's filter adds to its path (``id__exact``)."""
    try:
        field = get_fields_from_path(model, path)[-1]
    except FieldDoesNotExist:
        return None
    target = getattr(field, "target_field", None) if field.is_relation else None
    return f"{target.name}{LOOKUP_SEP}exact" if target is not None else None


def _popup_lookup(model, lookup: str, value) -> bool:
    """A lookup a raw-id popup sends for a foreign key's ``limit_choices_to``,
    as Django's own check allows it."""
    for fk_lookup in model._meta.related_fkey_lookups:
        if callable(fk_lookup):
            fk_lookup = fk_lookup()
        if (lookup, value) in url_params_from_lookup_dict(fk_lookup).items():
            return True
    return False
