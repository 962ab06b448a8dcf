"""Choosing the month and agency of a report."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from .period import Month

# Months offered in the chooser, most recent first.
MONTHS_OFFERED = 36


class ReportChoiceForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.order_by("name"), required=False, empty_label=_("All agencies")
    )

    def __init__(self, *args, now: datetime.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        months, month = [], Month.before(now)
        for _i in range(MONTHS_OFFERED):
            months.append((str(month), str(month)))
            month = Month.before(month.start)
        self.fields["month"].choices = months
        self.fields["month"].initial = months[0][0]

    def clean_month(self) -> Month:
        # The choices are past months only, so a month still running is refused.
        return Month.parse(self.cleaned_data["month"])
