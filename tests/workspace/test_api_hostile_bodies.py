"""Bodies no client should send get a JSON refusal that says why, on every
endpoint that reads one."""

import pytest

pytestmark = pytest.mark.django_db

WRITE_PATHS = ["/api/v1/contact-events/", "/api/v1/scheduled-measures/"]


def ticket_write_paths(ticket):
    reference = ticket.complaint.reference
    return [f"/api/v1/tickets/{reference}/responses/", f"/api/v1/tickets/{reference}/extension-requests/"]


def send(client, side, path, body: str):
    return client.post(path, data=body, content_type="application/json", **side.auth)


def test_deeply_nested_body_is_a_json_400_on_every_write_endpoint(client, side_a, ticket_a):
    for path in WRITE_PATHS + ticket_write_paths(ticket_a):
        response = send(client, side_a, path, "[" * 100_000)
        assert response.status_code == 400, path
        assert "nested too deeply" in response.json()["detail"]


def test_malformed_json_says_where_it_broke(client, side_a):
    response = send(client, side_a, WRITE_PATHS[0], '{"items": [}')
    assert response.json()["detail"] == "The body is not valid JSON (line 1, column 12)."


def test_malformed_json_refusal_is_in_the_callers_language(client, side_a):
    response = client.post(
        WRITE_PATHS[0], data="{", content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans", **side_a.auth
    )
    assert response.json()["detail"].startswith("请求正文不是有效的 JSON")


@pytest.fixture
def small_upload_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_body_over_the_upload_limit_is_a_json_413_naming_the_limit_on_every_write_endpoint(
    client, side_a, ticket_a, small_upload_limit
):
    body = '{"items": [], "padding": "' + "x" * small_upload_limit + '"}'
    for path in WRITE_PATHS + ticket_write_paths(ticket_a):
        response = send(client, side_a, path, body)
        assert response.status_code == 413, path
        assert "1000 bytes" in response.json()["detail"]


def test_body_over_the_upload_limit_is_logged_as_a_413_call(client, side_a, small_upload_limit):
    from agencies.models import ApiCallLog

    send(client, side_a, WRITE_PATHS[0], "[" + "1," * small_upload_limit + "1]")
    assert ApiCallLog.objects.get().status == 413


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_api_path_is_a_json_404(client, side_a, method):
    response = getattr(client, method)("/api/v1/no-such-endpoint/", **side_a.auth)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_post_to_unknown_api_path_is_a_json_404_not_a_csrf_page(side_a):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/api/v1/no-such-endpoint/", **side_a.auth)
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_known_api_path_without_its_slash_is_still_redirected(client, side_a):
    response = client.get("/api/v1/tickets", **side_a.auth)
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/tickets/"


def test_method_an_endpoint_does_not_take_is_a_json_405(client, side_a):
    response = client.get(WRITE_PATHS[0], **side_a.auth)
    assert response.status_code == 405
    assert "detail" in response.json()


def test_body_that_is_not_json_is_a_json_415(client, side_a):
    response = client.post(WRITE_PATHS[0], data="items", content_type="text/plain", **side_a.auth)
    assert response.status_code == 415
    assert "detail" in response.json()
