from typing import Any

from django.core.management.base import BaseCommand

from consult.audit_chain import seal_pending


class Command(BaseCommand):
    help = (
        "Seal the audit records not yet in the hash chain. A web process seals what it "
        "wrote at most every AUDIT_SEAL_INTERVAL_SECONDS, on its next write; run this "
        "every few minutes (cron) so that records of a process that went quiet are "
        "sealed too. Cheap when nothing waits."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sealed = seal_pending()
        self.stdout.write(f"Sealed {sealed} record(s).")
