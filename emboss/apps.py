from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbossConfig(AppConfig):
    name = "emboss"
    verbose_name = _("EMBOSS")

    def ready(self) -> None:
        from consult.conversation_api import EditableKind, register, register_editable
        from emboss.conversation import EMBOSS
        from emboss.forms import CheckForm, EvaluationForm, MarkForm, ScaleForm, SheetForm
        from emboss.models import AgreementCheck, CardMark, EmbossSheet, GoalEvaluation, GoalScale

        register(EMBOSS)
        for kind in (
            EditableKind("emboss_sheet", EmbossSheet, SheetForm, "consult__patient", "consult"),
            EditableKind("emboss_mark", CardMark, MarkForm, "card__patient", "card__consult"),
            # The scale belongs to the goal of the shared plan: editable from any consult.
            EditableKind("emboss_goal_scale", GoalScale, ScaleForm, "goal__plan__patient"),
            EditableKind(
                "emboss_goal_evaluation",
                GoalEvaluation,
                EvaluationForm,
                "consult__patient",
                "consult",
            ),
            EditableKind(
                "emboss_agreement_check", AgreementCheck, CheckForm, "consult__patient", "consult"
            ),
        ):
            register_editable(kind)
