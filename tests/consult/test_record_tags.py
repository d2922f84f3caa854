"""The forms of `{% load records %}` as a browser without JavaScript posts them: the
autosave form of a record (`{% record_form_open %}`, with its status line) and a plan
button (`{% plan_button %}`). The forms are read from the page and sent back with the
values the page holds, as a browser sends them."""

import datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from consult.access import Actor
from consult.models import Agreement, Goal
from consult.services.plans import agreement_add, goal_add
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


class Forms(HTMLParser):
    """Every form of a page: its attributes and the fields it would submit."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.ids: dict[str, dict[str, str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if "id" in found:
            self.ids[found["id"]] = found
        if tag == "form":
            self.forms.append({"attrs": found, "fields": [], "buttons": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and "name" in found and found.get("type") != "checkbox":
            fields.append((found["name"], found.get("value", "")))
        elif tag == "textarea":
            self._textarea = found["name"]
            fields.append((found["name"], ""))
        elif tag == "select":
            self._select = found["name"]
        elif tag == "option" and self._select and "selected" in found:
            fields.append((self._select, found.get("value", "")))
        elif tag == "button":
            self.forms[-1]["buttons"].append(found)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_of(html: str) -> Forms:
    parser = Forms()
    parser.feed(html)
    return parser


@pytest.fixture
def goals(consult_4d, huisarts_a) -> list[Goal]:
    actor = Actor(user=huisarts_a)
    return [
        goal_add(actor=actor, consult=consult_4d, text=text, domain="4d:geest")
        for text in ("Minder zorgen", "Beter slapen")
    ]


@pytest.fixture
def agreement(consult_4d, huisarts_a, goals) -> Agreement:
    return agreement_add(
        actor=Actor(user=huisarts_a),
        consult=consult_4d,
        goal=goals[0],
        what="Elke dag wandelen",
        coordinator="Huisarts",
        evaluate_on=datetime.date.today() + datetime.timedelta(days=60),
    )


def test_an_agreement_form_posted_without_javascript_saves_the_change_and_nothing_else(
    huisarts_a, consult_4d, agreement
):
    client = client_for(huisarts_a)
    url = reverse(
        "agreement_editor",
        kwargs={"consult_id": consult_4d.public_id, "agreement_id": agreement.public_id},
    )
    page = forms_of(client.get(url).content.decode())
    save_url = reverse(
        "autosave",
        kwargs={
            "consult_id": consult_4d.public_id,
            "kind": "agreement",
            "record_id": agreement.public_id,
        },
    )
    form = next(f for f in page.forms if f["attrs"].get("action") == save_url)
    # htmx puts the answer in the status line and shows "Saving…" meanwhile: both exist.
    status = page.ids[form["attrs"]["hx-target"].removeprefix("#")]
    assert status.get("role") == "status"
    assert "saving" in page.ids[form["attrs"]["hx-indicator"].removeprefix("#")]["class"]
    what = f"{agreement.public_id}-what"
    data = [
        (name, "Elke avond wandelen" if name == what else value) for name, value in form["fields"]
    ]
    assert ("csrfmiddlewaretoken", "") not in data
    assert any(name == "csrfmiddlewaretoken" for name, _value in data)

    response = client.post(save_url, _multi(data))

    assert response.status_code == 302
    stored = Agreement.objects.get(pk=agreement.pk)
    assert stored.what == "Elke avond wandelen"
    # The date and the coordinator went back as the page showed them: unchanged.
    assert (stored.evaluate_on, stored.coordinator) == (agreement.evaluate_on, "Huisarts")
    assert stored.version == agreement.version + 1


def test_a_plan_button_posted_without_javascript_moves_the_goal(huisarts_a, consult_4d, goals):
    client = client_for(huisarts_a)
    page_url = reverse("consult_detail", kwargs={"consult_id": consult_4d.public_id})
    page = forms_of(client.get(page_url).content.decode())
    button_id = f"goal_move-{goals[1].public_id}-omhoog"
    form = next(f for f in page.forms if any(b.get("id") == button_id for b in f["buttons"]))
    assert form["attrs"]["hx-post"] == form["attrs"]["action"]
    assert form["attrs"]["hx-target"] == "#plan-panel"

    response = client.post(form["attrs"]["action"], _multi(form["fields"]))

    assert response.status_code == 302
    order = list(
        Goal.objects.filter(plan=goals[0].plan).order_by("position").values_list("text", flat=True)
    )
    assert order == ["Beter slapen", "Minder zorgen"]


def _multi(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data
