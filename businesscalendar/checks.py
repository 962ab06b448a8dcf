from django.core import checks
from django.utils import timezone


@checks.register(checks.Tags.database)
def coming_year_schedule_check(app_configs=None, databases=None, **kwargs):
    """Also surfaced in the admin's override list; this reaches deploys."""
    if not databases or "default" not in databases:
        return []
    from django.db import DatabaseError

    from .selectors import coming_year_without_schedule

    try:
        year = coming_year_without_schedule(today=timezone.localdate())
    except DatabaseError:
        return []
    if year is None:
        return []
    return [
        checks.Warning(
            f"No business-calendar overrides are entered for {year}.",
            hint=f"Enter the State Council's {year} holidays and make-up working days in the admin "
            "(Business calendar › Calendar overrides).",
            id="businesscalendar.W001",
        )
    ]
