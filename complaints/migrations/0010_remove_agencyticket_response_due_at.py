from django.db import migrations


class Migration(migrations.Migration):
    """Apart from 0009 so PostgreSQL drops the column after the backfill's
    foreign-key checks have run."""

    dependencies = [
        ("complaints", "0009_ticket_response_target"),
    ]

    operations = [
        migrations.RemoveField(model_name="agencyticket", name="response_due_at"),
    ]
