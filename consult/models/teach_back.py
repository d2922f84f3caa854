from django.db import models
from django.utils.translation import gettext_lazy as _


class TeachBack(models.Model):
    """The terugvraagmethode: the patient told the plan in their own words, the
    professional checked it and explained again what was not clear."""

    consult = models.ForeignKey(
        "consult.Consult", on_delete=models.CASCADE, related_name="teach_backs"
    )
    done_at = models.DateTimeField(auto_now_add=True)
    done_by = models.ForeignKey("consult.User", on_delete=models.PROTECT, related_name="+")
    patient_said = models.TextField(_("what the patient said, in their own words"), max_length=1000)
    explained_again = models.TextField(_("what was explained again"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-done_at", "-id"]

    def __str__(self) -> str:
        return f"teach-back {self.done_at:%Y-%m-%d}"
