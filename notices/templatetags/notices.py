from django import template

from ..selectors import notice_for_measure as select_notice_for_measure

register = template.Library()


@register.simple_tag(takes_context=True)
def notice_for_measure(context, measure):
    """``{% notice_for_measure measure as notice %}``: the latest notice the
    signed-in borrower got about ``measure``, or None while none has gone out.
    Scoped to ``request.borrower`` (set by borrower_required)."""
    request = context.get("request")
    borrower = getattr(request, "borrower", None)
    if borrower is None:
        return None
    return select_notice_for_measure(measure=measure, borrower=borrower)
