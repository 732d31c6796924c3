"""The two roles of the newsroom, as auth groups with their permissions.

Editors curate: items (including publishing and history), tags and their aliases; they see
digests and import runs but manage no users. Importers bring digests in from the admin and
undo runs; they may look at items and tags. Migration 0004 creates the groups; ensure_roles
is idempotent, so commands and tests can call it on a database whose groups were flushed.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

EDITORS, IMPORTERS = "Editors", "Importers"

ROLES = {
    EDITORS: [
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
    IMPORTERS: [
        "import_digests",
        "undo_importrun",
        "view_importrun",
        "view_digest",
        "view_item",
        "view_tag",
    ],
}


def ensure_roles(apps=global_apps):
    """Create the groups and give them their permissions; returns them by name.

    Permissions are created first: on a fresh database Django makes them only after all
    migrations (post_migrate), and a migration calls this before that.
    """
    articles = apps.get_app_config("articles")
    had_models_module = getattr(articles, "models_module", None)
    articles.models_module = had_models_module or True  # else create_permissions skips it
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = had_models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = {}
    for name, codenames in ROLES.items():
        permissions = list(
            Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )
        missing = set(codenames) - {permission.codename for permission in permissions}
        if missing:
            raise LookupError(
                f"expected permissions {sorted(codenames)}, missing {sorted(missing)}"
            )
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)  # keeps any an administrator added
        groups[name] = group
    return groups
