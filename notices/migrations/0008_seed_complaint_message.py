from django.db import migrations


def seed(apps, schema_editor):
    from notices.defaults import seed as seed_defaults

    seed_defaults(apps.get_model("notices", "NoticeTemplate"), apps.get_model("notices", "NoticeRule"))


class Migration(migrations.Migration):
    """Adds the template for staff messages to the borrower about a complaint."""

    dependencies = [("notices", "0007_state_choices")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
