"""What a KOP-model trajectory records: the KOP-schema in the patient's words
(klachten, omstandigheden, persoonlijke stijl), the risk analysis, the problem
definition, the interventions, what each session did, and relapse prevention.

Each session is its own consult; the schema and the sheet are carried over to the
next session, so every session keeps what it found (the severity per complaint at
that moment) and a complaint keeps its `lineage` across sessions."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from consult.models import Removable, Versioned


class Answer(models.TextChoices):
    NO = "nee", _("no")
    YES = "ja", _("yes")


class Depression(models.TextChoices):
    NO = "nee", _("no")
    DOUBT = "twijfel", _("doubt, to be assessed")
    YES = "ja", _("yes")


class Suicidality(models.TextChoices):
    NO = "nee", _("no thoughts of suicide")
    THOUGHTS = "gedachten", _("thoughts of death or suicide, no plans")
    PLANS = "plannen", _("plans or preparations")


class GgzReferral(models.TextChoices):
    NONE = "", _("no referral")
    GBGGZ = "gbggz", _("basic mental health care (GBGGZ)")
    SGGZ = "sggz", _("specialised mental health care (SGGZ)")


class LifeArea(models.TextChoices):
    WORK = "werk", _("work or daytime")
    RELATIONS = "relaties", _("partner and relations")
    FAMILY = "familie", _("family and children")
    HEALTH = "gezondheid", _("health")
    MONEY = "geld", _("money")
    HOUSING = "wonen", _("housing")
    OTHER = "anders", _("other")


class KopSheet(Versioned):
    """What one KOP session keeps apart from the schema's items."""

    consult = models.OneToOneField(
        "consult.Consult", on_delete=models.CASCADE, related_name="kop_sheet"
    )
    question = models.CharField(
        _("why the patient comes, in their own words"), max_length=300, blank=True
    )
    # The risk analysis, before going further.
    stressors = models.TextField(_("serious stressors, per life area"), max_length=1000, blank=True)
    protective = models.TextField(
        _("protective factors (support, strengths)"), max_length=1000, blank=True
    )
    acute_risk = models.CharField(
        _("is there an acute risk?"), max_length=10, choices=Answer.choices, blank=True
    )
    depression = models.CharField(
        _("is there a depression?"), max_length=10, choices=Depression.choices, blank=True
    )
    suicidality = models.CharField(
        _("suicidality"), max_length=10, choices=Suicidality.choices, blank=True
    )
    risk_conclusion = models.TextField(
        _("the professional's conclusion"), max_length=1000, blank=True
    )
    risk_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    problem_definition = models.TextField(
        _("probleemdefinitie, written together"), max_length=2000, blank=True
    )
    ggz_referral = models.CharField(
        _("referral to mental health care"),
        max_length=10,
        choices=GgzReferral.choices,
        blank=True,
    )
    ggz_referral_note = models.CharField(_("about the referral"), max_length=300, blank=True)
    session_notes = models.TextField(_("what we did this session"), max_length=2000, blank=True)
    warning_signs = models.TextField(
        _("signs that it is getting worse, in the patient's words"), max_length=1000, blank=True
    )
    what_helps = models.TextField(_("what helps then"), max_length=1000, blank=True)
    who_to_call = models.TextField(_("who to call"), max_length=500, blank=True)

    def __str__(self) -> str:
        return f"KOP {self.public_id}"

    @property
    def risk_answers_missing(self) -> list[str]:
        fields = ("stressors", "protective", "acute_risk", "depression", "suicidality")
        missing = [name for name in fields if not getattr(self, name)]
        if not self.risk_conclusion.strip():
            missing.append("risk_conclusion")
        return missing


class Complaint(Removable, Versioned):
    """K: what the patient suffers from, with since when and how severe now."""

    consult = models.ForeignKey(
        "consult.Consult", on_delete=models.CASCADE, related_name="kop_complaints"
    )
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    text = models.CharField(_("complaint, in the patient's words"), max_length=200)
    since = models.CharField(_("since when"), max_length=60, blank=True)
    severity = models.PositiveSmallIntegerField(
        _("how severe now (1 to 10)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text


class Circumstance(Removable, Versioned):
    """O: a recent event that raises the burden (draaglast), or a positive
    circumstance such as support."""

    consult = models.ForeignKey(
        "consult.Consult", on_delete=models.CASCADE, related_name="kop_circumstances"
    )
    area = models.CharField(_("life area"), max_length=12, choices=LifeArea.choices)
    positive = models.BooleanField(_("positive (support)"), default=False)
    text = models.CharField(_("circumstance, in the patient's words"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["positive", "created_at", "id"]

    def __str__(self) -> str:
        return self.text


class StyleItem(Removable, Versioned):
    """P: the habitual way of reacting (draagkracht): what helps, what falls short."""

    consult = models.ForeignKey(
        "consult.Consult", on_delete=models.CASCADE, related_name="kop_style"
    )
    helps = models.BooleanField(_("helps"), default=False)
    text = models.CharField(_("way of reacting, in the patient's words"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["helps", "created_at", "id"]

    def __str__(self) -> str:
        return self.text


class Target(models.TextChoices):
    """The three targets of the article's table 4, and psycho-education as the base."""

    BASE = "basis", _("Base of every plan")
    K = "K", _("K: reduce the complaints")
    O = "O", _("O: cope with the circumstances")  # noqa: E741
    P = "P", _("P: strengthen coping")


class InterventionKind(models.TextChoices):
    PSYCHO_EDUCATION = "psycho-educatie", _("Psycho-education")
    RELAXATION = "ontspanning", _("Relaxation exercises")
    MINDFULNESS = "mindfulness", _("Mindfulness")
    SLEEP_HYGIENE = "slaaphygiene", _("Sleep hygiene")
    EXERCISE = "bewegen", _("More exercise")
    SUPPORT = "steun", _("Improving help and support")
    TIME_MANAGEMENT = "timemanagement", _("Time management")
    PROBLEM_SOLVING = "pst", _("Problem solving therapy")
    CBT = "cgt", _("Cognitive behavioural techniques")
    SOLUTION_FOCUSED = "oplossingsgericht", _("Solution-focused therapy")
    SOCIAL_LEARNING = "social-learning", _("Social learning therapy")


class Intervention(models.Model):
    """A chosen intervention; it lives in the shared plan as an agreement."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consult = models.ForeignKey(
        "consult.Consult", on_delete=models.CASCADE, related_name="kop_interventions"
    )
    target = models.CharField(max_length=10, choices=Target.choices)
    kind = models.CharField(max_length=20, choices=InterventionKind.choices)
    agreement = models.ForeignKey(
        "consult.Agreement", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.target} {self.kind}"
