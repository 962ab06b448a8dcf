"""Take over the personal-data access log from the desk.

The table stays as the desk created it (``desk_dataaccessrecord``) with its
rows: this migration only tells Django's state that the model now belongs
here, and moves its content type so that the permissions already granted
on it (and the admin log entries pointing at it) stay valid.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to_accesslog(apps, schema_editor):
    content_type_model = apps.get_model("contenttypes", "ContentType")
    if content_type_model.objects.filter(app_label="accesslog", model="dataaccessrecord").exists():
        return
    content_type_model.objects.filter(app_label="desk", model="dataaccessrecord").update(app_label="accesslog")


def content_type_to_desk(apps, schema_editor):
    content_type_model = apps.get_model("contenttypes", "ContentType")
    if content_type_model.objects.filter(app_label="desk", model="dataaccessrecord").exists():
        return
    content_type_model.objects.filter(app_label="accesslog", model="dataaccessrecord").update(app_label="desk")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        # The desk created the table and, on a fresh database, the
        # permissions its roles hold; both are taken over from there.
        ("desk", "0002_roles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DataAccessRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[("viewed", "Viewed"), ("exported", "Exported")],
                                max_length=16,
                                verbose_name="action",
                            ),
                        ),
                        ("subject", models.CharField(max_length=200, verbose_name="what")),
                        ("detail", models.JSONField(blank=True, default=dict, verbose_name="detail")),
                        ("rows", models.PositiveIntegerField(blank=True, null=True, verbose_name="rows")),
                        ("at", models.DateTimeField(db_index=True, verbose_name="when")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="staff member",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "personal data access",
                        "verbose_name_plural": "personal data accesses",
                        "db_table": "desk_dataaccessrecord",
                        "ordering": ["-at"],
                        "indexes": [models.Index(fields=["user", "-at"], name="dataaccess_user_recent")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_accesslog, content_type_to_desk),
    ]
