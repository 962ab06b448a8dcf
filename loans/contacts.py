"""What makes a reported contact hold together, whoever reports it.

The lender's feed and the agencies' API both record contacts; a contact one
of them refuses the other must refuse too. Each caller parses its own input
and resolves its own ids, then asks :func:`contact_errors` and reports the
errors in its own format (the feed per line, the API per item and field).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import ContactEvent


def contact_errors(
    *,
    occurred_at: datetime.datetime,
    channel: str,
    collector_id: int | None,
    second_collector_id: int | None,
    now: datetime.datetime,
) -> dict[str, list[ValidationError]]:
    """The contact's errors keyed by field name (``occurred_at``,
    ``second_collector``), each with a code; empty when it holds together.

    Collectors are given by id once the caller has found them at the
    reporting agency; one it could not find is the caller's error, and is
    passed here as None."""
    errors: dict[str, list[ValidationError]] = {}
    if occurred_at > now:
        errors.setdefault("occurred_at", []).append(
            ValidationError(_("The time of a contact cannot be in the future."), code="future_time")
        )
    if second_collector_id is not None:
        if channel != ContactEvent.Channel.VISIT:
            errors.setdefault("second_collector", []).append(
                ValidationError(_("Only a home visit has a second collector."), code="second_collector_not_visit")
            )
        elif second_collector_id == collector_id:
            errors.setdefault("second_collector", []).append(
                ValidationError(
                    _("The second collector must be someone other than the collector."),
                    code="second_collector_same",
                )
            )
    return errors
