"""Create the first editor account, once: used by `make run` on a fresh clone."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from articles.roles import ensure_roles


class Command(BaseCommand):
    help = (
        "Create a staff account named USERNAME (default: editor) in the Editors, Importers and "
        "Chief editors groups, with a random password printed once. An existing account keeps "
        "its password and is put in all three groups."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")

    def handle(self, *args, username, **options):
        groups = list(ensure_roles().values())
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(*groups)
            self.stdout.write(
                f"Account {username!r} exists; its password is unchanged; it is in "
                f"{_names(groups)}."
            )
            return
        password = secrets.token_urlsafe(12)
        # Not a superuser: the roles say what an editor may do; as a chief editor it manages
        # the staff's accounts within the roles (articles/people.py), no more.
        user = User.objects.create_user(username=username, password=password, is_staff=True)
        user.groups.add(*groups)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created account {username!r} ({_names(groups)}) with password {password} "
                "(shown once; change it in the admin)."
            )
        )


def _names(groups):
    *others, last = [group.name for group in groups]
    return f"{', '.join(others)} and {last}" if others else last
