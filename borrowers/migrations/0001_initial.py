from django.db import migrations, models


class Migration(migrations.Migration):
    """The sign-in codes and locks move here from ``portal``; their tables stay."""

    initial = True

    dependencies = [
        ("portal", "0003_ratelimitcounter_moves_to_common"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SignInCode",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("phone", models.CharField(db_index=True, max_length=20, verbose_name="phone")),
                        ("code_hash", models.CharField(max_length=64)),
                        ("created_at", models.DateTimeField()),
                        ("expires_at", models.DateTimeField()),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("used_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "verbose_name": "sign-in code",
                        "verbose_name_plural": "sign-in codes",
                        "db_table": "portal_signincode",
                        "indexes": [models.Index(fields=["phone", "-created_at"], name="signincode_phone_recent")],
                    },
                ),
                migrations.CreateModel(
                    name="SignInLock",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("phone", models.CharField(max_length=20, unique=True, verbose_name="phone")),
                    ],
                    options={
                        "verbose_name": "sign-in lock",
                        "verbose_name_plural": "sign-in locks",
                        "db_table": "portal_signinlock",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
