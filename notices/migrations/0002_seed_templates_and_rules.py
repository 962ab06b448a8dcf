from django.db import migrations


def seed(apps, schema_editor):
    from notices.defaults import seed as seed_defaults

    seed_defaults(apps.get_model("notices", "NoticeTemplate"), apps.get_model("notices", "NoticeRule"))


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
