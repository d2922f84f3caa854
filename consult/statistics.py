"""ANALYZE after `migrate` (the signal is connected in consult.apps); the why is in
brede_gesprek.statistics."""

from typing import Any

from brede_gesprek.statistics import analyze


def analyze_after_migrate(*, using: str = "default", **_kwargs: Any) -> None:
    analyze(using)
