from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from consult.models import Practice
from consult.selectors.audit_review import month_summary


class Command(BaseCommand):
    help = (
        "The audit trail's summary for one month and practice (default: last month, "
        "every practice): to mail to the reviewer, e.g. from cron on the first of the month."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: last month)")
        parser.add_argument("--practice", type=int, help="Practice id (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                year, month = (int(part) for part in options["month"].split("-"))
                first = date(year, month, 1)
            except ValueError as error:
                raise CommandError("Give the month as YYYY-MM, e.g. 2026-11.") from error
        else:
            today = timezone.localdate()
            first = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
        practices = Practice.objects.order_by("pk")
        if options["practice"]:
            practices = practices.filter(pk=options["practice"])
        for practice in practices:
            summary = month_summary(practice.pk, first)
            self.stdout.write(f"{practice.name}, {first:%Y-%m}")
            self.stdout.write(
                f"  events {summary.events}, refusals {summary.refusals}, failed logins "
                f"{summary.failed_logins}, lockouts {summary.lockouts}, prints/exports "
                f"{summary.exports}, erasures {summary.erasures}"
            )
            for row in summary.attention:
                name = row.user.full_name if row.user else "(not logged in)"
                flags = " UNUSUAL VOLUME" if row.unusual else ""
                self.stdout.write(
                    f"  look closer: {name}: {row.patients_read} patients read, "
                    f"{row.outside_own_consults} without an own consult, "
                    f"{row.refusals} refusals{flags}"
                )
