from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KopConfig(AppConfig):
    name = "kop"
    verbose_name = _("KOP-model")

    def ready(self) -> None:
        from consult.conversation_api import EditableKind, register, register_editable
        from kop.conversation import KOP
        from kop.forms import CircumstanceForm, ComplaintForm, SheetForm, StyleForm
        from kop.models import Circumstance, Complaint, KopSheet, StyleItem

        register(KOP)
        for key, model, form in (
            ("kop_sheet", KopSheet, SheetForm),
            ("kop_complaint", Complaint, ComplaintForm),
            ("kop_circumstance", Circumstance, CircumstanceForm),
            ("kop_style", StyleItem, StyleForm),
        ):
            register_editable(
                EditableKind(
                    key, model, form, patient_path="consult__patient", consult_path="consult"
                )
            )
