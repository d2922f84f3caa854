"""A spider web: six dimensions scored 0 to 10 by the patient, each with a "hier wil
ik over praten" flag and the patient's own words. A web is filled in together during a
consult, or by the patient at home through a link; the leading questions of the
conversation are kept per consult."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from consult.models import Versioned
from spinnenweb.dimensions import DIMENSIONS


class WebSource(models.TextChoices):
    TOGETHER = "samen", _("filled in together")
    HOME = "thuis", _("filled in at home")


class Web(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "consult.Patient", on_delete=models.CASCADE, related_name="spider_webs"
    )
    # The consult it was filled in during, or (for a web from home) the consult that
    # took it up; empty for a web from home not yet discussed.
    consult = models.ForeignKey(
        "consult.Consult",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webs",
        db_index=False,  # leads one_web_of_each_source_per_consult
    )
    source = models.CharField(max_length=10, choices=WebSource.choices)
    link = models.OneToOneField(
        "consult.PatientLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filled_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["filled_on", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consult", "source"], name="one_web_of_each_source_per_consult"
            )
        ]

    def __str__(self) -> str:
        return f"web {self.source} {self.filled_on}"


class WebDimension(Versioned):
    web = models.ForeignKey(
        Web,
        on_delete=models.CASCADE,
        related_name="dimensions",
        db_index=False,  # leads one_score_per_dimension
    )
    key = models.CharField(
        max_length=30, choices=[(d.key, d.name) for d in DIMENSIONS], editable=False
    )
    score = models.PositiveSmallIntegerField(
        _("score (0 to 10)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    talk = models.BooleanField(_("I want to talk about this"), default=False)
    words = models.CharField(_("in the patient's own words"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["web", "key"], name="one_score_per_dimension")
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.score}"


class WebSheet(Versioned):
    """The leading questions and the priorities of one Spinnenweb consult."""

    consult = models.OneToOneField(
        "consult.Consult", on_delete=models.CASCADE, related_name="web_sheet"
    )
    what_matters = models.TextField(_("what matters to you?"), max_length=1000, blank=True)
    what_to_change = models.TextField(
        _("what would you like to change?"), max_length=1000, blank=True
    )
    who_can_help = models.TextField(_("who or what can help?"), max_length=1000, blank=True)
    priorities = models.TextField(
        _("what the patient wants to work on first"), max_length=1000, blank=True
    )

    def __str__(self) -> str:
        return f"spinnenweb {self.public_id}"
