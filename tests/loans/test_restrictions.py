import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency
from loans.models import Restriction
from loans.restrictions import (
    restriction_place,
    restrictions_end,
    restrictions_for_borrowers,
    restrictions_in_force,
    restrictions_on_accounts,
)
from tests.factories import AgencyFactory, BorrowerFactory, LoanAccountFactory

pytestmark = pytest.mark.django_db
CHINA = ZoneInfo("Asia/Shanghai")
Kind = Restriction.Kind


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=CHINA)


def place(borrower, kind=Kind.NO_THIRD_PARTY, source="request:R1", starts_at=None, **fields):
    starts_at = starts_at or at(10, 9)
    return restriction_place(borrower=borrower, kind=kind, source=source, starts_at=starts_at, now=starts_at, **fields)


def test_placing_twice_for_the_same_source_and_kind_returns_the_first():
    borrower = BorrowerFactory()
    first = place(borrower)
    again = place(borrower, starts_at=at(11, 9))
    assert again.pk == first.pk
    assert again.starts_at == at(10, 9)
    assert Restriction.objects.count() == 1


def test_one_source_may_place_several_kinds():
    borrower = BorrowerFactory()
    place(borrower, kind=Kind.NO_THIRD_PARTY)
    place(borrower, kind=Kind.STRICTER_CARE)
    assert Restriction.objects.filter(source="request:R1").count() == 2


def test_the_database_refuses_a_second_open_restriction_of_a_source_and_kind():
    borrower = BorrowerFactory()
    place(borrower)
    with pytest.raises(IntegrityError), transaction.atomic():
        Restriction.objects.create(
            borrower=borrower, kind=Kind.NO_THIRD_PARTY, source="request:R1", starts_at=at(11, 9), created_at=at(11, 9)
        )


def test_ending_keeps_the_restriction_with_its_end():
    borrower = BorrowerFactory()
    restriction = place(borrower)
    ended = restrictions_end(source="request:R1", at=at(12, 15))
    assert [row.pk for row in ended] == [restriction.pk]
    restriction.refresh_from_db()
    assert (restriction.starts_at, restriction.ends_at) == (at(10, 9), at(12, 15))


def test_ending_twice_changes_nothing():
    borrower = BorrowerFactory()
    restriction = place(borrower)
    restrictions_end(source="request:R1", at=at(12, 15))
    assert restrictions_end(source="request:R1", at=at(13, 15)) == []
    restriction.refresh_from_db()
    assert restriction.ends_at == at(12, 15)


def test_ending_only_some_kinds_leaves_the_others_open():
    borrower = BorrowerFactory()
    place(borrower, kind=Kind.NO_THIRD_PARTY)
    care = place(borrower, kind=Kind.STRICTER_CARE)
    restrictions_end(source="request:R1", at=at(12, 15), kinds={Kind.NO_THIRD_PARTY})
    care.refresh_from_db()
    assert care.ends_at is None


def test_an_end_before_the_start_ends_it_at_the_start():
    borrower = BorrowerFactory()
    restriction = place(borrower, starts_at=at(12, 9))
    restrictions_end(source="request:R1", at=at(11, 9))
    restriction.refresh_from_db()
    assert restriction.ends_at == at(12, 9)


def test_placing_after_an_end_opens_a_new_period_and_keeps_the_old():
    borrower = BorrowerFactory()
    first = place(borrower)
    restrictions_end(source="request:R1", at=at(12, 15))
    second = place(borrower, starts_at=at(14, 9))
    assert second.pk != first.pk
    assert list(Restriction.objects.order_by("starts_at").values_list("starts_at", "ends_at")) == [
        (at(10, 9), at(12, 15)),
        (at(14, 9), None),
    ]


def test_in_force_from_its_start_until_just_before_its_end():
    borrower = BorrowerFactory()
    place(borrower)
    restrictions_end(source="request:R1", at=at(12, 15))
    assert not restrictions_in_force(at=at(10, 8, 59), borrower=borrower).exists()
    assert restrictions_in_force(at=at(10, 9), borrower=borrower).exists()
    assert restrictions_in_force(at=at(12, 14, 59), borrower=borrower).exists()
    assert not restrictions_in_force(at=at(12, 15), borrower=borrower).exists()


def test_in_force_at_matches_the_selector():
    borrower = BorrowerFactory()
    restriction = place(borrower)
    restrictions_end(source="request:R1", at=at(12, 15))
    restriction.refresh_from_db()
    assert [restriction.in_force_at(moment) for moment in (at(10, 8, 59), at(10, 9), at(12, 15))] == [
        False,
        True,
        False,
    ]


