import datetime
import io
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from agencies.models import Agency, AuthorisedNumber, Collector
from loans.feed.fields import id_number_is_valid
from loans.models import (
    Assignment,
    Borrower,
    ContactEvent,
    ContactPreference,
    LoanAccount,
    ScheduledMeasure,
    Stage,
    StageChange,
)
from portal.demo.world import GUIDE_BORROWERS, demo_feed, demo_load
from portal.models import User

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 11, 20)
NOW = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=SHANGHAI)
TIME_FIELDS = {
    "stage_since",
    "changed_at",
    "starts_at",
    "ends_at",
    "occurred_at",
    "planned_for",
    "valid_from",
    "valid_until",
    "updated_at",
    "status_changed_at",
    "due_date",
    "how_to_avoid",
}


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo world, loaded once for the class that uses it and rolled back
    after it, so that no other test sees it."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = demo_load(today=TODAY, now=NOW)
        yield report
        transaction.set_rollback(True)


def table_sizes():
    models = (
        Agency,
        Collector,
        AuthorisedNumber,
        Borrower,
        LoanAccount,
        StageChange,
        Assignment,
        ContactEvent,
        ScheduledMeasure,
        ContactPreference,
        User,
    )
    return {model.__name__: model.objects.count() for model in models}


# The seeded ladder.


@pytest.mark.django_db
def test_default_stages_are_seeded_with_both_languages():
    stages = {stage.code: stage for stage in Stage.objects.all()}

    assert {"CURRENT", "REMINDER", "EARLY", "OUTSOURCED", "LATE", "LEGAL", "PLAN", "SETTLED"} <= set(stages)
    assert all(stage.explanation_zh and stage.explanation_en for stage in stages.values())
    assert stages["OUTSOURCED"].min_days_past_due == 31
    assert stages["OUTSOURCED"].max_days_past_due == 90
    assert not stages["PLAN"].on_ladder
    assert not stages["SETTLED"].on_ladder


# The world.


def test_demo_feed_is_the_same_world_on_any_day():
    def without_times(records):
        return [{key: value for key, value in record.items() if key not in TIME_FIELDS} for record in records]

    assert without_times(demo_feed(today=TODAY)) == without_times(demo_feed(today=TODAY + datetime.timedelta(days=9)))


def test_demo_feed_is_identical_for_the_same_day():
    assert demo_feed(today=TODAY) == demo_feed(today=TODAY)


