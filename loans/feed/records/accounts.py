"""The borrower's records: the borrower, their loan accounts and the
accounts' moves between collection stages."""

import datetime

from django.utils.translation import gettext as _

from loans.feed.context import FeedContext
from loans.feed.fields import Fields, RowRejected
from loans.models import Borrower, LoanAccount, StageChange

from .writing import Outcome, max_length, not_in_future, write


def apply_borrower(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    f = Fields(record, allowed={"name", "phone", "id_number", "email"})
    values = {
        "external_id": record_id,
        "name": f.text("name", max_length=max_length(Borrower, "name")),
        "phone": f.phone("phone", mobile=True),
        "id_number": f.id_number("id_number"),
        "email": f.email("email"),
    }
    existing = ctx.existing_borrower(record_id)
    if existing is None or existing.phone != values["phone"]:
        holder = Borrower.objects.filter(phone=values["phone"]).exclude(external_id=record_id).first()
        if holder is not None:
            raise RowRejected(
                _("This mobile number already belongs to borrower “%(other)s”.") % {"other": holder.external_id},
                code="conflict",
                field="phone",
            )
    borrower, outcome = write(Borrower, existing, values, now=ctx.now)
    ctx.borrowers[record_id] = borrower
    return outcome


def _set_account_stage(account: LoanAccount, *, stage_id: int, since: datetime.datetime) -> None:
    LoanAccount.objects.filter(pk=account.pk).update(stage_id=stage_id, stage_since=since)
    account.stage_id, account.stage_since = stage_id, since


def apply_account(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    """The stage in an account record is the account's state as of
    ``stage_since``. It is the opening stage of a new account; for a known
    account it applies only when newer than the stage the account is in, so
    re-sending an old snapshot never undoes a later stage change."""
    f = Fields(
        record, allowed={"borrower", "product", "principal", "amount_overdue", "due_date", "stage", "stage_since"}
    )
    if len(record_id) > max_length(LoanAccount, "reference"):
        raise RowRejected(
            _("“id” is longer than %(max)d characters.") % {"max": max_length(LoanAccount, "reference")},
            code="invalid",
            field="id",
        )
    borrower = ctx.borrower(f.identifier("borrower"))
    stage = ctx.stage(f.text("stage", max_length=32))
    stage_since = f.aware("stage_since")
    values = {
        "reference": record_id,
        "borrower_id": borrower.pk,
        "product": f.text("product", max_length=max_length(LoanAccount, "product")),
        "principal": f.amount("principal"),
        "amount_overdue": f.amount("amount_overdue", required=False),
        "due_date": f.date("due_date"),
    }
    existing = ctx.existing_account(record_id)
    if existing is None or stage_since > existing.stage_since:
        values["stage_id"] = stage.pk
        values["stage_since"] = stage_since
    account, outcome = write(LoanAccount, existing, values, now=ctx.now)
    ctx.accounts[record_id] = account
    if outcome is Outcome.CREATED:
        ctx.account_created(account)
    return outcome


def apply_stage_change(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    """A move of the account to a stage. The newest move is the account's
    current stage."""
    f = Fields(record, allowed={"account", "stage", "changed_at"})
    account = ctx.account(f.identifier("account", max_length=40))
    stage = ctx.stage(f.text("stage", max_length=32))
    changed_at = f.aware("changed_at")
    not_in_future(ctx, "changed_at", changed_at)
    existing = ctx.existing_stage_change(record_id)
    if existing is not None and existing.account_id != account.pk:
        raise RowRejected(
            _("Stage change “%(id)s” belongs to another account.") % {"id": record_id},
            code="account_change",
            field="account",
        )
    was_current = (
        existing is not None and existing.changed_at == account.stage_since and existing.stage_id == account.stage_id
    )
    values = {"external_id": record_id, "account_id": account.pk, "stage_id": stage.pk, "changed_at": changed_at}
    change, outcome = write(StageChange, existing, values, now=ctx.now)
    ctx.stage_changes[record_id] = change
    if outcome is Outcome.CREATED and changed_at >= account.stage_since:
        _set_account_stage(account, stage_id=stage.pk, since=changed_at)
    elif outcome is Outcome.UPDATED:
        latest = account.stage_changes.order_by("-changed_at", "-pk").first()
        if was_current or latest.changed_at >= account.stage_since:
            _set_account_stage(account, stage_id=latest.stage_id, since=latest.changed_at)
    return outcome
