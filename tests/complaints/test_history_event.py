"""The one rule of who reads which history event (complaints' timeline and
borrower requests' events share it)."""

from complaints.models import HistoryEvent

Visibility = HistoryEvent.Visibility


def test_a_borrower_reads_events_for_everyone_and_for_the_borrower_only():
    assert set(Visibility.readable_by("borrower")) == {Visibility.ALL, Visibility.BORROWER}


def test_an_agency_reads_events_for_everyone_and_for_the_agency_only():
    assert set(Visibility.readable_by("agency")) == {Visibility.ALL, Visibility.AGENCY}


def test_staff_read_every_event():
    assert set(Visibility.readable_by("staff")) == set(Visibility)
