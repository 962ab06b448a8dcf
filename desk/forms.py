from django import forms
from django.utils.translation import gettext_lazy as _

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
