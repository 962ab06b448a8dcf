import io

import pytest

from notices.models import Notice
from portal.demo import notices as demo
from tests.factories import ScheduledMeasureFactory

pytestmark = pytest.mark.django_db


def test_demo_load_schedules_notices_and_a_second_run_adds_nothing():
    ScheduledMeasureFactory()
    demo.load(stdout=io.StringIO())
    first = Notice.objects.count()
    demo.load(stdout=io.StringIO())
    assert first == 1 and Notice.objects.count() == 1


def test_demo_guide_points_to_the_inbox_and_the_rules():
    ScheduledMeasureFactory()
    demo.load(stdout=io.StringIO())
    lines = demo.guide(base_url="http://127.0.0.1:8000")
    assert lines[0].endswith("http://127.0.0.1:8000/inbox/")
    assert any("/admin/notices/noticerule/" in line for line in lines)
