"""The SOEP block for the HIS: right sections, codes the professional confirms, a limit."""

import datetime

import pytest
from django.urls import reverse

from consult.access import Actor
from consult.models import AuditEvent, Plan
from consult.services.plans import agreement_add, consult_finish, goal_add
from consult.services.referrals import referral_create
from consult.soep import MAX_CHARS
from models_4d.models import FourDEntry, FourDSheet
from models_4d.services import connection_add, entry_add
from tests.conftest import client_for
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(huisarts_a, consult_4d, practice_a):
    actor = Actor(user=huisarts_a)
    FourDSheet.objects.filter(consult=consult_4d).update(help_question="Ik heb steeds hoofdpijn")
    debts = entry_add(
        actor=actor, consult=consult_4d, domain="maatschappelijk", kind="speelt", text="Schulden"
    )
    stress = entry_add(
        actor=actor, consult=consult_4d, domain="geest", kind="speelt", text="Stress"
    )
    entry_add(actor=actor, consult=consult_4d, domain="sociaal", kind="helpt", text="Zus")
    entry_add(actor=actor, consult=consult_4d, domain="geest", kind="helpt", text="Muziek")
    connection_add(actor=actor, consult=consult_4d, cause=debts, effect=stress)
    goal = goal_add(
        actor=actor, consult=consult_4d, text="Van mijn schulden af", domain="4d:maatschappelijk"
    )
    agreement_add(actor=actor, consult=consult_4d, goal=goal, what="Post openen met zus")
    referral_create(
        actor=actor,
        consult=consult_4d,
        service=make_service(practice_a.own_map, name="Schuldhulp Zonnedal"),
        goal=goal,
    )
    Plan.objects.filter(patient=consult_4d.patient).update(
        next_evaluation_on=datetime.date(2027, 1, 15)
    )
    return consult_4d


def soep_text(client, consult):
    response = client.get(reverse("soep", kwargs={"consult_id": consult.public_id}))
    return response.context["soep"].text, response.content.decode()


def test_the_block_has_s_o_e_p_from_the_conversation_and_plan(huisarts_a, filled):
    text, page = soep_text(client_for(huisarts_a), filled)
    lines = text.splitlines()
    assert [line[:2] for line in lines] == ["S:", "O:", "E:", "P:"]
    assert "“Ik heb steeds hoofdpijn”" in lines[0]
    assert "Maatschappelijk: speelt: Schulden." in lines[1]
    assert "Sociaal: helpt: Zus." in lines[1]
    # What plays and what helps in one domain: one sentence, not a second one in lower case.
    assert "Geest: speelt: Stress; helpt: Muziek." in lines[1]
    assert "Schulden → Stress" in lines[1]
    assert "Z01 Armoede/financiële problemen" in lines[2]
    assert "(voorgesteld, nog niet bevestigd)" in lines[2]
    assert "1) Van mijn schulden af" in lines[3]
    assert "Post openen met zus" in lines[3]
    assert "Schuldhulp Zonnedal (verwezen" in lines[3]
    assert "15-01-2027" in lines[3]
    assert "Kopieer naar het klembord" in page


def test_the_professional_confirms_or_changes_the_codes(huisarts_a, filled):
    client = client_for(huisarts_a)
    client.post(
        reverse("soep", kwargs={"consult_id": filled.public_id}), {"icpc_codes": "z01, p02"}
    )
    filled.refresh_from_db()
    assert filled.icpc_codes == "Z01 P02"
    text, _page = soep_text(client, filled)
    e_line = text.splitlines()[2]
    assert e_line == "E: Z01 Armoede/financiële problemen; P02 Acute stressreactie"


def test_confirming_the_codes_is_audited(huisarts_a, filled):
    client_for(huisarts_a).post(
        reverse("soep", kwargs={"consult_id": filled.public_id}), {"icpc_codes": "Z01"}
    )
    event = AuditEvent.objects.get(action="update", object_type="consult")
    assert (event.user, event.object_id, event.patient_id) == (
        huisarts_a,
        str(filled.public_id),
        filled.patient.public_id,
    )


