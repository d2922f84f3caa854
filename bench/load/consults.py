"""The consult each of the load test's professionals has under way: one of the four
conversation models, in turn, as far as a professional gets in the first minutes, and
the text fields they go on typing in (the autosave's editables). Made through the
models' services, so the audit trail has it too. Django must be set up.

- 4D-model: an entry in each domain, a connection, the question for help;
- Spinnenweb: the web filled in together (its six dimensions), what matters;
- KOP-model: two complaints, a burden and a support, two ways of reacting, the
  question;
- EMBOSS: the conversation card filled in together (its eight domains), the notes of
  the conversation.

A printer's consult is a 4D one with a plan of goals and agreements: the printed plan
is the same for every model."""

from collections.abc import Callable
from typing import Any

from bench.load.scenario import Editable

MODELS = ("4d", "spinnenweb", "kop", "emboss")
ENTRIES = (
    ("lichaam", "speelt", "Hoofdpijn, bijna elke dag"),
    ("geest", "speelt", "Somber, veel piekeren"),
    ("sociaal", "helpt", "Mijn zus luistert"),
    ("maatschappelijk", "speelt", "Schulden, brieven maak ik niet meer open"),
)
GOALS, AGREEMENTS_PER_GOAL = 3, 2


def parse_models(text: str | None) -> tuple[str, ...]:
    """LOAD_MODELS: the models the professionals walk, in turn (default all four)."""
    chosen = tuple(part for part in (text or "").replace(",", " ").split() if part)
    unknown = [slug for slug in chosen if slug not in MODELS]
    if unknown:
        raise ValueError(f"LOAD_MODELS knows {', '.join(MODELS)}: not {', '.join(unknown)}")
    return chosen or MODELS


def consult_under_way(
    user: Any, patient: Any, model_slug: str, *, plan: bool
) -> tuple[str, list[str], list[Editable]]:
    """The user's consult with the patient: (its public id, the model's step slugs,
    the editables)."""
    from consult.access import Actor
    from consult.registry import get_conversation_model
    from consult.services.consults import consult_start
    from consult.services.plans import agreement_add, goal_add

    actor = Actor(user=user, client_address="127.0.0.1")
    consult = consult_start(actor=actor, patient=patient, model_slug=model_slug)
    editables = BUILDERS[model_slug](actor, consult)
    if plan:
        for number in range(GOALS):
            goal = goal_add(
                actor=actor, consult=consult, text=f"Doel {number + 1}", domain="4d:geest"
            )
            for item in range(AGREEMENTS_PER_GOAL):
                agreement_add(actor=actor, consult=consult, goal=goal, what=f"Afspraak {item + 1}")
    model = get_conversation_model(model_slug)
    assert model is not None, model_slug
    return str(consult.public_id), [step.slug for step in model.steps], editables


def _editable(kind: str, record: Any, field: str, value: str | None = None) -> Editable:
    """The field as the page shows it: its version and value, and its length limit."""
    limit = record._meta.get_field(field).max_length or 1000
    text = getattr(record, field) if value is None else value
    return Editable(kind, str(record.public_id), field, record.version, text, limit)


def _saved(record: Any, field: str, value: str) -> Any:
    setattr(record, field, value)
    record.save(update_fields=[field])
    return record


def _four_d(actor: Any, consult: Any) -> list[Editable]:
    from models_4d.models import FourDSheet
    from models_4d.services import connection_add, entry_add

    entries = [
        entry_add(actor=actor, consult=consult, domain=domain, kind=kind, text=text)
        for domain, kind, text in ENTRIES
    ]
    connection_add(actor=actor, consult=consult, cause=entries[3], effect=entries[1])
    sheet = FourDSheet.objects.get(consult=consult)
    _saved(sheet, "help_question", "Ik wil van de hoofdpijn af")
    return [_editable("4d_entry", entry, "text") for entry in entries] + [
        _editable("4d_sheet", sheet, "help_question")
    ]


def _spinnenweb(actor: Any, consult: Any) -> list[Editable]:
    from spinnenweb.services import sheet_of, web_of

    dimensions = list(web_of(consult).dimensions.order_by("pk"))
    sheet = _saved(sheet_of(consult), "what_matters", "Weer kunnen fietsen met mijn kleinzoon")
    return [_editable("web_dimension", dimension, "words") for dimension in dimensions] + [
        _editable("web_sheet", sheet, "what_matters")
    ]


def _kop(actor: Any, consult: Any) -> list[Editable]:
    from kop.services import circumstance_add, complaint_add, sheet_for, style_add

    items = [
        ("kop_complaint", complaint_add(actor=actor, consult=consult, text="Slecht slapen")),
        ("kop_complaint", complaint_add(actor=actor, consult=consult, text="Hartkloppingen")),
        (
            "kop_circumstance",
            circumstance_add(
                actor=actor, consult=consult, area="werk", positive=False, text="Reorganisatie"
            ),
        ),
        (
            "kop_circumstance",
            circumstance_add(
                actor=actor,
                consult=consult,
                area="relaties",
                positive=True,
                text="Steun van mijn man",
            ),
        ),
        (
            "kop_style",
            style_add(actor=actor, consult=consult, helps=False, text="Ik ga door tot ik omval"),
        ),
        ("kop_style", style_add(actor=actor, consult=consult, helps=True, text="Ik vraag hulp")),
    ]
    sheet = _saved(sheet_for(consult), "question", "Weer rustig worden")
    return [_editable(kind, item, "text") for kind, item in items] + [
        _editable("kop_sheet", sheet, "question")
    ]


def _emboss(actor: Any, consult: Any) -> list[Editable]:
    from emboss.services import card_of, sheet_of

    marks = list(card_of(consult).marks.order_by("pk"))
    sheet = _saved(sheet_of(consult), "conversation", "Zorgen over geld en over de buurt")
    return [_editable("emboss_mark", mark, "words") for mark in marks] + [
        _editable("emboss_sheet", sheet, "conversation")
    ]


BUILDERS: dict[str, Callable[[Any, Any], list[Editable]]] = {
    "4d": _four_d,
    "spinnenweb": _spinnenweb,
    "kop": _kop,
    "emboss": _emboss,
}
