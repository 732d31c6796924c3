"""The roles of the newsroom, as auth groups with their permissions.

Editors curate: items (including publishing and history), tags and their aliases; they see
digests and import runs but manage no users. Importers bring digests in from the admin and
undo runs; they may look at items and tags. Chief editors manage people: they add staff
accounts, deactivate them, set passwords and give the roles' groups, never more than these
(``articles.people`` says whom they may change and with which groups). Migrations 0004 and
0010 create the groups; ensure_roles is idempotent, so commands and tests can call it on a
database whose groups were flushed.

A permission is named by its codename in this app, or as ``app_label.codename`` elsewhere.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db.models import Q

EDITORS, IMPORTERS, CHIEF_EDITORS = "Editors", "Importers", "Chief editors"

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
    # Not delete_user: a person leaves by being deactivated, so the log keeps who did what.
    CHIEF_EDITORS: ["auth.add_user", "auth.change_user", "auth.view_user"],
}


def _app_and_codename(permission):
    app_label, _, codename = permission.rpartition(".")
    return app_label or "articles", codename


def _name(app_label, codename):
    return codename if app_label == "articles" else f"{app_label}.{codename}"


def _permissions_query(names):
    query = Q(pk__in=[])
    for name in names:
        app_label, codename = _app_and_codename(name)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return query


def ensure_roles(apps=global_apps):
    """Create the groups and give them their permissions; returns them by name.

    Permissions are created first: on a fresh database Django makes them only after all
    migrations (post_migrate), and a migration calls this before that.
    """
    app_labels = {_app_and_codename(name)[0] for names in ROLES.values() for name in names}
    for app_label in sorted(app_labels):
        config = apps.get_app_config(app_label)
        had_models_module = getattr(config, "models_module", None)
        config.models_module = had_models_module or True  # else create_permissions skips it
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = had_models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    models = {
        (label, model._meta.model_name)
        for label in app_labels
        for model in apps.get_app_config(label).get_models()
    }
    groups = {}
    for name, wanted in ROLES.items():
        # A migration before a model's own (0004 before 0009's tag records) gives what
        # exists then; the model's migration calls this again.
        wanted = [one for one in wanted if _model_exists(one, models)]
        permissions = list(
            Permission.objects.filter(_permissions_query(wanted)).select_related("content_type")
        )
        found = {_name(p.content_type.app_label, p.codename) for p in permissions}
        missing = set(wanted) - found
        if missing:
            raise LookupError(f"expected permissions {sorted(wanted)}, missing {sorted(missing)}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)  # keeps any an administrator added
        groups[name] = group
    return groups


def _model_exists(name, models):
    """False for a model's default permission (view_tagundo) when the model is not there
    yet; custom permissions (publish_item, import_digests) are always expected."""
    app_label, codename = _app_and_codename(name)
    action, _, model = codename.partition("_")
    return action not in DEFAULT_ACTIONS or (app_label, model) in models


DEFAULT_ACTIONS = {"add", "change", "delete", "view"}
