import datetime

import pytest
from django.utils import timezone

from loans.models import ScheduledMeasure
from tests.factories import ScheduledMeasureFactory

pytestmark = pytest.mark.django_db


def test_saving_a_measure_loaded_before_its_notice_went_out_keeps_when_it_was_announced():
    measure = ScheduledMeasureFactory()
    announced = timezone.now() - datetime.timedelta(hours=1)
    ScheduledMeasure.objects.filter(pk=measure.pk).update(announced_at=announced)

    measure.status = ScheduledMeasure.Status.CANCELLED
    measure.save()

    measure.refresh_from_db()
    assert (measure.status, measure.announced_at) == (ScheduledMeasure.Status.CANCELLED, announced)
