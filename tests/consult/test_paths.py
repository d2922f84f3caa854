"""`{% path_to %}` gives the path `{% url %}` gives, for every id and other value, and
under a script prefix (the app served below a path)."""

import uuid

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix

CASES = [
    ("consult_step", {"consult_id": uuid.uuid4(), "step_slug": "verbanden"}),
    ("consult_step", {"consult_id": uuid.uuid4(), "step_slug": "plan"}),
    (
        "agreement_move",
        {"consult_id": uuid.uuid4(), "agreement_id": uuid.uuid4(), "direction": "omhoog"},
    ),
    ("autosave", {"consult_id": uuid.uuid4(), "kind": "agreement", "record_id": uuid.uuid4()}),
    ("patient_list", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_the_same_path_as_the_url_tag(name, kwargs):
    template = Template(
        "{% load paths %}{% path_to name " + " ".join(f"{k}={k}" for k in kwargs) + " %}"
    )
    for _ in range(2):  # reversed the first time, from memory the second
        kwargs = {k: uuid.uuid4() if isinstance(v, uuid.UUID) else v for k, v in kwargs.items()}
        assert template.render(Context({"name": name, **kwargs})) == reverse(name, kwargs=kwargs)


def test_below_a_script_prefix():
    consult_id = uuid.uuid4()
    template = Template(
        "{% load paths %}{% path_to 'consult_step' consult_id=c step_slug='plan' %}"
    )
    set_script_prefix("/praktijk/")
    try:
        rendered = template.render(Context({"c": consult_id}))
        assert rendered == reverse(
            "consult_step", kwargs={"consult_id": consult_id, "step_slug": "plan"}
        )
        assert rendered.startswith("/praktijk/")
    finally:
        clear_script_prefix()
