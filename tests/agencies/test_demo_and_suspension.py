import io
import json

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from complaints.models import AgencyResponse
from tests.factories import ContactPreferenceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_totp_code_command_prints_the_current_code(side_a):
    out = io.StringIO()
    call_command("agency_totp_code", side_a.user.username, stdout=out)
    assert out.getvalue().strip() == pyotp.TOTP(side_a.membership.totp_secret).now()


def test_totp_code_command_refuses_non_members(db):
    UserFactory(username="plain")
    with pytest.raises(CommandError):
        call_command("agency_totp_code", "plain")


class TestSuspension:
    def suspend(self, side):
        side.agency.status = "suspended"
        side.agency.status_public_reason = "conduct"
        side.agency.status_changed_at = timezone.now()
        side.agency.save()

    def test_member_cannot_respond_after_suspension(self, client_a, side_a, ticket_a):
        self.suspend(side_a)
        response = client_a.post(
            reverse("agency:respond", kwargs={"reference": ticket_a.complaint.reference}),
            {"statement": "x", "remediation": "warned"},
        )
        assert response.status_code == 403
        assert not AgencyResponse.objects.exists()

    def test_token_cannot_post_events_after_suspension(self, client, side_a):
        self.suspend(side_a)
        response = client.post(
            "/api/v1/contact-events/", data=json.dumps({"items": []}), content_type="application/json", **side_a.auth
        )
        assert response.status_code == 401

    def test_pending_code_step_fails_when_agency_is_suspended_meanwhile(self, client, side_a):
        from tests.workspace.conftest import PASSWORD

        client.post(reverse("agency:signin"), {"username": side_a.user.username, "password": PASSWORD})
        self.suspend(side_a)
        client.post(reverse("agency:signin_code"), {"code": side_a.code()})
        assert "_auth_user_id" not in client.session

    def test_terminated_agency_is_treated_like_suspended(self, client_a, side_a):
        side_a.agency.status = "terminated"
        side_a.agency.status_public_reason = "conduct"
        side_a.agency.save()
        assert client_a.get(reverse("agency:inbox")).status_code == 403


class TestPages:
    @pytest.mark.parametrize(
        "name", ["agency:signin", "agency:inbox", "agency:preferences", "agency:report_contact", "agency:conduct"]
    )
    def test_page_has_strict_csp(self, client_a, name):
        response = client_a.get(reverse(name))
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy
        assert "style=" not in response.content.decode()
        assert "<script>" not in response.content.decode()

    def test_preferences_page_lists_changes_with_masked_names(self, client_a, side_a):
        ContactPreferenceFactory(borrower=side_a.account.borrower, no_third_party_contact=True)
        content = client_a.get(reverse("agency:preferences")).content.decode()
        assert side_a.account.reference in content
        assert side_a.account.borrower.name not in content

    def test_anonymous_visitor_is_sent_to_agency_signin(self, client):
        response = client.get(reverse("agency:inbox"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("agency:signin"))

    def test_signin_next_parameter_cannot_leave_the_site(self, client, side_a):
        from tests.workspace.conftest import PASSWORD

        client.post(
            reverse("agency:signin") + "?next=https://evil.example/",
            {"username": side_a.user.username, "password": PASSWORD, "next": "https://evil.example/"},
        )
        response = client.post(
            reverse("agency:signin_code") + "?next=https://evil.example/",
            {"code": side_a.code(), "next": "https://evil.example/"},
        )
        assert response["Location"] == reverse("agency:inbox")
