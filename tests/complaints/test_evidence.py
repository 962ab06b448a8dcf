"""Every way in to an evidence file ends in the same response: the
borrower's page, the desk, the agency workspace and the agency API."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accesslog.models import DataAccessRecord
from complaints.uploads import check_upload
from desk.roles import TRIAGE_AGENT
from tests.factories import UserFactory
from tests.workspace.conftest import AgencySide, open_ticket, sign_in_session

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def side():
    return AgencySide("a")


@pytest.fixture
def evidence(side):
    borrower = side.account.borrower
    borrower.user = UserFactory(username="borrower")
    borrower.save(update_fields=["user"])
    upload = check_upload(SimpleUploadedFile("call.pdf", PDF, content_type="application/pdf"))
    return open_ticket(side, files=[upload]).complaint.evidence.get()


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def borrower_page(side, evidence):
    url = reverse("complaints:evidence", kwargs={"token": evidence.token})
    return _logged_in(evidence.complaint.borrower.user).get(url)


def staff_on_borrower_page(side, evidence):
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_complaint_evidence"))
    return _logged_in(staff).get(reverse("complaints:evidence", kwargs={"token": evidence.token}))


def desk(side, evidence):
    agent = UserFactory(username="agent", is_staff=True)
    agent.groups.add(Group.objects.get(name=TRIAGE_AGENT))
    url = reverse("admin:complaints_complaint_evidence", args=[evidence.complaint_id, evidence.token])
    return _logged_in(agent).get(url)


def agency_workspace(side, evidence):
    url = reverse("agency:evidence", kwargs={"reference": evidence.complaint.reference, "token": evidence.token})
    return sign_in_session(Client(), side).get(url)


def agency_api(side, evidence):
    return Client().get(f"/api/v1/tickets/{evidence.complaint.reference}/evidence/{evidence.token}/", **side.auth)


# How each way in is recorded: the borrower's own download is no access by
# someone else; every other one is.
WAYS_IN = [
    pytest.param(borrower_page, None, id="borrower"),
    pytest.param(staff_on_borrower_page, "staff", id="staff-on-borrower-page"),
    pytest.param(desk, "staff", id="desk"),
    pytest.param(agency_workspace, "agency", id="agency-workspace"),
    pytest.param(agency_api, "agency", id="agency-api"),
]


HEADERS = ["Content-Type", "Content-Disposition", "X-Content-Type-Options", "Content-Security-Policy", "Cache-Control"]


@pytest.mark.parametrize(("download", "recorded_as"), WAYS_IN)
def test_every_way_in_serves_the_same_response(download, recorded_as, side, evidence):
    response = download(side, evidence)
    assert response.status_code == 200
    assert {name: response[name] for name in HEADERS} == {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'attachment; filename="{evidence.complaint.reference}-{evidence.pk}-call.pdf"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate, private",
    }
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(("download", "recorded_as"), WAYS_IN)
def test_each_download_by_someone_else_writes_one_access_row(download, recorded_as, side, evidence):
    response = download(side, evidence)
    b"".join(response.streaming_content)
    records = list(DataAccessRecord.objects.all())
    if recorded_as is None:
        assert records == []
        return
    [record] = records
    assert (record.action, record.subject, record.detail["by"]) == (
        DataAccessRecord.Action.VIEWED,
        f"evidence {evidence.pk} of {evidence.complaint.reference}",
        recorded_as,
    )
    if recorded_as == "agency":
        assert record.detail["agency"] == side.agency.pk


@pytest.mark.parametrize(("download", "recorded_as"), WAYS_IN)
def test_a_type_we_do_not_accept_is_refused_everywhere(download, recorded_as, side, evidence):
    type(evidence).objects.filter(pk=evidence.pk).update(content_type="image/svg+xml")
    assert download(side, evidence).status_code == 404
    assert not DataAccessRecord.objects.exists()
