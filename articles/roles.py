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
        "view_tagrename",
        "view_tagdeletion",
        "view_tagundo",
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
    models = {model._meta.model_name for model in articles.get_models()}
    groups = {}
    for name, codenames in ROLES.items():
        # A migration before a model's own (0004 before 0009's tag records) gives what
        # exists then; the model's migration calls this again.
        codenames = [code for code in codenames if _model_exists(code, models)]
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


def _model_exists(codename, models):
    """False for a model's default permission (view_tagundo) when the model is not there
    yet; custom permissions (publish_item, import_digests) are always expected."""
    action, _, model = codename.partition("_")
    return action not in DEFAULT_ACTIONS or model in models


DEFAULT_ACTIONS = {"add", "change", "delete", "view"}
