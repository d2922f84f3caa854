import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from consult.models import Practice, Role, User


class Command(BaseCommand):
    help = "Create a practice (if needed) with its first administrator (beheerder) account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice-name", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--full-name", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"An account with e-mail {email} already exists.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords differ.")
        candidate = User(email=email, full_name=options["full_name"], role=Role.BEHEERDER)
        try:
            validate_password(password, user=candidate)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with transaction.atomic():
            practice, _created = Practice.objects.get_or_create(name=options["practice_name"])
            User.objects.create_user(
                email=email,
                password=password,
                full_name=options["full_name"],
                practice=practice,
                role=Role.BEHEERDER,
            )
        self.stdout.write(f"Administrator {email} created for {practice.name}.")
