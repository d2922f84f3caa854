from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Models4DConfig(AppConfig):
    name = "models_4d"
    verbose_name = _("4D-model")

    def ready(self) -> None:
        from consult.conversation_api import EditableKind, register, register_editable
        from models_4d.conversation import FOUR_D
        from models_4d.forms import EntryForm, SheetForm
        from models_4d.models import FourDEntry, FourDSheet

        register(FOUR_D)
        register_editable(
            EditableKind(
                "4d_sheet",
                FourDSheet,
                SheetForm,
                patient_path="consult__patient",
                consult_path="consult",
            )
        )
        register_editable(
            EditableKind(
                "4d_entry",
                FourDEntry,
                EntryForm,
                patient_path="consult__patient",
                consult_path="consult",
            )
        )
