"""The API's one exception handler (``EXCEPTION_HANDLER``).

Views call services and let their refusals propagate; this handler is the
one place that says which status and body each refusal gets, so two
endpoints cannot answer the same refusal differently.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler

from complaints.services import ComplaintTransitionError

# Most specific first: a transition error is also a validation error.
SERVICE_ERROR_STATUSES = (
    (ComplaintTransitionError, status.HTTP_409_CONFLICT),
    (DjangoValidationError, status.HTTP_400_BAD_REQUEST),
)


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


def api_exception_handler(exc, context):
    """DRF's handler, plus three answers it cannot give by itself.

    A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is answered in JSON with the
    limit: Django raises RequestDataTooBig when the parser first reads
    ``request.body``; DRF does not know it, and Django's own answer is an
    empty HTML 400 a client cannot act on.

    A service's refusal (a move the ticket's state does not allow, an
    invalid value) becomes 409 or 400 with the service's own messages as
    the detail.

    A service's PermissionDenied becomes 404 only in views that set
    ``permission_denied_as_not_found``: there it means the ticket is not the
    agency's, and the API does not confirm that someone else's ticket
    exists. Elsewhere DRF's 403 stands.
    """
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(
            _("The body is larger than %(limit)d bytes, the most one call may send. Send fewer items per call.")
            % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    if isinstance(exc, PermissionDenied) and getattr(context.get("view"), "permission_denied_as_not_found", False):
        exc = Http404()
    for error_type, code in SERVICE_ERROR_STATUSES:
        if isinstance(exc, error_type):
            return Response({"detail": " ".join(exc.messages)}, status=code)
    return exception_handler(exc, context)
