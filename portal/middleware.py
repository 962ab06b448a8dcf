"""Refusals made before any view runs, for input no page of ours can use."""

import re

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse

PATH_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def _holds_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


class ControlCharacterMiddleware:
    """A control character in the path is not found (404); a NUL in a query
    string or form field is a bad request (400).

    No reference, token or id of ours holds a control character, and
    PostgreSQL text cannot hold NUL: one that reached a query would be a
    DataError, a 500. Checking here covers every URL at once, the admin's
    ``<path:object_id>`` and search box included, and every parameter a
    view reads without a form. Uploaded files are not read: their bytes
    are not text.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if PATH_CONTROL_CHARACTERS.search(request.path_info):
            raise Http404
        if _holds_nul(request.GET) or (request.method == "POST" and _holds_nul(request.POST)):
            raise BadRequest
        return self.get_response(request)
