"""The plan panel beside every step: the goal in the patient's whole words, agreements
as lines that open to edit, someone close as who does it, evaluation dates someone
could mean, "Gesprek afronden" that asks once, and the 4D priorities that say when two
share a number.

Texts added for issue 9 read in English here until their Dutch is merged into the
catalogue; the patterns accept both."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from consult.access import Actor
from consult.models import Agreement, Consult, Plan, WhoKind
from consult.services.plans import agreement_add, goal_add, plan_for
from models_4d.models import Domain4D, EntryKind, FourDEntry
from models_4d.services import entry_add
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
TOO_FAR_BACK = re.compile(r"Deze datum ligt te ver terug")
TOO_FAR_AHEAD = re.compile(r"Deze datum ligt te ver vooruit")


def step_page(client, consult: Consult, slug: str = "plan") -> str:
    url = reverse("consult_step", kwargs={"consult_id": consult.public_id, "step_slug": slug})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def found(pattern: str, text: str, flags: int = 0) -> re.Match[str]:
    match = re.search(pattern, text, flags)
    assert match, f"not in the page: {pattern}"
    return match


def save_url(consult, kind, record):
    return reverse(
        "autosave",
        kwargs={"consult_id": consult.public_id, "kind": kind, "record_id": record.public_id},
    )


def autosave(client, consult, kind, record, **fields):
    prefix = str(record.public_id)
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    data[f"{prefix}-version"] = record.version
    return client.post(save_url(consult, kind, record), data, headers=HTMX)


# The goal field


def test_the_goal_field_shows_the_patients_whole_words(huisarts_a, consult_4d):
    words = (
        "Ik wil weer overzicht over mijn geld, zodat ik niet meer wakker lig van de brieven "
        "en mijn zus niet steeds hoef te vragen of ze mee wil kijken naar de post."
    )
    goal = goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text=words)
    page = step_page(client_for(huisarts_a), consult_4d)
    # The goal is edited in a field of several lines.
    field = found(rf'<textarea name="{goal.public_id}-text"[^>]*>\s*([^<]*)</textarea>', page)
    assert field.group(1).strip() == words
    rows = int(found(r'rows="(\d+)"', field.group(0)).group(1))
    assert rows * 34 >= len(words), f"{rows} rows are too few for {len(words)} characters"


def test_a_short_goal_gets_a_small_field(huisarts_a, consult_4d):
    goal = goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Beter slapen")
    page = step_page(client_for(huisarts_a), consult_4d)
    field = found(rf'<textarea name="{goal.public_id}-text"[^>]*>', page).group(0)
    assert 'rows="2"' in field


# Agreements


def test_agreements_are_lines_that_open_to_edit(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    goal = goal_add(actor=actor, consult=consult_4d, text="Overzicht over mijn geld")
    on = timezone.localdate() + datetime.timedelta(days=30)
    agreement = agreement_add(
        actor=actor,
        consult=consult_4d,
        goal=goal,
        what="Samen de post openen",
        who_kind=WhoKind.INFORMAL,
        who_name="Anja",
        evaluate_on=on,
    )
    page = step_page(client_for(huisarts_a), consult_4d)
    item = found(r'<li class="agreement">(.*?)</li>\s*</ul>', page, re.DOTALL).group(1)
    # Each agreement is a line (the summary) that opens to its form.
    details = found(r"<details([^>]*)>\s*<summary>(.*?)</summary>(.*?)</details>", item, re.S)
    attributes, summary, body = details.groups()
    assert "open" not in attributes
    assert "Samen de post openen" in summary
    assert "Anja (familie of mantelzorger)" in summary
    assert on.strftime("%d-%m-%Y") in summary
    # The edit form, with the fields that save themselves, is fetched when the line is
    # opened (htmx asks on the details' toggle); without JavaScript the link opens it.
    editor_url = reverse(
        "agreement_editor",
        kwargs={"consult_id": consult_4d.public_id, "agreement_id": agreement.public_id},
    )
    assert f'name="{agreement.public_id}-what"' not in body
    assert f'hx-get="{editor_url}"' in body
    assert 'hx-trigger="toggle once' in body
    assert f'<a href="{editor_url}">' in body
    client = client_for(huisarts_a)
    editor = client.get(editor_url, headers={"HX-Request": "true"}).content.decode()
    assert f'name="{agreement.public_id}-what"' in editor
    assert f'name="{agreement.public_id}-who_kind"' in editor
    assert "Afspraak verwijderen" in editor
    assert "<html" not in editor
    page_without_js = client.get(editor_url).content.decode()
    assert "<html" in page_without_js
    assert f'name="{agreement.public_id}-what"' in page_without_js
    assert "Terug naar het gesprek" in page_without_js


def test_an_agreement_editor_of_another_practice_is_not_found(huisarts_a, huisarts_b, consult_4d):
    goal = goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Rust")
    agreement = agreement_add(
        actor=Actor(user=huisarts_a), consult=consult_4d, goal=goal, what="Wandelen"
    )
    url = reverse(
        "agreement_editor",
        kwargs={"consult_id": consult_4d.public_id, "agreement_id": agreement.public_id},
    )
    response = client_for(huisarts_b).get(url, headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "Wandelen" not in response.content.decode()


def test_someone_close_can_do_it_by_name(huisarts_a, consult_4d):
    goal = goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Mijn post bijhouden")
    prefix = f"new-{goal.public_id}"
    client = client_for(huisarts_a)
    page = step_page(client, consult_4d)
    add_form_url = reverse(
        "agreement_add_form",
        kwargs={"consult_id": consult_4d.public_id, "goal_id": goal.public_id},
    )
    assert f'hx-get="{add_form_url}"' in page  # fetched when "Add an agreement" opens
    form = client.get(add_form_url, headers={"HX-Request": "true"}).content.decode()
    assert f'<option value="{WhoKind.INFORMAL}">' in form
    assert f'name="{prefix}-what"' in form
    page_without_js = client.get(add_form_url).content.decode()
    assert "<html" in page_without_js
    assert f'name="{prefix}-what"' in page_without_js
    client.post(
        reverse(
            "agreement_add", kwargs={"consult_id": consult_4d.public_id, "goal_id": goal.public_id}
        ),
        {
            f"{prefix}-what": "Komt elke maandag langs voor de post",
            f"{prefix}-who_kind": WhoKind.INFORMAL,
            f"{prefix}-who_name": "Dochter Sanne",
        },
    )
    agreement = Agreement.objects.get()
    assert (agreement.who_kind, agreement.who_name) == (WhoKind.INFORMAL, "Dochter Sanne")
    # The name with its role, as the printed plan has it: not "(een familielid of ...)".
    assert agreement.who_display() == "Dochter Sanne (familie of mantelzorger)"


# Evaluation dates


@pytest.mark.parametrize("typed", ["0001-01-01", "1999-12-31"])
def test_a_new_agreement_with_a_date_long_past_is_refused_at_the_field(
    huisarts_a, consult_4d, typed
):
    goal = goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Beter slapen")
    prefix = f"new-{goal.public_id}"
    response = client_for(huisarts_a).post(
        reverse(
            "agreement_add", kwargs={"consult_id": consult_4d.public_id, "goal_id": goal.public_id}
        ),
        {
            f"{prefix}-what": "Vroeg naar bed",
            f"{prefix}-who_kind": "patient",
            f"{prefix}-evaluate_on": typed,
        },
        headers=HTMX,
    )
    assert response.status_code == 422
    assert TOO_FAR_BACK.search(response.content.decode())
    assert not Agreement.objects.exists()


def test_autosave_refuses_an_evaluation_date_out_of_range(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    goal = goal_add(actor=actor, consult=consult_4d, text="Beter slapen")
    agreement = agreement_add(actor=actor, consult=consult_4d, goal=goal, what="Vroeg naar bed")
    client = client_for(huisarts_a)
    today = timezone.localdate()

    back = autosave(client, consult_4d, "agreement", agreement, evaluate_on="0001-01-01")
    assert back.status_code == 422
    assert TOO_FAR_BACK.search(back.content.decode())
    ahead = autosave(
        client, consult_4d, "agreement", agreement, evaluate_on=f"{today.year + 6}-01-01"
    )
    assert ahead.status_code == 422
    assert TOO_FAR_AHEAD.search(ahead.content.decode())
    agreement.refresh_from_db()
    assert agreement.evaluate_on is None

    fine = today + datetime.timedelta(weeks=6)
    assert autosave(client, consult_4d, "agreement", agreement, evaluate_on=fine).status_code == 200
    agreement.refresh_from_db()
    assert agreement.evaluate_on == fine


def test_the_plans_next_evaluation_is_checked_too(huisarts_a, consult_4d):
    plan = plan_for(consult_4d)
    client = client_for(huisarts_a)
    response = autosave(client, consult_4d, "plan", plan, next_evaluation_on="0001-01-01")
    assert response.status_code == 422
    plan.refresh_from_db()
    assert plan.next_evaluation_on is None
    page = step_page(client, consult_4d)
    field = found(rf'<input type="date" name="{plan.public_id}-next_evaluation_on"[^>]*>', page)
    today = timezone.localdate()
    assert f'min="{today - datetime.timedelta(days=365):%Y-%m-%d}"' in field.group(0)
    assert f'max="{today.year + 5}-' in field.group(0)


def test_a_date_stored_long_ago_does_not_block_saving_the_rest(huisarts_a, consult_4d):
    """Without JavaScript the whole form is posted, the old date with it: still saved."""
    actor = Actor(user=huisarts_a)
    goal = goal_add(actor=actor, consult=consult_4d, text="Beter slapen")
    agreement = agreement_add(actor=actor, consult=consult_4d, goal=goal, what="Vroeg naar bed")
    old = timezone.localdate() - datetime.timedelta(days=800)
    Agreement.objects.filter(pk=agreement.pk).update(evaluate_on=old)
    agreement.refresh_from_db()
    response = autosave(
        client_for(huisarts_a),
        consult_4d,
        "agreement",
        agreement,
        what="Om elf uur naar bed",
        who_kind="patient",
        evaluate_on=old.isoformat(),
    )
    assert response.status_code == 200
    agreement.refresh_from_db()
    assert (agreement.what, agreement.evaluate_on) == ("Om elf uur naar bed", old)


def test_the_model_refuses_a_date_nobody_means(huisarts_a, consult_4d):
    """Also where no form is involved: a service call."""
    from django.core.exceptions import ValidationError

    goal = goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Beter slapen")
    with pytest.raises(ValidationError):
        agreement_add(
            actor=Actor(user=huisarts_a),
            consult=consult_4d,
            goal=goal,
            what="Vroeg naar bed",
            evaluate_on=datetime.date(1, 1, 1),
        )
    plan = Plan.objects.get(patient=consult_4d.patient)
    plan.next_evaluation_on = timezone.localdate() + datetime.timedelta(days=6 * 366)
    with pytest.raises(ValidationError):
        plan.full_clean()


# Finishing the conversation


def finish_url(consult):
    return reverse("consult_finish", kwargs={"consult_id": consult.public_id})


def test_finishing_asks_once_in_place(huisarts_a, consult_4d):
    client = client_for(huisarts_a)
    first = client.post(finish_url(consult_4d), headers=HTMX)
    content = first.content.decode()
    assert first.status_code == 200
    assert "<html" not in content
    assert 'name="confirm" value="yes"' in content
    assert 'name="confirm" value="no"' in content
    assert re.search(r"Weet je het zeker", content)
    consult_4d.refresh_from_db()
    assert consult_4d.finished_at is None

    not_yet = client.post(finish_url(consult_4d), {"confirm": "no"}, headers=HTMX)
    assert "Gesprek afronden" in not_yet.content.decode()
    assert 'name="confirm"' not in not_yet.content.decode()
    consult_4d.refresh_from_db()
    assert consult_4d.finished_at is None

    done = client.post(finish_url(consult_4d), {"confirm": "yes"}, headers=HTMX)
    assert done["HX-Redirect"] == reverse(
        "consult_detail", kwargs={"consult_id": consult_4d.public_id}
    )
    consult_4d.refresh_from_db()
    assert consult_4d.finished_at is not None


def test_finishing_without_javascript_asks_on_a_page_of_its_own(huisarts_a, consult_4d):
    client = client_for(huisarts_a)
    page = client.post(finish_url(consult_4d))
    content = page.content.decode()
    assert page.status_code == 200
    assert "<html" in content
    assert f'action="{finish_url(consult_4d)}"' in content
    assert 'name="confirm" value="yes"' in content
    consult_4d.refresh_from_db()
    assert consult_4d.finished_at is None

    assert client.post(finish_url(consult_4d), {"confirm": "no"})["Location"] == reverse(
        "consult_detail", kwargs={"consult_id": consult_4d.public_id}
    )
    client.post(finish_url(consult_4d), {"confirm": "yes"})
    consult_4d.refresh_from_db()
    assert consult_4d.finished_at is not None


def test_finishing_is_closed_to_other_practices(huisarts_b, consult_4d):
    for data in ({}, {"confirm": "yes"}):
        assert client_for(huisarts_b).post(finish_url(consult_4d), data).status_code == 404
    consult_4d.refresh_from_db()
    assert consult_4d.finished_at is None


# 4D priorities


def test_two_priorities_with_the_same_number_are_both_marked(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    debts, sleep, worry = (
        entry_add(actor=actor, consult=consult_4d, domain=domain, kind=EntryKind.PLAYS, text=text)
        for domain, text in (
            (Domain4D.MAATSCHAPPELIJK, "Schulden"),
            (Domain4D.LICHAAM, "Slecht slapen"),
            (Domain4D.GEEST, "Piekeren"),
        )
    )
    FourDEntry.objects.filter(pk__in=[debts.pk, sleep.pk]).update(priority=1)
    FourDEntry.objects.filter(pk=worry.pk).update(priority=2)
    page = step_page(client_for(huisarts_a), consult_4d, "prioriteiten")

    def warning(entry):
        return found(
            rf'<span class="field-warning" id="priority-warning-{entry.public_id}"[^>]*>(.*?)</span>',
            page,
            re.DOTALL,
        ).group(1)

    assert "Slecht slapen" in warning(debts)
    assert "Schulden" in warning(sleep)
    assert warning(worry).strip() == ""
    # The warning describes the select it belongs to.
    assert f'aria-describedby="priority-warning-{debts.public_id}"' in page
    # After each save the warnings are read again, without replacing the selects.
    assert 'hx-select-oob="' in page
    assert f"#priority-warning-{worry.public_id}:innerHTML" in page


def test_different_numbers_carry_no_warning(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    for number, text in enumerate(("Schulden", "Slecht slapen"), start=1):
        entry = entry_add(
            actor=actor,
            consult=consult_4d,
            domain=Domain4D.MAATSCHAPPELIJK,
            kind=EntryKind.PLAYS,
            text=text,
        )
        FourDEntry.objects.filter(pk=entry.pk).update(priority=number)
    page = step_page(client_for(huisarts_a), consult_4d, "prioriteiten")
    warnings = re.findall(r'<span class="field-warning"[^>]*>(.*?)</span>', page, re.DOTALL)
    assert len(warnings) == 2
    assert all(not text.strip() for text in warnings)


# Without JavaScript a refused plan form answers with a page of its own


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("goal_add", {"new-goal-text": ""}, "Dit veld is verplicht."),
        ("goal_add", {"new-goal-text": "x" * 301}, "niet meer dan 300 tekens"),
        ("agreement_add", {"what": "", "evaluate_on": "morgen"}, "Dit veld is verplicht."),
        ("agreement_add", {"what": "Bellen", "evaluate_on": "0001-01-01"}, "te ver terug"),
        (
            "network_add",
            {"new-member-name": "", "new-member-phone": "12"},
            "Dit veld is verplicht.",
        ),
        ("teach_back_add", {"terugvragen-patient_said": ""}, "Dit veld is verplicht."),
        ("referral_add", {"service": "geen-dienst"}, "Kies een dienst van de sociale kaart."),
    ],
)
def test_a_refused_plan_form_without_javascript_says_why(
    huisarts_a, consult_4d, action, data, message
):
    goal = goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Beter slapen")
    kwargs: dict[str, object] = {"consult_id": consult_4d.public_id}
    if action in {"agreement_add", "referral_add"}:
        kwargs["goal_id"] = goal.public_id
    if action == "agreement_add":
        data = {f"new-{goal.public_id}-{name}": value for name, value in data.items()}
    plan = plan_for(consult_4d)
    before = (plan.goals.count(), Agreement.objects.count(), plan.network.count())
    response = client_for(huisarts_a).post(reverse(action, kwargs=kwargs), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "<h1>Niet opgeslagen</h1>" in page
    assert message in page
    assert "Terug naar het gesprek" in page
    assert (plan.goals.count(), Agreement.objects.count(), plan.network.count()) == before
