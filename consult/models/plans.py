"""The shared plan (individueel zorgplan, IZP): one per patient, fed by every
conversation model. Goals in the patient's own words, per goal the agreements, the
care network around the patient, and when the plan is looked at again."""

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consult.evaluation_dates import validate_evaluation_date


class Versioned(models.Model):
    """A record edited during a consult: the version guards against silent overwrites
    when two tabs or two professionals edit it at once."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PlanItemQuerySet(models.QuerySet[Any]):
    def active(self) -> "PlanItemQuerySet":
        return self.filter(removed_at__isnull=True)


class Removable(models.Model):
    """Removing from the plan can be undone: the row stays, marked removed."""

    removed_at = models.DateTimeField(null=True, blank=True)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        abstract = True


class Plan(Versioned):
    patient = models.OneToOneField("consult.Patient", on_delete=models.CASCADE, related_name="plan")
    # The patient's practice, copied in (a patient never changes practice), so that the
    # practice's evaluations due are read from its own plans, not through all its
    # patients and every plan of the region (bench/worklists.py).
    practice = models.ForeignKey(
        "consult.Practice",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # the worklist's index starts with it
    )
    next_evaluation_on = models.DateField(
        _("next evaluation"), null=True, blank=True, validators=[validate_evaluation_date]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan")
        # What the practice copied onto referrals refers to, on PostgreSQL (migration
        # consult.0017): it is always the plan's.
        constraints = [models.UniqueConstraint(fields=["id", "practice"], name="plan_id_practice")]
        indexes = [
            models.Index(
                fields=["practice", "next_evaluation_on"],
                condition=Q(next_evaluation_on__isnull=False),
                name="plan_practice_evaluation",
            )
        ]

    def __str__(self) -> str:
        return f"plan {self.public_id}"


class Goal(Removable, Versioned):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(
        _("goal in the patient's own words"),
        max_length=300,
        help_text=_("Write it as the patient says it, for example: “I want to sleep better.”"),
    )
    domain = models.CharField(
        _("life domain"),
        max_length=60,
        blank=True,
        help_text=_("The domain of the conversation model the goal comes from."),
    )
    themes = models.ManyToManyField("sociale_kaart.Theme", blank=True, verbose_name=_("themes"))
    position = models.PositiveIntegerField(_("priority"), default=1)
    origin_consult = models.ForeignKey(
        "consult.Consult", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The model's suggestion this goal was taken over from ("4d_entry:<uuid>"), so a
    # suggestion is taken over once.
    source_key = models.CharField(max_length=80, blank=True, editable=False)
    # Reached at an evaluation (EMBOSS): the goal leaves the active plan, and is kept.
    reached_on = models.DateField(_("reached on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("goal")
        ordering = ["position", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "source_key"],
                condition=Q(removed_at__isnull=True) & ~Q(source_key=""),
                name="goal_suggestion_taken_once",
                violation_error_message=_("This suggestion has been taken over as a goal already."),
            )
        ]

    def __str__(self) -> str:
        return self.text


class WhoKind(models.TextChoices):
    PATIENT = "patient", _("the patient")
    PROFESSIONAL = "professional", _("a professional")
    ORGANISATION = "organisation", _("an organisation")
    # Someone close to the patient, by name: a partner, a daughter, a neighbour.
    INFORMAL = "informal", _("a family member or informal carer (mantelzorger)")

    @property
    def role(self) -> str:
        """The kind as a role after a name: "Sanne (family or informal carer)"."""
        return str(WHO_ROLES.get(self, ""))


WHO_ROLES = {
    WhoKind.PROFESSIONAL: _("care professional"),
    WhoKind.ORGANISATION: _("organisation"),
    WhoKind.INFORMAL: _("family or informal carer"),
}


class Agreement(Removable, Versioned):
    """A zorgafspraak: what is done for a goal, by whom, who coordinates, when it is
    evaluated."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="agreements")
    what = models.CharField(_("what"), max_length=300)
    who_kind = models.CharField(
        _("who does it"), max_length=20, choices=WhoKind.choices, default=WhoKind.PATIENT
    )
    who_name = models.CharField(
        _("name"),
        max_length=120,
        blank=True,
        help_text=_(
            "Who does it, by name, when it is not the patient: a professional, an "
            "organisation, or someone close such as a daughter or neighbour."
        ),
    )
    coordinator = models.CharField(_("who coordinates"), max_length=120, blank=True)
    evaluate_on = models.DateField(
        _("evaluate on"), null=True, blank=True, validators=[validate_evaluation_date]
    )
    position = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.what

    def who_display(self) -> str:
        """Who does it, for a line on screen: the name with its role when there is a
        name ("Youssef El Amrani (care professional)"), else the kind."""
        if self.who_kind == WhoKind.PATIENT or not self.who_name:
            return str(self.get_who_kind_display())
        return f"{self.who_name} ({WhoKind(self.who_kind).role})"


class NetworkMember(Removable, Versioned):
    """Someone else involved (betrokkene): family, neighbour, professional, organisation."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="network")
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(
        _("role or relation"),
        max_length=120,
        blank=True,
        help_text=_("For example: daughter, physiotherapist, debt counsellor."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_regiehouder = models.BooleanField(
        _("keeps the overview (regiehouder)"),
        default=False,
        help_text=_("The one person who keeps the overview of the whole plan."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person involved")
        ordering = ["-is_regiehouder", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(is_regiehouder=True, removed_at__isnull=True),
                name="one_regiehouder_per_plan",
            )
        ]

    def __str__(self) -> str:
        return self.name
