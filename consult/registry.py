"""The conversation-model registry.

Each model app registers one ConversationModel in its AppConfig.ready(). The core
only ever reaches the models through this module, so adding a model is adding an
app: nothing in `consult` changes.

A model app subclasses ConversationModel to render its steps, to draw its chart and
to suggest goals; the defaults here are enough for a model that only lists steps.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.urls import URLPattern, URLResolver
from django.utils.functional import Promise
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from consult.access import Actor
    from consult.models import Consult, Patient, PatientLink, User

type Text = str | Promise


@dataclass(frozen=True)
class Step:
    slug: str
    title: Text
    hint: Text = ""


@dataclass(frozen=True)
class Domain:
    """A life domain of one model (4D: lichaam, ...), mapped onto the shared themes."""

    key: str
    label: Text
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoalSuggestion:
    """A goal the conversation points at. `key` is stable for the thing it comes from
    ("4d_entry:<uuid>"), so the core can tell it was taken over already."""

    key: str
    text: str
    domain_key: str


@dataclass(frozen=True)
class PlanSection:
    """A part of the printed plan that only one model has (KOP: relapse prevention),
    in plain words for the patient."""

    heading: str
    lines: Sequence[str]


@dataclass(frozen=True)
class SeriesPoint:
    on: date
    value: float


@dataclass(frozen=True)
class SeriesLine:
    label: str
    points: Sequence[SeriesPoint]


@dataclass(frozen=True)
class TimelineSeries:
    """A trend on the patient page: one chart with one or more lines (a spider-web
    dimension, a KOP complaint's severity, goals reached)."""

    key: str
    title: str
    lines: Sequence[SeriesLine]
    y_min: float = 0
    y_max: float = 10
    y_label: str = ""


@dataclass(frozen=True)
class Timeline:
    """What a model adds to the patient's timeline: a one-line summary per consult,
    and its series."""

    summaries: Mapping[int, str] = field(default_factory=dict)
    series: Sequence[TimelineSeries] = field(default_factory=tuple)


@dataclass(frozen=True)
class AnswerLine:
    """One line of what the patient saved on a screen, told back before sending."""

    text: str
    own_words: bool = False  # typed by the patient: shown as their words, quoted


@dataclass(frozen=True)
class EntryScreen:
    """One screen of a patient's own entry: a few words and one small form. The form's
    cleaned data must be plain JSON values (str, int, bool, lists of these)."""

    key: str
    title: Text
    form_class: type[forms.Form]
    intro: Text = ""
    # An answer that needs its question to be understood when told back ("Your score:
    # 7" rather than "7"): the field's name and a text with %(answer)s.
    answer_formats: Mapping[str, Text] = field(default_factory=dict)

    def answer_lines(self, answers: Mapping[str, Any]) -> list[AnswerLine]:
        """The saved answers in the order of the form: a choice by its words (several
        with commas), a tick by its label (left out when not ticked), typed words as
        typed; empty answers left out."""
        lines = []
        for name, form_field in self.form_class.base_fields.items():
            value = answers.get(name)
            text: str | None
            if isinstance(form_field, forms.BooleanField):
                text = str(form_field.label) if value else None
            elif isinstance(form_field, forms.ChoiceField):
                chosen = (
                    {str(v) for v in value}
                    if isinstance(value, list)
                    else {"" if value is None else str(value)}
                )
                # Normalised by the field into (value, label) pairs.
                choices = cast(list[tuple[Any, Any]], form_field.choices)
                text = ", ".join(str(label) for key, label in choices if str(key) in chosen)
            elif value in (None, ""):
                text = None
            elif isinstance(form_field, forms.CharField) and name not in self.answer_formats:
                lines.append(AnswerLine(str(value), own_words=True))
                continue
            else:
                text = str(value)
            if text:
                answer_format = self.answer_formats.get(name)
                lines.append(
                    AnswerLine(str(answer_format) % {"answer": text} if answer_format else text)
                )
        return lines


@dataclass(frozen=True)
class PatientEntry:
    """Something a patient fills in at home by link, before the consult."""

    purpose: str
    title: Text  # for the professional: what the link is for
    patient_title: Text  # for the patient, plain Dutch (B1)
    screens: Sequence[EntryScreen]
    patient_intro: Text = ""

    def screen(self, key: str) -> EntryScreen | None:
        return next((screen for screen in self.screens if screen.key == key), None)


@dataclass(frozen=True)
class ConversationModel:
    slug: str
    name: Text
    for_whom: Text
    steps: Sequence[Step] = field(default_factory=tuple)
    domains: Sequence[Domain] = field(default_factory=tuple)
    # The step on which the core shows the model's goal suggestions, ready to take over.
    suggestions_step: str | None = None
    # A consult of this model can be continued by a next one (KOP session, EMBOSS cycle).
    continuable: bool = False
    session_label: Text = ""  # "session", "cycle": how the model names one consult
    # How many, in the model's word: an ngettext_lazy with a "count" placeholder
    # ("%(count)s cycle", "%(count)s cycles"); without one, "sessions".
    session_count: Text | None = None
    patient_entries: Sequence[PatientEntry] = field(default_factory=tuple)
    # The plan must be checked by teach-back before the step that makes it is done
    # (EMBOSS); for the other models the workspace offers it.
    teach_back_required: bool = False
    # How to read the chart, under it in the printed plan: plain words for the patient.
    chart_key: Text = ""
    # What the reviewer of the audit trail reads for each kind of record the model
    # writes (the object types of its audit records), by its code.
    audit_labels: Mapping[str, Text] = field(default_factory=dict)

    def step(self, slug: str) -> Step | None:
        return next((step for step in self.steps if step.slug == slug), None)

    def domain(self, key: str) -> Domain | None:
        return next((domain for domain in self.domains if domain.key == key), None)

    def patient_entry(self, purpose: str) -> PatientEntry | None:
        return next((e for e in self.patient_entries if e.purpose == purpose), None)

    # Hooks. Each runs inside the transaction of the core's write; raising a
    # ValidationError refuses that write with the error's (Dutch) message.

    def on_start(self, *, consult: "Consult", actor: "Actor") -> None:
        """Create what the model keeps per consult, in the transaction that starts it."""

    def on_continue(self, *, consult: "Consult", previous: "Consult", actor: "Actor") -> None:
        """Carry over from the previous consult of the trajectory what the model keeps
        (the KOP-schema, the goals still open). Runs after on_start."""

    def on_step_done(self, *, consult: "Consult", step: Step, actor: "Actor") -> None:
        """A step is marked done; refuse with ValidationError when it is not ready."""

    def on_finish(self, *, consult: "Consult", actor: "Actor") -> None:
        """The consult is being finished; refuse with ValidationError when it cannot."""

    def on_patient_entry_done(self, *, link: "PatientLink") -> None:
        """The patient sent what they filled in at home (`link.answers`, per screen)."""

    def consult_urls(self) -> Sequence[URLPattern | URLResolver]:
        """The model's own URLs under /consulten/<consult_id>/<slug>/. Their views get
        `consult_id` and `model_slug`; `step_action` takes care of both."""
        return ()

    def patient_urls(self) -> Sequence[URLPattern | URLResolver]:
        """The model's own URLs under /patienten/<patient_id>/<slug>/."""
        return ()

    def seed_demo(self, *, patients: Mapping[str, "Patient"], staff: Mapping[str, "User"]) -> None:
        """Add the model's demo conversations. `patients` maps the demo HIS numbers to
        the patients of the demo practice, `staff` its roles ("huisarts", "poh_ggz",
        ...) to its users. Runs on every `seed_demo`: leave what exists as it is."""

    def timeline(self, consults: Sequence["Consult"]) -> Timeline:
        """The summary line of each consult and the model's series, for all of one
        patient's consults of this model at once, in a fixed number of queries."""
        return Timeline(summaries={c.pk: self.steps_summary(c) for c in consults})

    def steps_summary(self, consult: "Consult") -> str:
        done = sum(1 for step in self.steps if step.slug in consult.completed_steps)
        return _("%(done)d of %(total)d steps done") % {"done": done, "total": len(self.steps)}

    def step_template(self, step: Step) -> str:
        """Template and partial that render a step in the middle of the workspace."""
        return "consult/workspace.html#generic_step"

    def step_context(self, *, consult: "Consult", step: Step, actor: "Actor") -> dict[str, Any]:
        """What the step's template needs, read in a fixed number of queries."""
        return {}

    def chart_svg(self, consult: "Consult", *, for_patient: bool = False) -> str:
        """The model's chart as an SVG string (empty when the model has none).
        `for_patient` draws it for the patient's eyes: their own name, no jargon."""
        return ""

    def what_matters(self, consult: "Consult") -> list[str]:
        """What matters to the patient, in their own words, for the printed plan."""
        return []

    def plan_sections(self, consult: "Consult") -> list[PlanSection]:
        """Extra parts for the patient's printed plan, such as KOP's relapse prevention."""
        return []

    def findings(self, consult: "Consult") -> list[str]:
        """The model's findings in a few lines, for the O of the SOEP summary. A model
        that overrides findings_for() lets this return
        `self.findings_for([consult])[consult.pk]`, so both read the same way."""
        return []

    def findings_for(self, consults: Sequence["Consult"]) -> dict[int, list[str]]:
        """findings() of each of these consults of this model (one patient's, for their
        copy), by consult pk, in a fixed number of queries however many there are.
        The default asks findings() consult by consult."""
        return {consult.pk: self.findings(consult) for consult in consults}

    def recorded_data(self, consult: "Consult") -> dict[str, Any]:
        """Everything the model recorded in this consult, for the patient's copy of
        their data (right of inspection). Plain values only. A model that overrides
        recorded_data_for() lets this return
        `self.recorded_data_for([consult])[consult.pk]`."""
        return {}

    def recorded_data_for(self, consults: Sequence["Consult"]) -> dict[int, dict[str, Any]]:
        """recorded_data() of each of these consults of this model, by consult pk, in a
        fixed number of queries however many there are: the patient's copy reads all
        their consults at once, as the timeline does. The default asks recorded_data()
        consult by consult."""
        return {consult.pk: self.recorded_data(consult) for consult in consults}

    def goal_suggestions(self, consult: "Consult") -> list[GoalSuggestion]:
        """Goals the conversation points at, for the professional to take over."""
        return []


_registry: dict[str, ConversationModel] = {}


def register(model: ConversationModel) -> None:
    if model.slug in _registry and _registry[model.slug] != model:
        raise ValueError(f"A conversation model with slug {model.slug!r} is already registered")
    _registry[model.slug] = model


def unregister(slug: str) -> None:
    _registry.pop(slug, None)


def conversation_models() -> list[ConversationModel]:
    return list(_registry.values())


def get_conversation_model(slug: str) -> ConversationModel | None:
    return _registry.get(slug)


def domain_label(domain: str) -> Text:
    """The label of a stored goal domain such as '4d:maatschappelijk'."""
    model_slug, _sep, key = domain.partition(":")
    model = _registry.get(model_slug)
    found = model.domain(key) if model else None
    return found.label if found else ""
