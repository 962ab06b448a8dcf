from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Beyond this many rows a list says "more than N": counting a million rows
# exactly costs more than the page itself, and nobody pages that far.
COUNT_CAP = 2000


class CappedPaginator(Paginator):
    """A paginator that counts at most ``COUNT_CAP + 1`` rows.

    ``count`` is exact up to the cap and ``COUNT_CAP`` beyond it, with
    ``is_capped`` telling the page to say "more than".
    """

    cap = COUNT_CAP

    @cached_property
    def _capped_count(self) -> int:
        queryset = self.object_list
        if hasattr(queryset, "values"):
            return queryset.order_by().values("pk")[: self.cap + 1].count()
        return len(queryset[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return min(self._capped_count, self.cap)

    @cached_property
    def is_capped(self) -> bool:
        return self._capped_count > self.cap
