from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from account_security.lockout import unlock
from consult.audit import Visitor
from consult.models import User


class Command(BaseCommand):
    help = "Unlock an account that wrong passwords have locked, so it can log in again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError("There is no account with this e-mail address.")
        # Run on the server, not in the application: no user or client address.
        if unlock(user, actor=Visitor()):
            self.stdout.write(f"Unlocked {user.email}.")
        else:
            self.stdout.write(f"{user.email} was not locked; its failed attempts are cleared.")