def test_no_codes_are_confirmed_without_their_audit_record(huisarts_a, filled, monkeypatch):
    def audit_trail_down(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr("consult.services.consults.audit_log", audit_trail_down)
    with pytest.raises(RuntimeError):
        client_for(huisarts_a).post(
            reverse("soep", kwargs={"consult_id": filled.public_id}), {"icpc_codes": "Z01"}
        )
    filled.refresh_from_db()
    assert filled.icpc_codes == ""


def test_a_bad_code_is_refused_in_dutch(huisarts_a, filled):
    response = client_for(huisarts_a).post(
        reverse("soep", kwargs={"consult_id": filled.public_id}), {"icpc_codes": "schulden"}
    )
    assert response.status_code == 422
    assert "Schrijf ICPC-codes als een letter en twee cijfers" in response.content.decode()
    filled.refresh_from_db()
    assert filled.icpc_codes == ""


def test_the_codes_of_a_finished_consult_can_no_longer_be_changed(huisarts_a, filled):
    client = client_for(huisarts_a)
    url = reverse("soep", kwargs={"consult_id": filled.public_id})
    client.post(url, {"icpc_codes": "Z01"})
    consult_finish(actor=Actor(user=huisarts_a), consult=filled)
    updates = AuditEvent.objects.filter(action="update").count()
    response = client.post(url, {"icpc_codes": "P02"})
    assert response.status_code == 422
    assert "Dit gesprek is afgerond en kan niet meer worden gewijzigd." in response.content.decode()
    filled.refresh_from_db()
    assert filled.icpc_codes == "Z01"
    assert AuditEvent.objects.filter(action="update").count() == updates


def test_the_block_stays_within_the_limit(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    for number in range(40):
        goal = goal_add(
            actor=actor,
            consult=consult_4d,
            text=f"Een lang doel in eigen woorden nummer {number} " + "x" * 200,
        )
        agreement_add(actor=actor, consult=consult_4d, goal=goal, what="Een afspraak " + "y" * 250)
    response = client_for(huisarts_a).get(
        reverse("soep", kwargs={"consult_id": consult_4d.public_id})
    )
    soep = response.context["soep"]
    assert len(soep.text) <= MAX_CHARS
    assert soep.shortened
    assert [line[:2] for line in soep.text.splitlines()] == ["S:", "O:", "E:", "P:"]
    assert "Ingekort" in response.content.decode()


def test_showing_the_block_is_an_audited_export_closed_to_others(huisarts_a, huisarts_b, filled):
    client_for(huisarts_a).get(reverse("soep", kwargs={"consult_id": filled.public_id}))
    assert AuditEvent.objects.filter(action="export", object_type="soep").count() == 1
    assert (
        client_for(huisarts_b)
        .get(reverse("soep", kwargs={"consult_id": filled.public_id}))
        .status_code
        == 404
    )


def test_a_debt_goal_suggests_the_debt_code_only(huisarts_a, filled):
    """Not every theme of its domain (housing, work, legal, language): the goal's words."""
    text, page = soep_text(client_for(huisarts_a), filled)
    assert text.splitlines()[2] == (
        "E: Z01 Armoede/financiële problemen (voorgesteld, nog niet bevestigd)"
    )
    assert "ICPC-1-NL" in page


def test_a_priority_the_patient_chose_suggests_its_code(huisarts_a, consult_4d):
    """The 4D entry "Slecht slapen", numbered 1, before any goal is written."""
    sleep = entry_add(
        actor=Actor(user=huisarts_a),
        consult=consult_4d,
        domain="lichaam",
        kind="speelt",
        text="Slecht slapen",
    )
    entry_add(
        actor=Actor(user=huisarts_a),
        consult=consult_4d,
        domain="maatschappelijk",
        kind="speelt",
        text="Ruzie met de buren",  # not chosen: no code for it
    )
    FourDEntry.objects.filter(pk=sleep.pk).update(priority=1)
    text, _page = soep_text(client_for(huisarts_a), consult_4d)
    assert text.splitlines()[2].startswith("E: P06 Slapeloosheid/andere slaapproblemen")
    assert "Z03" not in text


def test_no_words_to_go_on_suggest_nothing_rather_than_a_domains_list(huisarts_a, consult_4d):
    goal_add(
        actor=Actor(user=huisarts_a),
        consult=consult_4d,
        text="Weer de oude worden",
        domain="4d:maatschappelijk",
    )
    text, _page = soep_text(client_for(huisarts_a), consult_4d)
    assert text.splitlines()[2] == "E: —"
