import datetime
import json

import pytest
from django.utils import timezone

from loans.models import ScheduledMeasure
from tests.factories import ContactPreferenceFactory, ScheduledMeasureFactory

pytestmark = pytest.mark.django_db
MEASURES = "/api/v1/scheduled-measures/"
PREFERENCES = "/api/v1/contact-preferences/"


def measure(side, **overrides) -> dict:
    item = {
        "external_id": "m-1",
        "account": side.account.reference,
        "kind": "home_visit",
        "planned_for": (timezone.now() + datetime.timedelta(days=5)).isoformat(),
        "how_to_avoid": "Pay the overdue amount before the visit.",
    }
    item.update(overrides)
    return item


def post(client, side, items):
    return client.post(MEASURES, data=json.dumps({"items": items}), content_type="application/json", **side.auth)


def errors_of(response, index=0) -> dict:
    result = response.json()["results"][index]
    assert result["status"] == "rejected"
    return result["errors"]


def test_planned_measure_is_recorded(client, side_a):
    response = post(client, side_a, [measure(side_a)])
    assert response.status_code == 200
    stored = ScheduledMeasure.objects.get()
    assert (stored.account, stored.performer, stored.kind, stored.status) == (
        side_a.account,
        side_a.agency,
        "home_visit",
        "planned",
    )


def test_same_measure_sent_again_is_not_duplicated(client, side_a):
    item = measure(side_a)
    post(client, side_a, [item])
    response = post(client, side_a, [item])
    assert response.json()["results"][0]["status"] == "exists"
    assert ScheduledMeasure.objects.count() == 1


def test_measure_sent_again_with_new_status_is_updated(client, side_a):
    item = measure(side_a)
    post(client, side_a, [item])
    response = post(client, side_a, [{**item, "status": "cancelled"}])
    assert response.json()["results"][0]["status"] == "updated"
    assert ScheduledMeasure.objects.get().status == "cancelled"


def test_external_id_reused_for_another_account_is_a_conflict_naming_the_account(client, side_a):
    stored = ScheduledMeasureFactory(external_id="m-1", performer=side_a.agency)
    response = post(client, side_a, [measure(side_a)])
    assert response.status_code == 207
    result = response.json()["results"][0]
    assert (result["status"], result["fields"]) == ("conflict", ["account"])
    assert ScheduledMeasure.objects.get().account_id == stored.account_id


def test_planned_measure_in_the_past_is_rejected(client, side_a):
    item = measure(side_a, planned_for=(timezone.now() - datetime.timedelta(hours=1)).isoformat())
    assert "planned_for" in errors_of(post(client, side_a, [item]))


def test_done_measure_in_the_future_is_rejected(client, side_a):
    assert "planned_for" in errors_of(post(client, side_a, [measure(side_a, status="done")]))


def test_measure_time_without_an_offset_is_rejected_naming_the_field(client, side_a):
    naive = timezone.localtime(timezone.now() + datetime.timedelta(days=5)).replace(tzinfo=None).isoformat()
    errors = errors_of(post(client, side_a, [measure(side_a, planned_for=naive)]))
    assert errors["planned_for"] == ["“planned_for” has no UTC offset; write it like 2026-11-28T14:30:00+08:00."]


def test_lender_only_measure_kind_is_rejected(client, side_a):
    assert "kind" in errors_of(post(client, side_a, [measure(side_a, kind="credit_report")]))


def test_measure_on_another_agencys_account_is_rejected(client, side_a, side_b):
    errors = errors_of(post(client, side_a, [measure(side_a, account=side_b.account.reference)]))
    assert errors["account"] == ["This account is not assigned to your agency now."]
    assert not ScheduledMeasure.objects.exists()


def test_measure_batch_keeps_good_items(client, side_a):
    response = post(client, side_a, [measure(side_a), measure(side_a, external_id="m-2", kind="nonsense")])
    assert response.status_code == 207
    assert ScheduledMeasure.objects.count() == 1


def test_measure_batch_over_1000_is_400(client, side_a):
    assert post(client, side_a, [measure(side_a, external_id=f"m{i}") for i in range(1001)]).status_code == 400


