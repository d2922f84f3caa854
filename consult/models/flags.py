"""Warning flags on a patient (a recorded risk), raised by a conversation model and
shown to the treating roles in every consult until a professional closes them."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FlagLevel(models.TextChoices):
    ATTENTION = "aandacht", _("attention")
    RISK = "risico", _("risk")
    ACUTE = "acuut", _("acute risk")


class PatientFlagQuerySet(models.QuerySet["PatientFlag"]):
    def open(self) -> "PatientFlagQuerySet":
        return self.filter(closed_at__isnull=True)


class PatientFlag(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("consult.Patient", on_delete=models.CASCADE, related_name="flags")
    level = models.CharField(_("level"), max_length=10, choices=FlagLevel.choices)
    text = models.CharField(_("what the flag is about"), max_length=200)
    # Which model raised it and for what ("kop:suicidality"): raising it again while it
    # is open updates the open flag instead of adding a second one.
    source_key = models.CharField(max_length=80)
    raised_in = models.ForeignKey(
        "consult.Consult", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    raised_by = models.ForeignKey("consult.User", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "consult.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)

    objects = PatientFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("patient flag")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "source_key"],
                condition=Q(closed_at__isnull=True),
                name="one_open_flag_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.text}"
