from django.db import migrations


class Migration(migrations.Migration):
    """The tables stay; the models now belong to the ``borrowers`` app."""

    dependencies = [
        ("portal", "0003_ratelimitcounter_moves_to_common"),
        ("borrowers", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SignInCode"),
                migrations.DeleteModel(name="SignInLock"),
            ],
            database_operations=[],
        ),
    ]
