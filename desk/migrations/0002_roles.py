"""Create the desk's roles (triage agent, supervisor, auditor).

Permissions are normally created after migrate finishes; create them here
first so the groups get their rights on a fresh database too. Running it
again (or migrate, which re-syncs) leaves the groups as declared.
"""

from django.db import migrations


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from desk.roles import roles_sync

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    from desk.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=[role.code for role in ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("agencies", "0002_initial"),
        ("loans", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
