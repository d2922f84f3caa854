"""The conversation-model registry.

Each model app registers one ConversationModel in its AppConfig.ready(). The core
only ever reaches the models through this module, so adding a model is adding an
app: nothing in `consult` changes.

A model app subclasses ConversationModel to render its steps, to draw its chart and
to suggest goals; the defaults here are enough for a model that only lists steps.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from consult.access import Actor
    from consult.models import Consult

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
    text: str
    domain_key: str


@dataclass(frozen=True)
class PlanSection:
    """A part of the printed plan that only one model has (KOP: relapse prevention),
    in plain words for the patient."""

    heading: str
    lines: Sequence[str]


@dataclass(frozen=True)
class ConversationModel:
    slug: str
    name: Text
    for_whom: Text
    steps: Sequence[Step] = field(default_factory=tuple)
    domains: Sequence[Domain] = field(default_factory=tuple)

    def step(self, slug: str) -> Step | None:
        return next((step for step in self.steps if step.slug == slug), None)

    def domain(self, key: str) -> Domain | None:
        return next((domain for domain in self.domains if domain.key == key), None)

    def on_start(self, consult: "Consult") -> None:
        """Create what the model keeps per consult, in the transaction that starts it."""

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
        """The model's findings in a few lines, for the O of the SOEP summary."""
        return []

    def recorded_data(self, consult: "Consult") -> dict[str, Any]:
        """Everything the model recorded in this consult, for the patient's copy of
        their data (right of inspection). Plain values only."""
        return {}

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
