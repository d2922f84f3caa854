"""The KOP-model as the core sees it: the article's five steps with the risk analysis
before going further, the schema's picture, sessions, severity over time, relapse
prevention in the printed plan."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brede_gesprek.queries import one_or_none
from consult.conversation_api import (
    Actor,
    ConversationModel,
    Domain,
    GoalSuggestion,
    PlanSection,
    SeriesLine,
    SeriesPoint,
    Step,
    Timeline,
    TimelineSeries,
    record_form,
)
from consult.models import Consult, Goal, Patient, User
from kop import services
from kop.forms import (
    CircumstanceAddForm,
    CircumstanceForm,
    ComplaintAddForm,
    ComplaintForm,
    InterventionAddForm,
    ProblemDefinitionForm,
    QuestionForm,
    ReferralForm,
    RelapseForm,
    RiskForm,
    SessionForm,
    StyleAddForm,
    StyleForm,
)
from kop.interventions import INTERVENTIONS_BY_TARGET
from kop.models import (
    Circumstance,
    Complaint,
    Intervention,
    KopSheet,
    LifeArea,
    StyleItem,
)
from kop.schema import Schema, schema_of, schemas_of
from sociale_kaart.themes import ThemeSlug as T

STEPS_AFTER_RISK = {"probleemdefinitie", "plan", "uitvoering", "terugvalpreventie"}


def _sheets_of(consults: Sequence[Consult]) -> dict[int, KopSheet]:
    return {
        sheet.consult_id: sheet
        for sheet in KopSheet.objects.filter(consult_id__in=[c.pk for c in consults])
    }


@dataclass(frozen=True)
class Editable:
    """An item of the schema with its autosave form."""

    item: Complaint | Circumstance | StyleItem
    form: forms.BaseForm


def _rows(
    consult: Consult,
    items: Sequence[Complaint | Circumstance | StyleItem],
    form_class: type[forms.ModelForm],
    kind: str,
) -> list[Editable]:
    return [
        Editable(item, record_form(form_class, item, consult=consult, kind=kind)) for item in items
    ]


def _complaint_rows(consult: Consult, complaints: list[Complaint]) -> list[Editable]:
    return _rows(consult, complaints, ComplaintForm, "kop_complaint")


@dataclass(frozen=True)
class KopModel(ConversationModel):
    def on_start(self, *, consult: Consult, actor: Actor) -> None:
        services.sheet_for(consult)

    def on_continue(self, *, consult: Consult, previous: Consult, actor: Actor) -> None:
        services.carry_over(consult=consult, previous=previous)

    def on_step_done(self, *, consult: Consult, step: Step, actor: Actor) -> None:
        if step.slug == "risico":
            sheet = services.sheet_for(consult)
            if sheet.risk_recorded_at is None:
                raise ValidationError(
                    _(
                        "Record the risk analysis first: every question answered and the "
                        "conclusion written."
                    )
                )

    def consult_urls(self) -> Sequence[URLPattern | URLResolver]:
        from kop.urls import urlpatterns

        return urlpatterns

    def seed_demo(self, *, patients: Mapping[str, Patient], staff: Mapping[str, User]) -> None:
        from kop.demo import seed_kop_case

        seed_kop_case(patients=patients, staff=staff)

    def step_template(self, step: Step) -> str:
        return f"kop/steps.html#{step.slug}"

    def step_context(self, *, consult: Consult, step: Step, actor: Actor) -> dict[str, Any]:
        sheet = services.sheet_for(consult)
        schema = schema_of(consult)
        context: dict[str, Any] = {
            "sheet": sheet,
            "schema": schema,
            "risk_reminder": step.slug in STEPS_AFTER_RISK and sheet.risk_recorded_at is None,
        }
        if step.slug == "schema":
            context.update(
                complaints=_complaint_rows(consult, schema.complaints),
                burdens=_rows(consult, schema.burdens, CircumstanceForm, "kop_circumstance"),
                supports=_rows(consult, schema.supports, CircumstanceForm, "kop_circumstance"),
                falls_short=_rows(consult, schema.falls_short, StyleForm, "kop_style"),
                helps=_rows(consult, schema.helps, StyleForm, "kop_style"),
                question_form=record_form(QuestionForm, sheet, consult=consult, kind="kop_sheet"),
                add_complaint=ComplaintAddForm(prefix="klacht"),
                add_burden=CircumstanceAddForm(initial={"positive": "0"}, prefix="last"),
                add_support=CircumstanceAddForm(
                    initial={"positive": "1", "area": LifeArea.FAMILY}, prefix="steun"
                ),
                add_short=StyleAddForm(initial={"helps": "0"}, prefix="tekort"),
                add_helps=StyleAddForm(initial={"helps": "1"}, prefix="helpt"),
            )
        elif step.slug == "risico":
            context["risk_form"] = record_form(RiskForm, sheet, consult=consult, kind="kop_sheet")
            context["risk_missing"] = sheet.risk_answers_missing
        elif step.slug == "probleemdefinitie":
            context["chart"] = schema.svg()
            context["definition_form"] = record_form(
                ProblemDefinitionForm, sheet, consult=consult, kind="kop_sheet"
            )
        elif step.slug == "plan":
            goals = list(
                Goal.objects.active()
                .filter(plan__patient_id=consult.patient_id)
                .order_by("position", "created_at")
            )
            context.update(
                goals=goals,
                interventions_by_target=INTERVENTIONS_BY_TARGET,
                chosen=list(
                    Intervention.objects.filter(consult=consult).select_related("agreement__goal")
                ),
                intervention_form=InterventionAddForm(
                    goals=[(str(goal.public_id), goal.text) for goal in goals]
                ),
                referral_form=record_form(ReferralForm, sheet, consult=consult, kind="kop_sheet"),
            )
        elif step.slug == "uitvoering":
            context.update(
                complaints=_complaint_rows(consult, schema.complaints),
                session_form=record_form(SessionForm, sheet, consult=consult, kind="kop_sheet"),
                chosen=list(
                    Intervention.objects.filter(consult=consult).select_related("agreement")
                ),
            )
        elif step.slug == "terugvalpreventie":
            context["relapse_form"] = record_form(
                RelapseForm, sheet, consult=consult, kind="kop_sheet"
            )
        return context

    def chart_svg(self, consult: Consult, *, for_patient: bool = False) -> str:
        schema = schema_of(consult)
        if not (schema.complaints or schema.circumstances or schema.style):
            return ""
        return schema.svg()

    def what_matters(self, consult: Consult) -> list[str]:
        sheet = one_or_none(KopSheet.objects.filter(consult=consult))
        if sheet is None:
            return []
        return [text for text in (sheet.question, sheet.problem_definition) if text]

    def plan_sections(self, consult: Consult) -> list[PlanSection]:
        sheet = one_or_none(KopSheet.objects.filter(consult=consult))
        if sheet is None or not (sheet.warning_signs or sheet.what_helps or sheet.who_to_call):
            return []
        lines = [
            f"{label} {text}"
            for label, text in (
                (_("Signs that it is getting worse:"), sheet.warning_signs),
                (_("What helps me then:"), sheet.what_helps),
                (_("Who I call:"), sheet.who_to_call),
            )
            if text
        ]
        return [PlanSection(heading=_("If it gets worse again"), lines=lines)]

    def findings(self, consult: Consult) -> list[str]:
        """The schema in short, the problem definition and the risk conclusion: for the
        professional's record, never for the patient's print."""
        return self.findings_for([consult])[consult.pk]

    def findings_for(self, consults: Sequence[Consult]) -> dict[int, list[str]]:
        """Four queries for all consults: the sheets and the three parts of the schema."""
        sheets = _sheets_of(consults)
        schemas = schemas_of(consults)
        return {
            consult.pk: _findings(sheets.get(consult.pk), schemas[consult.pk])
            for consult in consults
        }

    def recorded_data(self, consult: Consult) -> dict[str, Any]:
        return self.recorded_data_for([consult])[consult.pk]

    def recorded_data_for(self, consults: Sequence[Consult]) -> dict[int, dict[str, Any]]:
        """Five queries for all consults: the sheets, the three parts of the schema and
        the interventions."""
        sheets = _sheets_of(consults)
        schemas = schemas_of(consults)
        interventions: dict[int, list[Intervention]] = {consult.pk: [] for consult in consults}
        for intervention in Intervention.objects.filter(consult_id__in=list(interventions)):
            interventions[intervention.consult_id].append(intervention)
        recorded = {}
        for consult in consults:
            sheet, schema = sheets.get(consult.pk), schemas[consult.pk]
            data: dict[str, Any] = {
                "session": consult.session_number,
                "complaints": [
                    {"text": c.text, "since": c.since, "severity": c.severity}
                    for c in schema.complaints
                ],
                "circumstances": [
                    {"area": str(c.get_area_display()), "positive": c.positive, "text": c.text}
                    for c in schema.circumstances
                ],
                "personal_style": [{"helps": s.helps, "text": s.text} for s in schema.style],
                "interventions": [str(i.get_kind_display()) for i in interventions[consult.pk]],
            }
            if sheet is not None:
                data.update(
                    question=sheet.question,
                    problem_definition=sheet.problem_definition,
                    risk_analysis={
                        "stressors": sheet.stressors,
                        "protective": sheet.protective,
                        "acute_risk": str(sheet.get_acute_risk_display()),
                        "depression": str(sheet.get_depression_display()),
                        "suicidality": str(sheet.get_suicidality_display()),
                        "conclusion": sheet.risk_conclusion,
                    },
                    referral=str(sheet.get_ggz_referral_display()) if sheet.ggz_referral else "",
                    session_notes=sheet.session_notes,
                    relapse_prevention={
                        "warning_signs": sheet.warning_signs,
                        "what_helps": sheet.what_helps,
                        "who_to_call": sheet.who_to_call,
                    },
                )
            recorded[consult.pk] = data
        return recorded

    def goal_suggestions(self, consult: Consult) -> list[GoalSuggestion]:
        """The complaints that weigh most and the burdening circumstances: goals the
        patient then words in their own way. The SOEP block suggests P codes from the
        complaints' words through these too."""
        schema = schema_of(consult)
        complaints = sorted(schema.complaints, key=lambda c: -(c.severity or 0))
        return [
            GoalSuggestion(key=f"kop_complaint:{c.lineage}", text=c.text, domain_key="klachten")
            for c in complaints
        ] + [
            GoalSuggestion(
                key=f"kop_circumstance:{c.public_id}", text=c.text, domain_key="omstandigheden"
            )
            for c in schema.burdens
        ]

    def timeline(self, consults: Sequence[Consult]) -> Timeline:
        """Per session its complaints and their severity; the severity of each complaint
        over the sessions as one series. Two queries for all the patient's sessions."""
        ids = [consult.pk for consult in consults]
        complaints = list(
            Complaint.objects.active()
            .filter(consult_id__in=ids)
            .only("consult_id", "lineage", "text", "severity")
            .order_by("created_at")
        )
        by_consult: dict[int, list[Complaint]] = defaultdict(list)
        for complaint in complaints:
            by_consult[complaint.consult_id].append(complaint)
        started = {consult.pk: timezone.localdate(consult.started_at) for consult in consults}
        lines: dict[Any, list[SeriesPoint]] = defaultdict(list)
        labels: dict[Any, str] = {}
        for complaint in sorted(complaints, key=lambda c: started[c.consult_id]):
            labels[complaint.lineage] = complaint.text
            if complaint.severity:
                lines[complaint.lineage].append(
                    SeriesPoint(on=started[complaint.consult_id], value=complaint.severity)
                )
        summaries = {}
        for consult in consults:
            of_session = by_consult.get(consult.pk, [])
            summaries[consult.pk] = _("Session %(number)d: %(items)s") % {
                "number": consult.session_number,
                "items": ", ".join(
                    c.text + (f" {c.severity}/10" if c.severity else "") for c in of_session
                )
                or _("no complaints recorded yet"),
            }
        series = []
        if any(lines.values()):
            series.append(
                TimelineSeries(
                    key="kop-ernst",
                    title=_("KOP: severity per complaint (1 to 10)"),
                    lines=[
                        SeriesLine(label=labels[lineage], points=points)
                        for lineage, points in lines.items()
                        if points
                    ],
                    y_min=0,
                    y_max=10,
                )
            )
        return Timeline(summaries=summaries, series=series)


