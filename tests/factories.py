"""Shared factory_boy factories for the whole test suite.

Other apps may append factories for their own models at the end of this file.
Stages are fetched or created by ``code``; the codes of the default ladder
(CURRENT, REMINDER, EARLY, OUTSOURCED, LATE, LEGAL, PLAN, SETTLED) get their
default position, names and day ranges, so ``StageFactory(code="LATE")`` is
always the same row.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from agencies.models import Agency, AuthorisedNumber, Collector
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
from portal.models import User

# code: (position, zh, en, min dpd, max dpd, on ladder)
DEFAULT_STAGES = {
    "CURRENT": (10, "正常", "Current", 0, 0, True),
    "REMINDER": (20, "提醒期", "Reminder", 1, 7, True),
    "EARLY": (30, "早期催收", "Early collection", 8, 30, True),
    "OUTSOURCED": (40, "委外催收", "External agency", 31, 90, True),
    "LATE": (50, "深度催收", "Late-stage collection", 91, 180, True),
    "LEGAL": (60, "法律程序", "Legal proceedings", 181, None, True),
    "PLAN": (70, "协商还款", "Repayment plan", None, None, False),
    "SETTLED": (80, "已结清", "Settled", None, None, False),
}


def _stage_value(index: int):
    def getter(stage):
        default = DEFAULT_STAGES.get(stage.code)
        return default[index] if default else None

    return getter


def mobile_number(n: int) -> str:
    """A valid mainland mobile number in E.164, distinct for each n."""
    return f"+86139{n % 100_000_000:08d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = factory.django.Password("a-long-test-password")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    external_id = factory.Sequence(lambda n: f"AG-{n:04d}")
    kind = Agency.Kind.EXTERNAL
    name = factory.Sequence(lambda n: f"Test Collection Services Co., Ltd. {n}")
    short_name = factory.Sequence(lambda n: f"Agency {n}")
    licence_number = factory.Sequence(lambda n: f"91310000MA{n:08d}")
    hotline = "+864008208820"
    email = factory.Sequence(lambda n: f"agency{n}@example.cn")
    status = Agency.Status.ACTIVE
    status_public_reason = factory.LazyAttribute(
        lambda agency: "" if agency.status == Agency.Status.ACTIVE else Agency.PublicReason.OTHER
    )
    authorised_since = datetime.date(2025, 1, 1)
    contact_hours_start = datetime.time(8, 0)
    contact_hours_end = datetime.time(20, 0)


class CollectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collector

    external_id = factory.Sequence(lambda n: f"COL-{n:05d}")
    agency = factory.SubFactory(AgencyFactory)
    display_name = factory.Sequence(lambda n: f"Collector {n}")
    badge_number = factory.Sequence(lambda n: f"B{n:06d}")
    status = Collector.Status.ACTIVE


class AuthorisedNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuthorisedNumber

    external_id = factory.Sequence(lambda n: f"NUM-{n:05d}")
    agency = factory.SubFactory(AgencyFactory)
    collector = None
    number = factory.Sequence(lambda n: f"+86021{60000000 + n % 10_000_000:08d}")
    valid_from = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=365))
    valid_until = None


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage
        django_get_or_create = ("code",)

    code = "OUTSOURCED"
    position = factory.LazyAttributeSequence(
        lambda o, n: DEFAULT_STAGES[o.code][0] if o.code in DEFAULT_STAGES else 1000 + n
    )
    name_zh = factory.LazyAttribute(lambda o: DEFAULT_STAGES[o.code][1] if o.code in DEFAULT_STAGES else o.code)
    name_en = factory.LazyAttribute(lambda o: DEFAULT_STAGES[o.code][2] if o.code in DEFAULT_STAGES else o.code)
    explanation_zh = factory.LazyAttribute(lambda o: f"{o.name_zh}阶段的说明。")
    explanation_en = factory.LazyAttribute(lambda o: f"What the {o.name_en} stage means.")
    handler_zh = ""
    handler_en = ""
    measures_zh = ""
    measures_en = ""
    min_days_past_due = factory.LazyAttribute(_stage_value(3))
    max_days_past_due = factory.LazyAttribute(_stage_value(4))
    on_ladder = factory.LazyAttribute(lambda o: DEFAULT_STAGES[o.code][5] if o.code in DEFAULT_STAGES else True)


class BorrowerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Borrower

    external_id = factory.Sequence(lambda n: f"BR-{n:06d}")
    user = None
    name = factory.Sequence(lambda n: f"借款人{n}")
    phone = factory.Sequence(mobile_number)
    id_number = factory.Sequence(lambda n: f"1101011990{n % 100_000_000:08d}")
    email = factory.Sequence(lambda n: f"borrower{n}@example.cn")


class LoanAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoanAccount

    reference = factory.Sequence(lambda n: f"LN{n:08d}")
    borrower = factory.SubFactory(BorrowerFactory)
    product = "Consumer loan"
    principal = Decimal("10000.00")
    amount_overdue = Decimal("1234.56")
    due_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=45))
    stage = factory.SubFactory(StageFactory, code="OUTSOURCED")
    stage_since = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=14))


class StageChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageChange

    external_id = factory.Sequence(lambda n: f"SC-{n:06d}")
    account = factory.SubFactory(LoanAccountFactory)
    stage = factory.LazyAttribute(lambda o: o.account.stage)
    changed_at = factory.LazyFunction(timezone.now)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    external_id = factory.Sequence(lambda n: f"AS-{n:06d}")
    account = factory.SubFactory(LoanAccountFactory)
    agency = factory.SubFactory(AgencyFactory)
    collector = factory.SubFactory(CollectorFactory, agency=factory.SelfAttribute("..agency"))
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=14))
    ends_at = None


class ContactEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactEvent

    external_id = factory.Sequence(lambda n: f"CE-{n:07d}")
    account = factory.SubFactory(LoanAccountFactory)
    agency = factory.SubFactory(AgencyFactory)
    collector = None
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    channel = ContactEvent.Channel.CALL
    party = ContactEvent.Party.BORROWER
    from_number = "+862160000000"
    outcome = ContactEvent.Outcome.CONNECTED
    duration_seconds = 120
    recording_ref = factory.Sequence(lambda n: f"REC-{n:07d}")


class ScheduledMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduledMeasure

    external_id = factory.Sequence(lambda n: f"SM-{n:06d}")
    account = factory.SubFactory(LoanAccountFactory)
    kind = ScheduledMeasure.Kind.LAWYER_LETTER
    planned_for = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    performer = factory.SubFactory(AgencyFactory)
    status = ScheduledMeasure.Status.PLANNED
    how_to_avoid = "Pay the overdue amount or agree a repayment plan before the date."


class ContactPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPreference

    borrower = factory.SubFactory(BorrowerFactory)
    no_third_party_contact = False
    window_start = None
    window_end = None
    preferred_channel = ContactPreference.Channel.ANY
    updated_at = factory.LazyFunction(timezone.now)
