from typing import Any

from django.core.management.base import BaseCommand

from printing.jobs import print_jobs_prune


class Command(BaseCommand):
    help = (
        "Delete the print jobs past their hour, with their PDFs. Starting a print does "
        "this too; run it from cron where printing is rare. The task queue's own rows "
        "are pruned by `manage.py prune_db_task_results`."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = print_jobs_prune()
        self.stdout.write(f"Deleted {deleted} expired print job(s).")