def _findings(sheet: KopSheet | None, schema: Schema) -> list[str]:
    lines = []
    if schema.complaints:
        lines.append(
            _("Complaints: %(items)s.")
            % {
                "items": "; ".join(
                    c.text + (f" ({c.severity}/10)" if c.severity else "")
                    for c in schema.complaints
                )
            }
        )
    if schema.circumstances:
        lines.append(
            _("Circumstances: %(items)s.")
            % {
                "items": "; ".join(
                    ("+ " if c.positive else "") + c.text for c in schema.circumstances
                )
            }
        )
    if schema.style:
        lines.append(
            _("Personal style: %(items)s.")
            % {"items": "; ".join(("+ " if s.helps else "") + s.text for s in schema.style)}
        )
    if sheet is not None:
        if sheet.problem_definition:
            lines.append(_("Problem definition: %(text)s") % {"text": sheet.problem_definition})
        if sheet.risk_recorded_at:
            lines.append(_("Risk analysis: %(conclusion)s") % {"conclusion": sheet.risk_conclusion})
        if sheet.ggz_referral:
            lines.append(_("Referral: %(where)s.") % {"where": sheet.get_ggz_referral_display()})
    return lines


KOP = KopModel(
    slug="kop",
    name=gettext_lazy("KOP-model"),
    for_whom=gettext_lazy(
        "For common mental complaints and unexplained physical complaints, "
        "mostly with the POH-GGZ over several sessions."
    ),
    steps=(
        Step(
            "schema",
            gettext_lazy("KOP-schema"),
            gettext_lazy(
                "Map together, in the patient's words: the complaints (K), the circumstances "
                "that raise the burden and those that support (O), and the personal way of "
                "reacting (P)."
            ),
        ),
        Step(
            "risico",
            gettext_lazy("Risk analysis"),
            gettext_lazy("Before going further: serious stressors, protective factors, risks."),
        ),
        Step(
            "probleemdefinitie",
            gettext_lazy("Connection and problem definition"),
            gettext_lazy("How do K, O and P hang together? Write the problem definition together."),
        ),
        Step(
            "plan",
            gettext_lazy("Goals and plan of approach"),
            gettext_lazy("Goals aimed at K, O or P, with psycho-education as the base."),
        ),
        Step(
            "uitvoering",
            gettext_lazy("Carrying out the plan"),
            gettext_lazy("What was done this session, and how severe each complaint is now."),
        ),
        Step(
            "terugvalpreventie",
            gettext_lazy("Relapse prevention"),
            gettext_lazy("Warning signs, what helps and who to call, in the patient's words."),
        ),
    ),
    domains=(
        Domain("klachten", gettext_lazy("Complaints (klachten)"), (T.MENTAL, T.PHYSICAL, T.SLEEP)),
        Domain(
            "omstandigheden",
            gettext_lazy("Circumstances (omstandigheden)"),
            (T.MONEY, T.HOUSING, T.WORK, T.RELATIONS, T.LEGAL, T.INFORMAL_CARE),
        ),
        Domain(
            "persoonlijke-stijl",
            gettext_lazy("Personal style (persoonlijke stijl)"),
            (T.MENTAL, T.LIFESTYLE),
        ),
    ),
    suggestions_step="plan",
    audit_labels={
        "kop_sheet": gettext_lazy("KOP conversation"),
        "kop_complaint": gettext_lazy("KOP: complaint"),
        "kop_circumstance": gettext_lazy("KOP: circumstance"),
        "kop_style": gettext_lazy("KOP: personal style"),
        "kop_risk": gettext_lazy("KOP: risk analysis"),
        "kop_intervention": gettext_lazy("KOP: intervention"),
    },
    chart_key=gettext_lazy(
        "What weighs on you (O) and how you usually react (P) together lead to your "
        "complaints (K). • weighs on you or falls short, + helps."
    ),
    continuable=True,
    session_label=gettext_lazy("session"),
)
