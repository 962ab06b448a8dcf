"""Rows inserted through fixed statements: the rows the ORM would write."""

import datetime
from types import SimpleNamespace

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone
from simple_history.models import HistoricalRecords

from common.fixedsql import insert_row, insert_rows, insert_with_history, row_by_id
from complaints.models import Complaint, SLATarget
from loans.models import ContactEvent, LoanAccount
from tests.factories import BorrowerFactory, ContactEventFactory, UserFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
WRITTEN = datetime.datetime(2026, 11, 25, 2, 0, 7, tzinfo=UTC)


@pytest.fixture
def written_at(monkeypatch):
    """The wall clock the history rows are stamped with, pinned."""
    monkeypatch.setattr(timezone, "now", lambda: WRITTEN)


def history_row(complaint) -> dict:
    row = model_to_dict(complaint.history.get(), exclude=["history_id", "id", "reference", "submit_token"])
    row["history_user_id"] = complaint.history.get().history_user_id
    return row


def test_insert_writes_the_row_save_writes(new_complaint):
    saved = new_complaint()
    saved.save()
    inserted = insert_row(new_complaint())
    assert inserted.pk is not None and not inserted._state.adding
    assert model_to_dict(Complaint.objects.get(pk=inserted.pk), exclude=["id", "reference", "submit_token"]) == (
        model_to_dict(Complaint.objects.get(pk=saved.pk), exclude=["id", "reference", "submit_token"])
    )


def test_history_row_is_the_one_simple_history_writes(new_complaint, written_at):
    saved = new_complaint()
    saved.save()
    inserted = insert_with_history(new_complaint())
    assert history_row(inserted) == history_row(saved)
    assert history_row(inserted)["history_type"] == "+"
    version = inserted.history.get()
    assert (version.history_date, version.reference, version.submit_token) == (
        WRITTEN,
        inserted.reference,
        inserted.submit_token,
    )


def test_history_row_takes_the_signed_in_user_of_the_request(new_complaint, written_at, monkeypatch):
    user = UserFactory()
    monkeypatch.setattr(HistoricalRecords.context, "request", SimpleNamespace(user=user), raising=False)
    saved = new_complaint()
    saved.save()
    inserted = insert_with_history(new_complaint())
    assert history_row(inserted)["history_user_id"] == history_row(saved)["history_user_id"] == user.pk


def test_history_row_takes_the_user_and_reason_set_on_the_object(new_complaint, written_at):
    user = UserFactory()
    saved, inserted = new_complaint(), new_complaint()
    for complaint in (saved, inserted):
        complaint._history_user = user
        complaint._change_reason = "imported"
    saved.save()
    insert_with_history(inserted)
    assert history_row(inserted) == history_row(saved)
    assert (history_row(inserted)["history_user_id"], history_row(inserted)["history_change_reason"]) == (
        user.pk,
        "imported",
    )


def test_no_history_row_where_simple_history_writes_none(new_complaint, settings):
    skipped = new_complaint()
    skipped.skip_history_when_saving = True
    insert_with_history(skipped)
    settings.SIMPLE_HISTORY_ENABLED = False
    disabled = insert_with_history(new_complaint())
    assert not skipped.history.exists() and not disabled.history.exists()
    assert Complaint.objects.filter(pk__in=[skipped.pk, disabled.pk]).count() == 2


def test_several_rows_get_their_ids_in_order(new_complaint):
    complaint = insert_row(new_complaint())
    targets = [
        SLATarget(complaint=complaint, kind=kind, measure="business", started_at=NOW, due_at=NOW, warn_at=NOW)
        for kind in (SLATarget.Kind.ACKNOWLEDGE, SLATarget.Kind.FINAL_DECISION)
    ]
    insert_rows(targets)
    assert [SLATarget.objects.get(pk=target.pk).kind for target in targets] == [
        SLATarget.Kind.ACKNOWLEDGE,
        SLATarget.Kind.FINAL_DECISION,
    ]


def test_a_saved_object_is_refused(new_complaint):
    complaint = insert_row(new_complaint())
    with pytest.raises(ValueError):
        insert_row(complaint)


def test_an_unsaved_related_object_is_refused(new_complaint):
    with pytest.raises(ValueError):
        insert_row(new_complaint(borrower=BorrowerFactory.build()))


def loaded(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


@pytest.mark.parametrize("model", [LoanAccount, ContactEvent])
def test_a_row_read_by_id_is_the_one_the_orm_reads(model):
    """Dates, times, decimals and numbers come back as a queryset gives them."""
    event = ContactEventFactory(duration_seconds=95)
    pk = event.account_id if model is LoanAccount else event.pk
    read = row_by_id(model, pk)
    assert loaded(read) == loaded(model.objects.get(pk=pk))
    assert not read._state.adding


def test_a_missing_id_reads_none():
    assert row_by_id(ContactEvent, 10**9) is None


def test_history_rows_of_changed_rows_are_the_ones_simple_history_writes(new_complaint, written_at):
    from common.bulkupdate import rows_update
    from common.fixedsql import insert_history

    saved, written = new_complaint(), new_complaint()
    for complaint in (saved, written):
        complaint.save()
        complaint.description = "They called my employer."
        complaint.status = "acknowledged"
    saved.save()
    rows_update([written], ["description", "status"])
    insert_history([written])
    latest = [
        model_to_dict(
            complaint.history.order_by("-history_id").first(), exclude=["history_id", "id", "reference", "submit_token"]
        )
        for complaint in (saved, written)
    ]
    assert latest[0] == latest[1]
    assert (latest[1]["history_type"], latest[1]["description"], latest[1]["history_date"]) == (
        "~",
        "They called my employer.",
        WRITTEN,
    )


def test_history_rows_of_several_changed_rows_are_written_in_one_statement(new_complaint, django_assert_num_queries):
    from common.fixedsql import insert_history

    complaints = [new_complaint() for _ in range(3)]
    for complaint in complaints:
        complaint.save()
    with django_assert_num_queries(1):
        insert_history(complaints)
    assert [complaint.history.count() for complaint in complaints] == [2, 2, 2]


def test_history_rows_of_changed_rows_take_each_objects_own_user_and_reason(new_complaint):
    from common.fixedsql import insert_history

    complaints = [new_complaint() for _ in range(3)]
    users = [UserFactory(), UserFactory()]
    for complaint in complaints:
        complaint.save()
    complaints[0]._history_user, complaints[1]._history_user = users
    complaints[1]._change_reason = "merged"
    insert_history(complaints)
    latest = [complaint.history.order_by("-history_id").first() for complaint in complaints]
    assert [(version.history_user_id, version.history_change_reason) for version in latest] == [
        (users[0].pk, None),
        (users[1].pk, "merged"),
        (None, None),
    ]
