import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accesslog.models import DataAccessRecord
from borrowers.datacopy.models import DataCopyRequest
from borrowers.datacopy.services import datacopy_build, datacopy_request


def _client(borrower) -> Client:
    client = Client()
    client.force_login(borrower.user)
    return client


def _ready(borrower):
    now = timezone.now()
    copy = datacopy_request(borrower=borrower, language="en", now=now)
    return datacopy_build(request_id=copy.pk, now=now)


def test_page_asks_and_shows_the_state_in_chinese_by_default(rich_borrower):
    client = _client(rich_borrower)
    response = client.post(reverse("datacopy:ask"), follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert DataCopyRequest.objects.filter(borrower=rich_borrower).count() == 1
    page = client.get(reverse("datacopy:page"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "申请我的个人信息副本" in page and "生成中" in page
    assert "<script>" not in page and "style=" not in page


def test_second_ask_is_refused_with_a_reason(rich_borrower):
    client = _client(rich_borrower)
    client.post(reverse("datacopy:ask"))
    response = client.post(reverse("datacopy:ask"), follow=True)
    assert "already being prepared" in response.content.decode()
    assert DataCopyRequest.objects.filter(borrower=rich_borrower).count() == 1


def test_ask_needs_post(rich_borrower):
    assert _client(rich_borrower).get(reverse("datacopy:ask")).status_code == 405


def test_owner_downloads_an_attachment_and_it_is_logged(rich_borrower):
    copy = _ready(rich_borrower)
    response = _client(rich_borrower).get(reverse("datacopy:download", args=[copy.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)[:2] == b"PK"
    copy.refresh_from_db()
    assert copy.downloads == 1
    record = DataAccessRecord.objects.get(subject=f"data copy {copy.pk} of borrower {rich_borrower.external_id}")
    assert record.user == rich_borrower.user and record.action == DataAccessRecord.Action.EXPORTED


def test_another_borrower_gets_404(rich_borrower, other_borrower):
    copy = _ready(rich_borrower)
    assert _client(other_borrower).get(reverse("datacopy:download", args=[copy.token])).status_code == 404


def test_staff_and_anonymous_are_kept_out(rich_borrower, django_user_model):
    copy = _ready(rich_borrower)
    url = reverse("datacopy:download", args=[copy.token])
    assert Client().get(url).status_code == 302
    staff = Client()
    staff.force_login(django_user_model.objects.create_user(username="desk", is_staff=True))
    assert staff.get(url).status_code == 403


def test_link_is_refused_after_seven_days(rich_borrower):
    copy = _ready(rich_borrower)
    DataCopyRequest.objects.filter(pk=copy.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert _client(rich_borrower).get(reverse("datacopy:download", args=[copy.token])).status_code == 404


def test_page_says_why_a_new_copy_cannot_be_asked_for_and_disables_the_button(rich_borrower):
    client = _client(rich_borrower)
    client.post(reverse("datacopy:ask"))
    page = client.get(reverse("datacopy:page"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ("already being prepared" in page, 'disabled aria-describedby="copy-refusal"' in page) == (True, True)


def test_page_offers_the_button_to_a_borrower_who_may_ask(rich_borrower):
    page = _client(rich_borrower).get(reverse("datacopy:page"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "disabled" not in page
