"""Refusals made before any view runs, for input no page of ours can use."""

import contextlib
import logging
import re
import time

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.middleware.gzip import GZipMiddleware
from rest_framework.views import APIView

from common.metrics import REQUEST_SECONDS, REQUESTS
from common.requestid import request_id_new, request_id_scope

request_log = logging.getLogger("portal.requests")

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
    are not text. API views parse their own bodies (JSON only; a form body
    there is refused as an unsupported media type), so their bodies are
    left to them: reading ``request.POST`` first would hand DRF the parsed
    form instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if PATH_CONTROL_CHARACTERS.search(request.path_info):
            raise Http404
        if _holds_nul(request.GET):
            raise BadRequest
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method == "POST" and not _parses_own_body(view_func) and _holds_nul(request.POST):
            raise BadRequest
        return None


def _parses_own_body(view_func) -> bool:
    view_class = getattr(view_func, "cls", None)
    return view_class is not None and issubclass(view_class, APIView)


class WholeBodyMiddleware:
    """Read a form post with files (``multipart/form-data``) in one call to
    the server when its whole body fits in memory
    (``DATA_UPLOAD_MAX_MEMORY_SIZE``), before anything parses it; Django
    then parses it from memory, as it does when a view has read
    ``request.body``. Larger posts are streamed as before.

    Left to itself, Django's multipart parser reads the body 64 KB at a
    time. gunicorn receives up to 1 MB per ``recv()`` and, on each small
    read, copies all it holds beyond the bytes asked for into a new buffer:
    when a busy worker found a 1 MB upload already received, some 17 MB
    were copied, into fresh buffers of up to 1 MB that the allocator often
    had to fault in from the kernel. Read at once, the body is copied twice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if (
            limit is not None
            and request.method == "POST"
            and request.content_type == "multipart/form-data"
            and 0 < _content_length(request) <= limit
        ):
            # A client gone mid-body leaves an empty form, which the CSRF
            # check refuses, as it refused the post when the parse met
            # the broken body itself.
            with contextlib.suppress(UnreadablePostError):
                request.body  # noqa: B018 - read and kept by the request
        return self.get_response(request)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestLogMiddleware:
    """Give the request an id, answer it under that id (log records and the
    outbox rows it creates carry it), then log one line and count it.

    The line names the view, never the path or the query: paths hold
    references and a query may hold anything a visitor typed. The id is
    ours, never taken from the request, and is returned as ``X-Request-ID``
    so a borrower's support call can quote it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        with request_id_scope(request_id_new()) as request_id:
            request.request_id = request_id
            response = self.get_response(request)
            seconds = time.monotonic() - started
            match = getattr(request, "resolver_match", None)
            view = (match.view_name or match._func_path) if match else "unresolved"
            request_log.info(
                "request method=%s view=%s status=%s duration_ms=%.0f",
                request.method,
                view,
                response.status_code,
                seconds * 1000,
            )
        response.headers["X-Request-ID"] = request_id
        REQUESTS.labels(view=view, method=request.method, status=f"{response.status_code // 100}xx").inc()
        REQUEST_SECONDS.labels(view=view).observe(seconds)
        return response


class HtmlCompressionMiddleware(GZipMiddleware):
    """Gzip HTML pages where it pays: a whole (not streamed) ``text/html``
    body of at least ``MIN_BYTES``, not already encoded, asked for by a
    browser that accepts gzip. CSS and scripts are compressed ahead by
    whitenoise; downloads, exports and API answers are left alone.

    BREACH (guessing a secret in a compressed page from its length while
    reflecting chosen text in it) is met four ways: Django masks the CSRF
    token afresh in every response, so no secret repeats between the
    attacker's tries; Django's gzip adds up to 100 random bytes to each
    compressed body, blurring the length; session and CSRF cookies are
    SameSite=Lax, so the cross-site requests an attacker's page makes
    carry no session; and a request the browser marks as cross-site
    (``Sec-Fetch-Site: cross-site``) is answered uncompressed.
    """

    MIN_BYTES = 1400  # about one TCP segment: below it gzip saves no round trip

    def process_response(self, request, response):
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or not response.get("Content-Type", "").startswith("text/html")
            or len(response.content) < self.MIN_BYTES
            or request.headers.get("Sec-Fetch-Site") == "cross-site"
        ):
            return response
        return super().process_response(request, response)
