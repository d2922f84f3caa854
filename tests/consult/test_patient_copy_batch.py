"""ConversationModel.recorded_data_for() and findings_for(), with which the patient's
copy reads what each model recorded for all the patient's consults at once: for each
of the four models exactly what recorded_data() and findings() give consult by
consult, in a number of queries that does not grow with the consults."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consult.access import Actor
from consult.audit import PatientVisitor
from consult.models import Consult, Patient, PatientLink, User
from consult.patient_copy import patient_record
from consult.registry import ConversationModel, get_conversation_model
from consult.services.consults import consult_start
from consult.services.patient_links import link_complete, link_create
from consult.services.plans import goal_add, item_remove
from tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db

MODELS = ("4d", "spinnenweb", "kop", "emboss")


def _model(slug: str) -> ConversationModel:
    model = get_conversation_model(slug)
    assert model is not None
    return model


def _from_home(actor: Actor, patient: Patient, slug: str, answers: dict[str, Any]) -> None:
    """The patient fills in the model's entry at home and sends it."""
    model = _model(slug)
    link, _token = link_create(
        actor=actor, patient=patient, model_slug=slug, purpose=model.patient_entries[0].purpose
    )
    PatientLink.objects.filter(pk=link.pk).update(answers=answers)
    link_complete(visitor=PatientVisitor(client_address="127.0.0.1"), link=link)


# --- what each model records, a little different for each consult (n) ----------------


def _fill_4d(actor: Actor, consult: Consult, n: int) -> None:
    from models_4d import services
    from models_4d.models import FourDEntry, FourDSheet

    debts = services.entry_add(
        actor=actor, consult=consult, domain="maatschappelijk", kind="speelt", text=f"Schulden {n}"
    )
    stress = services.entry_add(
        actor=actor, consult=consult, domain="geest", kind="speelt", text="Veel piekeren"
    )
    services.entry_add(
        actor=actor, consult=consult, domain="geest", kind="helpt", text="Wandelen met de hond"
    )
    headache = services.entry_add(
        actor=actor, consult=consult, domain="lichaam", kind="speelt", text="Hoofdpijn"
    )
    sister = services.entry_add(
        actor=actor, consult=consult, domain="sociaal", kind="helpt", text="Mijn zus"
    )
    services.connection_add(actor=actor, consult=consult, cause=debts, effect=stress)
    services.connection_add(actor=actor, consult=consult, cause=stress, effect=headache)
    # A removed entry leaves the copy, and so does its connection.
    services.connection_add(actor=actor, consult=consult, cause=sister, effect=stress)
    item_remove(actor=actor, consult=consult, item=sister, kind="4d_entry")
    FourDEntry.objects.filter(pk=debts.pk).update(priority=1)
    FourDSheet.objects.filter(consult=consult).update(
        help_question=f"Ik wil weer slapen ({n})", looks_broader="ja", priorities_note="Eerst geld"
    )


def _fill_spinnenweb(actor: Actor, consult: Consult, n: int) -> None:
    from spinnenweb import services
    from spinnenweb.dimensions import DIMENSIONS
    from spinnenweb.models import WebDimension, WebSheet

    _from_home(
        actor,
        consult.patient,
        "spinnenweb",
        {
            d.key: {"score": (index + n) % 11, "talk": index == 1, "words": f"Thuis {index}"}
            for index, d in enumerate(DIMENSIONS)
        },
    )
    services.home_web_take_up(actor=actor, consult=consult)
    web = services.web_of(consult)
    for index, dimension in enumerate(WebDimension.objects.filter(web=web).order_by("pk")):
        WebDimension.objects.filter(pk=dimension.pk).update(
            score=None if index == 2 else (3 + n + index) % 11,
            talk=index in (0, n % 6),
            words=f"Woorden {n}.{index}",
        )
    WebSheet.objects.filter(consult=consult).update(
        what_matters=f"Mijn kleinkinderen ({n})",
        what_to_change="Meer bewegen",
        who_can_help="De buurvrouw",
        priorities="Eerst slapen",
    )


