from django.db import migrations
from django.db.models import OuterRef, Subquery

# The notices that tell the borrower a measure's date: its advance notice, or
# the notice that the date moved (the latest wins, as when they are issued).
ANNOUNCING = ["advance", "moved"]


def fill(apps, schema_editor):
    """Give every measure already announced the time its latest announcing
    notice was issued, as notices now records when it issues one."""
    Notice = apps.get_model("notices", "Notice")
    ScheduledMeasure = apps.get_model("loans", "ScheduledMeasure")
    announcing = Notice.objects.filter(status="issued", purpose__in=ANNOUNCING, issued_at__isnull=False)
    latest = announcing.filter(measure_id=OuterRef("pk")).order_by("-issued_at", "-pk").values("issued_at")[:1]
    ScheduledMeasure.objects.filter(pk__in=announcing.values("measure_id")).update(announced_at=Subquery(latest))


class Migration(migrations.Migration):
    """Fills loans' new ScheduledMeasure.announced_at from the notices issued so far.

    It lives here, not in loans, because it reads notices' table."""

    dependencies = [
        ("notices", "0008_seed_complaint_message"),
        ("loans", "0006_measure_announced_at"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
