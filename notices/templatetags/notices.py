import re

from django import template
from django.conf import settings
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

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


@register.filter(needs_autoescape=True)
def portal_links(text, autoescape=True):
    """Escape ``text`` and make links to this portal clickable. Other URLs
    stay plain text: a notice quotes what agencies wrote (how to avoid a
    measure), and a link from them must not look like one from us."""
    escaped = conditional_escape(text or "")
    base = re.escape(conditional_escape(settings.PORTAL_BASE_URL))
    linked = re.sub(rf"{base}/[\w\-./?=&;%#]*", lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', str(escaped))
    return mark_safe(linked)  # noqa: S308 - built from escaped text and our own base URL
