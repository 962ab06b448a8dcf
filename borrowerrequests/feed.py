"""The lender's answers to borrowers' requests, as records of its feed
(``loans.feed``; documented in the README with their per-line errors):

- ``dispute_verification``: the lender's verification of a disputed debt,
  a statement and optionally its reference to the documents; sent to the
  borrower, and the hold on outside agencies ends.
- ``plan``: the lender's in-house team's answer to a repayment plan, agreed
  as asked or another plan offered, with its instalments.

Each calls the same service the desk does, so the rules, the history and
the borrower's notice are the same whichever way the answer comes. An
answer is sent once: the lender's id makes a re-sent line ``unchanged``,
and a changed one is refused (the borrower already has it).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from loans.feed.context import FeedContext
from loans.feed.fields import Fields, RowRejected
from loans.feed.records.writing import Outcome

from .models import BorrowerRequest, DisputeVerification, Kind, PlanAnswer
from .services import dispute_verify, plan_accept, plan_offer

TEXT_MAX = 4000
MAX_INSTALMENTS = 60
# The service's refusal codes, as the feed reports them.
REFUSAL_CODES = {"transition_not_allowed": "not_open", "wrong_kind": "wrong_kind"}


def _request(f: Fields, kind: str) -> BorrowerRequest:
    reference = f.identifier("request", max_length=14).upper()
    request = BorrowerRequest.objects.filter(reference=reference).select_related("borrower").first()
    if request is None:
        raise RowRejected(
            _("Unknown request “%(reference)s” in “request”.") % {"reference": reference},
            code="unknown_reference",
            field="request",
        )
    if request.kind != kind:
        raise RowRejected(
            _("Request “%(reference)s” is not a %(kind)s.")
            % {"reference": reference, "kind": str(Kind(kind).label).lower()},
            code="wrong_kind",
            field="request",
        )
    return request


def _refused(error: ValidationError, field: str = "request") -> RowRejected:
    messages = " ".join(str(message) for message in error.messages)
    code = getattr(error, "code", None) or "invalid"
    return RowRejected(messages, code=REFUSAL_CODES.get(code, code), field=field)


def _already_sent(record_id: str) -> RowRejected:
    return RowRejected(
        _("Answer “%(id)s” was already sent to the borrower and cannot be changed.") % {"id": record_id},
        code="already_sent",
        field="id",
    )


def apply_dispute_verification(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    f = Fields(record, allowed={"request", "statement", "document"})
    request = _request(f, Kind.DISPUTE)
    statement = f.text("statement", max_length=TEXT_MAX)
    document = f.text("document", max_length=120, required=False)
    existing = DisputeVerification.objects.filter(external_id=record_id).first()
    if existing is not None:
        if (existing.request_id, existing.statement, existing.document_reference) != (request.pk, statement, document):
            raise _already_sent(record_id)
        return Outcome.UNCHANGED
    try:
        dispute_verify(
            request=request,
            by=None,
            statement=statement,
            document_reference=document,
            external_id=record_id,
            now=ctx.now,
        )
    except ValidationError as error:
        raise _refused(error) from None
    return Outcome.CREATED


def _instalments(record: dict) -> list[tuple[datetime.date, object]]:
    """``instalments``: a list of ``{"due_date": …, "amount": …}``."""
    rows = record.get("instalments")
    if rows is None or rows == []:
        raise RowRejected(_("The field “instalments” is missing."), code="missing", field="instalments")
    if not isinstance(rows, list) or len(rows) > MAX_INSTALMENTS:
        raise RowRejected(
            _("“instalments” must be a list of at most %(max)d instalments.") % {"max": MAX_INSTALMENTS},
            code="invalid",
            field="instalments",
        )
    checked = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise RowRejected(
                _("Instalment %(n)d must be an object with “due_date” and “amount”.") % {"n": number},
                code="invalid",
                field="instalments",
            )
        try:
            item = Fields(row, allowed={"due_date", "amount"})
            checked.append((item.date("due_date"), item.amount("amount")))
        except RowRejected as rejection:
            raise RowRejected(
                _("Instalment %(n)d: %(message)s") % {"n": number, "message": rejection.message},
                code=rejection.code,
                field="instalments",
            ) from None
    return checked


def _same_answer(answer: PlanAnswer, *, request, outcome, amount, instalments, measures, moved_to, note) -> bool:
    stored = [(i.due_date, i.amount) for i in answer.instalments.order_by("due_date")]
    return (
        answer.request_id == request.pk
        and answer.outcome == outcome
        and (amount is None or answer.amount_per_month == amount)
        and stored == sorted(instalments)
        and answer.measures == measures
        and answer.measures_moved_to == moved_to
        and answer.note == note
    )


def apply_plan(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    f = Fields(
        record,
        allowed={"request", "outcome", "amount_per_month", "instalments", "measures", "measures_moved_to", "note"},
    )
    request = _request(f, Kind.REPAYMENT_PLAN)
    outcome = f.choice("outcome", PlanAnswer.Outcome)
    measures = f.choice("measures", PlanAnswer.Measures)
    moved_to = f.aware("measures_moved_to", required=measures == PlanAnswer.Measures.MOVE)
    offered = outcome == PlanAnswer.Outcome.COUNTER_OFFER
    amount = f.amount("amount_per_month", required=offered)
    if not offered and record.get("amount_per_month") is not None:
        raise RowRejected(
            _("An agreed plan is the one the borrower asked for: leave “amount_per_month” out."),
            code="invalid",
            field="amount_per_month",
        )
    note = f.text("note", max_length=TEXT_MAX, required=offered)
    instalments = _instalments(record)
    existing = PlanAnswer.objects.filter(external_id=record_id).first()
    if existing is not None:
        same = _same_answer(
            existing,
            request=request,
            outcome=outcome,
            amount=amount if offered else None,
            instalments=instalments,
            measures=measures,
            moved_to=moved_to if measures == PlanAnswer.Measures.MOVE else None,
            note=note,
        )
        if not same:
            raise _already_sent(record_id)
        return Outcome.UNCHANGED
    try:
        if offered:
            plan_offer(
                request=request,
                by=None,
                amount_per_month=amount,
                instalments=instalments,
                measures=measures,
                measures_moved_to=moved_to,
                reasons=note,
                external_id=record_id,
                now=ctx.now,
            )
        else:
            plan_accept(
                request=request,
                by=None,
                instalments=instalments,
                measures=measures,
                measures_moved_to=moved_to,
                note=note,
                external_id=record_id,
                now=ctx.now,
            )
    except ValidationError as error:
        code = getattr(error, "code", None) or ""
        field = "instalments" if code.startswith("instalment") else "request"
        if code.startswith("measures"):
            field = "measures_moved_to"
        raise _refused(error, field=field) from None
    return Outcome.CREATED


# In the order a feed lists them, after the types of ``loans`` itself.
FEED_RECORD_TYPES = {"dispute_verification": apply_dispute_verification, "plan": apply_plan}
