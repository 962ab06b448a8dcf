"""A borrower's request, from the form to the database: checked, recorded
once, in force from its receipt, and acknowledged with a dated receipt."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.ratelimit import ratelimit_hit
from common.text import strip_bidi_controls
from complaints.models import Party
from complaints.services import notify as complaint_notify
from complaints.uploads import CheckedFile, stored_files_remove
from loans.models import Borrower, LoanAccount

from ..models import (
    ACCOUNT_KINDS,
    ACTIVE_STATUSES,
    CONSENT_TEXT,
    CONSENT_VERSION,
    EVIDENCE_KINDS,
    KIND_REASONS,
    BorrowerRequest,
    Kind,
    RequestEvent,
    SensitiveConsent,
    Status,
)
from . import deadlines, notify
from .core import event_add
from .effects import effects_place
from .evidence import evidence_store

Visibility = RequestEvent.Visibility

# A borrower may file this many requests a day (our choice: every kind on
# several loans, not enough to flood the desk).
MAX_REQUESTS_PER_DAY = 20
MAX_WORDS = 4000
MAX_AMOUNT = Decimal("9999999999.99")


def request_file(
    *,
    borrower: Borrower,
    user,
    kind: str,
    idempotency_key: str,
    now: datetime.datetime,
    account: LoanAccount | None = None,
    reason: str = "",
    words: str = "",
    amount_per_month: Decimal | str | None = None,
    restricted_until: datetime.date | None = None,
    consent_given: bool = False,
    files: list[CheckedFile] = (),
) -> tuple[BorrowerRequest, bool]:
    """Record a request and put it in force at once; return it and whether it
    is new. The same ``idempotency_key`` from the same borrower (a double
    tap, a resent form) returns the first request and records nothing.

    Bad input is refused with a ``ValidationError`` whose code names the
    problem. ``files`` were checked by ``complaints.uploads.check_uploads``.
    A vulnerability needs ``consent_given``: the borrower ticked the box
    beside :data:`~borrowerrequests.models.CONSENT_TEXT`, which is stored
    as shown, in the active language.
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise ValidationError(_("This form has expired. Please open it again."), code="key_invalid")
    existing = BorrowerRequest.objects.filter(borrower=borrower, idempotency_key=key).first()
    if existing is not None:
        return existing, False
    words = strip_bidi_controls(words or "").strip()
    amount = _check(
        borrower=borrower,
        kind=kind,
        account=account,
        reason=reason,
        words=words,
        amount_per_month=amount_per_month,
        restricted_until=restricted_until,
        consent_given=consent_given,
        files=files,
        now=now,
    )
    if not ratelimit_hit(
        key=f"request-file:{borrower.pk}", limit=MAX_REQUESTS_PER_DAY, now=now, window_seconds=24 * 3600
    ):
        raise ValidationError(
            _("You have sent %(count)d requests today. Please try again tomorrow, or call customer service."),
            code="too_many_requests",
            params={"count": MAX_REQUESTS_PER_DAY},
        )
    stored: list = []
    try:
        with transaction.atomic():
            # One filing at a time per borrower, so two open requests of the
            # same kind cannot slip in side by side.
            Borrower.objects.select_for_update().filter(pk=borrower.pk).first()
            _refuse_duplicate(borrower=borrower, kind=kind, account=account, reason=reason)
            request = BorrowerRequest.objects.create(
                borrower=borrower,
                account=account,
                kind=kind,
                reason=reason,
                words=words,
                amount_per_month=amount,
                restricted_until=restricted_until,
                idempotency_key=key,
                status=Status.FILED,
                filed_at=now,
                effective_from=now,
                updated_at=now,
            )
            event_add(
                request=request,
                kind=RequestEvent.Kind.FILED,
                at=now,
                visibility=Visibility.BORROWER,
                author=user,
                data={"kind": kind, "account": account.pk if account else None},
            )
            if kind == Kind.VULNERABILITY:
                consent = SensitiveConsent.objects.create(
                    borrower=borrower,
                    request=request,
                    text_shown=str(CONSENT_TEXT),
                    language=translation.get_language() or "",
                    version=CONSENT_VERSION,
                    given_at=now,
                )
                event_add(
                    request=request,
                    kind=RequestEvent.Kind.CONSENT_GIVEN,
                    at=now,
                    visibility=Visibility.BORROWER,
                    author=user,
                    data={"consent": consent.pk, "version": CONSENT_VERSION},
                )
            evidence = evidence_store(
                request=request,
                files=list(files),
                party=Party.BORROWER,
                user=user,
                now=now,
                sensitive=kind == Kind.VULNERABILITY,
            )
            stored.extend(evidence)
            if evidence:
                event_add(
                    request=request,
                    kind=RequestEvent.Kind.EVIDENCE_ADDED,
                    at=now,
                    visibility=Visibility.BORROWER,
                    author=user,
                    data={"evidence": [item.pk for item in evidence]},
                )
            effects_place(request=request, now=now)
            deadlines.deadline_start(request=request, now=now)
            receipt_send(request=request, now=now)
            _tell_staff(request=request, now=now)
    except IntegrityError:
        stored_files_remove(stored)
        existing = BorrowerRequest.objects.filter(borrower=borrower, idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False
    except BaseException:
        stored_files_remove(stored)
        raise
    return request, True


def receipt_send(*, request: BorrowerRequest, now: datetime.datetime) -> None:
    """The dated receipt: in the borrower's inbox and by their chosen channel.
    Caller holds the lock (or just created the request)."""
    notice = notify.borrower_tell(
        request=request, event=notify.RECEIVED, occurrence="receipt", now=now, context={"date": request.filed_at}
    )
    event_add(
        request=request,
        kind=RequestEvent.Kind.RECEIPT_SENT,
        at=now,
        visibility=Visibility.BORROWER,
        data={"notice": notice.pk},
    )


def _tell_staff(*, request: BorrowerRequest, now: datetime.datetime) -> None:
    """The desk (and, for a plan, the lender's in-house team) learn of it."""
    with complaint_notify.staff_language():
        subject = _("New request %(reference)s: %(kind)s") % {
            "reference": request.reference,
            "kind": request.get_kind_display(),
        }
        body = _("Request %(reference)s (%(kind)s) was received at %(at)s and is in force. Act on it by %(due)s.") % {
            "reference": request.reference,
            "kind": request.get_kind_display(),
            "at": timezone.localtime(request.filed_at).strftime("%Y-%m-%d %H:%M"),
            "due": timezone.localtime(request.staff_due_at).strftime("%Y-%m-%d %H:%M") if request.staff_due_at else "-",
        }
    complaint_notify.email_obligation(
        key=f"request:{request.pk}:filed", to=deadlines.owner_emails(request), subject=subject, body=body, now=now
    )


def _check(
    *, borrower, kind, account, reason, words, amount_per_month, restricted_until, consent_given, files, now
) -> Decimal | None:
    """Refuse what cannot be filed, each problem with its reason, all of them
    at once (one ``ValidationError``, or one holding each); return the amount."""
    if kind not in Kind.values:
        raise ValidationError(_("Choose what you are asking for."), code="kind_invalid")
    problems = []
    if kind in ACCOUNT_KINDS and account is None:
        problems.append(ValidationError(_("Choose the loan this request is about."), code="account_required"))
    if kind not in ACCOUNT_KINDS and account is not None:
        problems.append(
            ValidationError(_("This request covers all your loans; do not choose one."), code="account_not_allowed")
        )
    if account is not None and account.borrower_id != borrower.pk:
        problems.append(ValidationError(_("Choose one of your own loans."), code="account"))
    if reason not in KIND_REASONS[kind]:
        problems.append(ValidationError(_("Choose one of the offered reasons."), code="reason_invalid"))
    if len(words) > MAX_WORDS:
        problems.append(
            ValidationError(
                _("Please keep it to %(max)d characters."), code="words_too_long", params={"max": MAX_WORDS}
            )
        )
    if files and kind not in EVIDENCE_KINDS:
        problems.append(
            ValidationError(_("Files cannot be attached to this kind of request."), code="files_not_allowed")
        )
    if kind == Kind.VULNERABILITY and not consent_given:
        problems.append(
            ValidationError(
                _(
                    "We can only record your situation with your consent to process sensitive personal "
                    "information. Tick the consent box, or ask to restrict how you are contacted instead."
                ),
                code="consent_required",
            )
        )
    if restricted_until is not None:
        if kind != Kind.RESTRICT_CONTACT:
            problems.append(ValidationError(_("Only a restriction can have an end date."), code="period_not_allowed"))
        elif restricted_until < timezone.localdate(now):
            problems.append(ValidationError(_("The end date cannot be in the past."), code="period_past"))
    amount = None
    if kind != Kind.REPAYMENT_PLAN:
        if amount_per_month not in (None, ""):
            problems.append(ValidationError(_("Only a repayment plan has an amount."), code="amount_not_allowed"))
    else:
        try:
            amount = amount_check(amount_per_month)
        except ValidationError as problem:
            problems.append(problem)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ValidationError(problems)
    return amount


def amount_check(value) -> Decimal:
    """A positive amount in yuan with at most two decimals."""
    message = gettext_lazy("Give the amount you can pay each month, in yuan, e.g. 500 or 499.50.")
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if value not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError(message, code="amount_invalid")
    if amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(message, code="amount_invalid")
    return amount.quantize(Decimal("0.01"))


def _refuse_duplicate(*, borrower, kind, account, reason) -> None:
    open_ones = BorrowerRequest.objects.filter(borrower=borrower, kind=kind, status__in=ACTIVE_STATUSES)
    if kind in ACCOUNT_KINDS:
        open_ones = open_ones.filter(account=account)
    if kind == Kind.RESTRICT_CONTACT:
        open_ones = open_ones.filter(reason=reason)
    same = open_ones.first()
    if same is not None:
        raise ValidationError(
            _("Your request %(reference)s of this kind is still in force. Withdraw it first, or wait for its answer."),
            code="already_open",
            params={"reference": same.reference},
        )
