from django.db import migrations


def seed(apps, schema_editor):
    from borrowerrequests.defaults import seed as seed_defaults

    seed_defaults(apps.get_model("notices", "NoticeTemplate"), apps.get_model("borrowerrequests", "RequestSLAPolicy"))


class Migration(migrations.Migration):
    """The staff deadlines per kind (DOMAIN §7) and the notices to borrowers."""

    dependencies = [
        ("borrowerrequests", "0001_initial"),
        ("notices", "0009_fill_measure_announced_at"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
