from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentQuerySet(models.QuerySet["Consent"]):
    def current(self, on: date | None = None) -> "ConsentQuerySet":
        on = on or timezone.localdate()
        return self.filter(given_on__lte=on).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
        )


class Consent(models.Model):
    """The patient's consent to the brede gesprek: looking together beyond the complaint
    and recording what is found. Given to a named professional; can be withdrawn."""

    patient = models.ForeignKey(
        "consult.Patient", on_delete=models.CASCADE, related_name="consents"
    )
    given_on = models.DateField(_("given on"))
    given_to = models.ForeignKey(
        "consult.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("given to")
    )
    recorded_by = models.ForeignKey("consult.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        "consult.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            )
        ]

    def __str__(self) -> str:
        return f"consent {self.pk}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.given_on <= today and (self.withdrawn_on is None or self.withdrawn_on > today)
