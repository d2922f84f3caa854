"""An uploaded file's way from the check to the import, kept as an ImportJob: uploaded
(checked), running, done. The writes to a job are here, each in a transaction; the
views only call them."""

from collections.abc import Generator
from contextlib import closing
from datetime import timedelta
from typing import Final

from django.db import transaction
from django.utils import timezone

from sociale_kaart.access import KaartUser, map_ids_for
from sociale_kaart.csv_io.importing import ImportSummary, Progress, run_import
from sociale_kaart.csv_io.planning import ImportPlan, plan_import
from sociale_kaart.csv_io.reading import parse_csv
from sociale_kaart.csv_models import ImportJob, ImportStatus
from sociale_kaart.models import ServiceMap

JOBS_KEPT: Final = timedelta(days=1)
FILE_NAME_LENGTH: Final = 200


def import_job_create(
    *, service_map: ServiceMap, file_name: str, content: str, user: KaartUser
) -> ImportJob:
    """Keep a readable upload until it is imported, and clear out the jobs of earlier
    days: a job holds the file's whole text."""
    with transaction.atomic():
        ImportJob.objects.filter(created_at__lt=timezone.now() - JOBS_KEPT).delete()
        return ImportJob.objects.create(
            created_by_id=user.pk,
            service_map=service_map,
            file_name=file_name[:FILE_NAME_LENGTH],
            content=content,
        )


def _other_maps(job: ImportJob, user: KaartUser) -> list[ServiceMap]:
    """The user's other map, whose services the file may hold too (an export of both)."""
    return list(ServiceMap.objects.filter(pk__in=map_ids_for(user)).exclude(pk=job.service_map_id))


def import_job_plan(*, job: ImportJob, user: KaartUser) -> ImportPlan:
    """What importing the job's file would do now; raises CsvFileError."""
    return plan_import(parse_csv(job.content), job.service_map, _other_maps(job, user))


def import_job_claim(*, job: ImportJob) -> bool:
    """Mark a checked job as running; False when it runs or ran already, since a file
    is imported once."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.RUNNING
    )
    if claimed:
        job.status = ImportStatus.RUNNING
    return bool(claimed)


def import_job_run(
    *, job: ImportJob, mode: str, user: KaartUser
) -> Generator[Progress | ImportSummary]:
    """Import a claimed job's file: yields Progress after every batch, then the
    ImportSummary once the services and the job's outcome are committed together.
    When it fails or is stopped early, nothing is written and the job is checked
    again, so the user can start it anew."""
    finished = False
    try:
        parsed = parse_csv(job.content)
        other_maps = _other_maps(job, user)
        with transaction.atomic():
            summary: ImportSummary | None = None
            events = run_import(
                parsed, job.service_map, user=user, mode=mode, other_maps=other_maps
            )
            # Closed before the transaction ends, so that its own rollback comes first.
            with closing(events):
                for event in events:
                    if isinstance(event, Progress):
                        yield event
                    else:
                        summary = event
            assert summary is not None
            _finish(job, summary)
        finished = True
        yield summary
    finally:
        if not finished:
            ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
                status=ImportStatus.CHECKED
            )


def _finish(job: ImportJob, summary: ImportSummary) -> None:
    if summary.written:
        job.status = ImportStatus.DONE
        job.content = ""
        job.finished_at = timezone.now()
        job.result = {**summary.counts, "written": True}
    else:
        job.status = ImportStatus.CHECKED  # the user may still choose the valid rows
    job.save(update_fields=["status", "content", "finished_at", "result"])
