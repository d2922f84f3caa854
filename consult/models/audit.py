from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("create")
    READ = "read", _("read")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    PRINT = "print", _("print")
    EXPORT = "export", _("export")


class AuditOutcome(models.TextChoices):
    ALLOWED = "allowed", _("allowed")
    REFUSED = "refused", _("refused")


class AuditEvent(models.Model):
    """One logged access to patient data (NEN 7513). Ids only: no names, no free text.

    Append-only: the application never updates or deletes a row."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey("consult.User", on_delete=models.PROTECT, null=True, related_name="+")
    role = models.CharField(max_length=20, blank=True)
    practice = models.ForeignKey(
        "consult.Practice", on_delete=models.PROTECT, null=True, related_name="+"
    )
    patient_id = models.UUIDField(null=True, db_index=True)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=36, blank=True)
    client_address = models.GenericIPAddressField(null=True)
    outcome = models.CharField(max_length=10, choices=AuditOutcome.choices)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit events are append-only")
