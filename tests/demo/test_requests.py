import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation

from borrowerrequests.models import (
    ACTIVE_STATUSES,
    BorrowerRequest,
    Kind,
    PlanAnswer,
    RequestEvent,
    RequestEvidence,
    SensitiveConsent,
    Status,
)
from common.phones import display_number
from complaints.models import Complaint
from loans.models import Assignment, ContactEvent, Restriction
from portal.demo import requests as demo
from portal.demo.world import REQUEST_STORIES, demo_day_loaded
from portal.demo.world.cast import SHANGHAI
from portal.demo.world.requests import AFTER_REQUESTS

EXPECTED = {
    "stop-third-party": (Kind.STOP_THIRD_PARTY, Status.IN_FORCE),
    "dispute-held": (Kind.DISPUTE, Status.UNDER_REVIEW),
    "plan-filed": (Kind.REPAYMENT_PLAN, Status.FILED),
    "dispute-verified": (Kind.DISPUTE, Status.VERIFICATION_SENT),
    "vulnerability": (Kind.VULNERABILITY, Status.UNDER_REVIEW),
    "plan-offered": (Kind.REPAYMENT_PLAN, Status.PLAN_OFFERED),
    "written-only": (Kind.RESTRICT_CONTACT, Status.IN_FORCE),
}
STORIES = {story.key: story for story in REQUEST_STORIES}


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker):
    """The demo world with its requests, loaded once for the class and rolled
    back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo_data", stdout=io.StringIO())
        yield demo.demo_requests()
        transaction.set_rollback(True)


def demo_moment(days, hour, minute=0):
    midnight = datetime.datetime.combine(demo_day_loaded(), datetime.time(0, 0), tzinfo=SHANGHAI)
    return midnight + datetime.timedelta(days=days, hours=hour, minutes=minute)


def table_sizes():
    models = (BorrowerRequest, RequestEvent, RequestEvidence, Restriction, PlanAnswer, SensitiveConsent)
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
class TestDemoRequests:
    def test_every_demo_request_is_filed(self, loaded):
        assert set(loaded) == {spec.key for spec in demo.REQUESTS} == set(EXPECTED)

    def test_each_demo_request_has_its_kind_and_status(self, loaded):
        assert {key: (request.kind, request.status) for key, request in loaded.items()} == EXPECTED

    def test_every_kind_has_a_request_in_force(self, loaded):
        in_force = {request.kind for request in loaded.values() if request.status in ACTIVE_STATUSES}
        assert in_force == set(Kind.values)

    def test_each_request_is_filed_when_its_story_says_relative_to_the_demo_day(self, loaded):
        for key, request in loaded.items():
            story = STORIES[key]
            assert request.filed_at == demo_moment(story.days, story.hour, story.minute), key

    def test_the_held_dispute_carries_an_evidence_file_and_an_open_hold(self, loaded):
        request = loaded["dispute-held"]
        evidence = RequestEvidence.objects.get(request=request)
        assert (evidence.content_type, evidence.party, evidence.size > 0) == ("application/pdf", "borrower", True)
        hold = Restriction.objects.get(source=request.restriction_source)
        assert (hold.kind, hold.account_id, hold.ends_at) == (
            Restriction.Kind.COLLECTION_HOLD,
            request.account_id,
            None,
        )

    def test_the_verified_dispute_ended_its_hold_at_the_verification(self, loaded):
        request = loaded["dispute-verified"]
        hold = Restriction.objects.get(source=request.restriction_source)
        assert hold.ends_at == request.decided_at == request.verification.sent_at

    def test_the_vulnerability_has_consent_given_and_not_revoked(self, loaded):
        consent = SensitiveConsent.objects.get(request=loaded["vulnerability"])
        assert consent.revoked_at is None and consent.text_shown

    def test_the_offered_plan_waits_for_the_borrower(self, loaded):
        answer = PlanAnswer.objects.get(request=loaded["plan-offered"])
        assert answer.outcome == PlanAnswer.Outcome.COUNTER_OFFER
        assert answer.agreed_at is None
        assert answer.instalments.count() == 6

    def test_the_written_only_restriction_runs_for_a_period_past_the_demo_day(self, loaded):
        request = loaded["written-only"]
        assert request.restricted_until == demo_day_loaded() + datetime.timedelta(days=demo.RESTRICTED_FOR_DAYS)

    def test_one_borrower_has_several_requests(self, loaded):
        per_borrower = {}
        for request in loaded.values():
            per_borrower[request.borrower_id] = per_borrower.get(request.borrower_id, 0) + 1
        assert max(per_borrower.values()) >= 3

    def test_the_requests_loans_are_handled_by_different_agencies(self, loaded):
        accounts = [request.account_id for request in loaded.values() if request.account_id]
        agencies = set(
            Assignment.objects.filter(account_id__in=accounts, ends_at__isnull=True).values_list(
                "agency__external_id", flat=True
            )
        )
        assert {"AG-AYD", "AG-HUAXIN", "AG-JINGCHENG"} <= agencies

    def test_the_contacts_after_each_request_are_the_storys_only(self, loaded):
        # Routine contacts stop at the first request binding a loan; after it
        # come only the contacts the story lists (some breaking it).
        for key, request in loaded.items():
            story = STORIES[key]
            after = ContactEvent.objects.filter(account__borrower=request.borrower, occurred_at__gt=request.filed_at)
            if request.account_id:
                after = after.filter(account=request.account)
            listed = [
                item
                for item in AFTER_REQUESTS
                if item[0] == story.borrower
                and (story.stage is None or item[1] == story.stage)
                and demo_moment(*item[2:5]) > request.filed_at
            ]
            assert after.count() == len(listed), key

    def test_contacts_break_each_binding_restriction_after_it(self, loaded):
        def after(key, **filters):
            request = loaded[key]
            return ContactEvent.objects.filter(
                account__borrower=request.borrower, occurred_at__gt=request.filed_at, **filters
            )

        assert after("dispute-held", account=loaded["dispute-held"].account).exists()
        assert after("stop-third-party", party=ContactEvent.Party.EMERGENCY_CONTACT).exists()
        assert after("written-only", account=loaded["written-only"].account, channel="call").exists()
        calls = after("vulnerability", channel="call")
        assert any(timezone.localtime(call.occurred_at).time() < datetime.time(9, 0) for call in calls)

    def test_demo_complaints_stay_off_the_requests_borrowers(self, loaded):
        borrowers = {request.borrower_id for request in loaded.values()}
        assert Complaint.objects.exists()
        assert not Complaint.objects.filter(borrower_id__in=borrowers).exists()

    def test_loading_again_adds_nothing(self, loaded):
        before = table_sizes()
        out = io.StringIO()

        call_command("load_demo_data", stdout=out)

        assert table_sizes() == before
        assert "Requests: 0 demo requests added; 7 on record." in out.getvalue()

    def test_the_guide_names_each_request_its_borrower_and_the_desk_login(self, loaded):
        out = io.StringIO()
        call_command("demo_guide", "--base-url", "http://x", stdout=out)
        text = out.getvalue()
        for request in loaded.values():
            assert f"{request.reference}  " in text
            assert display_number(request.borrower.phone) in text
        assert "triage (Triage agent) handles requests" in text

    def test_the_chinese_guide_names_the_desk_role_in_chinese(self, loaded):
        out = io.StringIO()
        with translation.override("zh-hans"):
            call_command("demo_guide", stdout=out)
        assert "triage (客服专员)" in out.getvalue()
