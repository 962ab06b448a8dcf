"""A public reason for each change of an agency's status, chosen from a fixed
list. Changes made before it was kept are marked "reason not recorded", in the
agency and in its history, so the public page says so instead of guessing."""

from django.db import migrations, models
from django.db.models import Q

NOT_RECORDED = "not_recorded"
CHANGED = ~Q(status="active") | Q(status_changed_at__isnull=False)

CHOICES = [
    ("licence", "Licence lapsed or revoked"),
    ("conduct", "Conduct breaches found by the platform"),
    ("regulator", "Action by a regulator"),
    ("complaints", "Complaints upheld"),
    ("contract_ended", "Contract ended"),
    ("own_request", "At the agency's own request"),
    ("reviewed", "Reinstated after review"),
    ("other", "Other reason"),
    ("not_recorded", "Reason not recorded"),
]


def mark_not_recorded(apps, schema_editor):
    for name in ("Agency", "HistoricalAgency"):
        apps.get_model("agencies", name).objects.filter(CHANGED).update(status_public_reason=NOT_RECORDED)


def unmark(apps, schema_editor):
    for name in ("Agency", "HistoricalAgency"):
        apps.get_model("agencies", name).objects.update(status_public_reason="")


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_memberships_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="status_public_reason",
            field=models.CharField(
                blank=True,
                choices=CHOICES,
                db_default="",
                default="",
                max_length=16,
                verbose_name="public reason for status",
            ),
        ),
        migrations.AddField(
            model_name="historicalagency",
            name="status_public_reason",
            field=models.CharField(
                blank=True,
                choices=CHOICES,
                db_default="",
                default="",
                max_length=16,
                verbose_name="public reason for status",
            ),
        ),
        migrations.RunPython(mark_not_recorded, unmark, elidable=False),
        migrations.AddConstraint(
            model_name="agency",
            constraint=models.CheckConstraint(
                condition=Q(status="active") | ~Q(status_public_reason=""),
                name="agency_public_reason_when_not_active",
            ),
        ),
    ]
