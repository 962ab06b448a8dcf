"""``field__any_of``: the rows ``field__in`` selects, in one statement
whatever the number of values on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loans.models import LoanAccount
from tests.factories import LoanAccountFactory

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="= ANY(array) is PostgreSQL's")


def test_any_of_selects_the_rows_in_selects():
    accounts = LoanAccountFactory.create_batch(4)
    wanted = [accounts[0].pk, accounts[2].pk, None]
    found = set(LoanAccount.objects.filter(pk__any_of=wanted))
    assert found == set(LoanAccount.objects.filter(pk__in=wanted)) == {accounts[0], accounts[2]}


def test_any_of_selects_by_text_values_too():
    accounts = LoanAccountFactory.create_batch(3)
    wanted = [accounts[1].reference, accounts[2].reference, "NO-SUCH-LOAN"]
    assert set(LoanAccount.objects.filter(reference__any_of=wanted)) == {accounts[1], accounts[2]}


def test_any_of_compares_a_relations_id():
    _first, second = LoanAccountFactory.create_batch(2)
    assert list(LoanAccount.objects.filter(borrower_id__any_of={second.borrower_id})) == [second]


def test_any_of_no_value_selects_nothing_without_asking_the_database():
    LoanAccountFactory()
    with CaptureQueriesContext(connection) as queries:
        assert list(LoanAccount.objects.filter(pk__any_of=[None])) == []
    assert len(queries) == 0


def test_any_of_updates_only_the_rows_named():
    first, second = LoanAccountFactory.create_batch(2)
    LoanAccount.objects.filter(pk__any_of=[first.pk]).update(reference="ANY-1")
    assert list(LoanAccount.objects.filter(reference="ANY-1")) == [first]
    second.refresh_from_db()
    assert second.reference != "ANY-1"


@postgresql_only
def test_on_postgresql_the_statement_is_the_same_for_any_number_of_values():
    def compiled(ids):
        return LoanAccount.objects.filter(pk__any_of=ids).query.get_compiler(connection=connection).as_sql()

    (one, _params), (three, three_params) = compiled([1]), compiled([1, 2, 3])
    assert one == three
    assert '"loans_loanaccount"."id" = ANY(' in one
    assert len(three_params) == 1
