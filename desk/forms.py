from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import PUBLIC_REASONS_FOR
from agencies.suspension import REASON_MAX_LENGTH
from common.text import FreeTextField


class ReasonForm(forms.Form):
    reason = FreeTextField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Kept in the record and sent to the agency."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason."), code="required")
        return reason


class AgencyStatusForm(ReasonForm):
    """The private reason and the public one, from the fixed list of those
    that fit the change to ``to``."""

    public_reason = forms.ChoiceField(
        label=_("Public reason"),
        help_text=_("Shown with the date on the agency's public scorecard; the reason above stays private."),
    )

    def __init__(self, *args, to: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_reason"].choices = [
            ("", "---------"),
            *((choice.value, choice.label) for choice in PUBLIC_REASONS_FOR[to]),
        ]
