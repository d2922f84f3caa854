"""After an action in the plan panel the server names where the keyboard focus goes
next (the Focus-Next header, read by static/js/focus.js): the element must be in the
panel it answers with, or the focus falls back to a less useful place."""

import re

import pytest
from django.urls import reverse

from consult.access import Actor
from consult.models import Goal
from consult.services.plans import agreement_add, goal_add, item_remove, network_add
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Target": "plan-panel"}


def act(user, consult, name, data=None, **kwargs):
    url = reverse(name, kwargs={"consult_id": consult.public_id, **kwargs})
    response = client_for(user).post(url, data or {}, headers=HTMX)
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def first_present(response) -> str:
    """The first id the header names that the answer holds (as the page would pick)."""
    named = response.headers.get("Focus-Next", "").split()
    assert named, "the answer names no element to focus"
    ids = set(re.findall(r'\bid="([^"]+)"', response.content.decode()))
    return next((each for each in named if each in ids), "")


@pytest.fixture
def goals(consult_4d, huisarts_a) -> list[Goal]:
    actor = Actor(user=huisarts_a)
    return [goal_add(actor=actor, consult=consult_4d, text=text) for text in ("Rust", "Sporten")]


def test_after_adding_a_goal_the_focus_goes_to_its_words(huisarts_a, consult_4d):
    response = act(huisarts_a, consult_4d, "goal_add", {"new-goal-text": "Weer slapen"})
    goal = Goal.objects.get(text="Weer slapen")
    assert first_present(response) == f"id_{goal.public_id}-text"


def test_after_moving_a_goal_the_focus_stays_on_its_button(huisarts_a, consult_4d, goals):
    second = goals[1]
    response = act(
        huisarts_a, consult_4d, "goal_move", goal_id=second.public_id, direction="omhoog"
    )
    # At the top now: "higher" is gone, so its other move button.
    assert first_present(response) == f"goal_move-{second.public_id}-omlaag"
    response = act(
        huisarts_a, consult_4d, "goal_move", goal_id=second.public_id, direction="omlaag"
    )
    assert first_present(response) == f"goal_move-{second.public_id}-omhoog"


def test_after_removing_or_restoring_the_focus_goes_to_the_list(huisarts_a, consult_4d, goals):
    response = act(huisarts_a, consult_4d, "goal_remove", goal_id=goals[0].public_id)
    assert first_present(response) == "goal-list"
    response = act(huisarts_a, consult_4d, "goal_restore", goal_id=goals[0].public_id)
    assert first_present(response) == "goal-list"


def test_agreements_and_network_name_their_lists(huisarts_a, consult_4d, goals):
    actor = Actor(user=huisarts_a)
    goal = goals[0]
    first, second = (
        agreement_add(actor=actor, consult=consult_4d, goal=goal, what=what)
        for what in ("Wandelen", "Fietsen")
    )
    response = act(
        huisarts_a, consult_4d, "agreement_move", agreement_id=second.public_id, direction="omhoog"
    )
    assert first_present(response) == f"agreement_move-{second.public_id}-omlaag"
    response = act(huisarts_a, consult_4d, "agreement_remove", agreement_id=first.public_id)
    assert first_present(response) == f"agreements-{goal.public_id}"
    member = network_add(actor=actor, consult=consult_4d, name="Buurvrouw")
    network_add(actor=actor, consult=consult_4d, name="Zoon")
    response = act(huisarts_a, consult_4d, "network_remove", member_id=member.public_id)
    assert first_present(response) == "network-list"
    item_remove(actor=actor, consult=consult_4d, item=second, kind="agreement")
    response = act(huisarts_a, consult_4d, "agreement_restore", agreement_id=second.public_id)
    assert first_present(response) == f"agreements-{goal.public_id}"
