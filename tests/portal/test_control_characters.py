"""A NUL or other control character in a URL is refused before any query.

PostgreSQL text cannot hold NUL: one that reaches a query raises DataError,
a 500. Run on PostgreSQL to see it; on SQLite the NUL reaches the query
harmlessly and only the status codes differ. The agency workspace and API
cases already answered 404 and are kept so that they stay so.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints.models import Evidence
from complaints.uploads import check_upload
from tests.factories import UserFactory
from tests.workspace.conftest import AgencySide, open_ticket, sign_in_session

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(db, settings, tmp_path):
    """One complaint with a file, seen from each side: its borrower, its
    agency's member and API token, and a superuser on the desk."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    side = AgencySide("a")
    upload = check_upload(SimpleUploadedFile("call.pdf", PDF, content_type="application/pdf"))
    ticket = open_ticket(side, files=[upload])
    borrower = side.account.borrower
    borrower.user = UserFactory()
    borrower.save(update_fields=["user"])
    borrower_client = Client()
    borrower_client.force_login(borrower.user)
    staff_client = Client()
    staff_client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return {
        "borrower": borrower_client,
        "agency": sign_in_session(Client(), side),
        "api": Client(headers={"Authorization": side.auth["HTTP_AUTHORIZATION"]}),
        "staff": staff_client,
        "account": side.account.reference,
        "reference": ticket.complaint.reference,
        "pk": str(ticket.complaint.pk),
        "token": Evidence.objects.get(complaint=ticket.complaint).token,
    }


NUL = "%00"

# (who, method, path) with {account}, {reference}, {pk} and {token} filled
# from the world; NUL is appended to the segment marked by a trailing "~".
PATHS = [
    ("borrower", "get", "/loans/{account}~/"),
    ("borrower", "get", "/loans/{account}~/contacts/"),
    ("borrower", "get", "/complaints/{reference}~/"),
    ("borrower", "get", "/complaints/{reference}~/submitted/"),
    ("borrower", "post", "/complaints/{reference}~/reply/"),
    ("borrower", "post", "/complaints/{reference}~/withdraw/"),
    ("borrower", "post", "/complaints/{reference}~/accept/"),
    ("borrower", "post", "/complaints/{reference}~/reject/"),
    ("borrower", "post", "/complaints/{reference}~/review/"),
    ("borrower", "post", "/complaints/{reference}~/rate/"),
    ("borrower", "get", "/complaints/evidence/{token}~/"),
    ("agency", "get", "/agency/tickets/{reference}~/"),
    ("agency", "post", "/agency/tickets/{reference}~/respond/"),
    ("agency", "post", "/agency/tickets/{reference}~/more-time/"),
    ("agency", "get", "/agency/tickets/{reference}~/evidence/{token}/"),
    ("agency", "get", "/agency/tickets/{reference}/evidence/{token}~/"),
    ("api", "get", "/api/v1/tickets/{reference}~/"),
    ("api", "post", "/api/v1/tickets/{reference}~/responses/"),
    ("api", "post", "/api/v1/tickets/{reference}~/extension-requests/"),
    ("api", "get", "/api/v1/tickets/{reference}~/evidence/{token}/"),
    ("api", "get", "/api/v1/tickets/{reference}/evidence/{token}~/"),
    ("staff", "get", "/admin/complaints/complaint/{pk}~/change/"),
    ("staff", "get", "/admin/complaints/complaint/{pk}~/history/"),
    ("staff", "get", "/admin/complaints/complaint/{pk}~/delete/"),
    ("staff", "get", "/admin/complaints/complaint/{pk}~/do/acknowledge/"),
    ("staff", "get", "/admin/complaints/complaint/{pk}/evidence/{token}~/"),
    ("staff", "get", "/admin/complaints/complaint/{pk}~/evidence/{token}/"),
    ("staff", "get", "/admin/complaints/complaint/{pk}/history/1~/"),
    ("staff", "get", "/admin/loans/loanaccount/1~/change/"),
]


def _url(template: str, world: dict, mark: str) -> str:
    return template.format(**world).replace("~", mark)


@pytest.mark.parametrize(("who", "method", "path"), PATHS, ids=[f"{m} {p}" for _w, m, p in PATHS])
def test_nul_in_a_path_segment_is_not_found(world, who, method, path):
    response = getattr(world[who], method)(_url(path, world, NUL))
    assert response.status_code == 404


@pytest.mark.parametrize("mark", ["%01", "%0A", "%1F", "%7F"])
def test_other_control_characters_in_a_path_are_not_found(world, mark):
    assert world["borrower"].get(_url("/complaints/{reference}~/", world, mark)).status_code == 404


def test_the_unmarked_paths_still_answer(world):
    """The cases above differ from working pages only by the NUL."""
    assert world["borrower"].get(_url("/complaints/{reference}~/", world, "")).status_code == 200
    assert world["staff"].get(_url("/admin/complaints/complaint/{pk}~/change/", world, "")).status_code == 200


QUERIES = [
    ("staff", "/admin/complaints/complaint/?q=%00"),
    ("staff", "/admin/loans/borrower/?q=%00"),
    ("staff", "/admin/complaints/complaint/?status=%00"),
    ("borrower", "/verify/?account=%00"),
    ("borrower", "/loans/{account}/contacts/?before=%00"),
    ("agency", "/agency/?status=%00"),
    ("api", "/api/v1/tickets/?status=%00"),
]


@pytest.mark.parametrize(("who", "path"), QUERIES, ids=[p for _w, p in QUERIES])
def test_nul_in_a_query_string_is_a_bad_request(world, who, path):
    response = world[who].get(path.format(**world))
    assert response.status_code == 400


FORMS = [
    ("borrower", "/verify/", {"account": "\x00", "number": "13800000000"}),
    ("borrower", "/check-number/", {"number": "1380000\x000000"}),
]


@pytest.mark.parametrize(("who", "path", "data"), FORMS, ids=[p for _w, p, _d in FORMS])
def test_nul_in_a_form_field_is_a_bad_request(world, who, path, data):
    assert world[who].post(path, data).status_code == 400
