"""A link that lets a patient fill in something at home (a spider web, a conversation
card) before the consult, without an account. Only a hash of the token is stored: the
token itself is shown once, to the professional who made the link."""

import hashlib
import uuid

from django.db import models
from django.utils import timezone


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PatientLinkQuerySet(models.QuerySet["PatientLink"]):
    def usable(self) -> "PatientLinkQuerySet":
        """Not withdrawn, not completed, not expired."""
        return self.filter(
            withdrawn_at__isnull=True, completed_at__isnull=True, expires_at__gt=timezone.now()
        )


class PatientLink(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    patient = models.ForeignKey(
        "consult.Patient", on_delete=models.CASCADE, related_name="patient_links"
    )
    model_slug = models.SlugField(max_length=40)
    purpose = models.SlugField(max_length=40)
    created_by = models.ForeignKey("consult.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The answers per screen as the patient gave them, so a half-filled form can be
    # continued; the model decides where they land when the patient sends them.
    answers = models.JSONField(default=dict, blank=True)

    objects = PatientLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.model_slug}:{self.purpose} {self.public_id}"

    @property
    def state(self) -> str:
        if self.completed_at:
            return "completed"
        if self.withdrawn_at:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class LinkAttempt(models.Model):
    """A request with a token that led nowhere, per client address: repeated guessing
    is throttled on these, shared by every web process."""

    client_address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["client_address", "at"])]

    def __str__(self) -> str:
        return f"{self.client_address} {self.at:%Y-%m-%d %H:%M}"
