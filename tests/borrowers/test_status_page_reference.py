"""The status page's hand-written read model against a plain ORM reference.

``account_overview`` reads the whole page in one SQL statement for speed; the
reference below reads the same things with ordinary querysets. Hypothesis
generates small accounts (stage history, hand-overs between agencies, holds,
home visits, measures, contacts with breaches, notices, empty histories) and
both must build the same overview for each.
"""

import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import get_language
from hypothesis import HealthCheck, example, given, settings

from agencies.models import Agency, AuthorisedNumber, Collector
from borrowerrequests.models import BorrowerRequest
from borrowers.rows import contact_rows, local_text, number_display
from borrowers.status_page import (
    RECENT_CONTACTS,
    UPCOMING_MEASURES,
    AccountOverview,
    MeasureRow,
    NumberRow,
    StageInfo,
    StatusAccount,
    StatusAssignment,
    _timeline,
    account_overview,
)
from complaints.models import Hold
from conduct.models import Breach
from loans.models import Assignment, ContactEvent, LoanAccount, ScheduledMeasure, Stage, StageChange
from notices.models import Notice
from tests.borrowers.generated_accounts import NOW, RICH, accounts, build_account

# The reference: plain querysets, one thing at a time --------------------------------------


def _stage_info(stage: Stage) -> StageInfo:
    english = (get_language() or "zh-hans").lower().startswith("en")

    def pick(zh: str, en: str) -> str:
        return (en or zh) if english else (zh or en)

    return StageInfo(
        pk=stage.pk,
        code=stage.code,
        position=stage.position,
        on_ladder=stage.on_ladder,
        name=pick(stage.name_zh, stage.name_en),
        explanation=pick(stage.explanation_zh, stage.explanation_en),
        handler=pick(stage.handler_zh, stage.handler_en),
        measures=pick(stage.measures_zh, stage.measures_en),
    )


def _reference_assignment(assignment: Assignment) -> StatusAssignment:
    agency, collector = assignment.agency, assignment.collector
    return StatusAssignment(
        starts_at=assignment.starts_at,
        since=local_text(assignment.starts_at, "%Y-%m-%d"),
        agency_name=agency.name,
        agency_in_house=agency.kind == Agency.Kind.IN_HOUSE,
        agency_active=agency.status == Agency.Status.ACTIVE,
        agency_status=agency.get_status_display(),
        agency_status_reason=agency.status_reason,
        licence_number=agency.licence_number,
        hotline=number_display(agency.hotline),
        hours_start=agency.contact_hours_start.strftime("%H:%M") if agency.contact_hours_start else "",
        hours_end=agency.contact_hours_end.strftime("%H:%M") if agency.contact_hours_end else "",
        collector_name=collector.display_name if collector else "",
        collector_badge=collector.badge_number if collector else "",
        collector_active=collector is not None and collector.status == Collector.Status.ACTIVE,
        collector_status=collector.get_status_display() if collector else "",
    )


