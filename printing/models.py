"""A print job: a PDF a professional asked for, rendered by the worker and kept in the
database (the web tier keeps no files) for its requester only, until it expires."""

import uuid
from datetime import datetime, timedelta
from typing import Final

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A finished PDF can be fetched this long; then the job and its PDF are deleted.
JOB_KEPT: Final = timedelta(hours=1)
# A job not rendered within this time counts as failed (no worker running, or it died
# during the job): the page stops waiting and offers to try again.
JOB_GIVEN_UP_AFTER: Final = timedelta(minutes=2)


class PrintKind(models.TextChoices):
    PLAN = "plan", _("the plan")
    PATIENT_COPY = "patient_copy", _("the copy for the patient")


class PrintStatus(models.TextChoices):
    PENDING = "pending", _("being made")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class PrintJob(models.Model):
    """One requested PDF. Its relations are hidden (related_name "+"): deleting the
    patient (erasure) or the consult deletes the job with its PDF, and a print is no
    change of the patient's record for the retention period."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("consult.Practice", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    patient = models.ForeignKey("consult.Patient", on_delete=models.CASCADE, related_name="+")
    consult = models.ForeignKey(
        "consult.Consult", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=PrintKind.choices)
    # What the document needs beyond the patient or consult, as the request saw it: the
    # date printed on it, the period of the copy's access list.
    options = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10)
    file_name = models.CharField(max_length=60)
    status = models.CharField(
        max_length=10, choices=PrintStatus.choices, default=PrintStatus.PENDING
    )
    pdf = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id} ({self.status})"

    def state(self, now: datetime) -> str:
        """The status as the waiting page shows it: a job left waiting too long failed."""
        if self.status == PrintStatus.PENDING and now - self.created_at > JOB_GIVEN_UP_AFTER:
            return PrintStatus.FAILED
        return self.status
