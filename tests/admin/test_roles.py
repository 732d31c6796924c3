"""Roles: what Editors and Importers may do, and 403 for everyone else."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from articles.models import ImportRun, Item
from tests.factories import SEED_PAGE_1, make_item, make_user
from tests.pages import run_command

pytestmark = pytest.mark.django_db

ALL_THREE = ["Chief editors", "Editors", "Importers"]


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


@pytest.fixture
def run():
    run_command("import_digests", str(SEED_PAGE_1))
    return ImportRun.objects.get()


def urls(run):
    item = Item.objects.first()
    return {
        "items": reverse("admin:articles_item_changelist"),
        "item": reverse("admin:articles_item_change", args=[item.pk]),
        "tags": reverse("admin:articles_tag_changelist"),
        "runs": reverse("admin:articles_importrun_changelist"),
        "run": reverse("admin:articles_importrun_change", args=[run.pk]),
        "import": reverse("admin:articles_importrun_import"),
        "undo": reverse("admin:articles_importrun_undo", args=[run.pk]),
        "users": reverse("admin:auth_user_changelist"),
    }


def statuses(client, run):
    return {name: client.get(url).status_code for name, url in urls(run).items()}


def test_the_migration_gives_each_role_its_permissions():
    editors, importers = codenames("Editors"), codenames("Importers")

    assert {"change_item", "publish_item", "delete_item", "change_tag", "add_tagalias"} <= editors
    assert not editors & {"import_digests", "undo_importrun"}
    assert {"import_digests", "undo_importrun", "view_importrun"} <= importers
    assert not importers & {"change_item", "publish_item", "change_tag"}
    # Neither role manages users.
    assert not Permission.objects.filter(
        group__name__in=["Editors", "Importers"], content_type__app_label="auth"
    ).exists()


def test_a_staff_user_outside_the_groups_gets_403_everywhere(client, run):
    client.force_login(make_user("nobody"))

    assert set(statuses(client, run).values()) == {403}


def test_editors_curate_but_neither_import_nor_manage_users(client, run, editor):
    assert statuses(client, run) == {
        "items": 200,
        "item": 200,
        "tags": 200,
        "runs": 200,
        "run": 200,
        "import": 403,
        "undo": 403,
        "users": 403,
    }
    assert "Import digests" not in client.get(urls(run)["runs"]).text
    assert "Undo this run" not in client.get(urls(run)["run"]).text


def test_importers_import_and_undo_but_cannot_change_items(client, run, importer):
    item = Item.objects.first()

    assert statuses(client, run) == {
        "items": 200,
        "item": 200,  # read-only
        "tags": 200,
        "runs": 200,
        "run": 200,
        "import": 200,
        "undo": 200,
        "users": 403,
    }
    response = client.post(urls(run)["item"], {"title": "Changed", "teaser": "x"})
    assert response.status_code == 403
    assert Item.objects.get(pk=item.pk).title == item.title
    publish = client.post(
        urls(run)["items"], {"action": "unpublish", "_selected_action": [item.pk]}
    )
    # The action is not offered to them: the admin answers with the list, unchanged.
    assert publish.status_code == 200
    assert 'value="unpublish"' not in publish.text
    assert Item.objects.get(pk=item.pk).status == "published"


def test_changing_items_without_the_publish_permission_leaves_publishing_alone(client):
    user = make_user("writer")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_item", "change_item"]))
    client.force_login(user)
    item = make_item("Draft", status="draft")
    url = reverse("admin:articles_item_change", args=[item.pk])

    page = client.get(url).text
    client.post(
        url, {"title": "Retitled", "slug": item.slug, "teaser": item.teaser, "status": "published"}
    )
    listing = client.get(reverse("admin:articles_item_changelist")).text

    assert 'name="status"' not in page
    item.refresh_from_db()
    assert (item.title, item.status) == ("Retitled", "draft")
    assert 'value="publish"' not in listing
    assert 'value="add_tag"' in listing


def test_reverting_without_the_publish_permission_leaves_publishing_alone(client):
    user = make_user("writer")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_item", "change_item"]))
    client.force_login(user)
    item = make_item("Story")
    published = item.history.create(
        **{field.attname: getattr(item, field.attname) for field in Item._meta.concrete_fields},
        history_date=item.created_at,
        history_type="~",
        tag_names=[],
    )
    Item.objects.filter(pk=item.pk).update(status="draft", title="Story, held back")
    url = reverse("admin:articles_item_simple_history", args=[item.pk, published.history_id])

    client.post(url, {"title": "Story", "slug": item.slug, "teaser": item.teaser})

    item.refresh_from_db()
    assert (item.title, item.status) == ("Story", "draft")


class TestEnsureEditor:
    def test_creates_a_staff_account_in_the_three_groups_not_a_superuser(self):
        out, _ = run_command("ensure_editor")

        user = get_user_model().objects.get(username="editor")
        assert "Created account 'editor' (Editors, Importers and Chief editors)" in out
        assert (user.is_staff, user.is_superuser) == (True, False)
        assert sorted(user.groups.values_list("name", flat=True)) == ALL_THREE
        assert user.has_perm("articles.publish_item") and user.has_perm("articles.import_digests")
        assert user.has_perm("auth.change_user") and not user.has_perm("auth.change_group")

    def test_an_existing_account_keeps_its_password_and_joins_the_three_groups(self):
        user = get_user_model().objects.create_user("editor", password="kept-password-1")

        out, _ = run_command("ensure_editor")

        user.refresh_from_db()
        assert "password is unchanged" in out
        assert user.check_password("kept-password-1")
        assert user.is_staff
        assert sorted(user.groups.values_list("name", flat=True)) == ALL_THREE

    def test_missing_groups_are_made_again_with_their_permissions(self):
        Group.objects.all().delete()

        run_command("ensure_editor")

        assert "publish_item" in codenames("Editors")
        assert "import_digests" in codenames("Importers")
        assert codenames("Chief editors") == {"add_user", "change_user", "view_user"}
