from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Models4DConfig(AppConfig):
    name = "models_4d"
    verbose_name = _("4D-model")

    def ready(self) -> None:
        from consult.registry import ConversationModel, Step, register

        register(
            ConversationModel(
                slug="4d",
                name=_("4D-model"),
                for_whom=_(
                    "For problems in several life domains: body, mind, social and societal, "
                    "and how they connect."
                ),
                steps=(
                    Step("introductie", _("Introduction and consent to look broader")),
                    Step("lichaam", _("Body")),
                    Step("geest", _("Mind")),
                    Step("sociaal", _("Social")),
                    Step("maatschappelijk", _("Societal")),
                    Step("verbanden", _("Connections")),
                    Step("prioriteiten", _("Priorities")),
                    Step("plan", _("Plan")),
                ),
            )
        )
