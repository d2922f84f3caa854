"""ICPC-2 codes (P and Z chapters) suggested from the plan's themes, for the E line of
the SOEP summary. Suggestions only: the professional confirms or changes them."""

from django.utils.translation import gettext_lazy as _

from sociale_kaart.themes import ThemeSlug as T

# Code -> title, as the NHG ICPC list names them (Dutch through the translation).
TITLES = {
    "P01": _("Anxious/nervous/tense feeling"),
    "P02": _("Acute stress reaction"),
    "P03": _("Feeling down/depressed"),
    "P06": _("Sleeplessness/other sleep problems"),
    "P15": _("Chronic alcohol abuse"),
    "P29": _("Other psychological symptoms/complaints"),
    "Z01": _("Poverty/financial problems"),
    "Z03": _("Problems with housing/neighbourhood"),
    "Z05": _("Problems with work"),
    "Z07": _("Problems with education"),
    "Z09": _("Problems with justice/police"),
    "Z16": _("Problems in the relationship with a child"),
    "Z22": _("Problems with illness of a parent/family member"),
    "Z29": _("Other social problem"),
}

BY_THEME = {
    T.MONEY: ("Z01",),
    T.HOUSING: ("Z03",),
    T.WORK: ("Z05",),
    T.LANGUAGE: ("Z07",),
    T.LEGAL: ("Z09",),
    T.PARENTING: ("Z16",),
    T.INFORMAL_CARE: ("Z22",),
    T.RELATIONS: ("Z29",),
    T.MEANING: ("Z29",),
    T.MENTAL: ("P01", "P03"),
    T.SLEEP: ("P06",),
    T.ADDICTION: ("P15",),
}


def suggest(theme_slugs: set[str]) -> list[str]:
    """Codes for the given themes, in code order, each once."""
    codes = {code for slug in theme_slugs for code in BY_THEME.get(T(slug), ())}
    return sorted(codes)


def title(code: str) -> str:
    return str(TITLES.get(code, ""))
