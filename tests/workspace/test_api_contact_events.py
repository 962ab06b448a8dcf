import datetime
import json

import pytest
from django.utils import timezone

from common.phones import normalise_number
from loans.models import ContactEvent
from tests.factories import AuthorisedNumberFactory, CollectorFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/contact-events/"


def event(side, **overrides) -> dict:
    item = {
        "external_id": "ev-1",
        "account": side.account.reference,
        "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "channel": "call",
        "party": "borrower",
        "outcome": "connected",
        "from_number": side.number.number,
        "collector": side.collector.badge_number,
        "duration_seconds": 95,
    }
    item.update(overrides)
    return item


def post(client, side, items):
    return client.post(URL, data=json.dumps({"items": items}), content_type="application/json", **side.auth)


def rejected(response, index=0) -> dict:
    result = response.json()["results"][index]
    assert result["status"] == "rejected"
    return result["errors"]


def test_good_event_is_recorded(client, side_a):
    response = post(client, side_a, [event(side_a)])
    assert response.status_code == 200
    assert response.json()["created"] == 1
    stored = ContactEvent.objects.get()
    assert (stored.account, stored.agency, stored.collector) == (side_a.account, side_a.agency, side_a.collector)
    assert stored.from_number == normalise_number(side_a.number.number)


def test_sending_the_same_event_twice_stores_it_once(client, side_a):
    item = event(side_a)
    post(client, side_a, [item])
    response = post(client, side_a, [item])
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "exists"
    assert ContactEvent.objects.count() == 1


def test_same_external_id_with_other_values_is_a_conflict_naming_the_fields(client, side_a):
    item = event(side_a)
    post(client, side_a, [item])
    response = post(client, side_a, [{**item, "outcome": "no_answer", "duration_seconds": None}])
    assert response.status_code == 207
    body = response.json()
    assert (body["conflict"], body["exists"]) == (1, 0)
    assert body["results"][0] == {
        "index": 0,
        "external_id": "ev-1",
        "status": "conflict",
        "fields": ["outcome", "duration_seconds"],
    }


def test_conflicting_resend_keeps_the_recorded_event(client, side_a):
    item = event(side_a)
    post(client, side_a, [item])
    post(client, side_a, [{**item, "outcome": "no_answer"}])
    assert ContactEvent.objects.get().outcome == "connected"


def test_resend_with_the_number_in_another_accepted_form_still_exists(client, side_a):
    item = event(side_a)
    post(client, side_a, [item])
    national = "0" + normalise_number(side_a.number.number)[3:]
    response = post(client, side_a, [{**item, "from_number": national}])
    assert response.json()["results"][0]["status"] == "exists"


def test_resend_with_the_same_moment_at_another_offset_still_exists(client, side_a):
    moment = timezone.now() - datetime.timedelta(hours=1)
    post(client, side_a, [event(side_a, occurred_at=moment.isoformat())])
    elsewhere = moment.astimezone(datetime.timezone(datetime.timedelta(hours=-5)))
    response = post(client, side_a, [event(side_a, occurred_at=elsewhere.isoformat())])
    assert response.json()["results"][0]["status"] == "exists"


def test_number_in_national_form_is_accepted(client, side_a):
    national = "0" + normalise_number(side_a.number.number)[3:]
    response = post(client, side_a, [event(side_a, from_number=national)])
    assert response.json()["created"] == 1


def test_letter_needs_no_number_or_collector(client, side_a):
    item = event(side_a, channel="letter", outcome="delivered", from_number="", collector="")
    assert post(client, side_a, [item]).json()["created"] == 1


def test_batch_keeps_good_items_and_reports_bad_ones_by_index(client, side_a):
    items = [
        event(side_a, external_id="ok-1"),
        event(side_a, external_id="bad", channel="fax"),
        event(side_a, external_id="ok-2"),
    ]
    response = post(client, side_a, items)
    assert response.status_code == 207
    body = response.json()
    assert (body["created"], body["rejected"]) == (2, 1)
    assert body["results"][1]["index"] == 1
    assert "channel" in body["results"][1]["errors"]
    assert set(ContactEvent.objects.values_list("external_id", flat=True)) == {"ok-1", "ok-2"}


def test_future_time_is_rejected(client, side_a):
    item = event(side_a, occurred_at=(timezone.now() + datetime.timedelta(minutes=5)).isoformat())
    assert "occurred_at" in rejected(post(client, side_a, [item]))


def test_time_without_a_valid_format_is_rejected(client, side_a):
    assert "occurred_at" in rejected(post(client, side_a, [event(side_a, occurred_at="yesterday")]))


