import datetime

import pytest
from django.urls import reverse

from loans.models import ContactPreference

pytestmark = pytest.mark.django_db


def _post(client, **data):
    payload = {"preferred_channel": "any", "window_start": "", "window_end": "", **data}
    return client.post(reverse("portal:preferences"), payload, HTTP_ACCEPT_LANGUAGE="en")


def test_saving_preferences_records_them_and_redirects(borrower, borrower_client):
    response = _post(
        borrower_client, no_third_party_contact="on", window_start="09:00", window_end="18:30", preferred_channel="sms"
    )
    assert response.status_code == 302
    preference = ContactPreference.objects.get(borrower=borrower)
    assert preference.no_third_party_contact
    assert (preference.window_start, preference.window_end) == (datetime.time(9), datetime.time(18, 30))
    assert preference.preferred_channel == "sms"


def test_page_shows_when_preferences_were_last_changed(borrower, borrower_client):
    _post(borrower_client, preferred_channel="call")
    page = borrower_client.get(reverse("portal:preferences"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    preference = ContactPreference.objects.get(borrower=borrower)
    from django.utils import timezone

    assert f"Last changed at {timezone.localtime(preference.updated_at):%Y-%m-%d %H:%M}" in page


def test_page_shows_earlier_changes(borrower_client):
    _post(borrower_client, preferred_channel="call")
    _post(borrower_client, preferred_channel="sms")
    page = borrower_client.get(reverse("portal:preferences"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Earlier changes" in page


def test_window_ending_before_it_starts_is_refused_and_input_kept(borrower, borrower_client):
    response = _post(borrower_client, window_start="18:00", window_end="09:00", no_third_party_contact="on")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The end time must be after the start time." in page
    assert 'value="18:00" selected' in page
    assert not ContactPreference.objects.filter(borrower=borrower).exists()


def test_window_outside_allowed_hours_is_refused(borrower, borrower_client):
    response = _post(borrower_client, window_start="07:00", window_end="12:00")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ContactPreference.objects.filter(borrower=borrower).exists()


def test_half_a_window_is_refused(borrower, borrower_client):
    response = _post(borrower_client, window_start="09:00")
    assert "Choose both a start and an end time, or neither." in response.content.decode()


def test_saved_preferences_are_shown_in_the_form(borrower, borrower_client):
    _post(borrower_client, window_start="10:00", window_end="20:00", preferred_channel="email")
    page = borrower_client.get(reverse("portal:preferences")).content.decode()
    assert 'value="10:00" selected' in page
    assert 'value="20:00" selected' in page
    assert 'value="email" selected' in page


def test_a_window_may_start_at_any_offered_time_but_the_last_and_end_at_any_but_the_first():
    from borrowers.forms import PreferenceForm

    form = PreferenceForm()
    starts = [value for value, _label in form.fields["window_start"].choices if value]
    ends = [value for value, _label in form.fields["window_end"].choices if value]
    assert (starts[0], starts[-1], ends[0], ends[-1]) == ("08:00", "21:30", "08:30", "22:00")
