"""The migration that introduced moves tags what agencies wrote and what
was written for them with the agency of the complaint's one ticket."""

import importlib

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import AgencyMembership
from complaints import services
from complaints.models import Evidence, TimelineEvent
from complaints.uploads import check_upload
from tests.factories import UserFactory

from .test_transitions import LATER

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
migration = importlib.import_module("complaints.migrations.0008_ticket_moves")


def test_backfill_tags_agency_events_and_files_and_leaves_the_rest(routed, agency):
    complaint = routed()
    member = UserFactory()
    AgencyMembership.objects.create(user=member, agency=agency)
    services.agency_response_submit(
        ticket=complaint.ticket,
        user=member,
        statement="Checked.",
        remediation="warned",
        files=[check_upload(SimpleUploadedFile("log.png", PNG))],
        now=LATER,
    )
    TimelineEvent.objects.update(agency=None)
    Evidence.objects.update(agency=None)

    migration.tag_with_ticket_agency(apps, None)

    tagged = set(complaint.timeline.filter(agency=agency).values_list("kind", flat=True))
    untagged = set(complaint.timeline.filter(agency__isnull=True).values_list("kind", flat=True))
    assert {"sent_to_agency", "agency_responded", "evidence_added"} <= tagged
    assert {"submitted", "acknowledged"} <= untagged
    assert Evidence.objects.get(complaint=complaint).agency == agency
