"""Every hold open today becomes a collection hold in the restrictions table
(loans.Restriction), from the time it was placed on its current agency, so
the rulebook and the agency ingest read holds from one table."""

from django.db import migrations
from django.utils import timezone


def holds_to_restrictions(apps, schema_editor):
    Hold = apps.get_model("complaints", "Hold")
    Restriction = apps.get_model("loans", "Restriction")
    now = timezone.now()
    for hold in Hold.objects.filter(lifted_at__isnull=True).select_related("account", "complaint"):
        source = f"complaint:{hold.complaint.reference}"
        if Restriction.objects.filter(source=source, kind="collection_hold", ends_at__isnull=True).exists():
            continue
        Restriction.objects.create(
            borrower_id=hold.account.borrower_id,
            account_id=hold.account_id,
            agency_id=hold.agency_id,
            kind="collection_hold",
            source=source,
            starts_at=hold.placed_at,
            created_at=now,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0014_sla_policy_warn_label"),
        ("loans", "0008_restriction"),
    ]

    operations = [migrations.RunPython(holds_to_restrictions, migrations.RunPython.noop)]
