from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KopConfig(AppConfig):
    name = "kop"
    verbose_name = _("KOP-model")

    def ready(self) -> None:
        from consult.conversation_api import ConversationModel, Domain, Step, register
        from sociale_kaart.themes import ThemeSlug as T

        register(
            ConversationModel(
                slug="kop",
                name=_("KOP-model"),
                for_whom=_(
                    "For common mental complaints and unexplained physical complaints, "
                    "mostly with the POH-GGZ over several sessions."
                ),
                steps=(
                    Step("schema", _("KOP-schema")),
                    Step("risico", _("Risk analysis")),
                    Step("probleemdefinitie", _("Problem definition")),
                    Step("plan", _("Goals and plan of approach")),
                    Step("uitvoering", _("Carrying out the plan")),
                    Step("terugvalpreventie", _("Relapse prevention")),
                ),
                domains=(
                    Domain("klachten", _("Complaints (klachten)"), (T.MENTAL, T.PHYSICAL, T.SLEEP)),
                    Domain(
                        "omstandigheden",
                        _("Circumstances (omstandigheden)"),
                        (T.MONEY, T.HOUSING, T.WORK, T.RELATIONS, T.LEGAL, T.INFORMAL_CARE),
                    ),
                    Domain(
                        "persoonlijke-stijl",
                        _("Personal style (persoonlijke stijl)"),
                        (T.MENTAL, T.LIFESTYLE),
                    ),
                ),
                continuable=True,
                session_label=_("session"),
            )
        )
