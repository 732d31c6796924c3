"""People: chief editors manage staff accounts within the roles, never beyond them; password
changes and resets by email; every action on people in the admin log."""

import re

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, logged_in, make_user
from tests.pages import messages_of
from tests.test_headers import STRICT, directives

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "another-pass-456"


@pytest.fixture
def chief(client):
    return logged_in(client, "chief", "Chief editors")


@pytest.fixture
def staffer():
    return make_user("staffer", "Editors", email="staffer@example.com")


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def change_data(user, **changes):
    """What the user change form posts (as a chief editor sees it)."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_staff": "on" if user.is_staff else "",
        "is_active": "on" if user.is_active else "",
        "groups": [group.pk for group in user.groups.all()],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def log_of(user):
    """The admin log of an account: (action, message as the History page shows it, by whom)."""
    entries = LogEntry.objects.filter(object_id=str(user.pk), content_type__model="user")
    return [
        (entry.action_flag, entry.get_change_message(), entry.user.username)
        for entry in entries.select_related("user").order_by("id")
    ]


def group_pks(*names):
    return [Group.objects.get(name=name).pk for name in names]


class TestTheRole:
    def test_chief_editors_may_add_change_and_view_users_nothing_else(self):
        chief_editors = Group.objects.get(name="Chief editors")

        assert {
            (p.content_type.app_label, p.codename) for p in chief_editors.permissions.all()
        } == {("auth", "add_user"), ("auth", "change_user"), ("auth", "view_user")}

    def test_they_see_users_but_not_groups_and_cannot_delete(self, client, chief, staffer):
        assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
        assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
        assert client.get(reverse("admin:auth_user_delete", args=[staffer.pk])).status_code == 403


class TestManagingStaff:
    def test_a_chief_editor_adds_a_staff_account_logged(self, client, chief):
        response = client.post(
            reverse("admin:auth_user_add"),
            {
                "username": "newcomer",
                "usable_password": "true",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "is_superuser": "on",  # not in the form: ignored
            },
        )

        assert response.status_code == 302
        user = User.objects.get(username="newcomer")
        assert (user.is_staff, user.is_superuser) == (True, False)
        assert user.check_password(NEW_PASSWORD)
        assert log_of(user)[0][::2] == (ADDITION, "chief")

    def test_gives_the_roles_groups_and_deactivates_logged(self, client, chief, staffer):
        groups = group_pks("Importers", "Chief editors")

        response = client.post(
            change_url(staffer), change_data(staffer, groups=groups, is_active="")
        )

        assert response.status_code == 302
        staffer.refresh_from_db()
        assert sorted(staffer.groups.values_list("name", flat=True)) == [
            "Chief editors",
            "Importers",
        ]
        assert not staffer.is_active
        [(flag, message, actor)] = log_of(staffer)
        assert (flag, actor) == (CHANGE, "chief")
        assert "Groups" in message and "Active" in message

    def test_sets_a_password_logged(self, client, chief, staffer):
        url = reverse("admin:auth_user_password_change", args=[staffer.pk])

        response = client.post(
            url, {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )

        assert response.status_code == 302
        staffer.refresh_from_db()
        assert staffer.check_password(NEW_PASSWORD)
        assert log_of(staffer) == [(CHANGE, "Changed password.", "chief")]

    def test_the_form_offers_only_the_roles_groups_and_no_superuser_or_permissions(
        self, client, chief, staffer
    ):
        Group.objects.create(name="Administrators")

        page = client.get(change_url(staffer)).content.decode()

        offered = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page)
        assert sorted(offered) == ["Chief editors", "Editors", "Importers"]
        assert 'name="is_superuser"' not in page
        assert 'name="user_permissions"' not in page


class TestDeactivateAction:
    def act(self, client, *users):
        return client.post(
            reverse("admin:auth_user_changelist"),
            {"action": "deactivate", "_selected_action": [user.pk for user in users]},
            follow=True,
        )

    def test_deactivates_the_selected_accounts_logged(self, client, chief, staffer):
        other = make_user("other", "Importers")

        response = self.act(client, staffer, other)

        assert "2 accounts deactivated." in messages_of(response)
        assert not User.objects.filter(pk__in=[staffer.pk, other.pk], is_active=True).exists()
        assert log_of(staffer) == [(CHANGE, "Changed Active.", "chief")]
        login = Client().post(reverse("admin:login"), {"username": "staffer", "password": PASSWORD})
        assert login.status_code == 200  # the form again: an inactive account cannot log in

    def test_never_ones_own_account(self, client, chief, staffer):
        response = self.act(client, staffer, chief)

        assert any("found your own among them" in m for m in messages_of(response))
        assert User.objects.filter(pk__in=[staffer.pk, chief.pk], is_active=True).count() == 2
        assert log_of(staffer) == []

    def test_an_account_beyond_the_roles_cannot_be_selected(self, client, chief):
        boss = User.objects.create_superuser("boss", "boss@example.com", PASSWORD)

        self.act(client, boss)

        boss.refresh_from_db()
        assert boss.is_active


class TestNoEscalation:
    def test_cannot_make_anyone_a_superuser_or_give_permissions(self, client, chief, staffer):
        permission = Permission.objects.get(codename="change_group")

        client.post(
            change_url(staffer),
            change_data(staffer, is_superuser="on", user_permissions=[permission.pk]),
        )

        staffer.refresh_from_db()
        assert not staffer.is_superuser
        assert not staffer.user_permissions.exists()
        chief.refresh_from_db()
        client.post(change_url(chief), change_data(chief, is_superuser="on"))
        chief.refresh_from_db()
        assert not chief.is_superuser and not chief.user_permissions.exists()

    def test_cannot_give_another_group(self, client, chief, staffer):
        administrators = Group.objects.create(name="Administrators")
        administrators.permissions.add(Permission.objects.get(codename="change_group"))

        response = client.post(
            change_url(staffer), change_data(staffer, groups=[administrators.pk])
        )

        assert response.status_code == 200  # the form again, with its error
        assert "Select a valid choice" in response.content.decode()
        assert list(staffer.groups.values_list("name", flat=True)) == ["Editors"]

    @pytest.mark.parametrize("kind", ["superuser", "own permission", "other group"])
    def test_cannot_see_or_change_an_account_beyond_the_roles(self, client, chief, kind):
        target = make_user("boss", "Editors", email="boss@example.com")
        if kind == "superuser":
            target.is_superuser = True
            target.save()
        elif kind == "own permission":
            target.user_permissions.add(Permission.objects.get(codename="change_group"))
        else:
            target.groups.add(Group.objects.create(name="Administrators"))

        listing = client.get(reverse("admin:auth_user_changelist")).content.decode()
        form = client.get(change_url(target))
        client.post(change_url(target), change_data(target, is_active=""))
        password = client.post(
            reverse("admin:auth_user_password_change", args=[target.pk]),
            {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

        assert ">boss<" not in listing and ">chief<" in listing
        assert form.status_code == 302  # "doesn't exist", back to the admin's index
        assert password.status_code == 404
        target.refresh_from_db()
        assert target.is_active and target.check_password(PASSWORD)
        assert log_of(target) == []

    def test_a_superuser_keeps_the_whole_user_admin(self, client):
        admin = User.objects.create_superuser("root", "root@example.com", PASSWORD)
        client.force_login(admin)

        page = client.get(change_url(admin)).content.decode()

        assert 'name="is_superuser"' in page and 'name="user_permissions"' in page


class TestOwnPassword:
    def test_a_user_changes_their_own_password_logged(self, client, chief):
        response = client.post(
            reverse("admin:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )

        assert response.status_code == 302
        chief.refresh_from_db()
        assert chief.check_password(NEW_PASSWORD)
        assert log_of(chief) == [(CHANGE, "Changed their own password.", "chief")]

    def test_a_wrong_old_password_changes_nothing_and_logs_nothing(self, client, editor):
        response = client.post(
            reverse("admin:password_change"),
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

        assert response.status_code == 200
        editor.refresh_from_db()
        assert editor.check_password(PASSWORD)
        assert log_of(editor) == []


class TestPasswordReset:
    def test_the_login_page_offers_it(self):
        page = Client().get(reverse("admin:login")).content.decode()

        assert f'href="{reverse("admin_password_reset")}"' in page

    def test_a_reset_by_email_logged(self, staffer):
        reader = Client()

        sent = reader.post(reverse("admin_password_reset"), {"email": "staffer@example.com"})

        assert sent.status_code == 302
        [message] = mail.outbox
        assert message.to == ["staffer@example.com"]
        link = re.search(r"http://testserver(/admin/reset/\S+/)", message.body).group(1)
        form_url = reader.get(link).url  # Django swaps the token for a session's
        done = reader.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert done.status_code == 302
        staffer.refresh_from_db()
        assert staffer.check_password(NEW_PASSWORD)
        assert log_of(staffer) == [(CHANGE, "Reset their password by email.", "staffer")]

    def test_an_unknown_address_sends_nothing_and_says_the_same(self):
        response = Client().post(reverse("admin_password_reset"), {"email": "who@example.com"})

        assert response.status_code == 302
        assert mail.outbox == []

    def test_its_pages_have_the_strict_policy(self):
        response = Client().get(reverse("admin_password_reset"))

        assert response.status_code == 200
        found = directives(response)
        found.pop("style-src-attr", None)
        assert found == STRICT