def _fill_kop(actor: Actor, consult: Consult, n: int) -> None:
    from kop import services
    from kop.models import KopSheet

    services.complaint_add(
        actor=actor, consult=consult, text=f"Slecht slapen {n}", since="de zomer", severity=7
    )
    services.complaint_add(actor=actor, consult=consult, text="Moe")
    gone = services.complaint_add(actor=actor, consult=consult, text="Weg", severity=2)
    item_remove(actor=actor, consult=consult, item=gone, kind="kop_complaint")
    services.circumstance_add(
        actor=actor, consult=consult, area="relaties", positive=False, text="Partner weg"
    )
    services.circumstance_add(
        actor=actor, consult=consult, area="familie", positive=True, text="Steun van de kinderen"
    )
    services.style_add(actor=actor, consult=consult, helps=False, text="Altijd sterk willen zijn")
    services.style_add(actor=actor, consult=consult, helps=True, text="Ik pak dingen aan")
    KopSheet.objects.filter(consult=consult).update(
        question=f"Ik kan niet meer ({n})",
        stressors="Relatie",
        protective="Kinderen",
        acute_risk="nee",
        depression="nee",
        suicidality="nee",
        risk_conclusion="Geen acuut risico",
        problem_definition="Te veel tegelijk",
        ggz_referral="gbggz",
        session_notes="Psycho-educatie gegeven",
        warning_signs="Afspraken afzeggen",
        what_helps="Fietsen",
        who_to_call="Mijn dochter",
    )
    services.risk_record(actor=actor, consult=consult)
    goal = goal_add(actor=actor, consult=consult, text=f"Beter slapen {n}", domain="kop:klachten")
    services.intervention_add(
        actor=actor,
        consult=consult,
        goal=goal,
        target="basis",
        kind="psycho-educatie",
        who="patient",
    )


def _fill_emboss(actor: Actor, consult: Consult, n: int) -> None:
    from emboss import services
    from emboss.domains import DOMAINS
    from emboss.models import CardMark, EmbossSheet

    _from_home(
        actor,
        consult.patient,
        "emboss",
        {
            d.key: {"state": "zorgen" if index % 2 else "goed", "words": f"Thuis {index}"}
            for index, d in enumerate(DOMAINS)
        },
    )
    card = services.card_of(consult)
    for index, mark in enumerate(CardMark.objects.filter(card=card).order_by("pk")):
        CardMark.objects.filter(pk=mark.pk).update(
            state=("goed", "zorgen", "")[(n + index) % 3],
            matters_most=index == n % 7,
            words=f"Woorden {n}.{index}",
        )
    services.home_card_take_up(actor=actor, consult=consult)
    EmbossSheet.objects.filter(consult=consult).update(
        conversation=f"Over geld en gezondheid ({n})",
        priorities="Eerst de post",
        own_actions="Elke dag wandelen",
        casemanager=actor.user,
        responsible_gp=actor.user if n % 2 else None,
    )
    for number, (outcome, score) in enumerate((("deels", None), ("", 1), ("", None))):
        goal = goal_add(
            actor=actor, consult=consult, text=f"Doel {n}.{number}", domain="emboss:mensen"
        )
        evaluation = services.evaluation_of(consult, goal)
        evaluation.outcome, evaluation.score = outcome, score
        evaluation.patient_says = f"Het ging {number}"
        evaluation.save()


FILL: dict[str, Callable[[Actor, Consult, int], None]] = {
    "4d": _fill_4d,
    "spinnenweb": _fill_spinnenweb,
    "kop": _fill_kop,
    "emboss": _fill_emboss,
}


def _strip(consult: Consult) -> None:
    """A consult without even what the model makes when it starts (its sheet, the web
    or card filled in together): what a consult of before the model kept them has."""
    from emboss.models import Card, EmbossSheet
    from kop.models import KopSheet
    from models_4d.models import FourDSheet
    from spinnenweb.models import Web, WebSheet

    for model in (FourDSheet, WebSheet, Web, KopSheet, EmbossSheet, Card):
        model.objects.filter(consult=consult).delete()


