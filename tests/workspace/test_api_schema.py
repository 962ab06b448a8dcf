"""The OpenAPI schema, the docs page, and a property-based run of every
endpoint against the schema with a real token."""

import base64

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


def test_schema_lists_every_endpoint(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    assert set(paths) >= {
        "/api/v1/tickets/",
        "/api/v1/tickets/{reference}/",
        "/api/v1/tickets/{reference}/responses/",
        "/api/v1/tickets/{reference}/extension-requests/",
        "/api/v1/tickets/{reference}/evidence/{token}/",
        "/api/v1/contact-events/",
        "/api/v1/scheduled-measures/",
        "/api/v1/contact-preferences/",
    }


def test_schema_declares_bearer_auth(client):
    document = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert document["components"]["securitySchemes"]["agencyToken"]["scheme"] == "bearer"


def test_docs_page_loads_its_assets_from_this_site(client):
    response = client.get("/api/docs/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in content
    assert "<script>" not in content
    assert "<style" not in content
    assert "https://" not in content


def test_docs_page_keeps_the_strict_csp(client):
    policy = client.get("/api/docs/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_docs_init_script_is_served_as_javascript(client):
    response = client.get("/api/docs/", {"script": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")


@pytest.fixture
def keep_test_connection():
    """Calls go straight to the WSGI app, not through Django's test client:
    stop the request signals from closing the test transaction's connection
    (what the test client does for its own requests)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token_header(side_a, ticket_a, keep_test_connection):
    return {"Authorization": f"Bearer {side_a.token_text}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, token_header):
    case.call_and_validate(
        headers=token_header,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )


def test_schema_ignores_basic_credentials(client, side_a):
    """No unthrottled password check hides behind the public schema."""
    wrong = base64.b64encode(f"{side_a.user.username}:wrong-password".encode()).decode()
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Basic {wrong}")
    assert response.status_code == 200


def test_api_refuses_basic_credentials(client, side_a):
    from .conftest import PASSWORD

    right = base64.b64encode(f"{side_a.user.username}:{PASSWORD}".encode()).decode()
    assert client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Basic {right}").status_code == 401


def test_schema_describes_the_contacted_party_for_the_agency(client):
    text = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
    assert "`borrower` - The borrower" in text
    assert "`borrower` - You" not in text


def test_schema_is_served_whole_in_one_language_whatever_the_visitor_reads(client):
    import re

    response = client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response["Content-Language"] == "en"
    assert re.findall(r"[\u4e00-\u9fff]", response.content.decode()) == []
    assert "`borrower` - The borrower" in response.content.decode()