class TestPreferences:
    def test_lists_preferences_of_assigned_accounts(self, client, side_a):
        ContactPreferenceFactory(borrower=side_a.account.borrower, no_third_party_contact=True, preferred_channel="sms")
        body = client.get(PREFERENCES, **side_a.auth).json()
        assert body["count"] == 1
        row = body["results"][0]
        assert (row["account"], row["no_third_party_contact"], row["preferred_channel"]) == (
            side_a.account.reference,
            True,
            "sms",
        )

    def test_borrower_without_preferences_gets_defaults(self, client, side_a):
        row = client.get(PREFERENCES, **side_a.auth).json()["results"][0]
        assert (row["no_third_party_contact"], row["preferred_channel"], row["updated_at"]) == (False, "any", None)

    def test_other_agencys_accounts_are_not_listed(self, client, side_a, side_b):
        ContactPreferenceFactory(borrower=side_b.account.borrower)
        references = [row["account"] for row in client.get(PREFERENCES, **side_a.auth).json()["results"]]
        assert references == [side_a.account.reference]

    def test_filter_by_other_agencys_account_returns_nothing(self, client, side_a, side_b):
        response = client.get(PREFERENCES, {"account": side_b.account.reference}, **side_a.auth)
        assert response.json()["count"] == 0

    def test_ended_assignment_hides_the_account(self, client, side_a):
        side_a.assignment.ends_at = timezone.now() - datetime.timedelta(hours=1)
        side_a.assignment.save()
        assert client.get(PREFERENCES, **side_a.auth).json()["count"] == 0

    def test_changed_since_filters(self, client, side_a):
        ContactPreferenceFactory(
            borrower=side_a.account.borrower, updated_at=timezone.now() - datetime.timedelta(days=3)
        )
        since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
        assert client.get(PREFERENCES, {"changed_since": since}, **side_a.auth).json()["count"] == 0

    def test_bad_changed_since_is_400(self, client, side_a):
        response = client.get(PREFERENCES, {"changed_since": "last week"}, **side_a.auth)
        assert response.status_code == 400
        assert "changed_since" in response.json()

    def test_unknown_query_keys_do_not_reach_the_orm(self, client, side_a, side_b):
        response = client.get(PREFERENCES, {"ordering": "borrower__phone", "agency": side_b.agency.pk}, **side_a.auth)
        assert [row["account"] for row in response.json()["results"]] == [side_a.account.reference]


def test_planned_measure_schedules_the_borrowers_advance_notice(client, side_a):
    from notices.models import MeasureNoticeState

    post(client, side_a, [measure(side_a)])
    assert MeasureNoticeState.objects.filter(measure__external_id="m-1").exists()


def test_changed_since_with_unusual_offset_is_not_a_server_error(client, side_a):
    response = client.get(PREFERENCES, {"changed_since": "1077-03-10T02:17:24-19:12"}, **side_a.auth)
    assert response.status_code == 200


class TestHold:
    @pytest.fixture
    def held(self, side_a):
        from tests.workspace.conftest import open_ticket

        return open_ticket(side_a, category_code="TH-VIOLENCE")

    def test_critical_complaint_puts_the_account_on_hold(self, client, side_a, held):
        body = client.get(f"/api/v1/tickets/{held.complaint.reference}/", **side_a.auth).json()
        assert body["account_on_hold"] is True

    def test_no_measure_may_be_planned_on_a_held_account(self, client, side_a, held):
        errors = errors_of(post(client, side_a, [measure(side_a)]))
        assert "paused" in errors["account"][0]
        assert not ScheduledMeasure.objects.exists()

    def test_held_measure_may_still_be_cancelled(self, client, side_a, held):
        ScheduledMeasureFactory(external_id="m-1", account=side_a.account, performer=side_a.agency)
        response = post(client, side_a, [measure(side_a, status="cancelled")])
        assert response.json()["results"][0]["status"] == "updated"

    def test_ticket_page_shows_the_hold(self, client_a, held):
        from django.urls import reverse

        response = client_a.get(reverse("agency:ticket", kwargs={"reference": held.complaint.reference}))
        assert response.context["hold"] is not None


class TestRestrictions:
    """Planned measures are refused on an account whose collection is on hold
    or whose measures are paused, for the agency the restriction binds."""

    def place(self, side, kind, **fields):
        from loans.models import Restriction
        from loans.restrictions import restriction_place

        now = timezone.now()
        return restriction_place(
            borrower=side.account.borrower,
            kind=getattr(Restriction.Kind, kind),
            source="request:R-1",
            starts_at=now - datetime.timedelta(minutes=1),
            now=now,
            **fields,
        )

    def test_paused_measures_refuse_a_planned_measure(self, client, side_a):
        self.place(side_a, "MEASURES_PAUSED", account=side_a.account)
        errors = errors_of(post(client, side_a, [measure(side_a)]))
        assert "paused" in errors["account"][0]
        assert not ScheduledMeasure.objects.exists()

    def test_a_hold_naming_no_agency_refuses_an_outside_agencys_measure(self, client, side_a):
        self.place(side_a, "COLLECTION_HOLD")
        errors = errors_of(post(client, side_a, [measure(side_a)]))
        assert "hold" in errors["account"][0]

    def test_a_hold_on_another_agency_does_not_refuse(self, client, side_a, side_b):
        self.place(side_a, "COLLECTION_HOLD", agency=side_b.agency)
        assert post(client, side_a, [measure(side_a)]).json()["results"][0]["status"] == "created"

    def test_an_ended_pause_no_longer_refuses(self, client, side_a):
        from loans.restrictions import restrictions_end

        self.place(side_a, "MEASURES_PAUSED")
        restrictions_end(source="request:R-1", at=timezone.now() - datetime.timedelta(seconds=1))
        assert post(client, side_a, [measure(side_a)]).json()["results"][0]["status"] == "created"
