"""The two roles of the newsroom, as groups with their permissions.

Editors curate: items (including publishing and history), tags and their aliases; they see
digests and import runs but manage no users. Importers bring digests in from the admin and
undo runs; they may look at items and tags. Permissions are created here first, because on a
fresh database Django creates them only after all migrations (post_migrate).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Editors": [
        "add_item",
        "change_item",
        "delete_item",
        "view_item",
        "publish_item",
        "view_historicalitem",
        "add_tag",
        "change_tag",
        "delete_tag",
        "view_tag",
        "add_tagalias",
        "change_tagalias",
        "delete_tagalias",
        "view_tagalias",
        "view_tagmerge",
        "view_digest",
        "view_importrun",
    ],
    "Importers": [
        "import_digests",
        "undo_importrun",
        "view_importrun",
        "view_digest",
        "view_item",
        "view_tag",
    ],
}


def create_roles(apps, schema_editor):
    articles = apps.get_app_config("articles")
    articles.models_module = True  # create_permissions skips apps it thinks have no models
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="articles", codename__in=codenames
        )
        found = set(permissions.values_list("codename", flat=True))
        missing = set(codenames) - found
        if missing:
            raise RuntimeError(f"expected permissions {sorted(codenames)}, missing {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_admin_tags_runs_history_scheduling"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
