"""The Prometheus endpoint: private, and its figures are the database's."""

import datetime
from types import SimpleNamespace

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from common.heartbeat import heartbeat_stamp
from complaints.models import SLATarget
from complaints.services.notify import EMAIL, ROUTE, WEBHOOK
from complaints.sla_state import SlaState, sla_state
from conduct.models import Breach
from conduct.services import conduct_check_pending
from notices.models import NoticeDelivery
from outbox.models import Obligation
from portal import metrics
from tests.complaints.conftest import NOW, account, agency, borrower, in_house, submit  # noqa: F401
from tests.factories import AgencyFactory, ContactEventFactory

pytestmark = pytest.mark.django_db
TOKEN = "scrape-token-0123456789"
SCRAPED_AT = NOW + datetime.timedelta(days=3)


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


@pytest.fixture
def pinned(monkeypatch):
    monkeypatch.setattr(metrics, "timezone", SimpleNamespace(now=lambda: SCRAPED_AT))


def scrape() -> dict[tuple[str, tuple], float]:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _obligation(key, kind, status, payload=None):
    return Obligation.objects.create(
        key=key, kind=kind, status=status, payload=payload or {}, created_at=NOW, next_attempt_at=NOW
    )


def test_metrics_do_not_exist_without_a_token_set(settings):
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.parametrize("header", ["", "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_metrics_refuse_anything_but_the_bearer_token(token, header):
    assert Client().get("/metrics", HTTP_AUTHORIZATION=header).status_code == 404


def test_metric_values_match_the_database_after_known_events(token, pinned, submit):  # noqa: F811
    anxin, xinda = AgencyFactory(short_name="安信"), AgencyFactory(short_name="信达")
    _obligation("r1", ROUTE, Obligation.Status.PENDING)
    _obligation("r2", ROUTE, Obligation.Status.PENDING)
    _obligation("e1", EMAIL, Obligation.Status.FAILED)
    _obligation("w1", WEBHOOK, Obligation.Status.DELIVERED, {"agency_id": anxin.pk})
    _obligation("w2", WEBHOOK, Obligation.Status.FAILED, {"agency_id": anxin.pk})
    _obligation("w3", WEBHOOK, Obligation.Status.FAILED, {"agency_id": anxin.pk})
    _obligation("w4", WEBHOOK, Obligation.Status.PENDING, {"agency_id": xinda.pk})
    submit()
    submit()
    # Two contacts in the quiet hours, one of them checked.
    late = datetime.datetime(2026, 11, 24, 23, 30, tzinfo=datetime.UTC) + datetime.timedelta(hours=-8)
    ContactEventFactory(occurred_at=late)
    ContactEventFactory(occurred_at=late)
    conduct_check_pending(now=NOW, batch_size=1, max_batches=1)
    heartbeat_stamp(now=SCRAPED_AT - datetime.timedelta(seconds=42))

    samples = scrape()

    def value(name, **labels):
        return samples.get((name, tuple(sorted(labels.items()))), 0)

    for kind in (ROUTE, EMAIL, WEBHOOK):
        for status in (Obligation.Status.PENDING, Obligation.Status.FAILED):
            assert value("portal_outbox_obligations", kind=kind, status=status) == (
                Obligation.objects.filter(kind=kind, status=status).count()
            )
    assert value("portal_outbox_obligations", kind=ROUTE, status="pending") >= 2
    assert value("portal_webhook_obligations", agency="安信", status="failed") == 2
    assert value("portal_webhook_obligations", agency="安信", status="delivered") == 1
    assert value("portal_webhook_obligations", agency="信达", status="pending") == 1

    states = [sla_state(target, now=SCRAPED_AT) for target in SLATarget.objects.all()]
    assert value("portal_sla_targets", state="breached") == states.count(SlaState.BREACHED) > 0
    assert value("portal_sla_targets", state="at_risk") == states.count(SlaState.AT_RISK)

    for channel in NoticeDelivery.Channel.values:
        for status in ("waiting", "queued", "failed"):
            assert value("portal_notice_deliveries", channel=channel, status=status) == (
                NoticeDelivery.objects.filter(channel=channel, status=status).count()
            )

    assert value("portal_conduct_backlog") == 1
    for rule in Breach.objects.values_list("rule", flat=True).distinct():
        assert value("portal_conduct_breaches", rule=rule) == Breach.objects.filter(rule=rule).count()
    assert Breach.objects.exists()
    assert value("portal_beat_heartbeat_age_seconds") == 42


def test_requests_and_sign_in_codes_are_counted(token, pinned):
    before = scrape()
    Client().post("/signin/", {"phone": "12345"})
    Client().get("/healthz")
    after = scrape()

    def grew(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("portal_http_requests_total", view="portal:signin", method="POST", status="2xx") == 1
    assert grew("portal_http_request_duration_seconds_count", view="portal:signin") == 1
    # The first scrape is counted once it has answered; the probe is not counted at all.
    total = sum(value - before.get(key, 0) for key, value in after.items() if key[0] == "portal_http_requests_total")
    assert total == 2


def test_sign_in_codes_and_task_runs_are_counted(token, pinned, borrower):  # noqa: F811
    from borrowers.signin import signin_code_request
    from common.tasks import beat_heartbeat_task

    before = scrape()
    signin_code_request(phone=borrower.phone, client="198.51.100.7", now=NOW)
    signin_code_request(phone=borrower.phone, client="198.51.100.7", now=NOW)
    beat_heartbeat_task.apply()
    after = scrape()

    def grew(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("portal_signin_codes_total", outcome="sent") == 1
    assert grew("portal_signin_codes_total", outcome="cooldown") == 1
    assert grew("portal_celery_task_duration_seconds_count", task="common.tasks.beat_heartbeat_task") == 1
