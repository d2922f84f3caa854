"""A fifth conversation model that exists only in the tests. It is built from the
published API alone (`consult.conversation_api` and `consult.models`) and uses every
hook: its own URL, a continuation, a flag, a patient link, a timeline series. It
shows that a model plugs in without a change under consult/."""

import importlib
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, clear_url_caches, path

from consult.conversation_api import (
    Actor,
    ConversationModel,
    Domain,
    EntryScreen,
    FlagLevel,
    GoalSuggestion,
    PatientEntry,
    SeriesLine,
    SeriesPoint,
    Step,
    Timeline,
    TimelineSeries,
    consult_start,
    flag_raise,
    register,
    step_action,
)
from consult.models import Consult, Goal, Patient, PatientLink, User

SLUG = "proef"


class ScoreForm(forms.Form):
    score = forms.IntegerField(label="Je cijfer", min_value=0, max_value=10)


class WordsForm(forms.Form):
    words = forms.CharField(label="In je eigen woorden", max_length=200, required=False)


@step_action
def raise_worry(request: HttpRequest, actor: Actor, consult: Consult) -> None:
    flag_raise(
        actor=actor,
        consult=consult,
        source_key=f"{SLUG}:zorg",
        level=FlagLevel.RISK,
        text=request.POST.get("text", ""),
    )


@dataclass(frozen=True)
class ThrowawayModel(ConversationModel):
    calls: list[tuple[str, Any]] = field(default_factory=list, compare=False, hash=False)

    def consult_urls(self) -> Sequence[URLPattern | URLResolver]:
        return [path("zorg/", raise_worry, name="proef_raise_worry")]

    def on_continue(self, *, consult: Consult, previous: Consult, actor: Actor) -> None:
        self.calls.append(("continue", (consult.pk, previous.pk)))

    def on_step_done(self, *, consult: Consult, step: Step, actor: Actor) -> None:
        has_goal = Goal.objects.active().filter(plan__patient_id=consult.patient_id).exists()
        if step.slug == "twee" and not has_goal:
            raise ValidationError("Eerst een doel, dan stap twee.")

    def on_finish(self, *, consult: Consult, actor: Actor) -> None:
        self.calls.append(("finish", consult.pk))

    def on_patient_entry_done(self, *, link: PatientLink) -> None:
        self.calls.append(("entry", link.answers))

    def goal_suggestions(self, consult: Consult) -> list[GoalSuggestion]:
        return [GoalSuggestion(key=f"{SLUG}:rust", text="Rust in mijn hoofd", domain_key="geld")]

    def seed_demo(self, *, patients: Mapping[str, Patient], staff: Mapping[str, User]) -> None:
        patient = next(iter(patients.values()))
        if not patient.consults.filter(model_slug=SLUG).exists():
            consult_start(actor=Actor(user=staff["huisarts"]), patient=patient, model_slug=SLUG)

    def timeline(self, consults: Sequence[Consult]) -> Timeline:
        """Summaries without a query; the scores the patient sent from home as a
        series, in one query however many there are."""
        patient_ids = {consult.patient_id for consult in consults}
        sent = PatientLink.objects.filter(
            patient_id__in=patient_ids, model_slug=SLUG, completed_at__isnull=False
        ).order_by("completed_at")
        points = [
            SeriesPoint(on=link.completed_at.date(), value=link.answers["cijfer"]["score"])
            for link in sent
            if link.completed_at and "cijfer" in link.answers
        ]
        return Timeline(
            summaries={c.pk: f"Proefronde {c.session_number}" for c in consults},
            series=[
                TimelineSeries(
                    key="proef-cijfer",
                    title="Proefcijfer van thuis",
                    lines=[SeriesLine(label="Cijfer", points=points)],
                )
            ],
        )


def make_throwaway_model() -> ThrowawayModel:
    return ThrowawayModel(
        slug=SLUG,
        name="Proefmodel",
        for_whom="Alleen voor de tests.",
        steps=(Step("een", "Stap een"), Step("twee", "Stap twee")),
        domains=(Domain("geld", "Geld", ("geld-en-schulden",)),),
        suggestions_step="twee",
        continuable=True,
        session_label="ronde",
        patient_entries=(
            PatientEntry(
                purpose="thuis",
                title="Proef thuis invullen",
                patient_title="Hoe gaat het met je?",
                screens=(
                    EntryScreen("cijfer", "Welk cijfer geef je?", ScoreForm),
                    EntryScreen("woorden", "Wat wil je nog zeggen?", WordsForm),
                ),
            ),
        ),
    )


def reload_urls() -> None:
    """Models register before the URLconf loads; a model registered during a test run
    needs the URLconf built again."""
    for name in ("consult.urls", settings.ROOT_URLCONF):
        if name in sys.modules:
            importlib.reload(sys.modules[name])
    clear_url_caches()


@pytest.fixture
def throwaway_model() -> Iterator[ThrowawayModel]:
    from consult.registry import unregister

    model = make_throwaway_model()
    register(model)
    reload_urls()
    yield model
    unregister(SLUG)
    reload_urls()
