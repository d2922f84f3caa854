import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from consult.models import Removable, Versioned


class Domain4D(models.TextChoices):
    LICHAAM = "lichaam", _("Body (lichaam)")
    GEEST = "geest", _("Mind (geest)")
    SOCIAAL = "sociaal", _("Social (sociaal)")
    MAATSCHAPPELIJK = "maatschappelijk", _("Societal (maatschappelijk)")


class EntryKind(models.TextChoices):
    PLAYS = "speelt", _("what plays")
    HELPS = "helpt", _("what helps")


class LooksBroader(models.TextChoices):
    YES = "ja", _("Yes, the patient wants to look broader")
    NOT_YET = "nog-niet", _("Not yet")


class FourDSheet(Versioned):
    """What the 4D conversation keeps apart from its entries."""

    consult = models.OneToOneField(
        "consult.Consult", on_delete=models.CASCADE, related_name="fourd_sheet"
    )
    help_question = models.CharField(
        _("the question for help, in the patient's words"), max_length=500, blank=True
    )
    looks_broader = models.CharField(
        _("does the patient want to look broader?"),
        max_length=10,
        choices=LooksBroader.choices,
        blank=True,
    )
    priorities_note = models.CharField(
        _("what the patient wants to tackle first, and why"), max_length=500, blank=True
    )

    def __str__(self) -> str:
        return f"4D {self.public_id}"


class FourDEntry(Removable, Versioned):
    """One thing that plays (a problem) or helps (a strength) in one domain."""

    consult = models.ForeignKey(
        "consult.Consult", on_delete=models.CASCADE, related_name="fourd_entries"
    )
    domain = models.CharField(_("domain"), max_length=20, choices=Domain4D.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    text = models.CharField(_("in the patient's words"), max_length=300)
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        null=True,
        blank=True,
        choices=[(1, "1"), (2, "2"), (3, "3")],
        help_text=_("1 is what the patient wants to work on first."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text


class FourDConnection(models.Model):
    """A link between entries of two domains: debts -> stress -> headache."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consult = models.ForeignKey(
        "consult.Consult", on_delete=models.CASCADE, related_name="fourd_connections"
    )
    cause = models.ForeignKey(
        FourDEntry,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # leads fourd_connection_once
    )
    effect = models.ForeignKey(FourDEntry, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cause", "effect"], name="fourd_connection_once"),
            models.CheckConstraint(
                condition=~Q(cause=F("effect")), name="fourd_connection_two_entries"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cause_id} -> {self.effect_id}"
