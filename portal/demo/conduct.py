"""Demo content for conduct: check the demo world's contacts against the
rulebook, so the breaches its story contains show up. Safe to run again."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conduct.models import Breach
from conduct.services import conduct_check_pending


def load(*, stdout) -> None:
    checked = conduct_check_pending(now=timezone.now())
    stdout.write(
        _("Conduct: %(checked)d contacts checked; %(breaches)d breaches of the rulebook on record.")
        % {"checked": checked, "breaches": Breach.objects.count()}
    )


def guide(*, base_url: str) -> list[str]:
    return [
        _("Collector conduct") + f"  {base_url}{reverse('admin:conduct_breach_changelist')}",
        "  "
        + _(
            "Every reported contact is checked against the rulebook (quiet hours, daily call limits, third parties, "
            "registered numbers, suspended parties, the borrower's choices); borrowers see the breaches beside the "
            "contact, the desk scorecard counts them per agency."
        ),
    ]
