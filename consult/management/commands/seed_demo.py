from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from consult.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the fictional demo practices, users and patients (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        # What the demo writes in words (a flag's text) is in the app's language.
        with translation.override(settings.LANGUAGE_CODE):
            accounts = seed_demo()
        self.stdout.write("Demo data ready. Log in with one of these accounts:")
        for practice, emails in accounts.items():
            self.stdout.write(f"  {practice}")
            for email in emails:
                self.stdout.write(f"    {email}")
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
