"""The shared vocabulary of life domains. Services are classified by these themes,
goals carry them, and each conversation model maps its own domains onto them: that is
how a goal finds a service."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThemeSlug(models.TextChoices):
    MONEY = "geld-en-schulden", _("Money and debts")
    HOUSING = "wonen", _("Housing")
    WORK = "werk-en-dagbesteding", _("Work and daily activity")
    RELATIONS = "eenzaamheid-en-relaties", _("Loneliness and relations")
    LIFESTYLE = "bewegen-en-leefstijl", _("Exercise and lifestyle")
    FOOD = "voeding", _("Food")
    SLEEP = "slaap", _("Sleep")
    PHYSICAL = "lichamelijke-gezondheid", _("Physical health")
    MENTAL = "psychische-klachten", _("Mental complaints")
    MEANING = "zingeving", _("Meaning")
    INFORMAL_CARE = "mantelzorg", _("Informal care")
    PARENTING = "opvoeding", _("Parenting")
    ADDICTION = "verslaving", _("Addiction")
    LANGUAGE = "taal-en-digitale-vaardigheden", _("Language and digital skills")
    LEGAL = "juridisch", _("Legal")
