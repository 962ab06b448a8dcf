from django.db import migrations


class Migration(migrations.Migration):
    """The table stays; the model now belongs to the ``common`` app."""

    dependencies = [
        ("portal", "0002_signin_lock"),
        ("common", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RateLimitCounter")],
            database_operations=[],
        ),
    ]