@dataclass
class Maker:
    actor: Actor
    patient: Patient

    def filled(self, slug: str, n: int, *, continues: Consult | None = None) -> Consult:
        consult = self.empty(slug, continues=continues)
        FILL[slug](self.actor, consult, n)
        consult.refresh_from_db()
        return consult

    def empty(self, slug: str, *, continues: Consult | None = None) -> Consult:
        return consult_start(
            actor=self.actor, patient=self.patient, model_slug=slug, continues=continues
        )

    def bare(self, slug: str) -> Consult:
        consult = self.empty(slug)
        _strip(consult)
        return consult

    def mix(self, slug: str) -> list[Consult]:
        """Consults with data, one as it started, one without any of the model's rows,
        and (for a model of sessions) a next session, carrying over the last one."""
        consults = [self.filled(slug, 0), self.empty(slug), self.filled(slug, 1)]
        consults.append(self.bare(slug))
        if _model(slug).continuable:
            consults.append(self.filled(slug, 2, continues=consults[2]))
        else:
            consults.append(self.filled(slug, 2))
        for consult in consults:
            consult.refresh_from_db()
        return consults


@pytest.fixture
def make(huisarts_a: User, patient_a: Patient) -> Maker:
    ConsentFactory.create(patient=patient_a, given_to=huisarts_a, recorded_by=huisarts_a)
    return Maker(actor=Actor(user=huisarts_a, client_address="127.0.0.1"), patient=patient_a)


def _queries(call: Callable[..., object], *args: object) -> int:
    with CaptureQueriesContext(connection) as captured:
        call(*args)
    return len(captured.captured_queries)


# --- the tests ------------------------------------------------------------------------


@pytest.mark.parametrize("slug", MODELS)
def test_the_batch_is_the_per_consult_result_for_every_consult(make: Maker, slug: str) -> None:
    model = _model(slug)
    consults = make.mix(slug)
    one_by_one_data = {consult.pk: model.recorded_data(consult) for consult in consults}
    one_by_one_findings = {consult.pk: model.findings(consult) for consult in consults}

    assert model.recorded_data_for(consults) == one_by_one_data
    assert model.findings_for(consults) == one_by_one_findings
    # In any order, and for some of them only.
    assert model.recorded_data_for(consults[::-1]) == one_by_one_data
    assert model.findings_for(consults[::-1]) == one_by_one_findings
    some = consults[1:3]
    assert model.recorded_data_for(some) == {c.pk: one_by_one_data[c.pk] for c in some}
    assert model.findings_for(some) == {c.pk: one_by_one_findings[c.pk] for c in some}
    assert model.recorded_data_for([]) == {}
    assert model.findings_for([]) == {}

    # Not comparing empty with empty: the consults with data have findings of their
    # own (each its own n), the empty ones none.
    filled, empty, filled_too, bare = consults[:4]
    assert one_by_one_findings[filled.pk]
    assert one_by_one_findings[filled.pk] != one_by_one_findings[filled_too.pk]
    assert one_by_one_data[filled.pk] != one_by_one_data[filled_too.pk]
    assert one_by_one_findings[empty.pk] == one_by_one_findings[bare.pk] == []


