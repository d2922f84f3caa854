"""The life domains of the EMBOSS conversation card, in few and plain words, each with
a pictogram drawn here and the shared themes it maps onto."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sociale_kaart.themes import ThemeSlug as T


@dataclass(frozen=True)
class CardDomain:
    key: str
    label: Promise  # on the card: two or three words
    question: Promise  # at home, plain Dutch (B1), "je"
    icon: str  # SVG path data in a 40 x 40 box
    themes: tuple[str, ...]


DOMAINS = (
    CardDomain(
        "gezondheid",
        _("My body"),
        _("How is your body? Think of pain, tiredness, eating and moving."),
        # A heart.
        "M20 34 L7 21 A7 7 0 0 1 20 11 A7 7 0 0 1 33 21 Z",
        (T.PHYSICAL, T.LIFESTYLE, T.FOOD),
    ),
    CardDomain(
        "gevoel",
        _("How I feel"),
        _("How do you feel? Think of worries, stress and sleep."),
        # A face.
        "M20 5 A15 15 0 1 0 20.01 5 Z M14 16 A2 2 0 1 0 14.01 16 Z M26 16 A2 2 0 1 0 26.01 16 Z "
        "M13 25 Q20 30 27 25",
        (T.MENTAL, T.SLEEP, T.ADDICTION),
    ),
    CardDomain(
        "mensen",
        _("People around me"),
        _("Who is there for you? Family, friends, neighbours."),
        # Two people.
        "M13 8 A5 5 0 1 0 13.01 8 Z M27 8 A5 5 0 1 0 27.01 8 Z M4 34 Q13 18 22 34 Z "
        "M18 34 Q27 18 36 34 Z",
        (T.RELATIONS, T.INFORMAL_CARE, T.PARENTING),
    ),
    CardDomain(
        "geld",
        _("Money"),
        _("Can you make ends meet? Are there debts or letters you leave closed?"),
        # A coin.
        "M20 5 A15 15 0 1 0 20.01 5 Z M20 11 L20 29 M15 15 Q20 10 25 15 Q20 20 15 25 Q20 30 25 25",
        (T.MONEY, T.LEGAL),
    ),
    CardDomain(
        "wonen",
        _("My home"),
        _("Is your home good for you? Think of space, damp, neighbours."),
        # A house.
        "M5 20 L20 6 L35 20 M9 17 L9 34 L31 34 L31 17 M17 34 L17 25 L23 25 L23 34",
        (T.HOUSING,),
    ),
    CardDomain(
        "dagbesteding",
        _("My days"),
        _("What do you do during the day? Work, school, volunteering, housework."),
        # A sun.
        "M20 13 A7 7 0 1 0 20.01 13 Z M20 3 L20 8 M20 32 L20 37 M3 20 L8 20 M32 20 L37 20 "
        "M8 8 L11 11 M29 29 L32 32 M8 32 L11 29 M29 11 L32 8",
        (T.WORK, T.LANGUAGE),
    ),
    CardDomain(
        "zingeving",
        _("What I find important"),
        _("What makes you happy? What do you want to do or keep?"),
        # A star.
        "M20 4 L24 15 L36 15 L26 22 L30 34 L20 27 L10 34 L14 22 L4 15 L16 15 Z",
        (T.MEANING,),
    ),
)
BY_KEY = {domain.key: domain for domain in DOMAINS}
