from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from consult.models import Practice
from consult.services.erasure import retention_erase, retention_overview


class Command(BaseCommand):
    help = (
        "List the patient records whose retention period has ended: no change for more "
        "than RECORD_RETENTION_YEARS (20) years (WGBO art. 7:454), by public id and last "
        "change, without names. With --erase, erase them (ground: the retention period "
        "has ended), each with an erasure record and an audit record. The audit trail "
        "itself is never removed: audit records are kept at least five years, and the "
        "application never deletes one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--erase",
            action="store_true",
            help=(
                "Erase the records listed. Check the list with the practice first: a GP may "
                "keep a record longer when good care asks for it."
            ),
        )
        parser.add_argument(
            "--practice",
            metavar="ID",
            help="Only this practice (its number or its public id).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        practice_id = _practice_id(options["practice"]) if options["practice"] else None
        today = timezone.localdate()
        due = retention_overview(practice_id, today)
        if not due:
            self.stdout.write("No record is past its retention period.")
            return
        for patient, last_change in due:
            self.stdout.write(
                f"{patient.public_id}  practice {patient.practice_id}  "
                f"last change {timezone.localdate(last_change):%Y-%m-%d}"
            )
        if not options["erase"]:
            self.stdout.write(
                f"{len(due)} record(s) past the retention period. Run with --erase to erase them."
            )
            return
        erased = 0
        for patient, _last_change in due:
            try:
                record = retention_erase(patient, today)
            except ValidationError as error:
                self.stderr.write(f"{patient.public_id} not erased: {' '.join(error.messages)}")
                continue
            erased += 1
            self.stdout.write(
                f"Erased {record.patient_public_id} (reference {record.his_number_hash[:12]})"
            )
        self.stdout.write(f"{erased} record(s) erased. The audit trail is kept as it is.")


def _practice_id(value: str) -> int:
    practices = Practice.objects.all()
    try:
        practice = (
            practices.filter(pk=int(value)).first()
            if value.isdigit()
            else practices.filter(public_id=UUID(value)).first()
        )
    except ValueError:
        practice = None
    if practice is None:
        raise CommandError(f"No practice {value!r}.")
    return practice.pk
