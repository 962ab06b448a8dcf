"""What staff can do to a complaint from the desk.

Each operation names the permission it needs, the form it asks for (if
any) and the service it calls. The changelist offers them as (bulk)
actions; the complaint page offers the same ones for that complaint.
Refusals come from the services, with their own reasons.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints import services
from complaints.models import Complaint

from . import forms as desk_forms


@dataclass(frozen=True)
class Operation:
    name: str
    label: str
    # "change" or the name of a has_<name>_permission method on the admin.
    permission: str
    apply: Callable[[Complaint, dict, object, object], object]
    done: Callable[[int], str]
    form_class: type[forms.Form] | None = None
    bulk: bool = True
    intro: str = ""


def _assign_to_me(complaint, data, user, now):
    return services.complaint_assign(complaint=complaint, assignee=user, by=user, now=now)


def _assign(complaint, data, user, now):
    return services.complaint_assign(complaint=complaint, assignee=data["assignee"], by=user, now=now)


def _acknowledge(complaint, data, user, now):
    return services.complaint_acknowledge(complaint=complaint, by=user, now=now)


def _send_to_agency(complaint, data, user, now):
    return services.complaint_send_to_agency(complaint=complaint, by=user, message=data["message"].strip(), now=now)


def _move_to_agency(complaint, data, user, now):
    return services.complaint_move_to_agency(
        complaint=complaint,
        agency=data["agency"],
        by=user,
        reason=data["reason"],
        message=data.get("message") or "",
        now=now,
    )


def _start_review(complaint, data, user, now):
    return services.complaint_start_review(complaint=complaint, by=user, now=now)


def _request_information(complaint, data, user, now):
    return services.complaint_request_information(
        complaint=complaint, by=user, question=data["question"].strip(), now=now
    )


def _escalate(complaint, data, user, now):
    return services.complaint_escalate(complaint=complaint, by=user, reason=data["reason"].strip(), now=now)


def _extend(complaint, data, user, now):
    # Whoever extends from the desk approves the extension too; the service
    # decides whether they may grant a second one.
    return services.complaint_extend(
        complaint=complaint, by=user, reason=data["reason"].strip(), now=now, approved_by=user
    )


def _resolve(complaint, data, user, now):
    return services.complaint_resolve(
        complaint=complaint,
        by=user,
        resolution_type=data["resolution_type"],
        finding=data["finding"],
        explanation=data["explanation"].strip(),
        now=now,
    )


def _merge(complaint, data, user, now):
    return services.complaint_merge(duplicate=complaint, primary=data["primary"], by=user, now=now)


def _reopen(complaint, data, user, now):
    return services.complaint_reopen(complaint=complaint, by=user, reason=data["reason"].strip(), now=now)


def _set_severity(complaint, data, user, now):
    return services.complaint_set_severity(
        complaint=complaint, severity=data["severity"], by=user, reason=data["reason"].strip(), now=now
    )


def _lift_hold(complaint, data, user, now):
    from complaints.models import Hold

    hold = Hold.objects.filter(complaint=complaint, lifted_at__isnull=True).first()
    if hold is None:
        from django.core.exceptions import ValidationError

        raise ValidationError(_("There is no hold on the agency's work for this complaint."), code="no_hold")
    return services.hold_lift(hold=hold, by=user, reason=data["reason"].strip(), now=now)


def _ticket(complaint):
    from django.core.exceptions import ValidationError

    from complaints.models import AgencyTicket

    ticket = AgencyTicket.objects.current().filter(complaint=complaint).first()
    if ticket is None:
        raise ValidationError(_("The complaint has not been sent to an agency."), code="no_ticket")
    return ticket


def _approve_extension(complaint, data, user, now):
    return services.agency_extension_approve(
        ticket=_ticket(complaint),
        by=user,
        now=now,
        business_days=data.get("business_days") or None,
        note=(data.get("note") or "").strip(),
    )


def _refuse_extension(complaint, data, user, now):
    return services.agency_extension_refuse(ticket=_ticket(complaint), by=user, reason=data["reason"].strip(), now=now)


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "assign_to_me",
        _("Assign to me"),
        "change",
        _assign_to_me,
        lambda n: (
            ngettext("%(count)d complaint assigned to you.", "%(count)d complaints assigned to you.", n) % {"count": n}
        ),
    ),
    Operation(
        "assign",
        _("Assign to someone…"),
        "change",
        _assign,
        lambda n: ngettext("%(count)d complaint assigned.", "%(count)d complaints assigned.", n) % {"count": n},
        form_class=desk_forms.AssignForm,
    ),
    Operation(
        "acknowledge",
        _("Acknowledge"),
        "change",
        _acknowledge,
        lambda n: ngettext("%(count)d complaint acknowledged.", "%(count)d complaints acknowledged.", n) % {"count": n},
    ),
    Operation(
        "send_to_agency",
        _("Send to the agency…"),
        "change",
        _send_to_agency,
        lambda n: (
            ngettext("%(count)d complaint sent to the agency.", "%(count)d complaints sent to their agencies.", n)
            % {"count": n}
        ),
        form_class=desk_forms.MessageToAgencyForm,
    ),
    Operation(
        "move_to_agency",
        _("Move to another responsible agency…"),
        "change",
        _move_to_agency,
        lambda n: (
            ngettext("%(count)d complaint moved to the agency.", "%(count)d complaints moved to the agency.", n)
            % {"count": n}
        ),
        form_class=desk_forms.MoveToAgencyForm,
        intro=_(
            "The first agency's ticket is closed as moved and it is told; it keeps what it sent and sees nothing "
            "after. The new agency sees none of its answers or files. A complaint that is with the agency goes "
            "to the new one at once, with a new response deadline; a hold on the first agency's work moves too."
        ),
    ),
    Operation(
        "start_review",
        _("Take back for platform review"),
        "change",
        _start_review,
        lambda n: ngettext("%(count)d complaint under review.", "%(count)d complaints under review.", n) % {"count": n},
    ),
    Operation(
        "request_information",
        _("Ask the borrower for information (pauses the clock)…"),
        "change",
        _request_information,
        lambda n: (
            ngettext("Question sent on %(count)d complaint.", "Question sent on %(count)d complaints.", n)
            % {"count": n}
        ),
        form_class=desk_forms.QuestionForm,
    ),
    Operation(
        "escalate",
        _("Escalate to a supervisor…"),
        "escalate",
        _escalate,
        lambda n: ngettext("%(count)d complaint escalated.", "%(count)d complaints escalated.", n) % {"count": n},
        form_class=desk_forms.ReasonForm,
    ),
    Operation(
        "extend",
        _("Extend the decision deadline…"),
        "change",
        _extend,
        lambda n: (
            ngettext("Deadline extended on %(count)d complaint.", "Deadline extended on %(count)d complaints.", n)
            % {"count": n}
        ),
        form_class=desk_forms.ExtendForm,
        intro=_(
            "The first extension moves the decision to the policy's first limit (30 days by default) and the "
            "borrower is told why. A second extension, to the second limit, needs a supervisor."
        ),
    ),
    Operation(
        "resolve",
        _("Decide (resolve)…"),
        "change",
        _resolve,
        lambda n: ngettext("%(count)d complaint decided.", "%(count)d complaints decided.", n) % {"count": n},
        form_class=desk_forms.ResolveForm,
    ),
    Operation(
        "merge",
        _("Merge as duplicates into another complaint…"),
        "change",
        _merge,
        lambda n: ngettext("%(count)d duplicate merged.", "%(count)d duplicates merged.", n) % {"count": n},
        form_class=desk_forms.MergeForm,
    ),
    Operation(
        "reopen",
        _("Reopen…"),
        "change",
        _reopen,
        lambda n: ngettext("%(count)d complaint reopened.", "%(count)d complaints reopened.", n) % {"count": n},
        form_class=desk_forms.ReasonForm,
    ),
    Operation(
        "set_severity",
        _("Change the severity…"),
        "change",
        _set_severity,
        lambda n: (
            ngettext("Severity changed on %(count)d complaint.", "Severity changed on %(count)d complaints.", n)
            % {"count": n}
        ),
        form_class=desk_forms.SeverityForm,
    ),
    Operation(
        "lift_hold",
        _("Lift the hold on the agency's work…"),
        "lift_hold",
        _lift_hold,
        lambda n: ngettext("%(count)d hold lifted.", "%(count)d holds lifted.", n) % {"count": n},
        form_class=desk_forms.ReasonForm,
    ),
    Operation(
        "approve_extension",
        _("Give the agency the extra time it asked for…"),
        "approve_extension",
        _approve_extension,
        lambda n: (
            ngettext("More time given on %(count)d complaint.", "More time given on %(count)d complaints.", n)
            % {"count": n}
        ),
        form_class=desk_forms.ApproveExtensionForm,
    ),
    Operation(
        "refuse_extension",
        _("Refuse the agency's request for more time…"),
        "approve_extension",
        _refuse_extension,
        lambda n: (
            ngettext("More time refused on %(count)d complaint.", "More time refused on %(count)d complaints.", n)
            % {"count": n}
        ),
        form_class=desk_forms.ReasonForm,
    ),
)
OPERATIONS_BY_NAME = {operation.name: operation for operation in OPERATIONS}
