"""The teach-back (terugvraagmethode) covers the plan the patient told back: once the
goals change, the printed plan no longer says the patient told back "this plan", and
the plan panel asks to check it again. EMBOSS asks for it in every cycle."""

import re

import pytest
from django.urls import reverse

from consult.access import Actor
from consult.models import Consult
from consult.services.consults import consult_start
from consult.services.plans import (
    agreement_add,
    goal_add,
    goal_reach,
    item_remove,
    teach_back_record,
)
from tests.conftest import client_for
from tests.consult.test_plan_panel import autosave
from tests.consult.test_plan_print import pdf_text, print_plan
from tests.factories import ConsentFactory, UserFactory

pytestmark = pytest.mark.django_db

TOLD_BACK = "heb je dit plan in je eigen woorden verteld"
CHANGED_SINCE = "maar de doelen of afspraken zijn daarna veranderd. Check het plan opnieuw."
EARLIER = "in een eerder gesprek. Check het plan in dit gesprek opnieuw."


def printed(user, consult: Consult) -> str:
    return " ".join(pdf_text(print_plan(user, consult)).split())


def teach_back_section(user, consult: Consult) -> str:
    """The panel's teach-back section, its words with the tags that matter to the test:
    whether the form to check again stands open."""
    page = (
        client_for(user)
        .get(reverse("consult_detail", kwargs={"consult_id": consult.public_id}))
        .content.decode()
    )
    section = re.search(r'<section aria-labelledby="teach-back-title".*?</section>', page, re.S)
    assert section, "no teach-back section in the plan panel"
    html = section.group(0).replace("<details open", "[open form]")
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def told_back(user, consult: Consult) -> None:
    teach_back_record(
        actor=Actor(user=user), consult=consult, patient_said="Ik ga eerst de post openmaken."
    )


def test_the_plan_as_told_back_says_so_on_paper_and_in_the_panel(huisarts_a, consult_4d):
    goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Overzicht over mijn geld")
    told_back(huisarts_a, consult_4d)
    assert TOLD_BACK in printed(huisarts_a, consult_4d)
    panel = teach_back_section(huisarts_a, consult_4d)
    assert "✓ Met de patiënt nagelopen op" in panel
    assert CHANGED_SINCE not in panel
    assert "[open form]" not in panel


def test_a_goal_changed_after_the_teach_back_takes_the_line_off_the_plan(huisarts_a, consult_4d):
    goal = goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Beter slapen")
    told_back(huisarts_a, consult_4d)
    saved = autosave(
        client_for(huisarts_a), consult_4d, "goal", goal, text="Beter slapen en minder piekeren"
    )
    assert saved.status_code == 200, saved.content.decode()
    text = printed(huisarts_a, consult_4d)
    assert "Beter slapen en minder piekeren" in text
    assert TOLD_BACK not in text
    panel = teach_back_section(huisarts_a, consult_4d)
    assert CHANGED_SINCE in panel
    assert "Ik ga eerst de post openmaken." in panel  # what was told back stays readable
    assert "[open form]" in panel, "the form to check again stays closed"


@pytest.mark.parametrize("change", ["added", "removed", "reached"])
def test_a_goal_added_removed_or_reached_after_it_counts_too(huisarts_a, consult_4d, change):
    actor = Actor(user=huisarts_a)
    goal = goal_add(actor=actor, consult=consult_4d, text="Beter slapen")
    goal_add(actor=actor, consult=consult_4d, text="Elke dag wandelen")
    told_back(huisarts_a, consult_4d)
    if change == "added":
        goal_add(actor=actor, consult=consult_4d, text="Naar de vrouwengroep")
    elif change == "removed":
        item_remove(actor=actor, consult=consult_4d, item=goal, kind="goal")
    else:
        goal_reach(actor=actor, consult=consult_4d, goal=goal)
    assert TOLD_BACK not in printed(huisarts_a, consult_4d)
    assert CHANGED_SINCE in teach_back_section(huisarts_a, consult_4d)


@pytest.mark.parametrize(
    ("change", "counts"), [("added", True), ("removed", True), ("edited", False)]
)
def test_an_agreement_added_or_removed_after_it_counts_but_not_its_edits(
    huisarts_a, consult_4d, change, counts
):
    """The patient told back what they will do: an agreement that came or went makes it
    another plan. Its words put as the patient said them, who coordinates and when it
    is evaluated, filled in afterwards, do not."""
    actor = Actor(user=huisarts_a)
    goal = goal_add(actor=actor, consult=consult_4d, text="Overzicht over mijn geld")
    agreement = agreement_add(
        actor=actor, consult=consult_4d, goal=goal, what="Elke maandag de post openmaken"
    )
    told_back(huisarts_a, consult_4d)
    if change == "added":
        agreement_add(actor=actor, consult=consult_4d, goal=goal, what="Bellen met schuldhulp")
    elif change == "removed":
        item_remove(actor=actor, consult=consult_4d, item=agreement, kind="agreement")
    else:
        saved = autosave(
            client_for(huisarts_a),
            consult_4d,
            "agreement",
            agreement,
            what="Op maandag de post openmaken, met mijn zus",
            who_kind="patient",
            coordinator="Dr. A",
        )
        assert saved.status_code == 200, saved.content.decode()
    assert (TOLD_BACK in printed(huisarts_a, consult_4d)) is not counts
    panel = teach_back_section(huisarts_a, consult_4d)
    assert (CHANGED_SINCE in panel) is counts
    assert ("[open form]" in panel) is counts


def test_told_back_again_after_the_change_puts_it_back(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    goal_add(actor=actor, consult=consult_4d, text="Beter slapen")
    told_back(huisarts_a, consult_4d)
    goal_add(actor=actor, consult=consult_4d, text="Naar de vrouwengroep")
    told_back(huisarts_a, consult_4d)
    assert TOLD_BACK in printed(huisarts_a, consult_4d)
    assert CHANGED_SINCE not in teach_back_section(huisarts_a, consult_4d)


def test_emboss_asks_for_it_again_in_the_next_cycle(practice_a, patient_a):
    poh_s = UserFactory.create(practice=practice_a, role="poh_s", full_name="POH-S A")
    ConsentFactory.create(patient=patient_a, given_to=poh_s, recorded_by=poh_s)
    actor = Actor(user=poh_s)
    first = consult_start(actor=actor, patient=patient_a, model_slug="emboss")
    goal_add(actor=actor, consult=first, text="Naar de vrouwengroep")
    told_back(poh_s, first)
    client_for(poh_s).post(
        reverse("consult_new", kwargs={"patient_id": patient_a.public_id}),
        {"model_slug": "emboss", "continues": str(first.public_id)},
    )
    second = Consult.objects.get(continues=first)
    panel = teach_back_section(poh_s, second)
    assert EARLIER in panel
    assert "[open form]" in panel
    # The goal did not change: the printed plan may still say it was told back.
    assert TOLD_BACK in printed(poh_s, second)
    told_back(poh_s, second)
    panel = teach_back_section(poh_s, second)
    assert EARLIER not in panel
    assert "✓ Met de patiënt nagelopen op" in panel
    # The first cycle, read back later: the plan was told back since, not before it.
    panel = teach_back_section(poh_s, first)
    assert EARLIER not in panel
    assert "✓ Met de patiënt nagelopen op" in panel
