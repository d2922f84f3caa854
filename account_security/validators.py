"""Refusing passwords an attacker tries first in a Dutch practice: a common Dutch word
or first name with digits or characters around it (`wachtwoord123`, `Welkom2026!`),
and anything with the name of this application, of the practice or of the demo.
Django's own list of common passwords is English; this one adds what it misses."""

import re
import unicodedata
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from consult.demo import DEMO_PASSWORD
from consult.models import User

GUESSABLE_WORDS = frozenset(
    word
    for line in (Path(__file__).parent / "guessable_words.txt").read_text().splitlines()
    if not line.startswith("#")
    for word in line.split()
)
# Words that name this application and its demo, whatever surrounds them.
CONTEXT_WORDS = ("bredegesprek", "zonnedal", DEMO_PASSWORD)
# Words in a practice's name that say nothing of which practice it is.
GENERIC_PRACTICE_WORDS = frozenset(
    [
        "huisartsenpraktijk",
        "huisartspraktijk",
        "huisartsen",
        "huisarts",
        "praktijk",
        "gezondheidscentrum",
        "medisch",
        "centrum",
        "groepspraktijk",
    ]
)
LOOKALIKES = str.maketrans(
    {"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t"}
)


class GuessablePasswordValidator:
    def validate(self, password: str, user: User | None = None) -> None:
        lowered = password.lower()
        letters = _letters(lowered.translate(LOOKALIKES))
        names = [*CONTEXT_WORDS, *_practice_words(user)]
        if any(_letters(name) in letters for name in names):
            raise ValidationError(
                _(
                    "This password contains the name of this application, your practice or the demo."
                ),
                code="password_has_context_word",
            )
        # The core without the digits and characters around it, read past look-alikes.
        core = _letters(re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered).translate(LOOKALIKES))
        if not core or core in GUESSABLE_WORDS:
            raise ValidationError(
                _(
                    "This password is too easy to guess: a common word or name with digits or "
                    "characters around it. A sentence of a few words is better."
                ),
                code="password_too_guessable",
            )

    def get_help_text(self) -> str:
        return _(
            "Not a common word or name with digits added, and not the name of this application "
            "or your practice."
        )


def _letters(text: str) -> str:
    """Only the letters a to z: "Patiënt 2026!" reads as "patient"."""
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", text.lower()))


def _practice_words(user: User | None) -> list[str]:
    practice = getattr(user, "practice", None)
    if practice is None:
        return []
    words = [_letters(word) for word in practice.name.split()]
    return [word for word in words if word not in GENERIC_PRACTICE_WORDS and len(word) >= 5]
