"""A request's dated receipt as structured, translatable data: what was
asked, what changes for whom, from when, and until when.

Pages render :func:`request_receipt`; the receipt notice fills the template
variables ``{request}`` and ``{effect}`` with :func:`request_summary` and
:func:`effects_text`, lazy texts that are written in whichever language the
notice (or page) is being rendered in.
"""

import datetime
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notices.templating import format_amount, format_when

from .models import BorrowerRequest, Kind, RestrictionMode

# Who a request binds, and to what.
_WHO_ACCOUNT = gettext_lazy("Everyone who collects on loan %(account)s")
_WHO_AGENCIES = gettext_lazy("Outside collection agencies on loan %(account)s")
_WHO_EVERYONE = gettext_lazy(
    "Everyone who collects from you, the lender's own team and every agency, on all your loans"
)
_WHAT = {
    Kind.DISPUTE: gettext_lazy(
        "must stop collecting on this loan until the lender sends you its verification or corrects the account."
    ),
    Kind.STOP_THIRD_PARTY: gettext_lazy(
        "may not contact your family, friends, colleagues or anyone else about your loans."
    ),
    RestrictionMode.WRITTEN_ONLY: gettext_lazy(
        "may contact you only in writing or online (SMS, e-mail, app message, letter): no calls and no visits."
    ),
    RestrictionMode.NOT_AT_WORK: gettext_lazy("may not contact you at your workplace."),
    Kind.REPAYMENT_PLAN: gettext_lazy(
        "must pause the measures planned for this loan (visits, letters, legal steps, credit reports) while the "
        "lender's in-house team considers your plan."
    ),
    Kind.VULNERABILITY: gettext_lazy(
        "must follow stricter contact rules: no home visits, no contact with anyone else, fewer calls and only in "
        "the daytime. They are told only that stricter rules apply, never why."
    ),
}


@dataclass(frozen=True)
class Effect:
    """One thing that changes: who is bound, to what, and for how long.
    ``ends_at`` is set for a stated end (a period, a withdrawal); otherwise
    ``until`` says what ends it."""

    who: str
    what: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    until: str


@dataclass(frozen=True)
class Receipt:
    reference: str
    kind: str
    kind_label: str
    reason_label: str
    account_reference: str
    filed_at: datetime.datetime
    effective_from: datetime.datetime
    amount_per_month: object
    effects: tuple[Effect, ...]
    staff_due_at: datetime.datetime | None
    status_label: str


def _until(request: BorrowerRequest):
    if request.kind in (Kind.DISPUTE, Kind.REPAYMENT_PLAN):
        return gettext_lazy("until the lender answers")
    if request.restricted_until is not None:
        return gettext_lazy("until the end of the day you chose")
    return gettext_lazy("until you withdraw the request")


def request_effects(request: BorrowerRequest) -> tuple[Effect, ...]:
    from .services.effects import period_end

    account = request.account.reference if request.account_id else ""
    if request.kind == Kind.DISPUTE:
        who = _WHO_AGENCIES
    elif request.kind in (Kind.RESTRICT_CONTACT, Kind.REPAYMENT_PLAN):
        who = _WHO_ACCOUNT
    else:
        who = _WHO_EVERYONE
    what = _WHAT[request.reason if request.kind == Kind.RESTRICT_CONTACT else request.kind]
    ends_at = request.effects_end_at or period_end(request)
    return (
        Effect(
            who=_lazy_format(who, {"account": account}),
            what=what,
            starts_at=request.effective_from,
            ends_at=ends_at,
            until=_until(request),
        ),
    )


def request_receipt(request: BorrowerRequest) -> Receipt:
    """The receipt of one request, for its borrower's pages and print-outs."""
    return Receipt(
        reference=request.reference,
        kind=request.kind,
        kind_label=request.get_kind_display(),
        reason_label=request.reason_label,
        account_reference=request.account.reference if request.account_id else "",
        filed_at=request.filed_at,
        effective_from=request.effective_from,
        amount_per_month=request.amount_per_month,
        effects=request_effects(request),
        staff_due_at=request.staff_due_at,
        status_label=request.get_status_display(),
    )


def _format(template, params: dict) -> str:
    return str(template) % params


_lazy_format = lazy(_format, str)


def _when(value) -> str:
    return format_when(value, language=translation.get_language() or "zh-hans")


def _summary(request: BorrowerRequest) -> str:
    parts = [str(request.get_kind_display())]
    # A vulnerability's category stays out of notices: they are kept, and
    # the category must go when consent is revoked.
    if request.reason_label and request.kind != Kind.VULNERABILITY:
        parts.append(request.reason_label)
    if request.account_id:
        parts.append(_("loan %(account)s") % {"account": request.account.reference})
    if request.amount_per_month is not None:
        parts.append(_("%(amount)s a month") % {"amount": format_amount(request.amount_per_month)})
    if len(parts) == 1:
        return parts[0]
    # Translators: joins the details of a request, e.g. "wrong amount, loan LN1".
    details = _(", ").join(parts[1:])
    return _("%(kind)s: %(details)s") % {"kind": parts[0], "details": details}


def _effects(effects: tuple, open_period_until) -> str:
    lines = []
    for effect in effects:
        if open_period_until is not None:
            period = _("From %(start)s until the end of %(day)s.") % {
                "start": _when(effect.starts_at),
                "day": _when(open_period_until),
            }
        elif effect.ends_at is not None:
            period = _("From %(start)s until %(end)s.") % {
                "start": _when(effect.starts_at),
                "end": _when(effect.ends_at),
            }
        else:
            period = _("From %(start)s %(until)s.") % {"start": _when(effect.starts_at), "until": effect.until}
        lines.append(_("%(who)s %(what)s %(period)s") % {"who": effect.who, "what": effect.what, "period": period})
    return "\n".join(lines)


# The lazy texts below are written when rendered, possibly while a database
# statement is being sent (a notice's JSON context is encoded inside the
# driver's execute), so everything they need is read from the database
# beforehand and they never query.
_summary_lazy = lazy(_summary, str)
_effects_lazy = lazy(_effects, str)


def request_summary(request: BorrowerRequest):
    """What was asked, in the language rendered in (lazy)."""
    if request.account_id:
        request.account  # noqa: B018 -- read now, not while rendering
    return _summary_lazy(request)


def effects_text(request: BorrowerRequest):
    """What changes for whom, from when (lazy)."""
    open_period_until = request.restricted_until if request.effects_end_at is None else None
    return _effects_lazy(request_effects(request), open_period_until)


def _plan(answer, instalments: list) -> str:
    from .models import PlanAnswer

    instalments = _("; ").join(
        _("%(date)s %(amount)s") % {"date": _when(due_date), "amount": format_amount(amount)}
        for due_date, amount in instalments
    )
    text = _("Instalments: %(instalments)s.") % {"instalments": instalments}
    if answer.measures == PlanAnswer.Measures.CANCEL:
        measures = _("The measures planned for this loan are cancelled.")
    else:
        measures = _("The measures planned for this loan are moved to %(date)s.") % {
            "date": _when(answer.measures_moved_to)
        }
    return f"{text} {measures}"


_plan_lazy = lazy(_plan, str)


def plan_text(answer):
    """A plan's instalments and what it does to planned measures (lazy)."""
    return _plan_lazy(answer, [(item.due_date, item.amount) for item in answer.instalments.all()])
