import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from loans.models import ContactEvent

pytestmark = pytest.mark.django_db


def form_data(side, **overrides):
    data = {
        "external_id": "hand-1",
        "account": side.account.reference,
        "occurred_at": timezone.localtime(timezone.now() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "channel": "call",
        "party": "borrower",
        "outcome": "connected",
        "from_number": side.number.number,
        "collector": side.collector.badge_number,
        "duration_seconds": "60",
    }
    data.update(overrides)
    return data


def test_report_page_lists_only_own_accounts(client_a, side_a, side_b):
    form = client_a.get(reverse("agency:report_contact")).context["form"]
    assert [value for value, _ in form.fields["account"].choices] == [side_a.account.reference]


def test_reported_contact_is_recorded(client_a, side_a):
    response = client_a.post(reverse("agency:report_contact"), form_data(side_a))
    assert response.status_code == 302
    assert ContactEvent.objects.get().agency == side_a.agency


def test_other_agencys_account_cannot_be_chosen(client_a, side_a, side_b):
    response = client_a.post(reverse("agency:report_contact"), form_data(side_a, account=side_b.account.reference))
    assert response.status_code == 400
    assert not ContactEvent.objects.exists()


def test_intake_errors_are_shown_on_the_field(client_a, side_a):
    response = client_a.post(reverse("agency:report_contact"), form_data(side_a, from_number="12345"))
    assert response.status_code == 400
    assert "from_number" in response.context["form"].errors


def test_contact_from_an_unauthorised_number_is_recorded_with_a_warning(client_a, side_a, side_b):
    response = client_a.post(
        reverse("agency:report_contact"),
        form_data(side_a, from_number=side_b.number.number),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert ContactEvent.objects.get().agency == side_a.agency
    assert "Recorded and flagged as a breach" in response.content.decode()


def test_same_reference_twice_is_refused_the_second_time(client_a, side_a):
    client_a.post(reverse("agency:report_contact"), form_data(side_a))
    response = client_a.post(reverse("agency:report_contact"), form_data(side_a))
    assert response.status_code == 400
    assert ContactEvent.objects.count() == 1


def test_same_reference_with_other_details_names_what_differs(client_a, side_a):
    client_a.post(reverse("agency:report_contact"), form_data(side_a))
    response = client_a.post(reverse("agency:report_contact"), form_data(side_a, outcome="refused"))
    assert response.status_code == 400
    [message] = response.context["form"].errors["external_id"]
    assert "already recorded with other details (Outcome)" in message
    assert ContactEvent.objects.get().outcome == "connected"


def test_report_form_names_the_borrower_for_the_agency_not_you(client_a, side_a):
    content = client_a.get(reverse("agency:report_contact"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<option value="borrower">借款人</option>' in content
    assert "您本人" not in content
