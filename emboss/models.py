"""What an EMBOSS cycle records: the conversation card (filled in together or at
home), the conversation and the priorities, the casemanager, how "as hoped" looks for
each goal (goal attainment scaling), and the evaluation per goal and agreement."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from consult.models import Versioned
from emboss.domains import DOMAINS


class CardSource(models.TextChoices):
    TOGETHER = "samen", _("filled in together")
    HOME = "thuis", _("filled in at home")


class MarkState(models.TextChoices):
    NONE = "", _("not said")
    WELL = "goed", _("goes well")
    WORRY = "zorgen", _("worries me")


class Card(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "consult.Patient", on_delete=models.CASCADE, related_name="emboss_cards"
    )
    consult = models.ForeignKey(
        "consult.Consult",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cards",
        db_index=False,  # leads one_card_of_each_source_per_consult
    )
    source = models.CharField(max_length=10, choices=CardSource.choices)
    link = models.OneToOneField(
        "consult.PatientLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filled_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["filled_on", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consult", "source"], name="one_card_of_each_source_per_consult"
            )
        ]

    def __str__(self) -> str:
        return f"card {self.source} {self.filled_on}"


class CardMark(Versioned):
    card = models.ForeignKey(
        Card,
        on_delete=models.CASCADE,
        related_name="marks",
        db_index=False,  # leads one_mark_per_domain
    )
    domain = models.CharField(
        max_length=20, choices=[(d.key, d.label) for d in DOMAINS], editable=False
    )
    state = models.CharField(
        _("how is it going?"), max_length=10, choices=MarkState.choices, blank=True
    )
    matters_most = models.BooleanField(_("this matters most to me"), default=False)
    words = models.CharField(_("in the patient's own words"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["card", "domain"], name="one_mark_per_domain")
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.state}"


class PlanWhere(models.TextChoices):
    PAPER = "papier", _("on paper, for the patient")
    RECORD = "dossier", _("in the record (HIS)")
    BOTH = "beide", _("both")


class EmbossSheet(Versioned):
    consult = models.OneToOneField(
        "consult.Consult", on_delete=models.CASCADE, related_name="emboss_sheet"
    )
    conversation = models.TextField(
        _("what we talked about: health and daily life"), max_length=2000, blank=True
    )
    priorities = models.TextField(
        _("what the patient wants to work on first"), max_length=1000, blank=True
    )
    casemanager = models.ForeignKey(
        "consult.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("casemanager"),
    )
    responsible_gp = models.ForeignKey(
        "consult.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("GP finally responsible"),
    )
    plan_where = models.CharField(
        _("where the plan is kept"), max_length=10, choices=PlanWhere.choices, blank=True
    )
    own_actions = models.TextField(
        _("what the patient does themselves"), max_length=1000, blank=True
    )
    evaluation_note = models.TextField(_("looking back together"), max_length=1000, blank=True)

    def __str__(self) -> str:
        return f"EMBOSS {self.public_id}"


class GoalScale(Versioned):
    """Goal attainment scaling in the patient's own terms: what less than hoped, as
    hoped and more than hoped would look like (-1, 0, +1; -2 and +2 beyond)."""

    goal = models.OneToOneField("consult.Goal", on_delete=models.CASCADE, related_name="scale")
    less = models.CharField(_("less than hoped looks like"), max_length=200, blank=True)
    as_hoped = models.CharField(_("as hoped looks like"), max_length=200, blank=True)
    more = models.CharField(_("more than hoped looks like"), max_length=200, blank=True)

    def __str__(self) -> str:
        return f"scale {self.goal_id}"


class Outcome(models.TextChoices):
    NONE = "", _("not evaluated")
    REACHED = "bereikt", _("reached")
    PARTLY = "deels", _("partly")
    NOT = "niet", _("not reached")


class GoalEvaluation(Versioned):
    consult = models.ForeignKey(
        "consult.Consult",
        on_delete=models.CASCADE,
        related_name="goal_evaluations",
        db_index=False,  # leads one_evaluation_per_goal
    )
    goal = models.ForeignKey("consult.Goal", on_delete=models.CASCADE, related_name="+")
    score = models.SmallIntegerField(
        _("score (-2 to +2)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-2), MaxValueValidator(2)],
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    patient_says = models.CharField(_("what the patient says"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consult", "goal"], name="one_evaluation_per_goal")
        ]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.outcome or self.score}"

    @property
    def reached(self) -> bool:
        """The outcome in words counts where it is given; else as hoped (0) or better."""
        if self.outcome:
            return self.outcome == Outcome.REACHED
        return self.score is not None and self.score >= 0


class AgreementCheck(Versioned):
    consult = models.ForeignKey(
        "consult.Consult",
        on_delete=models.CASCADE,
        related_name="agreement_checks",
        db_index=False,  # leads one_check_per_agreement
    )
    agreement = models.ForeignKey("consult.Agreement", on_delete=models.CASCADE, related_name="+")
    done = models.CharField(
        _("done?"),
        max_length=5,
        choices=[("", _("not said")), ("ja", _("done")), ("nee", _("not done"))],
        blank=True,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consult", "agreement"], name="one_check_per_agreement")
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.done}"
