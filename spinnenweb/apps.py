from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpinnenwebConfig(AppConfig):
    name = "spinnenweb"
    verbose_name = _("Spinnenweb")

    def ready(self) -> None:
        from consult.conversation_api import EditableKind, register, register_editable
        from spinnenweb.conversation import SPINNENWEB
        from spinnenweb.forms import DimensionForm, SheetForm
        from spinnenweb.models import WebDimension, WebSheet

        register(SPINNENWEB)
        register_editable(
            EditableKind(
                "web_dimension",
                WebDimension,
                DimensionForm,
                patient_path="web__patient",
                consult_path="web__consult",
            )
        )
        register_editable(
            EditableKind(
                "web_sheet",
                WebSheet,
                SheetForm,
                patient_path="consult__patient",
                consult_path="consult",
            )
        )
