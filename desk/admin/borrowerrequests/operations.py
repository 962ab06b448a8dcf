"""What staff can do to a borrower's request from the desk.

Each operation names the permission it needs, the form (and instalment
rows) it asks for, and the service it calls; the services notify the
borrower of every decision. The request page offers the operations its
state allows (``borrowerrequests.actions``); the services still decide.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from borrowerrequests import services
from borrowerrequests.models import BorrowerRequest

from . import forms as request_forms


@dataclass(frozen=True)
class Operation:
    name: str
    label: str
    apply: Callable[[BorrowerRequest, dict, object, object], object]
    done: Callable[[int], str]
    form_class: type[forms.Form] | None = None
    # Instalment rows (date + amount) beside the form.
    instalments: bool = False
    # Files come with the form.
    files: bool = False
    bulk: bool = False
    intro: str = ""


def _acknowledge(request, data, user, now):
    return services.request_acknowledge(request=request, by=user, now=now)


def _start_review(request, data, user, now):
    return services.request_start_review(request=request, by=user, now=now)


def _accept(request, data, user, now):
    return services.request_accept(request=request, by=user, note=data.get("note", ""), now=now)


def _refuse(request, data, user, now):
    return services.request_refuse(request=request, by=user, reasons=data["reasons"], now=now)


def _verify(request, data, user, now):
    return services.dispute_verify(
        request=request, by=user, statement=data["statement"], files=data.get("files") or [], now=now
    )


def _correct(request, data, user, now):
    return services.dispute_correct(request=request, by=user, explanation=data["explanation"], now=now)


def _plan_accept(request, data, user, now):
    return services.plan_accept(
        request=request,
        by=user,
        instalments=data["instalments"],
        measures=data["measures"],
        measures_moved_to=data.get("measures_moved_to"),
        note=data.get("note", ""),
        now=now,
    )


def _plan_offer(request, data, user, now):
    return services.plan_offer(
        request=request,
        by=user,
        amount_per_month=data["amount_per_month"],
        instalments=data["instalments"],
        measures=data["measures"],
        measures_moved_to=data.get("measures_moved_to"),
        reasons=data["reasons"],
        now=now,
    )


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "acknowledge",
        _("Acknowledge (stays in force)"),
        _acknowledge,
        lambda n: ngettext("%(count)d request acknowledged.", "%(count)d requests acknowledged.", n) % {"count": n},
        bulk=True,
    ),
    Operation(
        "start_review",
        _("Start the review"),
        _start_review,
        lambda n: ngettext("%(count)d request under review.", "%(count)d requests under review.", n) % {"count": n},
        bulk=True,
    ),
    Operation(
        "accept",
        _("Accept: the stricter rules stand…"),
        _accept,
        lambda n: ngettext("%(count)d request accepted.", "%(count)d requests accepted.", n) % {"count": n},
        form_class=request_forms.AcceptForm,
    ),
    Operation(
        "verify",
        _("Record the lender's verification…"),
        _verify,
        lambda n: (
            ngettext("Verification sent on %(count)d dispute.", "Verification sent on %(count)d disputes.", n)
            % {"count": n}
        ),
        form_class=request_forms.VerifyForm,
        files=True,
        intro=_("The statement and documents are sent to the borrower, and the hold on outside agencies ends."),
    ),
    Operation(
        "correct",
        _("The account was corrected…"),
        _correct,
        lambda n: (
            ngettext("%(count)d dispute answered as corrected.", "%(count)d disputes answered as corrected.", n)
            % {"count": n}
        ),
        form_class=request_forms.CorrectForm,
        intro=_("The borrower is told what changed, and the hold on outside agencies ends."),
    ),
    Operation(
        "plan_accept",
        _("Agree the plan, with its instalments…"),
        _plan_accept,
        lambda n: ngettext("%(count)d plan agreed.", "%(count)d plans agreed.", n) % {"count": n},
        form_class=request_forms.PlanAcceptForm,
        instalments=True,
        intro=_("The plan is agreed as the borrower asked; the account's planned measures are cancelled or moved."),
    ),
    Operation(
        "plan_offer",
        _("Offer another plan…"),
        _plan_offer,
        lambda n: ngettext("%(count)d plan offered.", "%(count)d plans offered.", n) % {"count": n},
        form_class=request_forms.PlanOfferForm,
        instalments=True,
        intro=_("The borrower may accept the plan offered or decline it; the measures stay paused until then."),
    ),
    Operation(
        "refuse",
        _("Refuse, with reasons…"),
        _refuse,
        lambda n: ngettext("%(count)d request refused.", "%(count)d requests refused.", n) % {"count": n},
        form_class=request_forms.RefuseForm,
    ),
)
OPERATIONS_BY_NAME = {operation.name: operation for operation in OPERATIONS}
