"""The API's one exception handler (``EXCEPTION_HANDLER``)."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.views import exception_handler


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


def api_exception_handler(exc, context):
    """DRF's handler, and a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` answered
    in JSON with the limit. Django raises RequestDataTooBig when the parser
    first reads ``request.body``; DRF does not know it, and Django's own
    answer is an empty HTML 400 a client cannot act on."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(
            _("The body is larger than %(limit)d bytes, the most one call may send. Send fewer items per call.")
            % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    return exception_handler(exc, context)
