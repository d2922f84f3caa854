from typing import Any

from django.core.management.base import BaseCommand

from consult.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the fictional demo practices, users and patients (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = seed_demo()
        self.stdout.write("Demo data ready. Log in with one of these accounts:")
        for practice, emails in accounts.items():
            self.stdout.write(f"  {practice}")
            for email in emails:
                self.stdout.write(f"    {email}")
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
