import datetime

import pytest

from notices.models import Notice, StageNoticeRule
from notices.stages import stage_notices_sweep
from tests.factories import LoanAccountFactory, StageChangeFactory, StageFactory

from .conftest import at

pytestmark = pytest.mark.django_db


def _change(stage_code="LATE", changed_at=None):
    stage = StageFactory(code=stage_code)
    account = LoanAccountFactory(stage=stage)
    return StageChangeFactory(account=account, stage=stage, changed_at=changed_at or at(1, 9))


def test_recent_stage_change_is_notified_with_the_stage_explanation():
    change = _change()
    assert stage_notices_sweep(now=at(1, 10)) == 1
    notice = Notice.objects.get(stage_change=change)
    assert change.stage.name_zh in notice.title_zh and change.stage.explanation_en in notice.body_en
    assert notice.status == Notice.Status.ISSUED


def test_stage_change_is_notified_once():
    _change()
    stage_notices_sweep(now=at(1, 10))
    assert stage_notices_sweep(now=at(1, 11)) == 0
    assert Notice.objects.count() == 1


def test_old_stage_change_first_seen_later_is_history():
    _change(changed_at=at(1, 9) - datetime.timedelta(days=5))
    assert stage_notices_sweep(now=at(1, 10)) == 0


def test_stage_change_the_account_has_already_left_is_skipped():
    change = _change()
    change.account.stage = StageFactory(code="LEGAL")
    change.account.save()
    assert stage_notices_sweep(now=at(1, 10)) == 0


def test_stage_without_an_active_rule_is_not_notified():
    change = _change()
    StageNoticeRule.objects.filter(stage=change.stage).update(active=False)
    assert stage_notices_sweep(now=at(1, 10)) == 0
