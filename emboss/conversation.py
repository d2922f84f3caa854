"""The EMBOSS seven steps as the core sees them: a cycle from the conversation card to
the evaluation, with the POH-S as casemanager, the GP finally responsible, teach-back
before the plan is done, and the next cycle carrying over the goals still open."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.urls import URLPattern, URLResolver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from brede_gesprek.queries import one_or_none
from consult.conversation_api import (
    Actor,
    ConversationModel,
    Domain,
    EntryScreen,
    GoalSuggestion,
    PatientEntry,
    SeriesLine,
    SeriesPoint,
    Step,
    Timeline,
    TimelineSeries,
    record_form,
)
from consult.models import (
    Agreement,
    Consult,
    Goal,
    NetworkMember,
    Patient,
    PatientLink,
    TeachBack,
    User,
)
from emboss import services
from emboss.chart import CardMarks, render_card_svg
from emboss.domains import BY_KEY, DOMAINS
from emboss.forms import CheckForm, EvaluationForm, HomeMarkForm, MarkForm, ScaleForm, SheetForm
from emboss.models import Card, EmbossSheet, GoalEvaluation
from emboss.record import evaluations_of, findings_of, marks_in_order

# What each step shows, besides its own rows: the card drawn, the sheet's fields, the
# goals still open.
CARD_STEPS = frozenset({"voorbereiden", "gesprek", "prioriteiten"})
SHEET_STEPS = frozenset({"gesprek", "prioriteiten", "vastleggen", "aan-de-slag", "evalueren"})
GOAL_STEPS = frozenset({"doelen", "aan-de-slag", "evalueren"})


@dataclass(frozen=True)
class Row:
    record: Any
    form: forms.BaseForm
    label: str = ""
    home: Any = None  # the same part of life on the card the patient filled in at home


def marks_of(card: Card) -> dict[str, CardMarks]:
    return {
        mark.domain: CardMarks(state=mark.state, matters_most=mark.matters_most)
        for mark in card.marks.all()
    }


def card_svg(card: Card, title: str) -> str:
    return render_card_svg(marks_of(card), title=title)


@dataclass(frozen=True)
class EmbossModel(ConversationModel):
    def on_start(self, *, consult: Consult, actor: Actor) -> None:
        services.sheet_of(consult)
        services.card_of(consult)

    def on_continue(self, *, consult: Consult, previous: Consult, actor: Actor) -> None:
        services.next_cycle_carry_over(actor=actor, consult=consult, previous=previous)

    def on_step_done(self, *, consult: Consult, step: Step, actor: Actor) -> None:
        if step.slug == "doelen" and not TeachBack.objects.filter(consult=consult).exists():
            raise ValidationError(
                _(
                    "Check the plan by teach-back first: let the patient tell it in their "
                    "own words, and record it in the plan (“Check the plan by teach-back”)."
                )
            )

    def on_patient_entry_done(self, *, link: PatientLink) -> None:
        services.card_from_home(link=link)

    def consult_urls(self) -> Sequence[URLPattern | URLResolver]:
        from emboss.urls import urlpatterns

        return urlpatterns

    def seed_demo(self, *, patients: Mapping[str, Patient], staff: Mapping[str, User]) -> None:
        from emboss.demo import seed_emboss_case

        seed_emboss_case(patients=patients, staff=staff)

    def step_template(self, step: Step) -> str:
        return f"emboss/steps.html#{step.slug}"

    def step_context(self, *, consult: Consult, step: Step, actor: Actor) -> dict[str, Any]:
        # Each step reads only what it shows: a step is asked for at every click.
        context: dict[str, Any] = {}
        if step.slug in CARD_STEPS:
            card = services.card_of(consult)
            prefetch_related_objects([card], "marks")
            context["card_chart"] = card_svg(card, _("The conversation card"))
        if step.slug in SHEET_STEPS:
            sheet = services.sheet_of(consult)
            context["sheet"] = sheet
            context["sheet_form"] = record_form(
                SheetForm, sheet, consult=consult, kind="emboss_sheet"
            )
        goals = (
            list(
                Goal.objects.active()
                .filter(plan__patient_id=consult.patient_id, reached_on__isnull=True)
                .select_related("scale")
                .order_by("position", "created_at")
            )
            if step.slug in GOAL_STEPS
            else []
        )
        if step.slug == "voorbereiden":
            home = services.home_card_for(consult)
            from_home = {mark.domain: mark for mark in home.marks.all()} if home else {}
            context.update(
                marks=[
                    Row(
                        mark,
                        record_form(MarkForm, mark, consult=consult, kind="emboss_mark"),
                        str(BY_KEY[mark.domain].label),
                        from_home.get(mark.domain),
                    )
                    for mark in sorted(card.marks.all(), key=lambda m: _order(m.domain))
                ],
                home_card=home,
                home_chart=card_svg(home, _("The card the patient filled in at home"))
                if home
                else "",
            )
        elif step.slug == "doelen":
            scales = services.scales_of(goals)
            context.update(
                scales=[
                    Row(
                        goal,
                        record_form(
                            ScaleForm, scales[goal.pk], consult=consult, kind="emboss_goal_scale"
                        ),
                    )
                    for goal in goals
                ],
                teach_back_done=TeachBack.objects.filter(consult=consult).exists(),
            )
        elif step.slug == "vastleggen":
            context["network"] = list(
                NetworkMember.objects.active().filter(plan__patient_id=consult.patient_id)
            )
        elif step.slug == "aan-de-slag":
            context["agreements"] = list(
                Agreement.objects.active()
                .filter(goal__in=goals)
                .select_related("goal")
                .order_by("goal__position", "position")
            )
        elif step.slug == "evalueren":
            evaluations = services.evaluations_of(consult, goals)
            agreements = list(
                Agreement.objects.active().filter(goal__in=goals).select_related("goal")
            )
            checks = services.checks_of(consult, agreements)
            context.update(
                evaluations=[
                    Row(
                        goal,
                        record_form(
                            EvaluationForm,
                            evaluations[goal.pk],
                            consult=consult,
                            kind="emboss_goal_evaluation",
                        ),
                        label=_scale_text(goal),
                    )
                    for goal in goals
                ],
                checks=[
                    Row(
                        agreement,
                        record_form(
                            CheckForm,
                            checks[agreement.pk],
                            consult=consult,
                            kind="emboss_agreement_check",
                        ),
                    )
                    for agreement in agreements
                ],
            )
        return context

    def chart_svg(self, consult: Consult, *, for_patient: bool = False) -> str:
        card = _card_together(consult)
        if card is None or not any(mark.state or mark.matters_most for mark in card.marks.all()):
            return ""
        return card_svg(card, _("My conversation card"))

    def what_matters(self, consult: Consult) -> list[str]:
        sheet = one_or_none(EmbossSheet.objects.filter(consult=consult))
        card = _card_together(consult)
        said = [m.words for m in card.marks.all() if m.matters_most and m.words] if card else []
        if sheet is not None and sheet.priorities:
            said.append(sheet.priorities)
        return said

    def findings(self, consult: Consult) -> list[str]:
        return self.findings_for([consult])[consult.pk]

    def findings_for(self, consults: Sequence[Consult]) -> dict[int, list[str]]:
        """Four queries for all consults: the cards filled in together, their marks,
        the sheets with the casemanager and the GP, the evaluations."""
        ids = [consult.pk for consult in consults]
        cards: dict[int | None, Card] = {}
        for card in Card.objects.filter(consult_id__in=ids, source="samen").prefetch_related(
            marks_in_order()
        ):
            cards.setdefault(card.consult_id, card)
        sheets = {
            sheet.consult_id: sheet
            for sheet in EmbossSheet.objects.filter(consult_id__in=ids).select_related(
                "casemanager", "responsible_gp"
            )
        }
        evaluations = evaluations_of(ids)
        return {
            consult.pk: findings_of(
                cards.get(consult.pk), sheets.get(consult.pk), evaluations[consult.pk]
            )
            for consult in consults
        }

    def recorded_data(self, consult: Consult) -> dict[str, Any]:
        return self.recorded_data_for([consult])[consult.pk]

    def recorded_data_for(self, consults: Sequence[Consult]) -> dict[int, dict[str, Any]]:
        """Four queries for all consults: the sheets, the cards, their marks, the
        evaluations."""
        ids = [consult.pk for consult in consults]
        sheets = {
            sheet.consult_id: sheet for sheet in EmbossSheet.objects.filter(consult_id__in=ids)
        }
        cards: dict[int | None, list[Card]] = {pk: [] for pk in ids}
        for card in Card.objects.filter(consult_id__in=ids).prefetch_related(marks_in_order()):
            cards[card.consult_id].append(card)
        evaluations = evaluations_of(ids)
        recorded: dict[int, dict[str, Any]] = {}
        for consult in consults:
            sheet = sheets.get(consult.pk)
            recorded[consult.pk] = {
                "cycle": consult.session_number,
                "cards": [
                    {
                        "source": str(card.get_source_display()),
                        "filled_on": card.filled_on.isoformat(),
                        "marks": [
                            {
                                "domain": str(BY_KEY[m.domain].label),
                                "state": str(m.get_state_display()),
                                "matters_most": m.matters_most,
                                "words": m.words,
                            }
                            for m in card.marks.all()
                            if m.domain in BY_KEY
                        ],
                    }
                    for card in cards[consult.pk]
                ],
                "conversation": sheet.conversation if sheet else "",
                "priorities": sheet.priorities if sheet else "",
                "own_actions": sheet.own_actions if sheet else "",
                "evaluation": [
                    {
                        "goal": e.goal.text,
                        "score": e.score,
                        "outcome": str(e.get_outcome_display()),
                        "patient_says": e.patient_says,
                    }
                    for e in evaluations[consult.pk]
                ],
            }
        return recorded

    def goal_suggestions(self, consult: Consult) -> list[GoalSuggestion]:
        """What worries the patient or matters most on the card, in their words."""
        card = _card_together(consult)
        if card is None:
            return []
        marked = [m for m in card.marks.all() if m.matters_most or m.state == "zorgen"]
        marked.sort(key=lambda m: (not m.matters_most, _order(m.domain)))
        return [
            GoalSuggestion(
                key=f"emboss_mark:{m.public_id}",
                text=m.words or str(BY_KEY[m.domain].label),
                domain_key=m.domain,
            )
            for m in marked
            if m.domain in BY_KEY
        ]

    def timeline(self, consults: Sequence[Consult]) -> Timeline:
        """Per cycle how many goals were reached, as a line over the cycles: one query
        for all the evaluations."""
        evaluations: dict[int, list[GoalEvaluation]] = {c.pk: [] for c in consults}
        for evaluation in GoalEvaluation.objects.filter(consult__in=consults):
            evaluations[evaluation.consult_id].append(evaluation)
        summaries, points = {}, []
        for consult in sorted(consults, key=lambda c: c.started_at):
            evaluated = [e for e in evaluations[consult.pk] if e.outcome or e.score is not None]
            reached = sum(1 for e in evaluated if e.reached)
            if evaluated:
                summaries[consult.pk] = _(
                    "Cycle %(number)d: %(reached)d of %(total)d goals reached"
                ) % {"number": consult.session_number, "reached": reached, "total": len(evaluated)}
                points.append(SeriesPoint(on=timezone.localdate(consult.started_at), value=reached))
            else:
                summaries[consult.pk] = _("Cycle %(number)d: %(steps)s") % {
                    "number": consult.session_number,
                    "steps": self.steps_summary(consult),
                }
        series = []
        if points:
            top = max(point.value for point in points)
            series.append(
                TimelineSeries(
                    key="emboss-doelen",
                    title=_("EMBOSS: goals reached per cycle"),
                    lines=[SeriesLine(label=_("Goals reached"), points=points)],
                    y_min=0,
                    y_max=max(5, top),
                )
            )
        return Timeline(summaries=summaries, series=series)


def _order(domain: str) -> int:
    return [d.key for d in DOMAINS].index(domain) if domain in BY_KEY else len(DOMAINS)


def _scale_text(goal: Goal) -> str:
    scale = getattr(goal, "scale", None)
    if scale is None or not (scale.less or scale.as_hoped or scale.more):
        return ""
    return " · ".join(
        f"{label} {text}"
        for label, text in ((-1, scale.less), (0, scale.as_hoped), (1, scale.more))
        if text
    )


HOME_SCREENS = tuple(
    EntryScreen(key=d.key, title=d.label, form_class=HomeMarkForm, intro=d.question)
    for d in DOMAINS
)

EMBOSS = EmbossModel(
    slug="emboss",
    name=gettext_lazy("EMBOSS seven steps"),
    for_whom=gettext_lazy(
        "For patients with low health literacy or low income: a cycle in plain language, "
        "with teach-back."
    ),
    steps=(
        Step(
            "voorbereiden",
            gettext_lazy("Prepare with the conversation card"),
            gettext_lazy("What goes well, what worries, what matters most? The patient marks it."),
        ),
        Step(
            "gesprek",
            gettext_lazy("Conversation about health and daily life"),
            gettext_lazy("Talk about the domains on the card, in the patient's words."),
        ),
        Step(
            "prioriteiten",
            gettext_lazy("Set priorities"),
            gettext_lazy("Few points at once: what does the patient want to work on first?"),
        ),
        Step(
            "doelen",
            gettext_lazy("Choose goals and make the plan"),
            gettext_lazy(
                "Goals in the patient's own words, and what as hoped would look like. "
                "Check the plan by teach-back before this step is done."
            ),
        ),
        Step(
            "vastleggen",
            gettext_lazy("Put the plan on paper"),
            gettext_lazy("Who is casemanager, who is finally responsible, where the plan is kept."),
        ),
        Step(
            "aan-de-slag",
            gettext_lazy("Getting going"),
            gettext_lazy("What the patient does themselves, and who helps."),
        ),
        Step(
            "evalueren",
            gettext_lazy("Evaluate"),
            gettext_lazy("Per goal and agreement: how did it go? Then start the next cycle."),
        ),
    ),
    domains=tuple(Domain(d.key, d.label, d.themes) for d in DOMAINS),
    suggestions_step="doelen",
    continuable=True,
    session_label=gettext_lazy("cycle"),
    session_count=ngettext_lazy("%(count)s cycle", "%(count)s cycles", "count"),
    teach_back_required=True,
    audit_labels={
        "emboss_sheet": gettext_lazy("EMBOSS conversation"),
        "emboss_card": gettext_lazy("EMBOSS: conversation card"),
        "emboss_mark": gettext_lazy("EMBOSS: mark on the card"),
        "emboss_goal_scale": gettext_lazy("EMBOSS: goal scale"),
        "emboss_goal_evaluation": gettext_lazy("EMBOSS: evaluation of a goal"),
        "emboss_agreement_check": gettext_lazy("EMBOSS: check of an agreement"),
    },
    chart_key=gettext_lazy(
        "A tick: this goes well. An exclamation mark: this worries you. A star: this matters "
        "most to you."
    ),
    patient_entries=(
        PatientEntry(
            purpose="kaart",
            title=gettext_lazy("EMBOSS conversation card"),
            patient_title=gettext_lazy("Your conversation card"),
            patient_intro=gettext_lazy(
                "Seven parts of your life. For each: does it go well, or do you worry about "
                "it? And what matters most to you?"
            ),
            screens=HOME_SCREENS,
        ),
    ),
)


def _card_together(consult: Consult) -> Card | None:
    """The conversation card the patient and the professional filled in together."""
    return one_or_none(
        Card.objects.filter(consult=consult, source="samen").prefetch_related("marks")
    )
