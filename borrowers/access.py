"""Who is asking: the borrower behind a signed-in user."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def borrower_required(view):
    """Let only signed-in borrowers in, and put their record on
    ``request.borrower`` for the view's scoped lookups.

    Anonymous visitors go to the sign-in page; signed-in users who are not
    borrowers (staff, agency users) are refused.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        borrower = getattr(request.user, "borrower", None)
        if borrower is None:
            raise PermissionDenied
        request.borrower = borrower
        return view(request, *args, **kwargs)

    return wrapper
