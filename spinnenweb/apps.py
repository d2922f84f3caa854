from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpinnenwebConfig(AppConfig):
    name = "spinnenweb"
    verbose_name = _("Spinnenweb")

    def ready(self) -> None:
        from consult.registry import ConversationModel, Step, register

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
            )
        )
