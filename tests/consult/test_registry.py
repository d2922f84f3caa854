"""A new conversation model plugs in without any change to `consult`."""

import pytest
from django import forms
from django.urls import reverse

from consult.access import Actor
from consult.models import Consult
from consult.registry import (
    AnswerLine,
    ConversationModel,
    EntryScreen,
    Step,
    conversation_models,
    register,
    unregister,
)
from consult.services.consults import consult_start
from tests.conftest import client_for
from tests.factories import ConsentFactory


def test_the_installed_model_apps_register_themselves():
    """Each model app registers in its ready(); a fifth app adds to the list."""
    slugs = {model.slug for model in conversation_models()}
    assert {"4d", "spinnenweb", "kop", "emboss"} <= slugs
    assert len(slugs) == len(conversation_models())
    for model in conversation_models():
        assert model.steps
        assert model.for_whom


@pytest.fixture
def throwaway_model():
    model = ConversationModel(
        slug="proef",
        name="Proefmodel",
        for_whom="Alleen voor deze test.",
        steps=(Step("een", "Stap een"), Step("twee", "Stap twee")),
    )
    register(model)
    yield model
    unregister(model.slug)


@pytest.mark.django_db
def test_a_registered_model_can_be_chosen_and_started(throwaway_model, huisarts_a, practice_a):
    consent = ConsentFactory.create(patient__practice=practice_a)
    client = client_for(huisarts_a)
    page = client.get(
        reverse("patient_detail", kwargs={"patient_id": consent.patient.public_id})
    ).content.decode()
    assert "Proefmodel" in page
    assert "Alleen voor deze test." in page
    consult = consult_start(
        actor=Actor(user=huisarts_a), patient=consent.patient, model_slug="proef"
    )
    page = client.get(
        reverse("consult_detail", kwargs={"consult_id": consult.public_id})
    ).content.decode()
    assert "Stap een" in page
    assert "Stap twee" in page
    assert Consult.objects.get().model_slug == "proef"


def test_two_different_models_cannot_share_a_slug(throwaway_model):
    with pytest.raises(ValueError, match="already registered"):
        register(ConversationModel(slug="proef", name="Ander", for_whom="x"))


@pytest.mark.django_db
def test_the_engine_walks_a_new_model_from_first_to_last_step(
    throwaway_model, huisarts_a, practice_a
):
    consent = ConsentFactory.create(patient__practice=practice_a)
    consult = consult_start(
        actor=Actor(user=huisarts_a), patient=consent.patient, model_slug="proef"
    )
    client = client_for(huisarts_a)
    workspace = reverse("consult_detail", kwargs={"consult_id": consult.public_id})
    assert "Stap 1: Stap een" in client.get(workspace).content.decode()
    response = client.post(
        reverse("step_done", kwargs={"consult_id": consult.public_id, "step_slug": "een"})
    )
    assert response["Location"].endswith("/stap/twee/")
    assert "Stap 2: Stap twee" in client.get(workspace).content.decode()
    client.post(reverse("step_done", kwargs={"consult_id": consult.public_id, "step_slug": "twee"}))
    consult.refresh_from_db()
    assert consult.completed_steps == ["een", "twee"]


@pytest.mark.django_db
def test_a_consult_whose_model_is_gone_answers_404(throwaway_model, huisarts_a, practice_a):
    consent = ConsentFactory.create(patient__practice=practice_a)
    consult = consult_start(
        actor=Actor(user=huisarts_a), patient=consent.patient, model_slug="proef"
    )
    unregister("proef")
    url = reverse("consult_detail", kwargs={"consult_id": consult.public_id})
    assert client_for(huisarts_a).get(url).status_code == 404


class _EveryKindOfAnswer(forms.Form):
    feeling = forms.ChoiceField(choices=[("goed", "Gaat goed"), ("", "Weet ik niet")])
    days = forms.MultipleChoiceField(choices=[("ma", "maandag"), ("di", "dinsdag")])
    score = forms.IntegerField()
    talk = forms.BooleanField(label="Hier wil ik over praten")
    words = forms.CharField()


def test_a_screen_tells_its_answers_back_in_words():
    screen = EntryScreen(
        "thuis", "Thuis", _EveryKindOfAnswer, answer_formats={"score": "Je cijfer: %(answer)s"}
    )
    told = screen.answer_lines(
        {"feeling": "", "days": ["di", "ma"], "score": 0, "talk": True, "words": "Moe"}
    )
    assert told == [
        AnswerLine("Weet ik niet"),
        AnswerLine("maandag, dinsdag"),
        AnswerLine("Je cijfer: 0"),
        AnswerLine("Hier wil ik over praten"),
        AnswerLine("Moe", own_words=True),
    ]
    assert screen.answer_lines({"feeling": "kapot", "days": [], "talk": False, "words": ""}) == []
