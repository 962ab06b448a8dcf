import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from loans.models import ContactPreference
from loans.services import contact_preference_update
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.django_db

T = datetime.time


def _update(borrower, now=None, **values):
    defaults = {"no_third_party_contact": False, "window_start": None, "window_end": None, "preferred_channel": "any"}
    return contact_preference_update(borrower=borrower, now=now or timezone.now(), **{**defaults, **values})


def test_first_save_creates_the_preference_with_its_time():
    borrower = BorrowerFactory()
    now = timezone.now()
    preference = _update(borrower, now=now, no_third_party_contact=True, window_start=T(9), window_end=T(18))
    assert preference.borrower == borrower
    assert preference.no_third_party_contact
    assert (preference.window_start, preference.window_end) == (T(9), T(18))
    assert preference.updated_at == now


def test_change_is_recorded_in_history_with_new_time():
    borrower = BorrowerFactory()
    first = timezone.now()
    _update(borrower, now=first)
    later = first + datetime.timedelta(hours=1)
    preference = _update(borrower, now=later, preferred_channel="sms")
    assert preference.updated_at == later
    assert preference.history.count() == 2
    assert [h.preferred_channel for h in preference.history.order_by("history_date")] == ["any", "sms"]


def test_saving_the_same_values_adds_no_history():
    borrower = BorrowerFactory()
    first = timezone.now()
    _update(borrower, now=first)
    preference = _update(borrower, now=first + datetime.timedelta(hours=1))
    assert preference.history.count() == 1
    assert preference.updated_at == first


@pytest.mark.parametrize(
    ("start", "end"),
    [(T(18), T(9)), (T(9), T(9)), (T(7, 30), T(12)), (T(12), T(22, 30)), (T(9), None), (None, T(18))],
)
def test_invalid_windows_are_refused(start, end):
    borrower = BorrowerFactory()
    with pytest.raises(ValidationError):
        _update(borrower, window_start=start, window_end=end)
    assert not ContactPreference.objects.filter(borrower=borrower).exists()


def test_widest_allowed_window_is_accepted():
    preference = _update(BorrowerFactory(), window_start=T(8), window_end=T(22))
    assert (preference.window_start, preference.window_end) == (T(8), T(22))


def test_unknown_channel_is_refused():
    with pytest.raises(ValidationError):
        _update(BorrowerFactory(), preferred_channel="pigeon")
