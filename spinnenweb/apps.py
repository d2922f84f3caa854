from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpinnenwebConfig(AppConfig):
    name = "spinnenweb"
    verbose_name = _("Spinnenweb")

    def ready(self) -> None:
        from consult.conversation_api import ConversationModel, Domain, Step, register
        from sociale_kaart.themes import ThemeSlug as T

        register(
            ConversationModel(
                slug="spinnenweb",
                name=_("Spinnenweb (Positieve Gezondheid)"),
                for_whom=_(
                    "For a broad look at health and what matters to the patient, scored on "
                    "six dimensions."
                ),
                steps=(
                    Step("introductie", _("Introduction")),
                    Step("scores", _("Scores on the six dimensions")),
                    Step("gesprek", _("What matters and what should change")),
                    Step("plan", _("Plan")),
                ),
                domains=(
                    Domain(
                        "lichaamsfuncties",
                        _("Bodily functions (Lichaamsfuncties)"),
                        (T.PHYSICAL, T.SLEEP, T.LIFESTYLE, T.FOOD),
                    ),
                    Domain("mentaal", _("Mental well-being (Mentaal welbevinden)"), (T.MENTAL,)),
                    Domain("zingeving", _("Meaning (Zingeving)"), (T.MEANING,)),
                    Domain(
                        "kwaliteit-van-leven",
                        _("Quality of life (Kwaliteit van leven)"),
                        (T.MEANING, T.HOUSING, T.MONEY),
                    ),
                    Domain(
                        "meedoen",
                        _("Participation (Meedoen)"),
                        (T.RELATIONS, T.WORK, T.LANGUAGE, T.INFORMAL_CARE),
                    ),
                    Domain(
                        "dagelijks-functioneren",
                        _("Daily functioning (Dagelijks functioneren)"),
                        (T.WORK, T.MONEY, T.LIFESTYLE, T.LANGUAGE),
                    ),
                ),
            )
        )
