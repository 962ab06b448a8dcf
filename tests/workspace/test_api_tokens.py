import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import ApiCallLog, ApiToken
from agencies.tokens import api_token_authenticate, api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db
URL = "/api/v1/contact-preferences/"


def test_token_is_stored_hashed(side_a):
    assert side_a.token_text.split("_", 2)[2] not in side_a.token.secret_hash
    assert len(side_a.token.secret_hash) == 64
    assert side_a.token_text.startswith(f"agk_{side_a.token.prefix}_")


def test_valid_token_authenticates(client, side_a):
    assert client.get(URL, **side_a.auth).status_code == 200


def test_call_is_logged_with_its_token(client, side_a):
    client.get(URL, **side_a.auth)
    log = ApiCallLog.objects.get()
    assert (log.token, log.agency, log.method, log.path, log.status) == (side_a.token, side_a.agency, "GET", URL, 200)


def test_missing_token_is_401_with_bearer_challenge(client, db):
    response = client.get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_secret_is_refused(client, side_a):
    tampered = side_a.token_text[:-3] + ("aaa" if not side_a.token_text.endswith("aaa") else "bbb")
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {tampered}").status_code == 401


def test_malformed_header_is_refused(client, side_a):
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer").status_code == 401
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer a b").status_code == 401
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401


def test_revoked_token_stops_working(client, side_a):
    api_token_revoke(token=side_a.token, now=timezone.now())
    assert client.get(URL, **side_a.auth).status_code == 401


def test_expired_token_stops_working(client, side_a):
    ApiToken.objects.filter(pk=side_a.token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(URL, **side_a.auth).status_code == 401


def test_token_of_suspended_agency_stops_working(client, side_a):
    side_a.agency.status = "suspended"
    side_a.agency.status_public_reason = "conduct"
    side_a.agency.save()
    assert client.get(URL, **side_a.auth).status_code == 401


def test_agency_may_have_several_tokens(client, side_a):
    _, second = api_token_create(agency=side_a.agency, name="crm", now=timezone.now())
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200
    assert client.get(URL, **side_a.auth).status_code == 200


def test_authenticate_refreshes_last_used(side_a):
    now = timezone.now()
    token = api_token_authenticate(raw=side_a.token_text, now=now)
    side_a.token.refresh_from_db()
    assert token == side_a.token
    assert side_a.token.last_used_at == now


def test_session_of_agency_user_does_not_open_the_api(client_a):
    assert client_a.get(URL).status_code == 401


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client, django_user_model):
        user = django_user_model.objects.create_superuser("root", "root@example.cn", "a-long-test-password")
        client.force_login(user)
        return client

    def test_created_token_is_shown_once_and_works(self, admin_client, client, side_a):
        expires = timezone.localtime(timezone.now() + datetime.timedelta(days=30))
        response = admin_client.post(
            reverse("admin:agencies_apitoken_add"),
            {
                "agency": side_a.agency.pk,
                "name": "reporting",
                "expires_at_0": expires.strftime("%Y-%m-%d"),
                "expires_at_1": expires.strftime("%H:%M:%S"),
            },
        )
        assert response.status_code == 200
        token = ApiToken.objects.get(name="reporting")
        text = response.context["token_text"]
        assert text.startswith(f"agk_{token.prefix}_")
        assert text.encode() in response.content
        page = admin_client.get(reverse("admin:agencies_apitoken_change", args=[token.pk]))
        assert text.encode() not in page.content
        admin_client.logout()
        assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {text}").status_code == 200

    def test_admin_refuses_expiry_in_the_past(self, admin_client, side_a):
        past = timezone.localtime(timezone.now() - datetime.timedelta(days=1))
        response = admin_client.post(
            reverse("admin:agencies_apitoken_add"),
            {
                "agency": side_a.agency.pk,
                "name": "old",
                "expires_at_0": past.strftime("%Y-%m-%d"),
                "expires_at_1": past.strftime("%H:%M:%S"),
            },
        )
        assert response.status_code == 200
        assert not ApiToken.objects.filter(name="old").exists()

    def test_revoke_action_revokes(self, admin_client, client, side_a):
        admin_client.post(
            reverse("admin:agencies_apitoken_changelist"),
            {"action": "revoke", "_selected_action": [side_a.token.pk]},
        )
        side_a.token.refresh_from_db()
        assert side_a.token.revoked_at is not None
        assert client.get(URL, **side_a.auth).status_code == 401


@pytest.mark.parametrize(
    "name",
    [
        "admin:agencies_apitoken_changelist",
        "admin:agencies_apitoken_add",
        "admin:agencies_apicalllog_changelist",
        "admin:agencies_agencymembership_changelist",
        "admin:agencies_agencysigninattempt_changelist",
    ],
)
def test_access_admin_pages_render(client, django_user_model, side_a, name):
    client.force_login(django_user_model.objects.create_superuser("root2", "r2@example.cn", "a-long-test-password"))
    client.get(URL, **side_a.auth)
    assert client.get(reverse(name)).status_code == 200


def test_token_change_page_never_shows_the_hash(client, django_user_model, side_a):
    client.force_login(django_user_model.objects.create_superuser("root3", "r3@example.cn", "a-long-test-password"))
    page = client.get(reverse("admin:agencies_apitoken_change", args=[side_a.token.pk]))
    assert page.status_code == 200
    assert side_a.token.secret_hash.encode() not in page.content


def test_reset_authenticator_makes_the_member_enrol_again(client, django_user_model, side_a):
    client.force_login(django_user_model.objects.create_superuser("root4", "r4@example.cn", "a-long-test-password"))
    client.post(
        reverse("admin:agencies_agencymembership_changelist"),
        {"action": "reset_authenticator", "_selected_action": [side_a.membership.pk]},
    )
    side_a.membership.refresh_from_db()
    assert not side_a.membership.totp_enrolled


def test_call_with_revoked_token_is_logged_as_refused(client, side_a):
    api_token_revoke(token=side_a.token, now=timezone.now())
    client.get(URL, **side_a.auth)
    log = ApiCallLog.objects.get()
    assert (log.token, log.status) == (side_a.token, 401)


def test_call_with_unknown_token_is_not_logged(client, side_a):
    client.get(URL, HTTP_AUTHORIZATION="Bearer agk_000000000000_nope")
    assert not ApiCallLog.objects.exists()


def test_token_over_its_rate_is_told_to_wait(client, side_a, monkeypatch):
    from workspace.api import throttling

    monkeypatch.setattr(throttling, "CALLS_PER_MINUTE", 2)
    assert client.get(URL, **side_a.auth).status_code == 200
    assert client.get(URL, **side_a.auth).status_code == 200
    response = client.get(URL, **side_a.auth)
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 60


def test_rate_is_counted_per_token(client, side_a, monkeypatch):
    from workspace.api import throttling

    monkeypatch.setattr(throttling, "CALLS_PER_MINUTE", 1)
    _, second = api_token_create(agency=side_a.agency, name="second", now=timezone.now())
    assert client.get(URL, **side_a.auth).status_code == 200
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200
