from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from consult.demo import DEMO_PASSWORD, seed_demo
from consult.statistics import analyze


class Command(BaseCommand):
    help = "Create the fictional demo practices, users and patients (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # Demo accounts share a published password: never beside real patients.
            raise CommandError(
                "Demo data is for a local demo only: it is refused when DEBUG is off."
            )
        # What the demo writes in words (a flag's text) is in the app's language.
        with translation.override(settings.LANGUAGE_CODE):
            accounts = seed_demo()
        analyze()
        self.stdout.write("Demo data ready. Log in with one of these accounts:")
        for practice, emails in accounts.items():
            self.stdout.write(f"  {practice}")
            for email in emails:
                self.stdout.write(f"    {email}")
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
