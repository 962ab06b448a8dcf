import datetime

import pyotp
import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import AgencyMembership, AgencySignInAttempt
from agencies.verification import VERIFIED_SESSION_KEY
from tests.factories import UserFactory
from workspace.signin import CODE_TRIES_PER_USER, PASSWORD_TRIES_PER_USERNAME, sign_in_code_check

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _password_step(client, username, password=PASSWORD):
    return client.post(reverse("agency:signin"), {"username": username, "password": password})


def test_signin_page_renders(client):
    response = client.get(reverse("agency:signin"))
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_password_step_sends_enrolled_member_to_code_step(client, side_a):
    response = _password_step(client, side_a.user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("agency:signin_code")
    assert not client.session.get(VERIFIED_SESSION_KEY)


def test_password_alone_does_not_open_the_workspace(client, side_a):
    _password_step(client, side_a.user.username)
    response = client.get(reverse("agency:preferences"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("agency:signin"))


def test_right_code_signs_in(client, side_a):
    _password_step(client, side_a.user.username)
    response = client.post(reverse("agency:signin_code"), {"code": side_a.code()})
    assert response.status_code == 302
    assert client.session[VERIFIED_SESSION_KEY] is True
    assert client.get(reverse("agency:preferences")).status_code == 200
    assert AgencySignInAttempt.objects.filter(user=side_a.user, outcome="succeeded").exists()


def test_wrong_code_is_refused_and_logged(client, side_a):
    _password_step(client, side_a.user.username)
    wrong = "000000" if side_a.code() != "000000" else "111111"
    response = client.post(reverse("agency:signin_code"), {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AgencySignInAttempt.objects.filter(user=side_a.user, outcome="bad_code").count() == 1


def test_code_is_not_accepted_twice(side_a):
    now = timezone.now()
    code = side_a.code(at=now)
    first = sign_in_code_check(membership=side_a.membership, code=code, client="1.2.3.4", now=now)
    second = sign_in_code_check(membership=side_a.membership, code=code, client="1.2.3.4", now=now)
    assert first.ok
    assert second.outcome == "bad_code"


def test_code_from_the_previous_step_is_accepted_for_clock_drift(side_a):
    now = timezone.now()
    code = side_a.code(at=now - datetime.timedelta(seconds=30))
    assert sign_in_code_check(membership=side_a.membership, code=code, client="1.2.3.4", now=now).ok


def test_code_from_two_minutes_ago_is_refused(side_a):
    now = timezone.now()
    code = side_a.code(at=now - datetime.timedelta(minutes=2))
    if code == side_a.code(at=now):
        pytest.skip("the two codes happen to coincide")
    assert sign_in_code_check(membership=side_a.membership, code=code, client="1.2.3.4", now=now).outcome == "bad_code"


def test_code_step_without_password_step_goes_back_to_signin(client, side_a):
    response = client.post(reverse("agency:signin_code"), {"code": side_a.code()})
    assert response.status_code == 302
    assert response["Location"] == reverse("agency:signin")


def test_wrong_password_is_refused_with_generic_error(client, side_a):
    response = _password_step(client, side_a.user.username, "not-the-password")
    assert response.status_code == 200
    assert AgencySignInAttempt.objects.filter(username=side_a.user.username, outcome="bad_password").exists()


def test_user_without_membership_is_refused_like_a_wrong_password(client, db):
    user = UserFactory(username="borrower-like")
    response = _password_step(client, user.username)
    assert response.status_code == 200
    assert AgencySignInAttempt.objects.filter(username="borrower-like", outcome="not_member").exists()
    assert "agency_pending" not in client.session


def test_password_step_is_throttled_per_username(client, side_a):
    for _ in range(PASSWORD_TRIES_PER_USERNAME):
        _password_step(client, side_a.user.username, "wrong-password")
    response = _password_step(client, side_a.user.username)
    assert response.status_code == 200
    assert "agency_pending" not in client.session
    assert AgencySignInAttempt.objects.filter(username=side_a.user.username, outcome="throttled").exists()


def test_code_step_is_throttled_per_user(side_a):
    now = timezone.now()
    for _ in range(CODE_TRIES_PER_USER):
        sign_in_code_check(membership=side_a.membership, code="000000", client="1.2.3.4", now=now)
    result = sign_in_code_check(membership=side_a.membership, code=side_a.code(at=now), client="1.2.3.4", now=now)
    assert result.outcome == "throttled"


def test_suspended_agency_member_cannot_sign_in(client, side_a):
    side_a.agency.status = "suspended"
    side_a.agency.status_public_reason = "conduct"
    side_a.agency.save()
    response = _password_step(client, side_a.user.username)
    assert response.status_code == 200
    assert "agency_pending" not in client.session
    assert AgencySignInAttempt.objects.filter(user=side_a.user, outcome="suspended").exists()


def test_suspension_mid_session_signs_the_member_out(client_a, side_a):
    assert client_a.get(reverse("agency:preferences")).status_code == 200
    side_a.agency.status = "suspended"
    side_a.agency.status_public_reason = "conduct"
    side_a.agency.save()
    response = client_a.get(reverse("agency:preferences"))
    assert response.status_code == 403
    assert "_auth_user_id" not in client_a.session


def test_borrower_session_without_second_factor_is_sent_to_agency_signin(client, side_a):
    client.force_login(side_a.user)
    response = client.get(reverse("agency:preferences"))
    assert response.status_code == 302


def test_signed_in_non_member_is_forbidden(client, db):
    user = UserFactory(username="someone")
    client.force_login(user)
    session = client.session
    session[VERIFIED_SESSION_KEY] = True
    session.save()
    assert client.get(reverse("agency:preferences")).status_code == 403


class TestEnrolment:
    @pytest.fixture
    def new_member(self, side_a):
        user = UserFactory(username="new-agent")
        return AgencyMembership.objects.create(user=user, agency=side_a.agency)

    def test_password_step_gives_a_secret_and_sends_to_enrolment(self, client, new_member):
        response = _password_step(client, "new-agent")
        assert response["Location"] == reverse("agency:enrol")
        new_member.refresh_from_db()
        assert len(new_member.totp_secret) >= 16
        assert new_member.totp_confirmed_at is None

    def test_enrolment_page_shows_qr_code_and_secret(self, client, new_member):
        _password_step(client, "new-agent")
        new_member.refresh_from_db()
        response = client.get(reverse("agency:enrol"))
        assert response.status_code == 200
        assert b"data:image/svg+xml;base64," in response.content
        assert new_member.totp_secret[:4].encode() in response.content

    def test_enrolment_page_changes_nothing_on_get(self, client, new_member):
        _password_step(client, "new-agent")
        new_member.refresh_from_db()
        secret = new_member.totp_secret
        client.get(reverse("agency:enrol"))
        client.get(reverse("agency:enrol"))
        new_member.refresh_from_db()
        assert new_member.totp_secret == secret

    def test_right_code_confirms_enrolment_and_signs_in(self, client, new_member):
        _password_step(client, "new-agent")
        new_member.refresh_from_db()
        code = pyotp.TOTP(new_member.totp_secret).now()
        response = client.post(reverse("agency:enrol"), {"code": code})
        assert response.status_code == 302
        new_member.refresh_from_db()
        assert new_member.totp_confirmed_at is not None
        assert client.session[VERIFIED_SESSION_KEY] is True

    def test_wrong_code_leaves_enrolment_unconfirmed(self, client, new_member):
        _password_step(client, "new-agent")
        new_member.refresh_from_db()
        wrong = "000000" if pyotp.TOTP(new_member.totp_secret).now() != "000000" else "111111"
        response = client.post(reverse("agency:enrol"), {"code": wrong})
        assert response.status_code == 200
        new_member.refresh_from_db()
        assert new_member.totp_confirmed_at is None

    def test_enrolled_member_cannot_reach_enrolment_again(self, client, side_a):
        _password_step(client, side_a.user.username)
        response = client.get(reverse("agency:enrol"))
        assert response["Location"] == reverse("agency:signin_code")


def test_signout_needs_post(client_a):
    assert client_a.get(reverse("agency:signout")).status_code == 405
    response = client_a.post(reverse("agency:signout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client_a.session


def test_signed_in_member_skips_the_signin_page(client_a):
    response = client_a.get(reverse("agency:signin"))
    assert response.status_code == 302
    assert response["Location"] == reverse("agency:inbox")
