from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbossConfig(AppConfig):
    name = "emboss"
    verbose_name = _("EMBOSS")

    def ready(self) -> None:
        from consult.registry import ConversationModel, Step, register

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
            )
        )
