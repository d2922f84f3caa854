"""An uploaded CSV file between "check" and "import" (see csv_io/jobs.py and csv_views.py).

The text is kept in the database, not on disk, so that every worker sees it and it
disappears with the job. Jobs are short-lived: the text is emptied once the import
ran, and jobs older than a day are removed when the next file is uploaded.
"""

import uuid

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    CHECKED = "checked"
    RUNNING = "running"
    DONE = "done"


class ImportJob(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    service_map = models.ForeignKey(
        "sociale_kaart.ServiceMap", on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(max_length=200, blank=True)
    content = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    # After the import: the counts (created, updated, unchanged, rejected, written).
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "sociale_kaart"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