def test_what_the_batch_reads_per_model(make: Maker) -> None:
    """A few values of the filled consults, so that a batch that mixes up consults or
    leaves out removed items cannot pass as well as the per-consult methods."""
    four_d = make.filled("4d", 7)
    web = make.filled("spinnenweb", 7)
    kop = make.filled("kop", 7)
    emboss = make.filled("emboss", 7)

    data = _model("4d").recorded_data_for([four_d])[four_d.pk]
    assert data["question_for_help"] == "Ik wil weer slapen (7)"
    assert [e["text"] for e in data["entries"]] == [
        "Schulden 7",
        "Veel piekeren",
        "Wandelen met de hond",
        "Hoofdpijn",
    ]
    assert data["connections"] == ["Schulden 7 → Veel piekeren", "Veel piekeren → Hoofdpijn"]

    data = _model("spinnenweb").recorded_data_for([web])[web.pk]
    assert [w["source"] for w in data["webs"]] == ["samen ingevuld", "thuis ingevuld"]
    assert [d["words"] for d in data["webs"][0]["dimensions"]] == [
        f"Woorden 7.{index}" for index in range(6)
    ]
    assert data["who_can_help"] == "De buurvrouw"

    data = _model("kop").recorded_data_for([kop])[kop.pk]
    assert [c["text"] for c in data["complaints"]] == ["Slecht slapen 7", "Moe"]
    assert data["interventions"] == ["Psycho-educatie"]
    assert data["relapse_prevention"]["who_to_call"] == "Mijn dochter"

    data = _model("emboss").recorded_data_for([emboss])[emboss.pk]
    assert [c["source"] for c in data["cards"]] == ["samen ingevuld", "thuis ingevuld"]
    assert [e["goal"] for e in data["evaluation"]] == ["Doel 7.0", "Doel 7.1", "Doel 7.2"]
    findings = _model("emboss").findings_for([emboss])[emboss.pk]
    assert findings[-1] == "Evaluatie: Doel 7.0: deels; Doel 7.1: +1."


@pytest.mark.parametrize("slug", MODELS)
def test_the_batch_reads_in_a_fixed_number_of_queries(make: Maker, slug: str) -> None:
    model = _model(slug)
    consults = [make.filled(slug, n) for n in range(6)]
    for hook in (model.recorded_data_for, model.findings_for):
        two = _queries(hook, consults[:2])
        six = _queries(hook, consults)
        assert two == six, f"{slug} {hook.__name__}: {two} queries for 2 consults, {six} for 6"


@pytest.mark.parametrize("slug", MODELS)
def test_one_consult_reads_no_more_than_before(make: Maker, slug: str) -> None:
    """The per-consult methods go through the batch: the SOEP summary (findings of one
    consult) reads no more than it did consult by consult."""
    model = _model(slug)
    consult = make.filled(slug, 0)
    most = {"4d": (3, 2), "spinnenweb": (3, 3), "kop": (5, 4), "emboss": (4, 4)}[slug]
    assert _queries(model.recorded_data, consult) <= most[0]
    assert _queries(model.findings, consult) <= most[1]


def test_the_patient_copy_reads_a_fixed_number_of_queries(make: Maker) -> None:
    for slug in MODELS:
        make.filled(slug, 0)
    few = _queries(patient_record, make.patient)
    for slug in MODELS:
        make.mix(slug)
    many = _queries(patient_record, make.patient)
    assert few == many

    record = patient_record(make.patient)
    consults = list(make.patient.consults.order_by("started_at"))
    assert len(record["consults"]) == len(consults) == 4 + 5 * len(MODELS)
    for consult, copied in zip(consults, record["consults"], strict=True):
        model = _model(consult.model_slug)
        assert copied["recorded"] == model.recorded_data(consult)
        assert copied["findings"] == model.findings(consult)


@dataclass(frozen=True)
class OneByOne(ConversationModel):
    """A model that knows only the per-consult methods, as a model written before the
    batch hooks: the defaults ask them consult by consult."""

    def recorded_data(self, consult: Consult) -> dict[str, Any]:
        return {"number": consult.session_number}

    def findings(self, consult: Consult) -> list[str]:
        return [f"Session {consult.session_number}"]


def test_the_default_batch_asks_the_per_consult_methods() -> None:
    model = OneByOne(slug="one-by-one", name="One by one", for_whom="")
    consults: Sequence[Consult] = [Consult(pk=1, session_number=1), Consult(pk=2, session_number=2)]
    assert model.recorded_data_for(consults) == {1: {"number": 1}, 2: {"number": 2}}
    assert model.findings_for(consults) == {1: ["Session 1"], 2: ["Session 2"]}
    plain = ConversationModel(slug="plain", name="Plain", for_whom="")
    assert plain.recorded_data_for(consults) == {1: {}, 2: {}}
    assert plain.findings_for(consults) == {1: [], 2: []}
