from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultConfig(AppConfig):
    name = "consult"
    verbose_name = _("Consult")

    def ready(self) -> None:
        from consult.autosave import EditableKind, register_editable
        from consult.models import Agreement, Goal, NetworkMember, Plan
        from consult.plan_forms import AgreementForm, GoalForm, NetworkMemberForm, PlanForm
        from consult.refer_from_kaart import refer_context_from_consult
        from sociale_kaart.referring import register_refer_context

        register_editable(EditableKind("plan", Plan, PlanForm, patient_path="patient"))
        register_editable(EditableKind("goal", Goal, GoalForm, patient_path="plan__patient"))
        register_editable(
            EditableKind("agreement", Agreement, AgreementForm, patient_path="goal__plan__patient")
        )
        register_editable(
            EditableKind(
                "network_member", NetworkMember, NetworkMemberForm, patient_path="plan__patient"
            )
        )
        register_refer_context(refer_context_from_consult)

        from django.db.models.signals import post_migrate

        from consult.statistics import analyze_after_migrate

        # Once per migrate (this app's signal), after every app's tables exist.
        post_migrate.connect(analyze_after_migrate, sender=self)
