from django.db import migrations


def seed(apps, schema_editor):
    from notices.defaults import seed as seed_defaults
    from notices.defaults import seed_stage_rules

    template = apps.get_model("notices", "NoticeTemplate")
    seed_defaults(template, apps.get_model("notices", "NoticeRule"))
    seed_stage_rules(template, apps.get_model("notices", "StageNoticeRule"), apps.get_model("loans", "Stage"))


class Migration(migrations.Migration):
    dependencies = [("notices", "0003_stage_notices"), ("loans", "0003_seed_stages")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
