import datetime
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accesslog.services import data_access_record
from desk.roles import AUDITOR
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def auditor_client():
    auditor = UserFactory(username="auditor", is_staff=True)
    auditor.groups.add(Group.objects.get(name=AUDITOR))
    client = Client()
    client.force_login(auditor)
    return client


@pytest.fixture
def record():
    return data_access_record(user=UserFactory(is_staff=True), subject="borrower BR-1", now=NOW)


def test_auditors_read_the_log(auditor_client, record):
    response = auditor_client.get(reverse("admin:accesslog_dataaccessrecord_changelist"))
    assert response.status_code == 200
    assert "borrower BR-1" in response.content.decode()


def test_nobody_edits_the_log_not_even_a_superuser(record):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:accesslog_dataaccessrecord_add")).status_code == 403
    assert client.get(reverse("admin:accesslog_dataaccessrecord_delete", args=[record.pk])).status_code == 403
    change = reverse("admin:accesslog_dataaccessrecord_change", args=[record.pk])
    assert client.post(change, {"subject": "rewritten"}).status_code == 403
    record.refresh_from_db()
    assert record.subject == "borrower BR-1"
