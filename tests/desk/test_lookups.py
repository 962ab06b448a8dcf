"""Desk lists are filtered by the filters they offer, and by nothing else:
no lookup from the address bar reads a secret, a masked number or a
borrower's words a character at a time."""

import pytest
from django.contrib import admin
from django.urls import reverse

from complaints.services.notify import WEBHOOK
from desk.lookups import OfferedFiltersOnly
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _list(name: str, query: str) -> str:
    return f"{reverse(f'admin:{name}_changelist')}?{query}"


@pytest.mark.parametrize(
    "url",
    [
        # Fields of the list's own model that no filter offers.
        ("agencies_agencymembership", "totp_secret__startswith=A"),
        ("agencies_agency", "webhook_secret__startswith=a"),
        ("loans_borrower", "id_number__startswith=1101"),
        ("borrowerrequests_borrowerrequest", "words__icontains=cancer"),
        ("borrowerrequests_borrowerrequest", "reason=mental_health"),
        # One relation away.
        ("complaints_complaint", "borrower__id_number__startswith=1101"),
        # An offered field, looked up in a way its filter never does.
        ("complaints_complaint", "agency__webhook_secret__startswith=a"),
        ("complaints_complaint", "status__startswith=s"),
    ],
)
def test_a_lookup_the_lists_filters_do_not_offer_is_refused(client_for, agent, url):
    assert client_for(agent).get(_list(*url)).status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "status__exact=submitted",
        "category__id__exact=1",
        "account__stage__id__exact=1",
        "submitted_at__gte=2026-11-01+00%3A00%3A00%2B08%3A00&submitted_at__lt=2026-12-01+00%3A00%3A00%2B08%3A00",
        "submitted_at__isnull=False",
        "sla=breached",
        "assignee=mine",
    ],
)
def test_the_lists_own_filters_are_accepted(client_for, agent, query):
    assert client_for(agent).get(_list("complaints_complaint", query)).status_code == 200


def test_the_date_hierarchy_is_accepted(client_for, agent):
    assert client_for(agent).get(_list("loans_contactevent", "occurred_at__year=2026")).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        ("complaints_complaint", "triage=waiting"),
        ("complaints_complaint", "assignee=none&status__exact=submitted"),
        ("borrowerrequests_borrowerrequest", "sla=at_risk"),
        ("outbox_obligation", "status__exact=failed"),
        ("outbox_obligation", f"kind__exact={WEBHOOK}&status__exact=pending"),
        ("complaints_complaint", "agency__id__exact={agency}"),
        ("conduct_breach", "agency__id__exact={agency}"),
    ],
)
def test_the_links_the_desk_makes_to_its_lists_are_accepted(client_for, agent, url):
    agency = AgencyFactory()
    name, query = url
    assert client_for(agent).get(_list(name, query.format(agency=agency.pk))).status_code == 200


def test_every_list_on_the_desk_refuses_what_its_filters_do_not_offer():
    refusing = {
        model._meta.label: isinstance(model_admin, OfferedFiltersOnly)
        and not model_admin.lookup_allowed(f"{model._meta.pk.name}__gt", "0", None)
        for model, model_admin in admin.site._registry.items()
    }
    assert [label for label, refuses in refusing.items() if not refuses] == []
