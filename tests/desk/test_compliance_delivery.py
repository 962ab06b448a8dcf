import pytest

from desk.compliance.delivery import compliance_report_deliver
from desk.tasks import compliance_report_deliver_task
from outbox.models import Obligation
from outbox.services import obligation_deliver
from tests.desk.compliance_data import at, october

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(submit, supervisor, agent):
    return october(submit=submit, supervisor=supervisor, agent=agent)


def test_last_months_report_is_queued_to_the_compliance_address(data, settings):
    settings.COMPLIANCE_REPORT_EMAIL = "compliance@lender.example.cn"
    assert compliance_report_deliver(now=at(11, 1, 6, 30)) is True
    obligation = Obligation.objects.get(key="desk.compliance_report:2026-10:all")
    assert obligation.payload["to"] == ["compliance@lender.example.cn"]
    assert "2026-10" in obligation.payload["subject"]
    assert "2026-10" in obligation.payload["body"]


def test_running_twice_in_a_month_queues_one_email(data, settings):
    settings.COMPLIANCE_REPORT_EMAIL = "compliance@lender.example.cn"
    assert compliance_report_deliver(now=at(11, 1, 6, 30)) is True
    assert compliance_report_deliver(now=at(11, 1, 6, 31)) is False
    assert Obligation.objects.filter(key__startswith="desk.compliance_report:").count() == 1


def test_the_task_twice_sends_one_email(data, settings, mailoutbox):
    settings.COMPLIANCE_REPORT_EMAIL = "compliance@lender.example.cn"
    compliance_report_deliver_task.apply()
    compliance_report_deliver_task.apply()
    for obligation in Obligation.objects.filter(key__startswith="desk.compliance_report:"):
        obligation_deliver(obligation_id=obligation.pk)
        obligation_deliver(obligation_id=obligation.pk)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["compliance@lender.example.cn"]


def test_nothing_is_sent_without_a_compliance_address(settings):
    settings.COMPLIANCE_REPORT_EMAIL = ""
    assert compliance_report_deliver(now=at(11, 1, 6, 30)) is False
    assert not Obligation.objects.exists()


def test_the_beat_schedule_runs_it_on_the_first_of_the_month(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["desk-compliance-report"]
    assert entry["task"] == "desk.tasks.compliance_report_deliver_task"
    assert entry["schedule"].day_of_month == {1}
