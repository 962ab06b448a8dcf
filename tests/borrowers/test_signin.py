import datetime
import os
import re
import threading

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from borrowers.models import SignInCode, SignInLock
from borrowers.signin import SignInError, signin_code_request, signin_code_verify
from borrowers.tasks import purge_sign_in_codes_task
from common.models import RateLimitCounter
from tests.factories import BorrowerFactory, UserFactory, mobile_number

pytestmark = pytest.mark.django_db

CLIENT = "203.0.113.7"
UNKNOWN = mobile_number(99_999_999)


def _code_from(sms_outbox) -> str:
    return re.search(r"\b(\d{6})\b", sms_outbox[-1].text).group(1)


def _request(phone, now=None, client=CLIENT):
    return signin_code_request(phone=phone, client=client, now=now or timezone.now())


def _verify(phone, code, now=None, client=CLIENT):
    return signin_code_verify(phone=phone, code=code, client=client, now=now or timezone.now())


def test_code_is_sent_by_sms_to_registered_number(sms_outbox):
    borrower = BorrowerFactory()
    _request(borrower.phone)
    assert [message.to for message in sms_outbox] == [borrower.phone]


def test_code_is_stored_only_as_a_hash(sms_outbox):
    borrower = BorrowerFactory()
    _request(borrower.phone)
    code = _code_from(sms_outbox)
    row = SignInCode.objects.get(phone=borrower.phone)
    assert code not in row.code_hash
    assert row.code_hash == SignInCode.hash_code(phone=borrower.phone, code=code)


def test_right_code_signs_in_and_links_a_new_user_to_the_borrower(sms_outbox):
    borrower = BorrowerFactory()
    _request(borrower.phone)
    user = _verify(borrower.phone, _code_from(sms_outbox))
    borrower.refresh_from_db()
    assert borrower.user == user
    assert not user.has_usable_password()


def test_existing_user_of_the_borrower_is_reused(sms_outbox):
    borrower = BorrowerFactory(user=UserFactory())
    _request(borrower.phone)
    assert _verify(borrower.phone, _code_from(sms_outbox)) == borrower.user


def test_wrong_code_is_refused(sms_outbox):
    borrower = BorrowerFactory()
    _request(borrower.phone)
    wrong = "000000" if _code_from(sms_outbox) != "000000" else "111111"
    with pytest.raises(SignInError) as error:
        _verify(borrower.phone, wrong)
    assert error.value.code == "wrong"


def test_expired_code_is_refused(sms_outbox):
    borrower = BorrowerFactory()
    now = timezone.now()
    _request(borrower.phone, now=now)
    with pytest.raises(SignInError) as error:
        _verify(borrower.phone, _code_from(sms_outbox), now=now + datetime.timedelta(minutes=5, seconds=1))
    assert error.value.code == "expired"


def test_code_still_works_just_before_expiry(sms_outbox):
    borrower = BorrowerFactory()
    now = timezone.now()
    _request(borrower.phone, now=now)
    assert _verify(borrower.phone, _code_from(sms_outbox), now=now + datetime.timedelta(minutes=4, seconds=59))


def test_reused_code_is_refused(sms_outbox):
    borrower = BorrowerFactory()
    _request(borrower.phone)
    code = _code_from(sms_outbox)
    _verify(borrower.phone, code)
    with pytest.raises(SignInError) as error:
        _verify(borrower.phone, code)
    assert error.value.code == "used"


