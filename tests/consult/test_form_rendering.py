"""The form fields written in Python (consult/form_rendering.py) give the HTML of
Django's own templates: every page of the app, as a treating role and as the
practice's manager and beheerder, with empty and with posted (invalid) forms, is
rendered both ways and compared; a form of every kind of widget is compared field by
field. Whitespace between tags and the per-request tokens are the only differences
allowed."""

import re
from datetime import date

import pytest
from django import forms
from django.test import override_settings

from consult.form_rendering import ProjectFormTemplates, PythonFieldRenderer
from tests.security.conftest import security_world  # noqa: F401 (a fixture)
from tests.security.world import World, rolled_back

pytestmark = pytest.mark.django_db

TEMPLATE_RENDERER = "consult.form_rendering.ProjectFormTemplates"
PYTHON_RENDERER = "consult.form_rendering.PythonFieldRenderer"
TOKENS = re.compile(
    r'(name="csrfmiddlewaretoken" value=")[^"]*|("X-CSRFToken": ")[^"]*|(nonce=")[^"]*'
    r'|(data-idle-[\w-]+=")[^"]*|(data-csrf-token=")[^"]*'
)


UUIDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CLOCK_TIMES = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
# The charts give their title and description ids a random part per drawing.
CHART_IDS = re.compile(r"\b([a-z]+)-[0-9a-f]{8}(?!-[0-9a-f]{4}-)\b")


def normalised(html: str) -> str:
    html = TOKENS.sub(lambda match: next(group for group in match.groups() if group), html)
    html = CHART_IDS.sub(r"\1-id", html)
    # Records a step makes when it is first shown (rolled back after each request) get
    # new ids each time: number the ids in the order they appear.
    numbers: dict[str, str] = {}
    html = UUIDS.sub(lambda m: numbers.setdefault(m.group(), f"uuid{len(numbers)}"), html)
    # The two renderings may fall on either side of a second (the audit trail shows
    # the record of its own reading): times compare as the same.
    html = CLOCK_TIMES.sub("hh:mm", html)
    html = re.sub(r">\s+", ">", html)
    html = re.sub(r"\s+<", "<", html)
    return re.sub(r"\s+", " ", html)


def _first_difference(left: str, right: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(left, right, strict=False)) if a != b), None)
    at = min(len(left), len(right)) if at is None else at
    return f"templates: …{left[at - 120 : at + 120]}…\npython:    …{right[at - 120 : at + 120]}…"


CHECK_FIELD = "components/check_field.html"


class EveryWidget(forms.Form):
    text = forms.CharField(
        label="Wat <speelt>?", help_text="In <em>eigen</em> woorden", max_length=20
    )
    note = forms.CharField(widget=forms.Textarea, required=False, label="Notitie")
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Datum")
    how_many = forms.IntegerField(label="Aantal", required=False)
    agreed = forms.BooleanField(required=False, label="Akkoord")
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    who = forms.ChoiceField(
        choices=[("", "—"), ("Mensen", [("patient", "Patiënt & naaste"), ("poh", "POH")])],
        label="Wie",
    )
    domain = forms.ChoiceField(
        widget=forms.RadioSelect, choices=[("lichaam", "Lichaam"), ("geest", "Geest")]
    )
    themes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        choices=[("geld", "Geld <en> schulden"), ("werk", "Werk")],
        required=False,
    )
    email = forms.EmailField(required=False, label="E-mail")
    # The project's own tick-box field (templates/components/check_field.html).
    talk = forms.BooleanField(
        required=False, label="Hier <wil> ik over praten", template_name=CHECK_FIELD
    )
    agrees = forms.BooleanField(
        label="Ik doe mee", help_text="Vink <em>aan</em>", template_name=CHECK_FIELD
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": "<script>x</script>" * 3, "when": "gisteren", "how_many": "1000", "who": "x"},
        {
            "text": "Goed",
            "note": 'Regel één\n"twee" & <drie>',
            "when": "2026-12-02",
            "agreed": "on",
            "hidden": "h&",
            "who": "poh",
            "domain": "geest",
            "themes": ["geld", "werk"],
            "email": "a@b.example",
            "talk": "on",
            "agrees": "on",
        },
    ],
    ids=["empty", "invalid", "filled"],
)
def test_every_widget_is_written_as_the_templates_write_it(data):
    initial = {"when": date(2026, 1, 31), "how_many": 1234}
    by_templates = EveryWidget(data=data, initial=initial, renderer=ProjectFormTemplates())
    by_python = EveryWidget(data=data, initial=initial, renderer=PythonFieldRenderer())
    assert [field.as_field_group() for field in by_python]  # every field rendered
    for template_field, python_field in zip(by_templates, by_python, strict=True):
        expected = normalised(template_field.as_field_group())
        written = normalised(python_field.as_field_group())
        assert written == expected, _first_difference(expected, written)
    assert normalised(str(by_python)) == normalised(str(by_templates))


def test_an_unknown_template_goes_to_the_engine():
    class WithSplitDate(forms.Form):
        moment = forms.SplitDateTimeField()

    rendered = WithSplitDate(renderer=PythonFieldRenderer())["moment"].as_field_group()
    assert 'name="moment_0"' in rendered
    assert 'name="moment_1"' in rendered


@pytest.fixture
def world(security_world: World) -> World:  # noqa: F811
    return security_world


PERSONAS = ("huisarts_a", "praktijkmanager_a", "beheerder_a")


def test_every_page_is_the_same_with_fields_written_in_python(world):
    """Every page and partial each persona may open, and what an htmx POST without
    data shows them (the forms with their errors)."""
    compared, differences = 0, []
    for persona in PERSONAS:
        client = world.client_for(persona)
        for case in world.url_cases():
            for method, htmx in (("GET", False), ("GET", True), ("POST", True)):
                if method not in case.methods:
                    continue
                headers = {"HX-Request": "true"} if htmx else {}
                bodies = []
                for renderer in (TEMPLATE_RENDERER, PYTHON_RENDERER):
                    # A request may log out or rotate the session: each starts from the
                    # client's cookies as they were.
                    cookies = client.cookies
                    client.cookies = type(cookies)()
                    client.cookies.update(cookies)
                    with override_settings(FORM_RENDERER=renderer), rolled_back():
                        response = (
                            client.get(case.path, headers=headers)
                            if method == "GET"
                            else client.post(case.path, headers=headers)
                        )
                        content = getattr(response, "content", b"")
                    client.cookies = cookies
                    ok = response.status_code < 300 or response.status_code in (400, 409, 422)
                    is_html = response.get("Content-Type", "").startswith("text/html")
                    bodies.append(normalised(content.decode()) if ok and is_html else None)
                if bodies[0] is None:
                    continue
                compared += 1
                if bodies[0] != bodies[1]:
                    differences.append(
                        f"{persona} {method}{' htmx' * htmx} {case.key}:\n"
                        + _first_difference(bodies[0], bodies[1] or "")
                    )
    assert compared > 300
    assert not differences, "\n\n".join(differences[:5])
