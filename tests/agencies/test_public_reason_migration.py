"""The migration that adds agencies' public reason (agencies 0004): a change
made before it reads "reason not recorded", never a guessed reason."""

import datetime

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("agencies", "0003_memberships_tokens")]
AFTER = [("agencies", "0004_agency_public_reason")]
AT = datetime.datetime(2026, 10, 1, 9, 0, tzinfo=datetime.UTC)


def test_changes_made_before_the_field_read_not_recorded(migrator):
    apps = migrator.migrate(BEFORE)
    agency_model = apps.get_model("agencies", "Agency")
    suspended = agency_model.objects.create(external_id="A-1", name="Out", status="suspended", status_changed_at=AT)
    reinstated = agency_model.objects.create(external_id="A-2", name="Back", status="active", status_changed_at=AT)
    untouched = agency_model.objects.create(external_id="A-3", name="Always")
    history = apps.get_model("agencies", "HistoricalAgency")
    history.objects.create(
        id=suspended.pk,
        external_id="A-1",
        name="Out",
        status="suspended",
        status_changed_at=AT,
        kind="external",
        contact_hours_start=datetime.time(8),
        contact_hours_end=datetime.time(20),
        history_date=AT,
        history_type="~",
    )

    apps = migrator.migrate(AFTER)

    agencies = apps.get_model("agencies", "Agency").objects
    assert agencies.get(pk=suspended.pk).status_public_reason == "not_recorded"
    assert agencies.get(pk=reinstated.pk).status_public_reason == "not_recorded"
    assert agencies.get(pk=untouched.pk).status_public_reason == ""
    past = apps.get_model("agencies", "HistoricalAgency").objects.get(id=suspended.pk)
    assert past.status_public_reason == "not_recorded"
