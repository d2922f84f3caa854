from django.db import models
from django.utils.translation import gettext_lazy as _


class ErasureGround(models.TextChoices):
    PATIENT_REQUEST = "patient_request", _("the patient's request (WGBO art. 7:455, AVG art. 17)")
    RETENTION_ENDED = "retention_ended", _("the retention period has ended (WGBO art. 7:454)")


class ErasureRecord(models.Model):
    """A patient's record was erased. What stays says whose it was without revealing
    it: the patient's public id (which the audit trail uses) and a keyed hash of the
    HIS number, which only someone who knows the number and the practice's key can
    match (consult.services.erasure)."""

    at = models.DateTimeField(auto_now_add=True)
    practice = models.ForeignKey("consult.Practice", on_delete=models.PROTECT, related_name="+")
    patient_public_id = models.UUIDField(unique=True)
    his_number_hash = models.CharField(max_length=64, db_index=True)
    ground = models.CharField(max_length=20, choices=ErasureGround.choices)
    requested_on = models.DateField(null=True, blank=True)
    # Who carried it out, and the treating colleague who agreed to it.
    carried_out_by = models.ForeignKey(
        "consult.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    agreed_by = models.ForeignKey(
        "consult.User", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.ground}"