def test_account_of_another_agency_is_rejected(client, side_a, side_b):
    errors = rejected(post(client, side_a, [event(side_a, account=side_b.account.reference)]))
    assert errors["account"] == ["This account is not assigned to your agency at that time."]
    assert not ContactEvent.objects.exists()


def test_unknown_account_gets_the_same_error_as_another_agencys(client, side_a):
    errors = rejected(post(client, side_a, [event(side_a, account="LN-NOPE")]))
    assert errors["account"] == ["This account is not assigned to your agency at that time."]


def test_contact_before_the_assignment_started_is_rejected(client, side_a):
    before = side_a.assignment.starts_at - datetime.timedelta(days=1)
    errors = rejected(post(client, side_a, [event(side_a, occurred_at=before.isoformat())]))
    assert "account" in errors


def test_contact_after_the_assignment_ended_is_rejected(client, side_a):
    side_a.assignment.ends_at = timezone.now() - datetime.timedelta(days=2)
    side_a.assignment.save()
    errors = rejected(post(client, side_a, [event(side_a)]))
    assert "account" in errors


def test_collector_of_another_agency_is_rejected(client, side_a, side_b):
    errors = rejected(post(client, side_a, [event(side_a, collector=side_b.collector.badge_number)]))
    assert errors["collector"] == ["No collector with this badge number works for your agency."]


UNAUTHORISED = (
    "Recorded and flagged as a breach: this number was not one of your agency's authorised numbers at that time."
)


def stored_with_warning(response, index=0) -> dict:
    result = response.json()["results"][index]
    assert result["status"] == "created"
    return result["warnings"]


def test_call_from_another_agencys_number_is_kept_with_a_warning(client, side_a, side_b):
    response = post(client, side_a, [event(side_a, from_number=side_b.number.number)])
    assert stored_with_warning(response) == {"from_number": [UNAUTHORISED]}
    assert ContactEvent.objects.get().from_number == normalise_number(side_b.number.number)


def test_call_from_a_number_not_yet_valid_is_kept_with_a_warning(client, side_a):
    number = AuthorisedNumberFactory(agency=side_a.agency, valid_from=timezone.now() - datetime.timedelta(minutes=30))
    response = post(client, side_a, [event(side_a, from_number=number.number)])
    assert stored_with_warning(response) == {"from_number": [UNAUTHORISED]}


def test_call_from_a_number_no_longer_valid_is_kept_with_a_warning(client, side_a):
    number = AuthorisedNumberFactory(
        agency=side_a.agency,
        valid_from=timezone.now() - datetime.timedelta(days=30),
        valid_until=timezone.now() - datetime.timedelta(days=1),
    )
    assert "from_number" in stored_with_warning(post(client, side_a, [event(side_a, from_number=number.number)]))


def test_call_from_an_unauthorised_number_is_flagged_by_the_conduct_check(client, side_a, side_b):
    from conduct.models import Breach
    from conduct.services import conduct_check_pending

    post(client, side_a, [event(side_a, from_number=side_b.number.number)])
    conduct_check_pending(now=timezone.now())
    breach = Breach.objects.get(rule=Breach.Rule.UNREGISTERED_NUMBER)
    assert (breach.agency, breach.contact_event) == (side_a.agency, ContactEvent.objects.get())


def test_call_from_an_authorised_number_carries_no_warning(client, side_a):
    result = post(client, side_a, [event(side_a)]).json()["results"][0]
    assert (result["status"], "warnings" in result) == ("created", False)


def test_invalid_phone_number_is_rejected(client, side_a):
    assert "from_number" in rejected(post(client, side_a, [event(side_a, from_number="12")]))


def test_call_without_number_is_rejected(client, side_a):
    errors = rejected(post(client, side_a, [event(side_a, from_number="")]))
    assert errors["from_number"] == ["Calls and SMS need the number they came from."]


def test_missing_required_fields_are_each_reported(client, side_a):
    errors = rejected(post(client, side_a, [{"external_id": "x"}]))
    assert {"account", "occurred_at", "channel", "party", "outcome"} <= set(errors)


def test_negative_duration_is_rejected(client, side_a):
    assert "duration_seconds" in rejected(post(client, side_a, [event(side_a, duration_seconds=-1)]))


def test_item_that_is_not_an_object_is_rejected(client, side_a):
    assert "non_field_errors" in rejected(post(client, side_a, ["just a string"]))


def test_external_id_twice_in_one_batch_is_rejected_the_second_time(client, side_a):
    response = post(client, side_a, [event(side_a), event(side_a)])
    assert response.json()["results"][0]["status"] == "created"
    assert "external_id" in rejected(response, 1)


def test_same_external_id_of_another_agency_does_not_collide(client, side_a, side_b):
    post(client, side_a, [event(side_a)])
    assert post(client, side_b, [event(side_b)]).json()["created"] == 1


