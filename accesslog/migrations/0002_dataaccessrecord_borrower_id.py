"""The borrower whose data an access-log row is about, by id: the log sits
below ``loans`` and keeps no key to it."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accesslog', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='dataaccessrecord',
            name='borrower_id',
            field=models.PositiveBigIntegerField(blank=True, db_index=True, null=True, verbose_name='borrower'),
        ),
    ]
