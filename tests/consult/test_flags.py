"""Patient flags: raised by a model, shown in every consult of every model to the
treating roles until closed with a reason, never on what the patient gets printed."""

import json
import re
import subprocess

import pytest
from django.urls import reverse

from consult.access import Actor
from consult.models import AuditEvent, FlagLevel, PatientFlag
from consult.services.consults import consult_start
from consult.services.flags import flag_raise
from consult.services.plans import agreement_add, goal_add
from tests.conftest import client_for
from tests.throwaway_model import SLUG, throwaway_model  # noqa: F401

pytestmark = pytest.mark.django_db
FLAG_TEXT = "Gedachten aan de dood genoemd"


@pytest.fixture
def flagged(throwaway_model, consult_4d, huisarts_a):  # noqa: F811
    """A flag raised in a consult of the throwaway model; consult_4d is another model's
    consult with the same patient."""
    proef = consult_start(actor=Actor(user=huisarts_a), patient=consult_4d.patient, model_slug=SLUG)
    return flag_raise(
        actor=Actor(user=huisarts_a),
        consult=proef,
        source_key="proef:zorg",
        level=FlagLevel.ACUTE,
        text=FLAG_TEXT,
    )


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_a_flag_shows_in_every_consult_and_on_the_patient_page(flagged, consult_4d, poh_a):
    client = client_for(poh_a)
    workspace = client.get(reverse("consult_detail", kwargs={"consult_id": consult_4d.public_id}))
    assert FLAG_TEXT in workspace.content.decode()
    assert "Acuut risico" in workspace.content.decode()
    page = client.get(
        reverse("patient_detail", kwargs={"patient_id": consult_4d.patient.public_id})
    )
    assert FLAG_TEXT in page.content.decode()
    views = AuditEvent.objects.filter(
        object_type="patient_flag", action="read", object_id=str(flagged.public_id), user=poh_a
    )
    assert views.count() == 2


def test_raising_again_while_open_updates_the_one_flag(flagged, consult_4d, huisarts_a):
    proef = flagged.raised_in
    flag_raise(
        actor=Actor(user=huisarts_a),
        consult=proef,
        source_key="proef:zorg",
        level=FlagLevel.RISK,
        text="Nu minder acuut",
    )
    flag = PatientFlag.objects.get()
    assert (flag.level, flag.text) == (FlagLevel.RISK, "Nu minder acuut")
    assert AuditEvent.objects.filter(object_type="patient_flag", action="create").count() == 1
    assert AuditEvent.objects.filter(object_type="patient_flag", action="update").count() == 1


def test_roles_without_patient_data_and_other_practices_never_see_it(
    flagged, consult_4d, manager_a, huisarts_b
):
    url = reverse("patient_detail", kwargs={"patient_id": consult_4d.patient.public_id})
    assert client_for(manager_a).get(url).status_code == 403
    assert client_for(huisarts_b).get(url).status_code == 404


def test_closing_needs_a_reason_and_is_audited(flagged, consult_4d, huisarts_a):
    client = client_for(huisarts_a)
    url = reverse(
        "flag_close",
        kwargs={"patient_id": consult_4d.patient.public_id, "flag_id": flagged.public_id},
    )
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "Dit veld is verplicht" in refused.content.decode()
    flagged.refresh_from_db()
    assert flagged.closed_at is None
    client.post(url, {"reason": "Opnieuw besproken, geen gedachten meer"})
    flagged.refresh_from_db()
    assert flagged.closed_at is not None
    assert flagged.close_reason == "Opnieuw besproken, geen gedachten meer"
    assert AuditEvent.objects.filter(
        object_type="patient_flag", action="update", object_id=str(flagged.public_id)
    ).exists()
    workspace = client.get(reverse("consult_detail", kwargs={"consult_id": consult_4d.public_id}))
    assert FLAG_TEXT not in workspace.content.decode()
    page = client.get(
        reverse("patient_detail", kwargs={"patient_id": consult_4d.patient.public_id})
    )
    assert "Gesloten signalen" in page.content.decode()
    assert client.post(url, {"reason": "nog eens"}).status_code == 404


def test_a_flag_is_never_on_what_is_made_for_the_patient_or_exchanged(
    flagged, consult_4d, huisarts_a
):
    client = client_for(huisarts_a)
    consult_id = consult_4d.public_id
    look_along = client.get(reverse("look_along", kwargs={"consult_id": consult_id}))
    assert FLAG_TEXT not in look_along.content.decode()
    pdf = client.get(reverse("plan_pdf", kwargs={"consult_id": consult_id})).content
    assert FLAG_TEXT not in pdf_text(pdf)
    soep = client.get(reverse("soep", kwargs={"consult_id": consult_id})).content.decode()
    block = soep[soep.index("<textarea") : soep.index("</textarea>")]
    assert FLAG_TEXT not in block
    fhir = client.get(reverse("plan_fhir", kwargs={"consult_id": consult_id})).content.decode()
    assert FLAG_TEXT not in fhir


def test_the_patients_copy_of_their_data_holds_the_flag(flagged, consult_4d, huisarts_a):
    client = client_for(huisarts_a)
    patient_id = consult_4d.patient.public_id
    data = json.loads(
        client.get(
            reverse("patient_copy", kwargs={"patient_id": patient_id, "fmt": "json"})
        ).content
    )
    assert [flag["text"] for flag in data["flags"]] == [FLAG_TEXT]
    pdf = client.get(reverse("patient_copy", kwargs={"patient_id": patient_id, "fmt": "pdf"}))
    assert FLAG_TEXT in pdf_text(pdf.content)


def _banner_pages(consult):
    """Every page that carries the patient banner, as (method, url, body)."""
    actor = Actor(user=consult.started_by)
    goal = goal_add(actor=actor, consult=consult, text="Weer gaan wandelen")
    agreement = agreement_add(actor=actor, consult=consult, goal=goal, what="Elke dag een rondje")
    in_consult = {"consult_id": consult.public_id}
    return [
        ("get", reverse("patient_detail", kwargs={"patient_id": consult.patient.public_id}), {}),
        ("get", reverse("consult_detail", kwargs=in_consult), {}),
        ("get", reverse("soep", kwargs=in_consult), {}),
        (
            "get",
            reverse("agreement_editor", kwargs={**in_consult, "agreement_id": agreement.public_id}),
            {},
        ),
        (
            "get",
            reverse("agreement_add_form", kwargs={**in_consult, "goal_id": goal.public_id}),
            {},
        ),
        (
            "post",
            reverse("patient_link_new", kwargs={"patient_id": consult.patient.public_id}),
            {"entry": "spinnenweb:web"},
        ),
    ]


def test_every_page_with_the_patient_banner_shows_consent_and_the_flags(
    flagged, consult_4d, huisarts_a
):
    """The page with a patient's new link said consent was not given, and showed no
    flag, while both stood on the patient's page; so did the agreement pages."""
    client = client_for(huisarts_a)
    for method, url, body in _banner_pages(consult_4d):
        response = getattr(client, method)(url, body)
        assert response.status_code == 200, url
        banner = re.search(
            r'<section class="patient-banner".*?</section>', response.content.decode(), re.S
        )
        assert banner, url
        assert "niet gegeven" not in banner.group(0), url
        assert ">gegeven<" in banner.group(0), url
        assert FLAG_TEXT in banner.group(0), url
