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
    EXECUTE = "execute", _("execute")


class AuditOutcome(models.TextChoices):
    ALLOWED = "allowed", _("allowed")
    REFUSED = "refused", _("refused")
    FAILED = "failed", _("failed")


class AuditEventType(models.TextChoices):
    """What happened, beside the action code: NEN 7513's "event"."""

    RECORD = "record", _("access to a record")
    LOGIN = "login", _("login")
    LOGOUT = "logout", _("logout")
    LOCKOUT = "lockout", _("account locked")
    SECOND_FACTOR = "second_factor", _("second factor")
    PASSWORD = "password", _("password")
    ACCOUNT = "account", _("account")
    SESSION = "session", _("session")
    AUDIT_REVIEW = "audit_review", _("audit trail review")
    ERASURE = "erasure", _("erasure of a record")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """The application never changes or removes an audit record; on PostgreSQL a
    trigger refuses it for whoever tries (see the migration)."""

    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("Audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit events are append-only")


class AuditEvent(models.Model):
    """One logged event (NEN 7513): an access to patient data, or an event of an
    account. Ids only: no names, no free text; `details` holds old and new values of
    account settings (a role, active or not), never patient data.

    Append-only. After the transaction that wrote it commits, each record is sealed
    into a chain: `seq` is its place and `chain_hash` a keyed hash over its fields and
    the hash of the record before it (consult.audit_chain), so a record changed or
    removed behind the application's back breaks the chain."""

    at = models.DateTimeField(auto_now_add=True)
    event = models.CharField(
        max_length=20, choices=AuditEventType.choices, default=AuditEventType.RECORD
    )
    # The foreign keys lead the (user, at) and (practice, at) indexes below, which
    # serve every lookup a single-column index would (tests/performance/test_indexes.py).
    user = models.ForeignKey(
        "consult.User", on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    role = models.CharField(max_length=20, blank=True)
    practice = models.ForeignKey(
        "consult.Practice", on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    patient_id = models.UUIDField(null=True)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64, blank=True)
    client_address = models.GenericIPAddressField(null=True)
    outcome = models.CharField(max_length=10, choices=AuditOutcome.choices)
    application = models.CharField(max_length=40, blank=True)
    details = models.JSONField(default=dict, blank=True)
    seq = models.BigIntegerField(null=True, unique=True)
    chain_hash = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # The reviewer's trail (consult.selectors.audit_review) asks for a period of
        # what a practice's users did, what was done with its patients and what
        # happened to its accounts: one index for each, with the time. Nothing asks
        # for a period of everyone's events, so the time has no index of its own: a
        # page of the trail walked it backwards through the events of every
        # practice, looking for its own.
        indexes = [
            models.Index(fields=["practice", "at"]),
            models.Index(fields=["user", "at"]),
            models.Index(fields=["patient_id", "at"], name="consult_audit_patient_at"),
            models.Index(
                fields=["object_id", "at"],
                condition=models.Q(object_type="user"),
                name="consult_audit_account_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit events are append-only")
