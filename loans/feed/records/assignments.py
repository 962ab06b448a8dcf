"""Who handles an account when: assignments, their overlaps and the rule that
a suspended agency or collector gets no new accounts."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from agencies.models import Agency, Collector
from agencies.suspension import assignment_check_allowed
from loans.feed.context import FeedContext
from loans.feed.fields import Fields, RowRejected
from loans.models import Assignment

from .writing import Outcome, ordered, write


def apply_assignment(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    """Who handles the account from ``starts_at``. An assignment without
    ``ends_at`` runs until the next assignment of the same account starts: a
    later assignment closes the open one automatically. Any other overlap is
    refused."""
    f = Fields(record, allowed={"account", "agency", "collector", "starts_at", "ends_at"})
    account = ctx.account(f.identifier("account", max_length=40))
    agency = ctx.agency(f.identifier("agency"))
    collector_id = f.identifier("collector", required=False)
    collector = ctx.collector(collector_id, agency=agency) if collector_id else None
    starts_at = f.aware("starts_at")
    ends_at = f.aware("ends_at", required=False)
    ordered("starts_at", starts_at, "ends_at", ends_at)
    existing = ctx.existing_assignment(record_id)
    if existing is not None and existing.account_id != account.pk:
        raise RowRejected(
            _("Assignment “%(id)s” belongs to another account.") % {"id": record_id},
            code="account_change",
            field="account",
        )
    if existing is None or (existing.agency_id, existing.collector_id, existing.starts_at) != (
        agency.pk,
        collector.pk if collector else None,
        starts_at,
    ):
        _check_assignable(agency, collector, starts_at=starts_at, open_ended=ends_at is None)
    others = sorted(
        (other for other in ctx.account_assignments(account) if other.external_id != record_id),
        key=lambda other: other.starts_at,
    )
    to_close = None
    for other in others:
        if other.starts_at == starts_at:
            raise _overlap(other)
        if other.starts_at < starts_at:
            if other.ends_at is None:
                to_close = other
            elif other.ends_at > starts_at:
                raise _overlap(other)
        elif ends_at is None:
            # The first later assignment ends this one.
            ends_at = other.starts_at
            break
        elif ends_at > other.starts_at:
            raise _overlap(other)
    values = {
        "external_id": record_id,
        "account_id": account.pk,
        "agency_id": agency.pk,
        "collector_id": collector.pk if collector else None,
        "starts_at": starts_at,
        "ends_at": ends_at,
    }
    if to_close is not None:
        to_close.ends_at = starts_at
        to_close.save(update_fields=["ends_at"])
    assignment, outcome = write(Assignment, existing, values, now=ctx.now)
    ctx.remember_assignment(assignment)
    return outcome


def _collector_inactive_since(collector: Collector) -> datetime.datetime | None:
    """When the collector's current spell of not being active began: when
    their status changed, where recorded, else by their change history (None
    when the history does not say)."""
    if collector.status_changed_at is not None:
        return collector.status_changed_at
    since = None
    for status, when in collector.history.order_by("-history_date", "-history_id").values_list(
        "status", "history_date"
    ):
        if status == Collector.Status.ACTIVE:
            break
        since = when
    return since


def _check_assignable(
    agency: Agency, collector: Collector | None, *, starts_at: datetime.datetime, open_ended: bool
) -> None:
    """A suspended or former agency or collector keeps the accounts it already
    held but gets no new ones (the rule in ``agencies.suspension``). History
    from before the change is still recorded: an agency is refused only for
    an assignment starting at or after its status changed; a collector only
    for a current (open-ended) one starting after they stopped being active."""
    if agency.status != Agency.Status.ACTIVE and (
        agency.status_changed_at is None or starts_at >= agency.status_changed_at
    ):
        try:
            assignment_check_allowed(agency)
        except ValidationError as error:
            raise RowRejected(
                " ".join(error.messages), code=error.code or "agency_not_active", field="agency"
            ) from None
    if collector is not None and collector.status != Collector.Status.ACTIVE and open_ended:
        since = _collector_inactive_since(collector)
        if since is None or starts_at >= since:
            raise RowRejected(
                _("Collector “%(collector)s” is %(status)s and cannot be given accounts.")
                % {"collector": collector.external_id, "status": collector.get_status_display().lower()},
                code="collector_not_active",
                field="collector",
            )


def _overlap(other: Assignment) -> RowRejected:
    return RowRejected(
        _("The period overlaps assignment “%(other)s” (%(start)s to %(end)s) of the same account.")
        % {
            "other": other.external_id,
            "start": other.starts_at.isoformat(),
            "end": other.ends_at.isoformat() if other.ends_at else _("open"),
        },
        code="overlap",
        field="starts_at",
    )
