import datetime

from django.db import migrations


def create_working_hours(apps, schema_editor):
    WorkingHours = apps.get_model("businesscalendar", "WorkingHours")
    WorkingHours.objects.get_or_create(
        pk=1, defaults={"opens_at": datetime.time(9, 0), "closes_at": datetime.time(18, 0)}
    )


class Migration(migrations.Migration):
    dependencies = [("businesscalendar", "0001_initial")]

    operations = [migrations.RunPython(create_working_hours, migrations.RunPython.noop)]
