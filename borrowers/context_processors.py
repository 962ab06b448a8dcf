from notices.selectors import unread_count

from .jinja2 import request_bound


def layout(request):
    """What the borrower site's layout needs: ``signed_in_borrower`` (or
    None) for the menu, and ``count_unread()``, their unread notices, called
    only when the menu shows them and the page did not count them already
    (a page may pass ``inbox_unread`` itself); and ``_`` and ``url`` bound to
    the request's language and URL configuration (``request_bound``)."""
    borrower = getattr(request, "borrower", None)
    if borrower is None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            borrower = getattr(user, "borrower", None)
    return {
        "signed_in_borrower": borrower,
        "count_unread": lambda: unread_count(borrower=borrower) if borrower is not None else 0,
        **request_bound(),
    }
