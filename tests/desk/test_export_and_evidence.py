import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from accesslog.models import DataAccessRecord
from complaints.models import Evidence, SLAPolicy
from complaints.uploads import evidence_root
from tests.factories import BorrowerFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:complaints_complaint_export")


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_export_has_the_documented_columns(client_for, agent, submit):
    submit()
    with translation.override("en"):
        rows = rows_of(client_for(agent).get(EXPORT, HTTP_ACCEPT_LANGUAGE="en"))
    assert rows[0] == [
        "reference",
        "submitted at",
        "status",
        "severity",
        "category",
        "agency",
        "collector",
        "assigned to",
        "borrower",
        "borrower's phone",
        "SLA",
        "next deadline",
        "next deadline due at",
    ]


def test_export_masks_the_borrower(client_for, agent, submit):
    complaint = submit(borrower=BorrowerFactory(name="张三丰", phone="+8613912345678"))
    rows = rows_of(client_for(agent).get(EXPORT))
    row = next(r for r in rows if r[0] == complaint.reference)
    assert row[8:10] == ["张**", "139****5678"]


def test_export_follows_the_list_filters(client_for, agent, submit):
    from complaints.services import complaint_assign

    mine, other = submit(), submit()
    complaint_assign(complaint=mine, assignee=agent, by=agent, now=mine.submitted_at)
    references = [r[0] for r in rows_of(client_for(agent).get(EXPORT, {"assignee": "mine"}))[1:]]
    assert references == [mine.reference]
    assert other.reference not in references


def test_export_is_recorded_with_who_filters_and_rows(client_for, agent, submit):
    submit()
    submit()
    rows_of(client_for(agent).get(EXPORT, {"status__exact": "submitted"}))
    record = DataAccessRecord.objects.get(action=DataAccessRecord.Action.EXPORTED)
    assert (record.user, record.rows, record.detail["filters"]) == (agent, 2, {"status__exact": ["submitted"]})


def test_export_is_refused_to_an_auditor(client_for, auditor, submit):
    submit()
    assert client_for(auditor).get(EXPORT).status_code == 403
    assert not DataAccessRecord.objects.filter(action=DataAccessRecord.Action.EXPORTED).exists()


def test_export_defuses_spreadsheet_formulas(client_for, agent, submit):
    from common.spreadsheet import csv_cell

    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("@SUM") == "'@SUM"
    assert csv_cell("张三") == "张三"


def test_export_link_is_shown_to_those_who_may_export(client_for, agent, auditor, submit):
    submit()
    changelist = reverse("admin:complaints_complaint_changelist")
    assert EXPORT.encode() in client_for(agent).get(changelist).content
    assert EXPORT.encode() not in client_for(auditor).get(changelist).content


@pytest.fixture
def evidence(submit, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    complaint = submit()
    folder = evidence_root() / "ab"
    folder.mkdir(parents=True)
    (folder / "abfile").write_bytes(b"%PDF-1.4 test")
    return Evidence.objects.create(
        complaint=complaint,
        token="tok123",
        storage_name="ab/abfile",
        original_name="recording.pdf",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
        party="borrower",
        uploaded_at=complaint.submitted_at,
    )


def evidence_url(item, token=None):
    return reverse("admin:complaints_complaint_evidence", args=[item.complaint_id, token or item.token])


def test_evidence_is_downloaded_as_an_attachment_with_our_type(client_for, agent, evidence):
    response = client_for(agent).get(evidence_url(evidence))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


def test_evidence_download_is_recorded(client_for, agent, evidence):
    client_for(agent).get(evidence_url(evidence))
    assert DataAccessRecord.objects.filter(user=agent, subject__startswith=f"evidence {evidence.pk}").exists()


def test_evidence_of_another_complaint_is_not_found(client_for, agent, evidence, submit):
    other = submit()
    url = reverse("admin:complaints_complaint_evidence", args=[other.pk, evidence.token])
    assert client_for(agent).get(url).status_code == 404


def test_evidence_is_refused_to_staff_without_the_right(client_for, evidence):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    assert client_for(clerk).get(evidence_url(evidence)).status_code == 403


def test_triage_agent_cannot_change_an_sla_policy(client_for, agent):
    policy = SLAPolicy.objects.get(severity=1)
    url = reverse("admin:complaints_slapolicy_change", args=[policy.pk])
    response = client_for(agent).post(url, {"acknowledge_amount": "99"})
    assert response.status_code == 403
    policy.refresh_from_db()
    assert policy.acknowledge_amount != 99


def test_supervisor_can_open_an_sla_policy_for_editing(client_for, supervisor):
    policy = SLAPolicy.objects.get(severity=1)
    response = client_for(supervisor).get(reverse("admin:complaints_slapolicy_change", args=[policy.pk]))
    assert response.status_code == 200
    assert b'name="acknowledge_amount"' in response.content


def test_auditor_cannot_change_an_sla_policy(client_for, auditor):
    policy = SLAPolicy.objects.get(severity=1)
    response = client_for(auditor).post(
        reverse("admin:complaints_slapolicy_change", args=[policy.pk]), {"acknowledge_amount": "99"}
    )
    assert response.status_code == 403


def test_auditor_sees_no_add_or_change_anywhere_in_admin(auditor):
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = auditor
    for model, model_admin in admin.site._registry.items():
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model


def test_export_with_a_filter_it_cannot_apply_goes_back_to_the_list(client_for, agent, submit):
    submit()
    response = client_for(agent).get(EXPORT, {"submitted_at__gte": "not a date"})
    assert response.status_code == 302
    assert not DataAccessRecord.objects.filter(action=DataAccessRecord.Action.EXPORTED).exists()
