"""Forms of the borrower-request desk's actions: validation only. The
services check the rest (instalment dates, amounts, the request's state)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from borrowerrequests.models import PlanAnswer
from complaints.forms import EvidenceField
from desk.admin.complaints.forms import StrippedTextForm, _text

AMOUNT = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class RefuseForm(StrippedTextForm):
    reasons = _text(_("Reasons sent to the borrower"), help_text=_("Required: the borrower reads them."))


class AcceptForm(forms.Form):
    note = _text(_("Note to the borrower (optional)"), rows=3)
    note.required = False


class VerifyForm(StrippedTextForm):
    statement = _text(
        _("The lender's statement verifying the debt"),
        help_text=_("Sent to the borrower; the hold on outside agencies ends when it is sent."),
    )
    files = EvidenceField(label=_("The lender's documents"))


class CorrectForm(StrippedTextForm):
    explanation = _text(
        _("What was corrected"),
        help_text=_("Sent to the borrower; the lender's feed carries the corrected figures."),
    )


class PlanMeasuresForm(forms.Form):
    measures = forms.ChoiceField(label=_("Planned measures"), choices=PlanAnswer.Measures.choices)
    measures_moved_to = forms.DateTimeField(
        label=_("Moved to"),
        required=False,
        help_text=_("Only when the measures are moved."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class PlanAcceptForm(PlanMeasuresForm):
    note = _text(_("Note to the borrower (optional)"), rows=3)
    note.required = False


class PlanOfferForm(PlanMeasuresForm, StrippedTextForm):
    amount_per_month = forms.DecimalField(label=_("Amount per month offered"), **AMOUNT)
    reasons = _text(_("Why this plan rather than the one asked for"), rows=3)


class InstalmentForm(forms.Form):
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Amount"), **AMOUNT)


# A plan of up to five years of monthly instalments (DOMAIN §7); six empty
# rows are shown, and a row left empty is ignored.
InstalmentFormSet = forms.formset_factory(InstalmentForm, extra=6, max_num=60, validate_max=True)


def instalments_of(formset) -> list[tuple]:
    """The (due date, amount) pairs of the rows filled in."""
    return [
        (row.cleaned_data["due_date"], row.cleaned_data["amount"])
        for row in formset.forms
        if row.has_changed() and row.cleaned_data
    ]
