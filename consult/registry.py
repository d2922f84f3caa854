"""The conversation-model registry.

Each model app registers one ConversationModel in its AppConfig.ready(). The core
only ever reaches the models through this module, so adding a model is adding an
app: nothing in `consult` changes.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise

type Text = str | Promise


@dataclass(frozen=True)
class Step:
    slug: str
    title: Text
    hint: Text = ""


@dataclass(frozen=True)
class ConversationModel:
    slug: str
    name: Text
    for_whom: Text
    steps: Sequence[Step] = field(default_factory=tuple)

    def step(self, slug: str) -> Step | None:
        return next((step for step in self.steps if step.slug == slug), None)


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
