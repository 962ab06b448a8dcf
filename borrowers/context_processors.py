from notices.selectors import unread_count


def inbox(request):
    """``inbox_unread``: the signed-in borrower's unread notices, counted only
    when a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    borrower = getattr(user, "borrower", None)
    if borrower is None:
        return {}
    return {"inbox_unread": lambda: unread_count(borrower=borrower)}