def test_demo_history_is_all_before_the_demo_day_so_it_loads_just_after_midnight():
    midnight = datetime.datetime.combine(TODAY, datetime.time(0, 0), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    past = {"stage_change": "changed_at", "contact": "occurred_at"}
    moments = [
        datetime.datetime.fromisoformat(record[past[record["type"]]])
        for record in demo_feed(today=TODAY)
        if record["type"] in past
    ]
    assert moments and max(moments) <= midnight


@pytest.mark.django_db
class TestDemoWorld:
    def test_demo_is_imported_without_rejections(self, demo):
        assert demo.errors == []
        assert demo.totals().created > 0

    def test_demo_accounts_cover_every_stage(self, demo):
        codes = set(LoanAccount.objects.values_list("stage__code", flat=True))

        assert codes == {"CURRENT", "REMINDER", "EARLY", "OUTSOURCED", "LATE", "LEGAL", "PLAN", "SETTLED"}

    def test_demo_account_stage_is_its_latest_stage_change(self, demo):
        for account in LoanAccount.objects.exclude(stage__code="CURRENT"):
            latest = account.stage_changes.order_by("-changed_at").first()
            assert (account.stage_id, account.stage_since) == (latest.stage_id, latest.changed_at)

    def test_demo_has_three_or_more_external_agencies_and_an_in_house_team(self, demo):
        assert Agency.objects.filter(kind=Agency.Kind.EXTERNAL).count() >= 3
        assert Agency.objects.filter(kind=Agency.Kind.IN_HOUSE).count() == 1

    def test_demo_has_a_suspended_agency_with_a_reason(self, demo):
        suspended = Agency.objects.get(status=Agency.Status.SUSPENDED)

        assert suspended.status_reason
        assert suspended.status_changed_at < NOW
        assert Assignment.objects.filter(agency=suspended, ends_at__isnull=True).exists()

    def test_demo_has_twelve_or_more_collectors_with_badges(self, demo):
        assert Collector.objects.exclude(badge_number="").count() >= 12

    def test_demo_has_current_and_expired_authorised_numbers(self, demo):
        assert AuthorisedNumber.objects.filter(valid_until__isnull=True).exists()
        assert AuthorisedNumber.objects.filter(valid_until__lt=NOW).exists()

    def test_demo_has_sixty_borrowers_with_valid_mobiles_and_id_numbers(self, demo):
        borrowers = list(Borrower.objects.all())

        assert len(borrowers) == 60
        assert all(borrower.phone.startswith("+86138") and len(borrower.phone) == 14 for borrower in borrowers)
        assert all(id_number_is_valid(borrower.id_number) for borrower in borrowers)

    def test_some_demo_borrowers_have_several_loans(self, demo):
        assert Borrower.objects.annotate(loans=Count("accounts")).filter(loans__gt=1).count() >= 3

    def test_demo_contacts_include_calls_messages_visits_and_emergency_contacts(self, demo):
        channels = set(ContactEvent.objects.values_list("channel", flat=True))

        assert {"call", "sms", "visit"} <= channels
        assert ContactEvent.objects.filter(party=ContactEvent.Party.EMERGENCY_CONTACT).exists()
        assert not ContactEvent.objects.filter(occurred_at__gt=NOW).exists()

    def test_demo_planned_measures_tell_how_to_avoid_them(self, demo):
        planned = ScheduledMeasure.objects.filter(status=ScheduledMeasure.Status.PLANNED)

        assert planned.filter(kind=ScheduledMeasure.Kind.HOME_VISIT, planned_for__gt=NOW).exists()
        assert not planned.filter(how_to_avoid="").exists()

    def test_demo_guide_borrowers_exist(self, demo):
        phones = {f"+86{guide.phone}" for guide in GUIDE_BORROWERS}

        assert Borrower.objects.filter(phone__in=phones).count() == len(phones)

    def test_loading_the_demo_again_the_same_day_changes_nothing(self, demo):
        sizes = table_sizes()

        again = demo_load(today=TODAY, now=NOW)

        assert table_sizes() == sizes
        assert again.totals().unchanged == demo.totals().created
        assert again.totals().created == again.totals().updated == again.totals().rejected == 0

    def test_loading_the_demo_on_a_later_day_moves_rows_instead_of_adding_them(self, demo):
        sizes = table_sizes()
        later = NOW + datetime.timedelta(days=3)

        report = demo_load(today=TODAY + datetime.timedelta(days=3), now=later)

        assert report.errors == []
        assert table_sizes() == sizes
        assert report.totals().created == 0

    def test_loading_the_demo_for_an_earlier_day_moves_rows_back(self, demo):
        sizes = table_sizes()

        report = demo_load(today=TODAY - datetime.timedelta(days=30), now=NOW)

        assert report.errors == []
        assert table_sizes() == sizes


# The commands.


@pytest.mark.django_db
def test_load_demo_data_command_twice_gives_the_same_counts():
    call_command("load_demo_data", stdout=io.StringIO())
    sizes = table_sizes()

    call_command("load_demo_data", stdout=io.StringIO())

    assert table_sizes() == sizes
    assert sizes["Borrower"] == 60


@pytest.mark.django_db
def test_load_demo_data_creates_superuser_and_staff_in_existing_groups():
    Group.objects.get_or_create(name="supervisor")

    call_command("load_demo_data", stdout=io.StringIO())

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("demo-admin-2026")
    supervisor = User.objects.get(username="supervisor")
    assert supervisor.is_staff and not supervisor.is_superuser
    assert supervisor.groups.filter(name="supervisor").exists()


@pytest.mark.django_db
def test_load_demo_data_skips_staff_whose_group_does_not_exist():
    Group.objects.filter(name__in=["auditor"]).delete()

    call_command("load_demo_data", stdout=io.StringIO())

    assert not User.objects.filter(username="auditor").exists()


@pytest.mark.django_db
def test_demo_guide_lists_borrower_numbers_and_staff_logins():
    call_command("load_demo_data", stdout=io.StringIO())
    out = io.StringIO()

    call_command("demo_guide", "--base-url", "http://demo.example:8000", stdout=out)

    text = out.getvalue()
    assert "http://demo.example:8000/admin/" in text
    assert "138 0013 8001" in text
    assert "admin / demo-admin-2026" in text
    assert "170-9123-4567" in text  # a number to try in the caller check
    assert "张伟" not in text  # names are masked


@pytest.mark.django_db
def test_demo_restores_the_default_stages_when_they_are_missing():
    Stage.objects.all().delete()

    report = demo_load(today=TODAY, now=NOW)

    assert report.errors == []
    assert Stage.objects.get(code="LATE").explanation_zh


@pytest.mark.django_db
def test_demo_guide_names_the_staff_roles_in_the_guides_language():
    from django.utils import translation

    call_command("load_demo_data", stdout=io.StringIO())
    out = io.StringIO()

    with translation.override("zh-hans"):
        call_command("demo_guide", stdout=out)

    text = out.getvalue()
    assert "triage / demo-triage-2026  (客服专员)" in text
    assert "(triage agent)" not in text