def test_borrower_wide_restriction_covers_every_account_and_an_account_one_only_its_own():
    borrower = BorrowerFactory()
    first, second = LoanAccountFactory(borrower=borrower), LoanAccountFactory(borrower=borrower)
    place(borrower, source="request:WIDE")
    only_first = place(borrower, kind=Kind.WRITTEN_ONLY, source="request:ONE", account=first)
    on_first = set(restrictions_in_force(at=at(11, 9), account=first).values_list("source", flat=True))
    on_second = set(restrictions_in_force(at=at(11, 9), account=second).values_list("source", flat=True))
    assert on_first == {"request:WIDE", "request:ONE"}
    assert on_second == {"request:WIDE"}
    assert only_first.binds(account_id=first.pk, agency_id=1, in_house=False)
    assert not only_first.binds(account_id=second.pk, agency_id=1, in_house=False)


def test_another_borrowers_restrictions_are_not_in_force_on_an_account():
    account = LoanAccountFactory()
    place(BorrowerFactory())
    assert not restrictions_in_force(at=at(11, 9), account=account).exists()


def test_a_hold_naming_no_agency_binds_outside_agencies_but_not_the_lenders_team():
    borrower = BorrowerFactory()
    hold = place(borrower, kind=Kind.COLLECTION_HOLD)
    assert hold.binds(account_id=1, agency_id=1, in_house=False)
    assert not hold.binds(account_id=1, agency_id=2, in_house=True)


def test_a_stop_on_third_parties_naming_no_agency_binds_the_lenders_team_too():
    stop = place(BorrowerFactory(), kind=Kind.NO_THIRD_PARTY)
    assert stop.binds(account_id=1, agency_id=2, in_house=True)


def test_a_restriction_naming_an_agency_binds_only_that_agency():
    agency = AgencyFactory()
    hold = place(BorrowerFactory(), kind=Kind.COLLECTION_HOLD, agency=agency)
    assert hold.binds(account_id=1, agency_id=agency.pk, in_house=False)
    assert not hold.binds(account_id=1, agency_id=agency.pk + 1, in_house=False)


def test_restrictions_for_borrowers_returns_every_period_oldest_first_in_one_query():
    borrower, other = BorrowerFactory(), BorrowerFactory()
    place(borrower, source="request:A", starts_at=at(12, 9))
    place(borrower, source="request:B", starts_at=at(10, 9))
    restrictions_end(source="request:B", at=at(11, 9))
    place(other, source="request:C")
    with CaptureQueriesContext(connection) as queries:
        found = restrictions_for_borrowers([borrower.pk, other.pk])
    assert len(queries) == 1
    assert [row.source for row in found[borrower.pk]] == ["request:B", "request:A"]
    assert [row.source for row in found[other.pk]] == ["request:C"]


def test_restrictions_on_accounts_keeps_those_binding_the_agency():
    borrower = BorrowerFactory()
    account, other_account = LoanAccountFactory(borrower=borrower), LoanAccountFactory(borrower=borrower)
    agency, lender = AgencyFactory(), AgencyFactory(kind=Agency.Kind.IN_HOUSE)
    place(borrower, kind=Kind.COLLECTION_HOLD, source="request:HOLD", account=account)
    place(borrower, kind=Kind.MEASURES_PAUSED, source="request:PLAN", account=other_account)
    for_agency = restrictions_on_accounts(account_ids=[account.pk, other_account.pk], at=at(11, 9), agency=agency)
    for_lender = restrictions_on_accounts(account_ids=[account.pk, other_account.pk], at=at(11, 9), agency=lender)
    assert {key: [row.kind for row in rows] for key, rows in for_agency.items()} == {
        account.pk: [Kind.COLLECTION_HOLD],
        other_account.pk: [Kind.MEASURES_PAUSED],
    }
    assert {key: [row.kind for row in rows] for key, rows in for_lender.items()} == {
        other_account.pk: [Kind.MEASURES_PAUSED]
    }


def test_restrictions_on_accounts_leaves_out_ended_ones_and_other_kinds():
    account = LoanAccountFactory()
    place(account.borrower, kind=Kind.COLLECTION_HOLD, source="request:HOLD")
    place(account.borrower, kind=Kind.WRITTEN_ONLY, source="request:W")
    restrictions_end(source="request:HOLD", at=at(10, 12))
    assert restrictions_on_accounts(account_ids=[account.pk], at=at(11, 9), kinds={Kind.COLLECTION_HOLD}) == {}
