"""The Chief editors group: people management within the roles (see articles/roles.py)."""

from django.db import migrations

from articles.roles import CHIEF_EDITORS, ensure_roles


def create_roles(apps, schema_editor):
    ensure_roles(apps)


def remove_chief_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=CHIEF_EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_tag_undo_and_deletion"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_chief_editors)]
