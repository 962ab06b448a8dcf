from django.db import migrations, models


class Migration(migrations.Migration):
    """The rate-limit counters keep the table they had in the project
    package; only Django's record of which app owns them moves here."""

    initial = True

    dependencies = [
        ("portal", "0002_signin_lock"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RateLimitCounter",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=200)),
                        ("window_start", models.DateTimeField()),
                        ("count", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "portal_ratelimitcounter",
                        "indexes": [models.Index(fields=["window_start"], name="ratelimit_window")],
                        "constraints": [
                            models.UniqueConstraint(fields=("key", "window_start"), name="ratelimit_key_window_unique")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name="SessionEviction",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("session_key", models.CharField(max_length=40, unique=True)),
                ("recorded_at", models.DateTimeField()),
            ],
        ),
    ]