def test_suspended_collector_of_the_agency_is_still_its_own(client, side_a):
    collector = CollectorFactory(agency=side_a.agency, status="suspended")
    assert post(client, side_a, [event(side_a, collector=collector.badge_number)]).json()["created"] == 1


def test_body_without_items_list_is_400(client, side_a):
    response = client.post(URL, data=json.dumps([event(side_a)]), content_type="application/json", **side_a.auth)
    assert response.status_code == 400
    assert "items" in response.json()


def test_empty_batch_is_400(client, side_a):
    assert post(client, side_a, []).status_code == 400


def test_batch_over_1000_is_400_and_stores_nothing(client, side_a):
    items = [event(side_a, external_id=f"e{i}") for i in range(1001)]
    assert post(client, side_a, items).status_code == 400
    assert not ContactEvent.objects.exists()


def test_batch_of_1000_is_accepted(client, side_a):
    items = [event(side_a, external_id=f"e{i}") for i in range(1000)]
    response = post(client, side_a, items)
    assert response.status_code == 200
    assert ContactEvent.objects.count() == 1000


def test_batch_validation_uses_a_fixed_number_of_queries(client, side_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post(client, side_a, [event(side_a, external_id="warm-up")])  # creates the agency's API user once
    counts = []
    for size in (10, 60):  # SQLite splits bigger inserts into chunks of 999 parameters
        with CaptureQueriesContext(connection) as queries:
            post(client, side_a, [event(side_a, external_id=f"n{size}-{i}") for i in range(size)])
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 20


def test_malformed_json_is_400(client, side_a):
    response = client.post(URL, data="{not json", content_type="application/json", **side_a.auth)
    assert response.status_code == 400


def test_form_encoded_body_is_415(client, side_a):
    response = client.post(URL, data={"items": "x"}, **side_a.auth)
    assert response.status_code == 415


def test_unusual_offset_is_stored_as_the_same_instant(client, side_a):
    moment = timezone.now() - datetime.timedelta(hours=3)
    odd = moment.astimezone(datetime.timezone(datetime.timedelta(hours=-11, minutes=-12)))
    assert post(client, side_a, [event(side_a, occurred_at=odd.isoformat())]).json()["created"] == 1
    assert ContactEvent.objects.get().occurred_at == moment


def test_date_at_the_edge_of_the_calendar_is_rejected_not_an_error(client, side_a):
    response = post(client, side_a, [event(side_a, occurred_at="0001-01-01T00:00:00+05:00")])
    assert response.status_code == 207


def visit(side, **overrides) -> dict:
    return event(side, channel="visit", outcome="visited", from_number="", duration_seconds=None, **overrides)


def test_visit_keeps_its_second_collector_and_recording(client, side_a):
    partner = CollectorFactory(agency=side_a.agency)
    post(client, side_a, [visit(side_a, second_collector=partner.badge_number, recording="REC-77")])
    stored = ContactEvent.objects.get()
    assert (stored.second_collector, stored.recording_ref) == (partner, "REC-77")


def test_second_collector_on_a_call_is_rejected(client, side_a):
    partner = CollectorFactory(agency=side_a.agency)
    errors = rejected(post(client, side_a, [event(side_a, second_collector=partner.badge_number)]))
    assert errors["second_collector"] == ["Only a home visit has a second collector."]


def test_second_collector_of_another_agency_is_rejected(client, side_a, side_b):
    errors = rejected(post(client, side_a, [visit(side_a, second_collector=side_b.collector.badge_number)]))
    assert errors["second_collector"] == ["No collector with this badge number works for your agency."]


def test_second_collector_who_is_the_collector_is_rejected(client, side_a):
    errors = rejected(post(client, side_a, [visit(side_a, second_collector=side_a.collector.badge_number)]))
    assert errors["second_collector"] == ["The second collector must be someone other than the collector."]


def test_time_without_an_offset_is_rejected_naming_the_field(client, side_a):
    naive = timezone.localtime(timezone.now() - datetime.timedelta(hours=1)).replace(tzinfo=None).isoformat()
    errors = rejected(post(client, side_a, [event(side_a, occurred_at=naive)]))
    assert errors["occurred_at"] == ["“occurred_at” has no UTC offset; write it like 2026-11-28T14:30:00+08:00."]


def test_time_without_an_offset_leaves_the_rest_of_the_batch_stored(client, side_a):
    naive = timezone.localtime(timezone.now() - datetime.timedelta(hours=1)).replace(tzinfo=None).isoformat()
    items = [event(side_a, external_id="naive", occurred_at=naive), event(side_a, external_id="with-offset")]
    response = post(client, side_a, items)
    assert response.status_code == 207
    assert list(ContactEvent.objects.values_list("external_id", flat=True)) == ["with-offset"]
