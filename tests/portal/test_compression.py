import gzip

import pytest
from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from portal.middleware import HtmlCompressionMiddleware

PAGE = ("<!doctype html><p>" + "催收投诉 complaint " * 200 + "</p>").encode()


def _through_middleware(response, **headers):
    request = RequestFactory().get("/", headers={"Accept-Encoding": "gzip, deflate", **headers})
    return HtmlCompressionMiddleware(lambda request: response)(request)


@pytest.mark.django_db
def test_a_large_page_is_served_gzipped_and_varies_by_encoding(client):
    response = client.get(reverse("portal:signin"), headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"<html" in gzip.decompress(response.content)


@pytest.mark.django_db
def test_a_compressed_page_keeps_its_security_headers(client):
    response = client.get(reverse("portal:signin"), headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "object-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_page_is_not_gzipped_for_a_client_that_does_not_accept_it(client):
    response = client.get(reverse("portal:signin"))
    assert not response.has_header("Content-Encoding")
    assert b"<html" in response.content


def test_compression_runs_after_every_middleware_that_writes_the_body():
    """Below the security middleware and above every other that touches the
    response: what it compresses is final."""
    names = settings.MIDDLEWARE
    position = names.index("portal.middleware.HtmlCompressionMiddleware")
    assert names.index("django.middleware.security.SecurityMiddleware") < position
    assert position < names.index("whitenoise.middleware.WhiteNoiseMiddleware")
    assert position < names.index("csp.middleware.CSPMiddleware")


def test_a_small_page_is_not_compressed():
    small = b"<!doctype html><p>" + b"x" * 1000 + b"</p>"  # above Django's own 200 bytes, below ours
    response = _through_middleware(HttpResponse(small, content_type="text/html"))
    assert not response.has_header("Content-Encoding")


def test_a_streamed_page_is_not_compressed():
    streamed = StreamingHttpResponse(iter([PAGE, PAGE]), content_type="text/html; charset=utf-8")
    response = _through_middleware(streamed)
    assert not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content) == PAGE + PAGE


def test_an_already_encoded_response_is_not_compressed_again():
    encoded = HttpResponse(gzip.compress(PAGE), content_type="text/html")
    encoded["Content-Encoding"] = "br"
    response = _through_middleware(encoded)
    assert response["Content-Encoding"] == "br"
    assert response.content == gzip.compress(PAGE)


def test_a_large_answer_that_is_not_html_is_not_compressed():
    response = _through_middleware(HttpResponse(PAGE, content_type="application/json"))
    assert not response.has_header("Content-Encoding")


def test_a_cross_site_request_gets_the_page_uncompressed():
    response = _through_middleware(HttpResponse(PAGE, content_type="text/html"), **{"Sec-Fetch-Site": "cross-site"})
    assert not response.has_header("Content-Encoding")
    assert response.content == PAGE


def test_a_same_site_request_gets_the_page_compressed_with_random_padding():
    """Django's gzip adds random bytes to each body (BREACH): the same page
    compresses to different lengths."""
    lengths = {
        len(
            _through_middleware(
                HttpResponse(PAGE, content_type="text/html"), **{"Sec-Fetch-Site": "same-origin"}
            ).content
        )
        for _ in range(10)
    }
    assert len(lengths) > 1
