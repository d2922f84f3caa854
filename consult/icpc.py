"""ICPC codes (P and Z chapters of ICPC-1-NL, the NHG's table that Dutch GPs code
with) suggested for the E line of the SOEP summary and the FHIR export.

Suggestions only, from what the patient chose to work on (their goals and
priorities): first the patient's own words ("schulden" -> Z01, "slecht slapen" ->
P06), and only where the words say nothing, a goal's theme when that points at one
code. A life domain's themes alone never do: "maatschappelijk" holds money, housing,
work, legal and language, and suggesting all of those codes for a debt goal is noise.
The professional confirms or changes the codes; a GP must review this mapping."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from sociale_kaart.search import words
from sociale_kaart.themes import ThemeSlug as T

# Code -> title, as the NHG table names them (Dutch through the translation).
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
    "Z06": _("Problems with unemployment"),
    "Z07": _("Problems with education"),
    "Z09": _("Problems with justice/police"),
    "Z12": _("Problems in the relationship with the partner"),
    "Z16": _("Problems in the relationship with a child"),
    "Z22": _("Problems with illness of a parent/family member"),
    "Z29": _("Other social problem"),
}

# Code -> the words in a patient's sentence that point at it: "word" matches that
# word, "word*" every word starting with it (accents and capitals ignored). Narrow on
# purpose: "werken aan mijn conditie" is no work problem, "rekening houden met" no bill.
WORDS = {
    "Z01": "schuld* geld* armoede rondkom* rekeningen betal* inkomen uitkering* deurwaarder* "
    "incasso* aanmaning* financ* budget* huurachterstand* toeslag*",
    "Z03": "huis woning* wonen woonruimte huisvest* verhuiz* buren buurman buurvrouw overlast "
    "dakloos schimmel*",
    "Z05": "werk werkgever* werkplek* baan banen collega* baas ontslag* bedrijfsarts reintegr* "
    "ziekgemeld ziekmeld*",
    "Z06": "werkloos* werkzoek* sollicit*",
    "Z07": "school* opleiding* studie* studeren taalles* inburger* diploma*",
    "Z09": "rechter* rechtszaak* rechtbank* advocaat* politie* justitie* juridisch* boete* "
    "aangifte* strafblad*",
    "Z12": "partner* echtgeno* scheiding* gescheiden huwelijk*",
    "Z16": "opvoed* puber*",
    "Z22": "mantelzorg*",
    "Z29": "eenzaam* isolement",
    "P01": "angst* bang nerveus gespannen onrust* paniek* zenuw* pieker*",
    "P02": "stress* overspann*",
    "P03": "somber* depress* neerslachtig* verdriet*",
    "P06": "slaap* slapen slapeloos* sliep wakker inslapen doorslap* nachtrust nachten",
    "P15": "alcohol* drank dronken bier wijn",
}

# A goal's theme, for a goal whose words point at no code: one code per theme at most.
BY_THEME: dict[str, str] = {
    T.MONEY: "Z01",
    T.HOUSING: "Z03",
    T.WORK: "Z05",
    T.LANGUAGE: "Z07",
    T.LEGAL: "Z09",
    T.PARENTING: "Z16",
    T.INFORMAL_CARE: "Z22",
    T.RELATIONS: "Z29",
    T.MENTAL: "P29",
    T.SLEEP: "P06",
    T.ADDICTION: "P15",
}


@dataclass(frozen=True)
class Choice:
    """Something the patient chose to work on: a goal with its themes, or a priority."""

    text: str
    theme_slugs: frozenset[str] = field(default_factory=frozenset)


def codes_in(text: str) -> set[str]:
    """The codes the words of a sentence point at."""
    found = set()
    for word in words(text):
        for code, patterns in WORDS.items():
            if any(
                word.startswith(p[:-1]) if p.endswith("*") else word == p for p in patterns.split()
            ):
                found.add(code)
    return found


def suggest(choices: Iterable[Choice]) -> list[str]:
    """Codes for what the patient chose, in code order, each once."""
    codes: set[str] = set()
    for choice in choices:
        found = codes_in(choice.text)
        if not found:
            by_theme = {BY_THEME[s] for s in choice.theme_slugs if s in BY_THEME}
            if len(by_theme) == 1:
                found = by_theme
        codes |= found
    return sorted(codes)


def title(code: str) -> str:
    return str(TITLES.get(code, ""))
