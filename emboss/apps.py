from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbossConfig(AppConfig):
    name = "emboss"
    verbose_name = _("EMBOSS")

    def ready(self) -> None:
        from consult.conversation_api import ConversationModel, Domain, Step, register
        from sociale_kaart.themes import ThemeSlug as T

        register(
            ConversationModel(
                slug="emboss",
                name=_("EMBOSS seven steps"),
                for_whom=_(
                    "For patients with low health literacy or low income: a cycle in plain "
                    "language, with teach-back."
                ),
                steps=(
                    Step("voorbereiden", _("Prepare with the conversation card")),
                    Step("gesprek", _("Conversation about health and daily life")),
                    Step("prioriteiten", _("Set priorities")),
                    Step("doelen", _("Choose goals and make the plan")),
                    Step("vastleggen", _("Put the plan on paper")),
                    Step("aan-de-slag", _("Getting going")),
                    Step("evalueren", _("Evaluate")),
                ),
                domains=(
                    Domain("gezondheid", _("Health and body"), (T.PHYSICAL, T.LIFESTYLE, T.FOOD)),
                    Domain("gevoel", _("Feelings and worries"), (T.MENTAL, T.SLEEP, T.ADDICTION)),
                    Domain(
                        "mensen", _("People around me"), (T.RELATIONS, T.INFORMAL_CARE, T.PARENTING)
                    ),
                    Domain("geld", _("Money"), (T.MONEY, T.LEGAL)),
                    Domain("wonen", _("Home"), (T.HOUSING,)),
                    Domain("dagbesteding", _("Work and daytime"), (T.WORK, T.LANGUAGE)),
                    Domain("zingeving", _("What gives meaning"), (T.MEANING,)),
                ),
                continuable=True,
                session_label=_("cycle"),
            )
        )
