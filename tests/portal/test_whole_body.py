"""A form post with files is read from the server in one call when its
whole body fits in memory, and streamed as before when it does not; the
view sees the same form either way."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpResponse
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from portal.middleware import WholeBodyMiddleware

# More than one of the multipart parser's 64 KB chunks.
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 1024


class ServerInput(io.BytesIO):
    """The server's ``wsgi.input``, noting the size of each read."""

    def __init__(self, data: bytes, *, fails: bool = False):
        super().__init__(data)
        self.reads: list[int] = []
        self.fails = fails

    def read(self, size=-1, /):
        self.reads.append(size)
        if self.fails:
            raise OSError("connection reset by peer")
        return super().read(size)


def form_post(*, fails: bool = False) -> tuple[WSGIRequest, ServerInput]:
    body = encode_multipart(BOUNDARY, {"note": "hello", "file": SimpleUploadedFile("call.pdf", PDF)})
    server_input = ServerInput(body, fails=fails)
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "wsgi.input": server_input,
            "CONTENT_TYPE": MULTIPART_CONTENT,
            "CONTENT_LENGTH": str(len(body)),
        }
    )
    return request, server_input


def what_the_view_sees(request: WSGIRequest) -> dict:
    seen = {}

    def view(request):
        seen["note"] = request.POST.get("note")
        seen["file"] = request.FILES["file"].read() if "file" in request.FILES else None
        return HttpResponse()

    WholeBodyMiddleware(view)(request)
    return seen


def test_a_form_post_that_fits_in_memory_is_read_in_one_call():
    request, server_input = form_post()
    seen = what_the_view_sees(request)
    assert (server_input.reads, seen) == ([int(request.META["CONTENT_LENGTH"])], {"note": "hello", "file": PDF})


def test_a_form_post_larger_than_memory_is_streamed_as_before(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    request, server_input = form_post()
    seen = what_the_view_sees(request)
    assert len(server_input.reads) > 2 and max(server_input.reads) <= 64 * 1024
    assert seen == {"note": "hello", "file": PDF}


def test_a_client_gone_mid_body_leaves_an_empty_form_not_an_error():
    request, _server_input = form_post(fails=True)
    assert what_the_view_sees(request) == {"note": None, "file": None}


def test_a_post_whose_client_goes_away_mid_body_is_refused_not_a_server_error(db):
    request, _server_input = form_post(fails=True)
    environ = {**request.environ, "PATH_INFO": reverse("complaints:new")}
    statuses = []
    WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    assert statuses == ["403 Forbidden"]
