"""The audit history in the desk: read-only for everyone, and readable."""

import datetime

import pytest
from django.conf import settings
from django.contrib import admin
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from common.masking import mask_name
from complaints.models import Complaint, Status
from complaints.services import complaint_acknowledge
from desk.history import ACTIONS, DeskHistoryAdmin
from loans.services import contact_preference_update
from tests.desk.conftest import NOW
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def acknowledged(agent, submit):
    """A complaint with two versions: submitted, then acknowledged an hour
    later. The versions' own times are pinned, as the history keeps the
    wall-clock time of each save."""
    complaint = submit()
    complaint_acknowledge(complaint=complaint, by=agent, now=NOW + datetime.timedelta(hours=1))
    first, second = complaint.history.order_by("history_id")
    complaint.history.filter(history_id=first.history_id).update(
        history_date=datetime.datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    )
    complaint.history.filter(history_id=second.history_id).update(
        history_date=datetime.datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    )
    complaint.refresh_from_db()
    return complaint


def history_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


def version_url(obj, record) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_simple_history", args=[obj.pk, record.pk])


def oldest(obj):
    return obj.history.order_by("history_id").first()


def revert_data(record) -> dict:
    """What the revert form would post for this version: a valid form."""
    data = {"updated_at_0": "2026-11-25", "updated_at_1": "12:00:00"}
    for key, value in model_to_dict(record.instance).items():
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value)
            data[f"{key}_0"], data[f"{key}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
        elif value is not None:
            data[key] = value
    return data


def history_page(client, obj, language: str) -> str:
    with translation.override(language):
        return client.get(history_url(obj), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_revert_is_switched_off_in_the_settings():
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True


def test_posting_an_old_version_is_refused_for_a_triage_agent_and_changes_nothing(client_for, agent, acknowledged):
    record = oldest(acknowledged)
    versions = acknowledged.history.count()
    response = client_for(agent).post(version_url(acknowledged, record), revert_data(record))
    assert response.status_code in (403, 405)
    acknowledged.refresh_from_db()
    assert acknowledged.status == Status.ACKNOWLEDGED
    assert acknowledged.history.count() == versions


def test_posting_an_old_version_is_refused_for_a_superuser_and_changes_nothing(client_for, superuser, acknowledged):
    record = oldest(acknowledged)
    versions = acknowledged.history.count()
    response = client_for(superuser).post(version_url(acknowledged, record), revert_data(record))
    assert response.status_code in (403, 405)
    acknowledged.refresh_from_db()
    assert acknowledged.status == Status.ACKNOWLEDGED
    assert acknowledged.history.count() == versions


def test_every_admin_with_a_history_uses_the_read_only_history_admin():
    with_history = [
        model_admin for model_admin in admin.site._registry.values() if isinstance(model_admin, SimpleHistoryAdmin)
    ]
    assert with_history
    assert [type(a).__name__ for a in with_history if not isinstance(a, DeskHistoryAdmin)] == []


def test_history_page_offers_no_revert(client_for, superuser, acknowledged):
    content = history_page(client_for(superuser), acknowledged, "en")
    assert "revert" not in content.lower()


def test_version_page_is_a_read_only_table_with_no_form(client_for, superuser, acknowledged):
    response = client_for(superuser).get(version_url(acknowledged, oldest(acknowledged)), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in content
    assert "<select" not in content
    assert "revert" not in content.lower()


def test_version_page_lists_no_other_borrower(client_for, agent, acknowledged):
    other = BorrowerFactory(name="王小明")
    content = client_for(agent).get(version_url(acknowledged, oldest(acknowledged))).content.decode()
    assert other.name not in content


def test_version_page_shows_the_borrower_masked(client_for, agent, acknowledged):
    borrower = acknowledged.borrower
    content = client_for(agent).get(version_url(acknowledged, oldest(acknowledged))).content.decode()
    assert borrower.masked_label in content
    assert borrower.name not in content
    assert borrower.phone[3:] not in content


def test_version_page_masks_the_number_that_called(client_for, agent, submit):
    complaint = submit(caller_number="+8613912345678")
    content = client_for(agent).get(version_url(complaint, oldest(complaint))).content.decode()
    assert "139****5678" in content
    assert "13912345678" not in content


def test_history_says_what_changed_with_field_names_and_state_labels_in_english(client_for, agent, acknowledged):
    content = history_page(client_for(agent), acknowledged, "en")
    assert "<strong>Status</strong>: Submitted → Acknowledged" in content


def test_history_says_what_changed_with_field_names_and_state_labels_in_chinese(client_for, agent, acknowledged):
    content = history_page(client_for(agent), acknowledged, "zh-hans")
    with translation.override("zh-hans"):
        field = capfirst(Complaint._meta.get_field("status").verbose_name)
        change = f"<strong>{field}</strong>: {Status.SUBMITTED.label} → {Status.ACKNOWLEDGED.label}"
    assert change in content
    assert "acknowledged" not in content


def test_history_names_each_kind_of_change_in_chinese(client_for, agent, acknowledged):
    content = history_page(client_for(agent), acknowledged, "zh-hans")
    with translation.override("zh-hans"):
        created, updated = str(ACTIONS["+"]), str(ACTIONS["~"])
    assert f">{created}</td>" in content
    assert f">{updated}</td>" in content


def test_history_shows_times_in_shanghai_time(client_for, agent, acknowledged):
    content = history_page(client_for(agent), acknowledged, "en")
    assert "2026-11-25 11:00" in content
    assert "+00:00" not in content


def test_history_shows_an_empty_value_as_a_dash_not_none(client_for, agent, acknowledged):
    content = history_page(client_for(agent), acknowledged, "en")
    assert "<strong>Acknowledged at</strong>: — → 2026-11-25 11:00" in content
    assert "None" not in content


def test_contact_preference_history_shows_the_borrower_masked(client_for, agent):
    borrower = BorrowerFactory(name="张三丰")
    contact_preference_update(
        borrower=borrower,
        no_third_party_contact=False,
        window_start=None,
        window_end=None,
        preferred_channel="any",
        now=NOW,
    )
    preference = contact_preference_update(
        borrower=borrower,
        no_third_party_contact=True,
        window_start=None,
        window_end=None,
        preferred_channel="sms",
        now=NOW,
    )
    content = history_page(client_for(agent), preference, "en")
    assert mask_name(borrower.name) in content
    assert borrower.name not in content
    assert "<strong>Preferred channel</strong>: No preference → SMS" in content
