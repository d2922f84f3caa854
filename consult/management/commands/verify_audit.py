from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from consult.audit_chain import seal_pending, verify_chain


class Command(BaseCommand):
    help = (
        "Check the hash chain of the audit trail: reports the first record that was "
        "changed or removed, and the hash of the last one (note it down to compare later)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seal",
            action="store_true",
            help="First chain records that are not yet sealed (a process ended before it could).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["seal"]:
            sealed = seal_pending()
            self.stdout.write(f"Sealed {sealed} record(s) that were not yet in the chain.")
        report = verify_chain()
        if report.broken_at is not None:
            raise CommandError(
                f"Audit trail BROKEN at record {report.broken_at}: {report.reason}. "
                f"{report.checked} record(s) before it are intact."
            )
        self.stdout.write(
            f"Audit trail intact: {report.checked} record(s) in the chain, "
            f"{report.unsealed} not yet sealed. Last hash: {report.last_hash}"
        )