def reference_overview(*, account: LoanAccount, now: datetime.datetime) -> AccountOverview:
    account = LoanAccount.objects.select_related("stage").get(pk=account.pk)
    reached = dict(
        StageChange.objects.filter(account=account)
        .values("stage_id")
        .annotate(last=Max("changed_at"))
        .values_list("stage_id", "last")
    )
    stages = [(_stage_info(stage), reached.get(stage.pk)) for stage in Stage.objects.order_by("position")]
    current = next(info for info, _reached in stages if info.pk == account.stage_id)

    in_force = (
        Assignment.objects.filter(account=account, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("agency", "collector")
        .order_by("-starts_at")
        .first()
    )
    numbers = []
    if in_force is not None:
        authorised = (
            AuthorisedNumber.objects.filter(agency=in_force.agency, valid_from__lte=now)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
            .filter(Q(collector__isnull=True) | Q(collector=in_force.collector))
            .select_related("collector")
        )
        numbers = [
            NumberRow(
                display=number_display(number.number),
                collector_name=number.collector.display_name if number.collector else "",
                until=local_text(number.valid_until, "%Y-%m-%d"),
            )
            for number in sorted(authorised, key=lambda number: (number.collector_id is not None, number.number))
        ]

    measures = []
    planned = ScheduledMeasure.objects.filter(
        account=account, status=ScheduledMeasure.Status.PLANNED, planned_for__gte=now
    ).select_related("performer")
    for measure in planned.order_by("planned_for", "pk")[:UPCOMING_MEASURES]:
        notice = (
            Notice.objects.filter(measure=measure, borrower=account.borrower, status=Notice.Status.ISSUED)
            .order_by("-issued_at", "-pk")
            .first()
        )
        measures.append(
            MeasureRow(
                pk=measure.pk,
                kind=measure.get_kind_display(),
                planned_at=measure.planned_for,
                planned=local_text(measure.planned_for, "%Y-%m-%d %H:%M"),
                performer=measure.performer.short_name or measure.performer.name,
                performer_active=measure.performer.status == Agency.Status.ACTIVE,
                how_to_avoid=measure.how_to_avoid,
                notice_id=notice.pk if notice else None,
                notice_issued=local_text(notice.issued_at if notice else None, "%Y-%m-%d %H:%M"),
            )
        )

    events = list(
        ContactEvent.objects.filter(account=account)
        .select_related("agency", "collector", "second_collector")
        .order_by("-occurred_at", "-pk")[: RECENT_CONTACTS + 1]
    )
    rows = [
        {
            "id": event.pk,
            "occurred_at": event.occurred_at,
            "channel": event.channel,
            "party": event.party,
            "outcome": event.outcome,
            "from_number": event.from_number,
            "agency_name": event.agency.name,
            "agency_short_name": event.agency.short_name,
            "collector_name": event.collector.display_name if event.collector else None,
            "badge_number": event.collector.badge_number if event.collector else None,
            "second_name": event.second_collector.display_name if event.second_collector else None,
            "second_badge": event.second_collector.badge_number if event.second_collector else None,
            "breaches": list(Breach.objects.filter(contact_event=event).values_list("rule", flat=True)),
        }
        for event in events[:RECENT_CONTACTS]
    ]

    today = timezone.localdate(now)
    return AccountOverview(
        account=StatusAccount(
            pk=account.pk,
            reference=account.reference,
            product=account.product,
            principal=account.principal,
            amount_overdue=account.amount_overdue,
            due_date=account.due_date,
            stage=current,
            stage_since=account.stage_since,
        ),
        days_past_due=max((today - account.due_date).days, 0) if account.amount_overdue > 0 else 0,
        timeline=_timeline(stages=stages, current=current, since=account.stage_since),
        upcoming_measures=measures,
        assignment=_reference_assignment(in_force) if in_force else None,
        numbers=numbers,
        contact_events=contact_rows(reference=account.reference, rows=rows),
        more_contacts=len(events) > RECENT_CONTACTS,
        on_hold=Hold.objects.filter(account=account, lifted_at__isnull=True).exists(),
        has_requests=BorrowerRequest.objects.filter(borrower=account.borrower)
        .filter(Q(account=account) | Q(account__isnull=True))
        .exists(),
        unread_notices=Notice.objects.filter(
            borrower=account.borrower, status=Notice.Status.ISSUED, read_at__isnull=True
        ).count(),
    )


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=accounts)
@example(spec=RICH)
@example(spec={**RICH, "language": "zh-hans", "stage": "PLAN", "hold": "lifted", "assignments": []})
def test_read_model_matches_the_orm_reference(db, spec):
    with transaction.atomic(), translation.override(spec["language"]):
        account = build_account(spec)
        expected = reference_overview(account=account, now=NOW)
        assert account_overview(borrower=account.borrower, reference=account.reference, now=NOW) == expected
        transaction.set_rollback(True)
