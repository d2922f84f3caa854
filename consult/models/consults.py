import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsultStatus(models.TextChoices):
    OPEN = "open", _("open")
    FINISHED = "finished", _("finished")


class Consult(models.Model):
    """One brede gesprek with a patient along one conversation model."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey("consult.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "consult.Patient", on_delete=models.CASCADE, related_name="consults"
    )
    model_slug = models.SlugField(_("conversation model"), max_length=40)
    started_by = models.ForeignKey("consult.User", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=ConsultStatus.choices, default=ConsultStatus.OPEN
    )
    completed_steps = models.JSONField(default=list, blank=True)
    icpc_codes = models.CharField(
        _("ICPC codes"),
        max_length=60,
        blank=True,
        help_text=_("Confirmed by the professional for the SOEP summary, for example: Z01 P03."),
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # A trajectory is a chain of consults of one model that continue each other (KOP
    # sessions, EMBOSS cycles). Each consult continues at most one earlier consult and
    # is continued at most once, so a trajectory never branches.
    continues = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="continued_by"
    )
    trajectory_id = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    session_number = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("consult")
        verbose_name_plural = _("consults")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.model_slug} {self.started_at:%Y-%m-%d}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None
