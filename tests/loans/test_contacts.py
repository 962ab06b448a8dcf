import datetime

from loans.contacts import contact_errors
from loans.models import ContactEvent

NOW = datetime.datetime(2026, 11, 10, 2, 0, tzinfo=datetime.UTC)
CALL, VISIT = ContactEvent.Channel.CALL, ContactEvent.Channel.VISIT


def errors(**fields) -> dict[str, list[str]]:
    """The codes of the errors, by field, for a call by collector 1 an hour
    ago changed by ``fields``."""
    contact = {"occurred_at": NOW - datetime.timedelta(hours=1), "channel": CALL, "collector_id": 1}
    contact.setdefault("second_collector_id", None)
    found = contact_errors(**{**contact, **fields}, now=NOW)
    return {field: [error.code for error in field_errors] for field, field_errors in found.items()}


def test_contact_that_holds_together_has_no_errors():
    assert errors() == {}


def test_contact_at_this_very_moment_has_no_errors():
    assert errors(occurred_at=NOW) == {}


def test_contact_in_the_future_is_refused():
    assert errors(occurred_at=NOW + datetime.timedelta(seconds=1)) == {"occurred_at": ["future_time"]}


def test_visit_by_two_collectors_has_no_errors():
    assert errors(channel=VISIT, second_collector_id=2) == {}


def test_second_collector_on_anything_but_a_visit_is_refused():
    assert errors(channel=CALL, second_collector_id=2) == {"second_collector": ["second_collector_not_visit"]}


def test_second_collector_who_is_the_collector_is_refused():
    assert errors(channel=VISIT, second_collector_id=1) == {"second_collector": ["second_collector_same"]}


def test_visit_naming_only_a_second_collector_has_no_errors():
    assert errors(channel=VISIT, collector_id=None, second_collector_id=2) == {}


def test_every_broken_rule_is_reported_by_its_field():
    found = errors(occurred_at=NOW + datetime.timedelta(days=1), channel=CALL, second_collector_id=2)
    assert found == {"occurred_at": ["future_time"], "second_collector": ["second_collector_not_visit"]}


def test_errors_carry_a_message_for_people():
    found = contact_errors(occurred_at=NOW, channel=CALL, collector_id=1, second_collector_id=2, now=NOW)
    assert found["second_collector"][0].messages == ["Only a home visit has a second collector."]
