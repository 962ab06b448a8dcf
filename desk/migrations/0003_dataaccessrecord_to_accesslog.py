"""The personal-data access log is now the accesslog app's: drop the model
from the desk's state only; the table and its rows stay and belong to
accesslog from its first migration on."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0002_roles"),
        ("accesslog", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DataAccessRecord")],
            database_operations=[],
        ),
    ]
