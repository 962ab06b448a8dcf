import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from complaints.models import Status
from desk.models import DataAccessRecord

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:complaints_complaint_changelist")


def page(complaint):
    return reverse("admin:complaints_complaint_change", args=[complaint.pk])


def act(client, action, complaints, **extra):
    return client.post(
        CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [str(c.pk) for c in complaints], **extra}, follow=True
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_changelist_shows_the_masked_borrower_and_not_the_phone(client_for, agent, submit):
    complaint = submit()
    content = client_for(agent).get(CHANGELIST).content.decode()
    assert complaint.reference in content
    assert complaint.borrower.phone[-4:] in content
    assert complaint.borrower.phone[3:] not in content
    assert complaint.borrower.name not in content


def test_changelist_shows_the_sla_badge_as_words(client_for, agent, submit):
    submit()
    content = client_for(agent).get(CHANGELIST).content.decode()
    assert "sla-badge" in content
    assert "Acknowledge" in content or "确认" in content


def test_complaint_page_renders_for_an_auditor(client_for, auditor, submit):
    complaint = submit()
    response = client_for(auditor).get(page(complaint))
    assert response.status_code == 200
    assert complaint.reference in response.content.decode()


def test_opening_a_complaint_page_is_recorded(client_for, agent, submit):
    complaint = submit()
    client_for(agent).get(page(complaint))
    assert DataAccessRecord.objects.filter(user=agent, subject=f"complaint {complaint.reference}").exists()


def test_acknowledge_action_acknowledges_a_submitted_complaint(client_for, agent, submit):
    complaint = submit()
    act(client_for(agent), "acknowledge", [complaint])
    complaint.refresh_from_db()
    assert complaint.status == Status.ACKNOWLEDGED
