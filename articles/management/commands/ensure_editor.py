"""Create the first editor account, once: used by `make run` on a fresh clone."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a staff account named USERNAME (default: editor) with a random password, "
        "printed once, unless the account already exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Account {username!r} exists; its password is unchanged.")
            return
        password = secrets.token_urlsafe(12)
        # Superuser until the editors' roles land; then it joins the Editors group instead.
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created account {username!r} with password {password} "
                "(shown once; change it in the admin)."
            )
        )
