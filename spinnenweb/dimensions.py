"""The six dimensions of Positieve Gezondheid with their official names, and our own
short prompts. The official tool's question texts are not free to copy and are not
used here."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sociale_kaart.themes import ThemeSlug as T


@dataclass(frozen=True)
class Dimension:
    key: str
    name: Promise  # the official name, in Dutch in the app
    prompt: Promise  # for the professional, beside the score
    home_question: Promise  # for the patient at home: plain Dutch, B1, "je"
    themes: tuple[str, ...]


DIMENSIONS = (
    Dimension(
        "lichaamsfuncties",
        _("Bodily functions"),
        _("Body: feeling fit, sleeping, eating, pain, moving."),
        _("How is your body doing? Think of sleep, food, pain and moving."),
        (T.PHYSICAL, T.SLEEP, T.LIFESTYLE, T.FOOD),
    ),
    Dimension(
        "mentaal",
        _("Mental well-being"),
        _("Mind: remembering, concentrating, mood, being able to handle things."),
        _("How do you feel in your head? Think of mood, worries and remembering things."),
        (T.MENTAL,),
    ),
    Dimension(
        "zingeving",
        _("Meaning"),
        _("Meaning: what makes life worthwhile, ideals, being able to accept things."),
        _("Does your life feel worthwhile? What gives you courage?"),
        (T.MEANING,),
    ),
    Dimension(
        "kwaliteit-van-leven",
        _("Quality of life"),
        _("Quality of life: enjoying, being happy, feeling safe, having enough to live on."),
        _("Do you enjoy life? Do you feel safe and do you have enough to live on?"),
        (T.MEANING, T.HOUSING, T.MONEY),
    ),
    Dimension(
        "meedoen",
        _("Participation"),
        _("Taking part: contact with others, being part of things, meaningful activities."),
        _("Do you have enough contact with others? Do you feel you belong?"),
        (T.RELATIONS, T.WORK, T.LANGUAGE, T.INFORMAL_CARE),
    ),
    Dimension(
        "dagelijks-functioneren",
        _("Daily functioning"),
        _("Daily life: looking after oneself, work, managing money, knowing where to get help."),
        _("How do daily things go? Think of housework, work and money."),
        (T.WORK, T.MONEY, T.LIFESTYLE, T.LANGUAGE),
    ),
)
BY_KEY = {dimension.key: dimension for dimension in DIMENSIONS}
