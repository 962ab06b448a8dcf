"""Logs an operator can follow: one line per request and per delivery,
each carrying the id of the request that started the work, so a complaint
is followed from the form to the agency's webhook; and no personal data."""

import io
import json
import logging
import logging.config
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from common.requestid import RequestIdFilter
from complaints import handlers as complaint_handlers
from complaints.models import Complaint
from complaints.services.notify import ROUTE, WEBHOOK
from outbox.models import Obligation
from outbox.services import obligation_deliver
from tests.complaints.conftest import agency, in_house  # noqa: F401
from tests.factories import AssignmentFactory, BorrowerFactory, LoanAccountFactory, UserFactory

from ..borrowers.complaints.test_pages import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """The records of the run, formatted by the settings' JSON formatter
    behind the settings' filter, as production writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    configurator = logging.config.DictConfigurator(settings.LOGGING)
    handler.setFormatter(configurator.configure_formatter(dict(settings.LOGGING["formatters"]["json"])))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(previous)


@pytest.fixture
def hooked(agency):  # noqa: F811
    agency.webhook_url = "https://agency.example.cn/hooks"
    agency.webhook_secret = "s3cret"
    agency.save(update_fields=["webhook_url", "webhook_secret"])
    return agency


@pytest.fixture
def person(db):
    return BorrowerFactory(user=UserFactory(), name="欧阳娜娜", id_number="11010519491231002X")


def _deliver_everything() -> None:
    for _round in range(5):
        pending = list(Obligation.objects.filter(status=Obligation.Status.PENDING).values_list("pk", flat=True))
        if not pending:
            return
        for obligation_id in pending:
            obligation_deliver(obligation_id=obligation_id)


def test_a_complaint_is_followed_by_one_id_from_the_form_to_the_webhook(
    person,
    hooked,
    in_house,  # noqa: F811
    sms_outbox,
    log_lines,
    monkeypatch,
):
    loan = LoanAccountFactory(borrower=person)
    AssignmentFactory(account=loan, agency=hooked)
    monkeypatch.setattr(complaint_handlers, "webhook_post", lambda **kwargs: 200)
    client = Client()
    client.post(reverse("portal:signin"), {"phone": person.phone})
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1].text).group(1)
    assert client.post(reverse("portal:signin_code"), {"code": code}).status_code == 302

    response = client.post(reverse("complaints:new"), form_data(loan))
    assert response.status_code == 302
    request_id = response.headers["X-Request-ID"]
    complaint = Complaint.objects.get()
    route = Obligation.objects.get(kind=ROUTE)
    assert route.request_id == request_id

    _deliver_everything()
    webhook = Obligation.objects.get(kind=WEBHOOK, payload__event="ticket.opened")
    assert webhook.status == Obligation.Status.DELIVERED
    assert webhook.request_id == request_id

    lines = log_lines()
    requests = [line for line in lines if line["logger"] == "portal.requests"]
    assert any(
        line["request_id"] == request_id
        and "view=complaints:new" in line["message"]
        and "status=302" in line["message"]
        for line in requests
    )
    deliveries = [line for line in lines if line["message"].startswith("delivery ")]
    assert {line["request_id"] for line in deliveries if f"obligation={route.pk} " in line["message"]} == {request_id}
    assert {line["request_id"] for line in deliveries if f"obligation={webhook.pk} " in line["message"]} == {request_id}

    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    national = person.phone.removeprefix("+86")
    for personal in (person.phone, national, person.id_number, person.name, complaint.description):
        assert personal not in text