def test_right_code_is_refused_after_five_wrong_tries(sms_outbox):
    borrower = BorrowerFactory()
    _request(borrower.phone)
    code = _code_from(sms_outbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        with pytest.raises(SignInError):
            _verify(borrower.phone, wrong)
    with pytest.raises(SignInError) as error:
        _verify(borrower.phone, code)
    assert error.value.code == "too_many_tries"


def test_wrong_tries_are_counted_even_though_verification_fails(sms_outbox):
    borrower = BorrowerFactory()
    _request(borrower.phone)
    with pytest.raises(SignInError):
        _verify(borrower.phone, f"{(int(_code_from(sms_outbox)) + 1) % 1_000_000:06d}")
    assert SignInCode.objects.get(phone=borrower.phone).attempts == 1


def test_older_code_stops_working_once_a_new_one_is_sent(sms_outbox):
    borrower = BorrowerFactory()
    now = timezone.now()
    _request(borrower.phone, now=now)
    first = _code_from(sms_outbox)
    _request(borrower.phone, now=now + datetime.timedelta(seconds=61))
    second = _code_from(sms_outbox)
    if first != second:
        with pytest.raises(SignInError):
            _verify(borrower.phone, first, now=now + datetime.timedelta(seconds=62))
    assert _verify(borrower.phone, second, now=now + datetime.timedelta(seconds=62))


def test_no_new_code_within_the_resend_cool_down(sms_outbox):
    borrower = BorrowerFactory()
    now = timezone.now()
    _request(borrower.phone, now=now)
    outcome = _request(borrower.phone, now=now + datetime.timedelta(seconds=30))
    assert not outcome.sent
    assert outcome.retry_after == 30
    assert len(sms_outbox) == 1
    assert SignInCode.objects.filter(phone=borrower.phone).count() == 1


def test_codes_per_number_are_rate_limited(sms_outbox):
    borrower = BorrowerFactory()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for i in range(5):
        _request(borrower.phone, now=now + datetime.timedelta(minutes=2 * i), client=f"198.51.100.{i}")
    with pytest.raises(SignInError) as error:
        _request(borrower.phone, now=now + datetime.timedelta(minutes=12), client="198.51.100.99")
    assert error.value.code == "number_limited"
    assert len(sms_outbox) == 5


def test_codes_per_client_are_rate_limited(sms_outbox):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    borrowers = BorrowerFactory.create_batch(21)
    for borrower in borrowers[:20]:
        _request(borrower.phone, now=now)
    with pytest.raises(SignInError) as error:
        _request(borrowers[20].phone, now=now)
    assert error.value.code == "client_limited"
    assert len(sms_outbox) == 20


def test_rate_limit_counters_do_not_store_the_number(sms_outbox):
    borrower = BorrowerFactory()
    _request(borrower.phone)
    keys = list(RateLimitCounter.objects.values_list("key", flat=True))
    assert keys
    assert not any(borrower.phone in key or borrower.phone[3:] in key or CLIENT in key for key in keys)


def test_unknown_number_gets_a_code_row_but_no_sms(sms_outbox):
    outcome = _request(UNKNOWN)
    assert outcome.sent
    assert sms_outbox == []
    assert SignInCode.objects.filter(phone=UNKNOWN).count() == 1


def test_any_code_for_an_unknown_number_fails_like_a_wrong_code(sms_outbox, monkeypatch):
    monkeypatch.setattr("borrowers.signin.secrets.randbelow", lambda _limit: 424242)
    _request(UNKNOWN)
    # Even the code that was generated signs nobody in.
    with pytest.raises(SignInError) as error:
        _verify(UNKNOWN, "424242")
    assert error.value.code == "wrong"


# Through the pages -----------------------------------------------------------------


def _post_number(client, phone):
    national = phone.removeprefix("+86")
    return client.post(reverse("portal:signin"), {"phone": national})


def test_signin_pages_answer_the_same_for_registered_and_unknown_numbers(sms_outbox):
    borrower = BorrowerFactory()
    known, unknown = Client(), Client()
    first_known, first_unknown = _post_number(known, borrower.phone), _post_number(unknown, UNKNOWN)
    assert (first_known.status_code, first_known["Location"]) == (first_unknown.status_code, first_unknown["Location"])
    page_known = known.get(reverse("portal:signin_code")).content.decode()
    page_unknown = unknown.get(reverse("portal:signin_code")).content.decode()
    mask = re.compile(r"1\d\d\*{4}\d{4}|csrfmiddlewaretoken\" value=\"[^\"]+\"")
    assert mask.sub("", page_known) == mask.sub("", page_unknown)
    wrong_known = known.post(reverse("portal:signin_code"), {"code": "123456"}).content.decode()
    wrong_unknown = unknown.post(reverse("portal:signin_code"), {"code": "123456"}).content.decode()
    if _code_from(sms_outbox) != "123456":
        assert mask.sub("", wrong_known) == mask.sub("", wrong_unknown)


def test_signin_page_says_only_if_registered(sms_outbox):
    client = Client()
    _post_number(client, UNKNOWN)
    response = client.get(reverse("portal:signin_code"), HTTP_ACCEPT_LANGUAGE="en")
    assert "If the number" in response.content.decode()
    assert "is registered with us, we sent a 6-digit code" in response.content.decode()


def test_signin_page_masks_the_number(sms_outbox):
    borrower = BorrowerFactory()
    client = Client()
    _post_number(client, borrower.phone)
    page = client.get(reverse("portal:signin_code")).content.decode()
    national = borrower.phone.removeprefix("+86")
    assert national not in page
    assert f"{national[:3]}****{national[-4:]}" in page


def test_invalid_number_is_refused_with_an_error(sms_outbox):
    response = Client().post(reverse("portal:signin"), {"phone": "12345"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Enter an 11-digit mainland mobile number." in response.content.decode()
    assert SignInCode.objects.count() == 0


def test_full_signin_logs_in_rotates_session_and_redirects_to_loans(sms_outbox):
    borrower = BorrowerFactory()
    client = Client()
    _post_number(client, borrower.phone)
    key_before = client.session.session_key
    response = client.post(reverse("portal:signin_code"), {"code": _code_from(sms_outbox)})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:loans")
    assert client.session.session_key != key_before
    borrower.refresh_from_db()
    assert client.session["_auth_user_id"] == str(borrower.user_id)


def test_signin_follows_a_safe_next(sms_outbox):
    borrower = BorrowerFactory()
    client = Client()
    client.post(reverse("portal:signin"), {"phone": borrower.phone.removeprefix("+86"), "next": "/preferences/"})
    response = client.post(reverse("portal:signin_code"), {"code": _code_from(sms_outbox)})
    assert response["Location"] == "/preferences/"


def test_signin_ignores_an_offsite_next(sms_outbox):
    borrower = BorrowerFactory()
    client = Client()
    client.post(
        reverse("portal:signin"), {"phone": borrower.phone.removeprefix("+86"), "next": "https://evil.example/"}
    )
    response = client.post(reverse("portal:signin_code"), {"code": _code_from(sms_outbox)})
    assert response["Location"] == reverse("portal:loans")


def test_wrong_code_on_the_page_shows_an_error_and_stays_signed_out(sms_outbox):
    borrower = BorrowerFactory()
    client = Client()
    _post_number(client, borrower.phone)
    wrong = "000000" if _code_from(sms_outbox) != "000000" else "111111"
    response = client.post(reverse("portal:signin_code"), {"code": wrong}, HTTP_ACCEPT_LANGUAGE="en")
    assert "That code is not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_per_client_limit_uses_forwarded_address_only_behind_a_trusted_proxy(sms_outbox, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    borrowers = BorrowerFactory.create_batch(21)
    for borrower in borrowers[:20]:
        Client().post(
            reverse("portal:signin"),
            {"phone": borrower.phone.removeprefix("+86")},
            HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.20",
        )
    # A client that forges the leftmost entry is still the same client.
    response = Client().post(
        reverse("portal:signin"),
        {"phone": borrowers[20].phone.removeprefix("+86")},
        HTTP_X_FORWARDED_FOR="10.1.1.1, 198.51.100.20",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Too many sign-in codes" in response.content.decode()
    assert len(sms_outbox) == 20


def test_signout_needs_post(borrower_client):
    assert borrower_client.get(reverse("portal:signout")).status_code == 405
    response = borrower_client.post(reverse("portal:signout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in borrower_client.session


def test_code_page_without_a_number_goes_back_to_signin():
    response = Client().get(reverse("portal:signin_code"))
    assert response["Location"] == reverse("portal:signin")


def test_resend_sends_a_new_code_after_the_cool_down(sms_outbox):
    borrower = BorrowerFactory()
    client = Client()
    _post_number(client, borrower.phone)
    SignInCode.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=61))
    client.post(reverse("portal:signin_resend"))
    assert len(sms_outbox) == 2


def test_resend_within_the_cool_down_sends_nothing(sms_outbox):
    borrower = BorrowerFactory()
    client = Client()
    _post_number(client, borrower.phone)
    client.post(reverse("portal:signin_resend"))
    assert len(sms_outbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    "sqlite" in settings.DATABASES["default"]["ENGINE"] and os.environ.get("CI", "").lower() != "true",
    reason="row-lock races need PostgreSQL (SQLite serialises every write); CI always runs on it",
)
def test_concurrent_code_requests_for_one_number_send_exactly_one_code(sms_outbox):
    borrower = BorrowerFactory()
    now = datetime.datetime(2026, 11, 25, 2, 0, tzinfo=datetime.UTC)
    barrier = threading.Barrier(20)
    refusals = []

    def worker(index):
        try:
            barrier.wait()
            signin_code_request(phone=borrower.phone, client=f"198.51.100.{index}", now=now)
        except SignInError as error:
            refusals.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert SignInCode.objects.filter(phone=borrower.phone).count() == 1
    assert [message.to for message in sms_outbox] == [borrower.phone]
    assert refusals == []


def test_purge_task_deletes_expired_codes_and_old_counters_only():
    now = timezone.now()
    SignInCode.objects.create(
        phone="+8613900000001", code_hash="x", created_at=now, expires_at=now - datetime.timedelta(seconds=1)
    )
    fresh = SignInCode.objects.create(
        phone="+8613900000002", code_hash="y", created_at=now, expires_at=now + datetime.timedelta(minutes=5)
    )
    RateLimitCounter.objects.create(key="old", window_start=now - datetime.timedelta(days=2), count=1)
    recent = RateLimitCounter.objects.create(key="recent", window_start=now - datetime.timedelta(hours=1), count=1)
    result = purge_sign_in_codes_task()
    assert result == {"codes": 1, "locks": 0, "counters": 1}
    assert list(SignInCode.objects.all()) == [fresh]
    assert list(RateLimitCounter.objects.all()) == [recent]


def test_purge_task_deletes_the_locks_of_numbers_left_without_a_code():
    now = timezone.now()
    SignInCode.objects.create(
        phone="+8613900000001", code_hash="x", created_at=now, expires_at=now - datetime.timedelta(seconds=1)
    )
    SignInCode.objects.create(
        phone="+8613900000002", code_hash="y", created_at=now, expires_at=now + datetime.timedelta(minutes=5)
    )
    SignInLock.objects.create(phone="+8613900000001")
    kept = SignInLock.objects.create(phone="+8613900000002")
    assert purge_sign_in_codes_task()["locks"] == 1
    assert list(SignInLock.objects.all()) == [kept]


def test_purge_task_is_harmless_to_run_twice():
    purge_sign_in_codes_task()
    assert purge_sign_in_codes_task() == {"codes": 0, "locks": 0, "counters": 0}


# The answer's time -----------------------------------------------------------------


@pytest.fixture
def waits(monkeypatch):
    """The sends' times as ``borrowers.signin`` keeps them, starting empty,
    and the waits it makes, recorded instead of slept."""
    import collections

    from borrowers import signin

    slept = []
    monkeypatch.setattr(signin, "SEND_TIMES", collections.deque(maxlen=32))
    monkeypatch.setattr(signin, "sleep", slept.append)
    return signin.SEND_TIMES, slept


def test_an_unknown_number_waits_as_long_as_a_recent_send_took(sms_outbox, waits):
    send_times, slept = waits
    send_times.append(0.4)
    _request(UNKNOWN)
    assert slept == [0.4]


def test_an_unknown_number_never_waits_longer_than_the_cap(sms_outbox, waits):
    from borrowers.signin import MAX_WAIT_SECONDS

    send_times, slept = waits
    send_times.append(MAX_WAIT_SECONDS * 10)
    _request(UNKNOWN)
    assert slept == [MAX_WAIT_SECONDS]


def test_sending_a_code_keeps_how_long_it_took_and_does_not_wait(sms_outbox, waits, monkeypatch):
    send_times, slept = waits
    ticks = iter([100.0, 100.25])
    monkeypatch.setattr("borrowers.signin.clock", lambda: next(ticks))
    _request(BorrowerFactory().phone)
    assert (list(send_times), slept) == ([0.25], [])


@pytest.mark.parametrize("typed", ["12ab", "1234567", "12 34 56"])
def test_a_mistyped_code_gets_one_message(typed):
    from borrowers.forms import CodeForm

    form = CodeForm({"code": typed})
    assert (form.is_valid(), len(form.errors["code"])) == (False, 1)
