from django import template
from django.utils import timezone

from desk.stalls import stall_messages, stalls_cached

register = template.Library()


@register.inclusion_tag("desk/includes/stalls.html", takes_context=True)
def desk_stalls(context) -> dict:
    """The red banner, for staff signed in to the desk only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not (user and user.is_active and user.is_staff):
        return {"stalls": []}
    return {"stalls": stall_messages(stalls_cached(now=timezone.now()))}
