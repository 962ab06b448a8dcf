"""A borrower's complaint, from the form to the database."""

import datetime
import functools
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _

from common.fixedsql import insert_with_history
from common.ratelimit import ratelimit_hit
from loans.models import Borrower, ContactEvent, LoanAccount
from outbox.services import obligation_create

from ..models import Category, Complaint, Party, Status, TimelineEvent
from ..uploads import CheckedFile, stored_files_remove
from . import notify, sla
from .evidence import evidence_add, evidence_events
from .timeline import borrower_visibility, timeline_add_many, timeline_event

# A borrower may send this many complaints a day (our choice: enough for any
# real harassment, not enough to flood the desk).
MAX_COMPLAINTS_PER_DAY = 10


def complaint_submit(
    *,
    borrower: Borrower,
    user,
    category: Category,
    incident_at: datetime.datetime,
    description: str,
    submit_token: uuid.UUID,
    now: datetime.datetime,
    account: LoanAccount | None = None,
    contact_event: ContactEvent | None = None,
    named_agency: str = "",
    named_collector: str = "",
    caller_number: str = "",
    desired_outcome: str = "",
    consent_to_share: bool = False,
    files: list[CheckedFile] = (),
) -> tuple[Complaint, bool]:
    """Record a complaint and queue its routing; return it and whether it is
    new. The same ``submit_token`` (a double click, a resent form) returns
    the first complaint and records nothing."""
    # Two narrow columns: a token seen before is rare, a new one is every post.
    seen = _token_seen(submit_token)
    if seen is not None:
        if seen[1] != borrower.pk:
            raise ValidationError(_("This form has expired. Please open it again."), code="token_reused")
        return Complaint.objects.get(pk=seen[0]), False
    if account is not None and account.borrower_id != borrower.pk:
        raise ValidationError(_("Choose one of your own loan accounts."), code="account")
    if contact_event is not None and (account is None or contact_event.account_id != account.pk):
        raise ValidationError(_("The contact does not belong to this loan account."), code="contact_event")
    if incident_at > now:
        raise ValidationError(_("The time of the incident cannot be in the future."), code="incident_future")
    stored: list = []
    try:
        with transaction.atomic():
            # Counted in the complaint's transaction: a complaint that is not
            # stored does not count, and the count costs one statement.
            if not ratelimit_hit(
                key=f"complaint-submit:{borrower.pk}",
                limit=MAX_COMPLAINTS_PER_DAY,
                now=now,
                window_seconds=24 * 3600,
            ):
                raise ValidationError(
                    _("You have sent %(count)d complaints today. Please add to an open one, or call customer service."),
                    code="too_many_complaints",
                    params={"count": MAX_COMPLAINTS_PER_DAY},
                )
            targets = sla.intake_targets(severity=category.default_severity, now=now, calendar=sla.business_calendar())
            complaint = Complaint(
                borrower=borrower,
                account=account,
                contact_event=contact_event,
                category=category,
                incident_at=incident_at,
                named_agency=named_agency,
                named_collector=named_collector,
                caller_number=caller_number,
                description=description,
                desired_outcome=desired_outcome,
                consent_to_share=consent_to_share,
                severity=category.default_severity,
                status=Status.SUBMITTED,
                submit_token=submit_token,
                submitted_at=now,
                updated_at=now,
                **sla.due_columns(targets),
            )
            insert_with_history(complaint)
            evidence = evidence_add(complaint=complaint, files=list(files), party=Party.BORROWER, user=user, now=now)
            stored.extend(evidence)
            timeline_add_many(
                [
                    timeline_event(
                        complaint=complaint,
                        kind=TimelineEvent.Kind.SUBMITTED,
                        at=now,
                        visibility=TimelineEvent.Visibility.BORROWER,
                        author=user,
                        data={"category": category.code, "severity": complaint.severity},
                    ),
                    *evidence_events(
                        complaint=complaint,
                        evidence=evidence,
                        visibility=borrower_visibility(complaint),
                        author=user,
                        now=now,
                    ),
                ]
            )
            sla.intake_targets_save(complaint=complaint, targets=targets)
            obligation_create(
                key=f"complaint:{complaint.pk}:route",
                kind=notify.ROUTE,
                payload={"complaint_id": complaint.pk},
                now=now,
            )
    except IntegrityError:
        stored_files_remove(stored)
        # Two requests with one token raced; the other one won.
        existing = Complaint.objects.filter(submit_token=submit_token, borrower=borrower).first()
        if existing is None:
            raise
        return existing, False
    except BaseException:
        stored_files_remove(stored)
        raise
    return complaint, True


def _token_seen(submit_token: uuid.UUID) -> tuple[int, int] | None:
    """(id, borrower id) of the complaint filed with this token, if any: one
    fixed statement, as it runs on every post."""
    field = Complaint._meta.get_field("submit_token")
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [field.get_db_prep_value(submit_token, connection)])
        return cursor.fetchone()


@functools.cache
def _token_sql() -> str:
    meta, quote = Complaint._meta, connection.ops.quote_name
    columns = (meta.pk.column, meta.get_field("borrower").column, meta.get_field("submit_token").column)
    pk, borrower, token = (quote(column) for column in columns)
    # Identifiers from the model's metadata; the token is a parameter.
    return f"SELECT {pk}, {borrower} FROM {quote(meta.db_table)} WHERE {token} = %s"  # noqa: S608
