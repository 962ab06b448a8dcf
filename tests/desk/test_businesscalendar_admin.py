import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from businesscalendar.checks import coming_year_schedule_check
from businesscalendar.models import CalendarOverride, WorkingHours
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.businesscalendar.urls")]

CHANGELIST = "admin:businesscalendar_calendaroverride_changelist"


@pytest.fixture
def admin_client(client):
    user = UserFactory(username="calendar-admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def _next_year() -> int:
    return timezone.localdate().year + 1


def _warnings(response) -> list[str]:
    return [str(message) for message in response.context["messages"] if message.level_tag == "warning"]


def test_changelist_warns_when_the_coming_year_has_no_overrides(admin_client):
    response = admin_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    warnings = _warnings(response)
    assert len(warnings) == 1
    assert str(_next_year()) in warnings[0]


def test_changelist_warning_is_shown_on_the_page(admin_client):
    response = admin_client.get(reverse(CHANGELIST), HTTP_ACCEPT_LANGUAGE="en")
    assert f"No calendar overrides are entered for {_next_year()}" in response.content.decode()


def test_changelist_does_not_warn_once_the_coming_year_has_overrides(admin_client):
    CalendarOverride.objects.create(date=datetime.date(_next_year(), 2, 20), is_working_day=True, note="Notice")
    response = admin_client.get(reverse(CHANGELIST))
    assert _warnings(response) == []


def test_system_check_warns_when_the_coming_year_has_no_overrides():
    messages = coming_year_schedule_check(databases=["default"])
    assert [message.id for message in messages] == ["businesscalendar.W001"]


def test_system_check_skips_without_database_access():
    assert coming_year_schedule_check(databases=None) == []


def test_admin_adds_an_override_with_history(admin_client):
    response = admin_client.post(
        reverse("admin:businesscalendar_calendaroverride_add"),
        {"date": "2027-02-20", "is_working_day": "on", "note": "2027 Spring Festival make-up day"},
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get(date=datetime.date(2027, 2, 20))
    assert override.is_working_day
    assert override.history.get().history_user.username == "calendar-admin"


def test_admin_refuses_a_second_override_for_the_same_date(admin_client):
    CalendarOverride.objects.create(date=datetime.date(2027, 2, 20), is_working_day=True, note="Notice")
    response = admin_client.post(
        reverse("admin:businesscalendar_calendaroverride_add"),
        {"date": "2027-02-20", "note": "Again"},
    )
    assert response.status_code == 200
    assert "date" in response.context["adminform"].form.errors
    assert CalendarOverride.objects.count() == 1


def test_admin_requires_a_note(admin_client):
    response = admin_client.post(reverse("admin:businesscalendar_calendaroverride_add"), {"date": "2027-02-20"})
    assert response.status_code == 200
    assert "note" in response.context["adminform"].form.errors


def test_working_hours_changelist_goes_to_the_single_row(admin_client):
    response = admin_client.get(reverse("admin:businesscalendar_workinghours_changelist"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:businesscalendar_workinghours_change", args=[1])


def test_working_hours_refuse_an_end_before_the_start(admin_client):
    response = admin_client.post(
        reverse("admin:businesscalendar_workinghours_change", args=[1]),
        {"opens_at": "18:00", "closes_at": "09:00"},
    )
    assert response.status_code == 200
    assert "closes_at" in response.context["adminform"].form.errors
    hours = WorkingHours.objects.get()
    assert (hours.opens_at, hours.closes_at) == (datetime.time(9), datetime.time(18))


def test_working_hours_cannot_be_added_twice_or_deleted(admin_client):
    assert admin_client.get(reverse("admin:businesscalendar_workinghours_add")).status_code == 403
    assert admin_client.get(reverse("admin:businesscalendar_workinghours_delete", args=[1])).status_code == 403


def test_working_hours_change_is_used_by_the_calendar(admin_client):
    from businesscalendar.services import business_calendar

    admin_client.post(
        reverse("admin:businesscalendar_workinghours_change", args=[1]),
        {"opens_at": "08:30", "closes_at": "17:30"},
    )
    assert business_calendar().opens_at == datetime.time(8, 30)
