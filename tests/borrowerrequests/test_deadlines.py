"""Staff deadlines per kind on the complaints' SLA engine, and the sweep."""

import datetime

import pytest

from borrowerrequests import services
from borrowerrequests.models import Kind, RequestDeadline, RequestEvent, RequestSLAPolicy, Status
from borrowerrequests.selectors import request_sla_state, requests_in_sla_state
from complaints.sla_state import SlaState
from loans.models import Restriction
from outbox.models import Obligation

from .conftest import at

pytestmark = pytest.mark.django_db


def clock(request) -> RequestDeadline:
    return RequestDeadline.objects.get(request=request)


@pytest.mark.parametrize(
    ("kind", "filed", "due"),
    [
        # 15 calendar days, whatever the calendar says.
        (Kind.DISPUTE, at(2026, 11, 27, 17, 0), at(2026, 12, 12, 17, 0)),
        # One working day: Friday 17:00 -> Monday 17:00.
        (Kind.STOP_THIRD_PARTY, at(2026, 11, 27, 17, 0), at(2026, 11, 30, 17, 0)),
        # Across the National Day holiday: 30 Sep 17:00 -> 8 Oct 17:00.
        (Kind.RESTRICT_CONTACT, at(2026, 9, 30, 17, 0), at(2026, 10, 8, 17, 0)),
        # Ten working days from Wednesday 25 Nov 10:00.
        (Kind.REPAYMENT_PLAN, at(2026, 11, 25, 10, 0), at(2026, 12, 9, 10, 0)),
        # Five working days: Friday 9 Oct 17:00; Saturday 10 Oct is a make-up working day.
        (Kind.VULNERABILITY, at(2026, 10, 9, 17, 0), at(2026, 10, 15, 17, 0)),
    ],
)
def test_the_staff_deadline_of_each_kind(file_request, kind, filed, due):
    request = file_request(kind, now=filed)
    assert clock(request).due_at == due
    assert request.staff_due_at == due
    assert (
        clock(request).duty
        == {
            Kind.DISPUTE: "verify",
            Kind.STOP_THIRD_PARTY: "acknowledge",
            Kind.RESTRICT_CONTACT: "acknowledge",
            Kind.REPAYMENT_PLAN: "answer",
            Kind.VULNERABILITY: "review",
        }[kind]
    )


def test_a_policy_staff_changed_applies_to_new_requests(file_request):
    RequestSLAPolicy.objects.filter(kind=Kind.DISPUTE).update(amount=10)
    request = file_request(Kind.DISPUTE, now=at(2026, 11, 27, 17, 0))
    assert clock(request).due_at == at(2026, 12, 7, 17, 0)


def test_warning_at_three_quarters_of_the_business_time(file_request):
    request = file_request(Kind.REPAYMENT_PLAN, now=at(2026, 11, 25, 9, 0))
    # 10 working days of 9 hours: 67.5 business hours from Wednesday 09:00.
    assert clock(request).warn_at == at(2026, 12, 4, 13, 30)


def test_the_sweep_warns_then_escalates_once(file_request, settings):
    request = file_request(Kind.STOP_THIRD_PARTY, now=at(2026, 11, 25, 10, 0))
    # Three quarters of nine business hours from 10:00: 16:45.
    assert services.requests_sweep(now=at(2026, 11, 25, 16, 30)) == {"breached": 0, "warned": 0, "ended": 0}
    assert request_sla_state(request=request, now=at(2026, 11, 25, 16, 50)) == SlaState.AT_RISK
    assert services.requests_sweep(now=at(2026, 11, 25, 17, 0))["warned"] == 1
    assert services.requests_sweep(now=at(2026, 11, 25, 17, 30))["warned"] == 0
    assert Obligation.objects.filter(key=f"request-sla:{clock(request).pk}:warning").exists()
    assert services.requests_sweep(now=at(2026, 11, 26, 10, 0))["breached"] == 1
    assert services.requests_sweep(now=at(2026, 11, 26, 11, 0))["breached"] == 0
    breach = Obligation.objects.get(key=f"request-sla:{clock(request).pk}:breach")
    assert settings.PLATFORM_SUPPORT_EMAIL in breach.payload["to"]
    assert request.events.filter(kind=RequestEvent.Kind.SLA_BREACHED, visibility="internal").count() == 1
    assert list(requests_in_sla_state(state=SlaState.BREACHED, now=at(2026, 11, 26, 11, 0))) == [request]


def test_a_met_deadline_is_not_swept(file_request, staff):
    request = file_request(Kind.STOP_THIRD_PARTY, now=at(2026, 11, 25, 10, 0))
    services.request_acknowledge(request=request, by=staff, now=at(2026, 11, 25, 11, 0))
    assert services.requests_sweep(now=at(2026, 12, 25, 11, 0)) == {"breached": 0, "warned": 0, "ended": 0}
    assert request_sla_state(request=request, now=at(2026, 12, 25, 11, 0)) == SlaState.NONE


def test_a_restriction_for_a_period_ends_at_the_end_of_its_last_day(file_request, borrower):
    request = file_request(Kind.RESTRICT_CONTACT, restricted_until=datetime.date(2026, 11, 30))
    assert services.requests_sweep(now=at(2026, 11, 30, 23, 59))["ended"] == 0
    assert services.requests_sweep(now=at(2026, 12, 1, 0, 5))["ended"] == 1
    assert services.requests_sweep(now=at(2026, 12, 1, 0, 6))["ended"] == 0
    request.refresh_from_db()
    restriction = Restriction.objects.get(source=request.restriction_source)
    assert (request.status, restriction.ends_at) == (Status.ENDED, at(2026, 12, 1, 0, 0))


def test_beat_runs_the_sweep_every_minute(settings):
    from borrowerrequests.tasks import requests_sweep_task

    entry = settings.CELERY_BEAT_SCHEDULE["borrowerrequests-sweep"]
    assert (entry["task"], entry["schedule"]) == (requests_sweep_task.name, 60.0)
