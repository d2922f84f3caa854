"""The "…leads to" choice beside each entry on the connections step (models_4d/connect.py),
read from the step as the browser gets it, and posted back as the browser would."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from consult.access import Actor
from models_4d.conversation import active_connections
from models_4d.services import connection_add, entry_add
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX_STEP = {"HX-Request": "true", "HX-Target": "step"}


class ConnectForms(HTMLParser):
    """Per connect form on the page: its cause, the label of its select, its select's
    id, and its options as (value, label)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._in_form = False
        self._text_target: list[str] | None = None
        self._in_option = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and "connect-form" in (attributes.get("class") or ""):
            self._in_form = True
            self.forms.append({"options": [], "label": [], "action": attributes["action"]})
        if not self._in_form:
            return
        form = self.forms[-1]
        if tag == "input" and attributes.get("name") == "cause":
            form["cause"] = attributes["value"]
            assert attributes["type"] == "hidden"
        elif tag == "label":
            form["label_for"] = attributes["for"]
            self._text_target = form["label"]
        elif tag == "select":
            assert attributes["name"] == "effect"
            assert "required" in attributes
            form["select_id"] = attributes["id"]
        elif tag == "option":
            form["options"].append([attributes["value"], ""])
            self._in_option = True

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        if tag == "label":
            self._text_target = None
        if tag == "option":
            self._in_option = False

    def handle_data(self, data):
        if self._in_form and self._text_target is not None:
            self._text_target.append(data)
        elif self._in_option:
            self.forms[-1]["options"][-1][1] += data


def connect_forms(client, consult) -> tuple[list[dict], str]:
    url = reverse(
        "consult_step", kwargs={"consult_id": consult.public_id, "step_slug": "verbanden"}
    )
    response = client.get(url, headers=HTMX_STEP)
    assert response.status_code == 200
    parser = ConnectForms()
    html = response.content.decode()
    parser.feed(html)
    return parser.forms, html


def test_each_entry_offers_the_entries_of_other_domains_it_does_not_lead_to_yet(
    huisarts_a, consult_4d
):
    actor = Actor(user=huisarts_a)

    def add(domain, text, kind="speelt"):
        return entry_add(actor=actor, consult=consult_4d, domain=domain, kind=kind, text=text)

    debts = add("maatschappelijk", "Schulden & <rekeningen>")
    stress = add("geest", "Stress")
    calm = add("geest", "Wandelen helpt", kind="helpt")
    headache = add("lichaam", "Hoofdpijn")
    connection_add(actor=actor, consult=consult_4d, cause=debts, effect=stress)

    forms, html = connect_forms(client_for(huisarts_a), consult_4d)

    by_cause = {form["cause"]: form for form in forms}
    assert set(by_cause) == {str(e.public_id) for e in (debts, stress, calm, headache)}
    for form in forms:
        assert form["label_for"] == form["select_id"] == f"id_effect_{form['cause']}"
        assert form["options"][0] == ["", "—"]
    offered = {
        cause: [label for _value, label in form["options"][1:]] for cause, form in by_cause.items()
    }
    # Debts already lead to stress: only the other domains' entries left, in order.
    assert offered[str(debts.public_id)] == ["Geest: Wandelen helpt", "Lichaam: Hoofdpijn"]
    assert offered[str(stress.public_id)] == [
        "Maatschappelijk: Schulden & <rekeningen>",
        "Lichaam: Hoofdpijn",
    ]
    assert "Schulden &amp; &lt;rekeningen&gt;" in html
    assert "<rekeningen>" not in html
    values = {value for form in forms for value, _label in form["options"][1:]}
    assert values == {str(e.public_id) for e in (debts, stress, calm, headache)}


def test_an_entry_with_nothing_left_to_connect_says_so(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    debts = entry_add(
        actor=actor, consult=consult_4d, domain="maatschappelijk", kind="speelt", text="Schulden"
    )
    stress = entry_add(
        actor=actor, consult=consult_4d, domain="geest", kind="speelt", text="Stress"
    )
    connection_add(actor=actor, consult=consult_4d, cause=debts, effect=stress)

    forms, html = connect_forms(client_for(huisarts_a), consult_4d)

    assert [form["cause"] for form in forms] == [str(stress.public_id)]
    assert "Niets meer om het mee te verbinden." in html


def test_a_choice_posted_from_the_page_draws_that_connection(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    debts = entry_add(
        actor=actor, consult=consult_4d, domain="maatschappelijk", kind="speelt", text="Schulden"
    )
    entry_add(actor=actor, consult=consult_4d, domain="geest", kind="speelt", text="Stress")
    headache = entry_add(
        actor=actor, consult=consult_4d, domain="lichaam", kind="speelt", text="Hoofdpijn"
    )
    client = client_for(huisarts_a)
    forms, _html = connect_forms(client, consult_4d)
    form = next(form for form in forms if form["cause"] == str(debts.public_id))
    value = next(value for value, label in form["options"] if label == "Lichaam: Hoofdpijn")

    response = client.post(
        form["action"],
        {"step": "verbanden", "cause": form["cause"], "effect": value},
        headers=HTMX_STEP,
    )

    assert response.status_code == 200
    assert [(c.cause.pk, c.effect.pk) for c in active_connections(consult_4d)] == [
        (debts.pk, headache.pk)
    ]
    forms, _html = connect_forms(client, consult_4d)
    form = next(form for form in forms if form["cause"] == str(debts.public_id))
    assert "Lichaam: Hoofdpijn" not in [label for _value, label in form["options"]]
