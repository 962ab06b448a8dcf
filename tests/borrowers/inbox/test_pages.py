import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from notices.measures import measure_notices_sync, notices_issue_due
from notices.models import Notice
from notices.services import borrower_notify
from tests.factories import BorrowerFactory, ScheduledMeasureFactory, UserFactory
from tests.notices.conftest import at

pytestmark = pytest.mark.django_db


def _signed_in(client, borrower=None):
    borrower = borrower or BorrowerFactory(user=UserFactory())
    if borrower.user is None:
        borrower.user = UserFactory()
        borrower.save()
    client.force_login(borrower.user)
    return borrower


def _notice(borrower, key="n1"):
    return borrower_notify(
        borrower=borrower,
        event="complaint.acknowledged",
        key=key,
        context={"reference": f"TS-{key}", "date": at(1, 9), "deadline": "-"},
        now=at(1, 10),
    )


def test_inbox_lists_the_borrowers_own_notices_only(client):
    borrower = _signed_in(client)
    _notice(borrower, "mine")
    _notice(BorrowerFactory(), "theirs")
    body = client.get(reverse("notices:inbox")).content.decode()
    assert "TS-mine" in body and "TS-theirs" not in body


def test_another_borrowers_notice_is_not_found(client):
    _signed_in(client)
    other = _notice(BorrowerFactory(), "theirs")
    assert client.get(reverse("notices:detail", args=[other.pk])).status_code == 404


def test_marking_another_borrowers_notice_read_is_not_found(client):
    _signed_in(client)
    other = _notice(BorrowerFactory(), "theirs")
    assert client.post(reverse("notices:mark_read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_scheduled_notice_is_not_shown_before_it_is_issued(client):
    borrower = _signed_in(client)
    measure = ScheduledMeasureFactory(account__borrower=borrower, planned_for=at(20, 10))
    measure_notices_sync(measure=measure, now=at(1, 10))
    notice = Notice.objects.get(measure=measure)
    assert client.get(reverse("notices:detail", args=[notice.pk])).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("notices:inbox"))
    assert response.status_code == 302 and reverse("portal:signin") in response["Location"]


def test_staff_user_without_borrower_record_is_refused(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("notices:inbox")).status_code == 403


def test_detail_shows_the_notice_in_the_active_language(client):
    borrower = _signed_in(client)
    notice = _notice(borrower)
    response = client.get(reverse("notices:detail", args=[notice.pk]), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert notice.title_en in body and notice.title_zh not in body


def test_viewing_a_notice_does_not_mark_it_read(client):
    borrower = _signed_in(client)
    notice = _notice(borrower)
    client.get(reverse("notices:detail", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_read_by_post(client):
    borrower = _signed_in(client)
    notice = _notice(borrower)
    response = client.post(reverse("notices:mark_read", args=[notice.pk]))
    notice.refresh_from_db()
    assert response.status_code == 302 and notice.read_at is not None


def test_mark_read_by_get_is_not_allowed(client):
    borrower = _signed_in(client)
    notice = _notice(borrower)
    assert client.get(reverse("notices:mark_read", args=[notice.pk])).status_code == 405


def test_mark_read_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    borrower = _signed_in(client)
    notice = _notice(borrower)
    assert client.post(reverse("notices:mark_read", args=[notice.pk])).status_code == 403


def test_mark_all_read_marks_only_the_borrowers_own(client):
    borrower = _signed_in(client)
    _notice(borrower, "a")
    other = _notice(BorrowerFactory(), "b")
    client.post(reverse("notices:mark_all_read"))
    other.refresh_from_db()
    assert Notice.objects.filter(borrower=borrower, read_at__isnull=True).count() == 0
    assert other.read_at is None


def test_header_shows_the_unread_count(client):
    borrower = _signed_in(client)
    _notice(borrower, "a")
    _notice(borrower, "b")
    body = client.get(reverse("notices:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Inbox (2)" in body


def test_measure_notice_in_the_inbox_shows_the_measure_and_what_to_do(client):
    borrower = _signed_in(client)
    measure = ScheduledMeasureFactory(account__borrower=borrower, planned_for=at(10, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    notices_issue_due(now=at(7, 13))
    notice = Notice.objects.get(measure=measure)
    body = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert measure.how_to_avoid in body and "2026-12-10 14:00" in body


def test_template_tag_finds_the_borrowers_notice_for_a_measure():
    borrower = BorrowerFactory()
    measure = ScheduledMeasureFactory(account__borrower=borrower, planned_for=at(3, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    request = RequestFactory().get("/")
    request.borrower = borrower
    rendered = Template(
        "{% load notices %}{% notice_for_measure measure as notice %}{{ notice.pk|default:'none' }}"
    ).render(Context({"request": request, "measure": measure}))
    assert rendered == str(Notice.objects.get(measure=measure).pk)


def test_template_tag_shows_nothing_for_someone_elses_measure():
    measure = ScheduledMeasureFactory(planned_for=at(3, 14))
    measure_notices_sync(measure=measure, now=at(1, 10))
    request = RequestFactory().get("/")
    request.borrower = BorrowerFactory()
    rendered = Template(
        "{% load notices %}{% notice_for_measure measure as notice %}{{ notice.pk|default:'none' }}"
    ).render(Context({"request": request, "measure": measure}))
    assert rendered == "none"


def test_only_links_to_the_portal_are_clickable_in_a_notice(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.cn"
    rendered = Template("{% load notices %}{{ text|portal_links }}").render(
        Context({"text": "See https://portal.example.cn/loans/LN1/ or pay at https://evil.example/<b>"})
    )
    assert '<a href="https://portal.example.cn/loans/LN1/">' in rendered
    assert 'href="https://evil.example' not in rendered and "&lt;b&gt;" in rendered


def test_opening_an_unread_notice_from_the_inbox_marks_it_read_by_post(client):
    borrower = _signed_in(client)
    notice = _notice(borrower)
    body = client.get(reverse("notices:inbox")).content.decode()
    assert f'action="{reverse("notices:mark_read", args=[notice.pk])}" method="post"' in body
    assert 'name="open"' in body
    response = client.post(reverse("notices:mark_read", args=[notice.pk]), {"open": "1"})
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert response.url == reverse("notices:detail", args=[notice.pk])
