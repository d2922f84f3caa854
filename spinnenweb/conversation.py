"""The Spinnenweb (Positieve Gezondheid) as the core sees it: six dimensions scored by
the patient, the radar, the leading questions, the patient's own web from home, and
the trend of each dimension over all the patient's webs."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brede_gesprek.queries import one_or_none
from consult.conversation_api import (
    Actor,
    ConversationModel,
    Domain,
    EntryScreen,
    GoalSuggestion,
    PatientEntry,
    SeriesLine,
    SeriesPoint,
    Step,
    Timeline,
    TimelineSeries,
    record_form,
)
from consult.models import Consult, Patient, PatientLink, User
from spinnenweb import services
from spinnenweb.chart import RadarWeb, render_radar_svg
from spinnenweb.dimensions import BY_KEY, DIMENSIONS
from spinnenweb.forms import DimensionForm, HomeDimensionForm, SheetForm
from spinnenweb.models import Web, WebDimension, WebSheet, WebSource


@dataclass(frozen=True)
class DimensionRow:
    dimension: Any
    record: WebDimension
    form: forms.BaseForm


def radar_of(web: Web, label: str) -> RadarWeb:
    dimensions = list(web.dimensions.all())
    return RadarWeb(
        label=label,
        scores={d.key: d.score for d in dimensions},
        talk=frozenset(d.key for d in dimensions if d.talk),
    )


def earlier_web(consult: Consult) -> Web | None:
    """The last web filled in together before this consult, to compare with."""
    return (
        Web.objects.filter(
            patient_id=consult.patient_id,
            source=WebSource.TOGETHER,
            consult__started_at__lt=consult.started_at,
        )
        .exclude(consult=consult)
        .filter(dimensions__score__isnull=False)
        .distinct()
        .order_by("-filled_on", "-created_at")
        .prefetch_related("dimensions")
        .first()
    )


def web_label(web: Web) -> str:
    if web.source == WebSource.HOME:
        return _("Filled in at home, %(date)s") % {"date": f"{web.filled_on:%d-%m-%Y}"}
    return _("Together, %(date)s") % {"date": f"{web.filled_on:%d-%m-%Y}"}


@dataclass(frozen=True)
class SpinnenwebModel(ConversationModel):
    def on_start(self, *, consult: Consult, actor: Actor) -> None:
        services.web_of(consult)
        services.sheet_of(consult)

    def on_finish(self, *, consult: Consult, actor: Actor) -> None:
        services.home_web_claim(consult=consult)

    def on_patient_entry_done(self, *, link: PatientLink) -> None:
        services.web_from_home(link=link)

    def consult_urls(self) -> Sequence[URLPattern | URLResolver]:
        from spinnenweb.urls import urlpatterns

        return urlpatterns

    def seed_demo(self, *, patients: Mapping[str, Patient], staff: Mapping[str, User]) -> None:
        from spinnenweb.demo import seed_spinnenweb_case

        seed_spinnenweb_case(patients=patients, staff=staff)

    def step_template(self, step: Step) -> str:
        return f"spinnenweb/steps.html#{step.slug}"

    def step_context(self, *, consult: Consult, step: Step, actor: Actor) -> dict[str, Any]:
        # Each step reads only what it shows: a step is asked for at every click.
        web = services.web_of(consult)
        prefetch_related_objects([web], "dimensions")
        dimensions = {d.key: d for d in web.dimensions.all()}
        together = radar_of(web, _("Together, now"))
        context: dict[str, Any] = {"web": web}
        if step.slug == "introductie":
            home = services.home_web_for(consult)
            context["home_web"] = home
            context["home_chart"] = (
                render_radar_svg(
                    [together, radar_of(home, web_label(home))],
                    title=_("The patient's own web beside the web filled in together"),
                )
                if home
                else ""
            )
        if step.slug == "scores":
            context["chart"] = render_radar_svg([together], title=_("The web filled in together"))
            context["rows"] = [
                DimensionRow(
                    dimension=d,
                    record=dimensions[d.key],
                    form=record_form(
                        DimensionForm, dimensions[d.key], consult=consult, kind="web_dimension"
                    ),
                )
                for d in DIMENSIONS
            ]
        if step.slug in {"gesprek", "plan"}:
            sheet = services.sheet_of(consult)
            context["sheet"] = sheet
            context["sheet_form"] = record_form(SheetForm, sheet, consult=consult, kind="web_sheet")
            context["comparison"] = _comparison_svg(consult, web)
            context["talk_about"] = [
                BY_KEY[key].name for key, d in dimensions.items() if d.talk and key in BY_KEY
            ]
        return context

    def chart_svg(self, consult: Consult, *, for_patient: bool = False) -> str:
        """This consult's web, drawn over the patient's own web from home and the web
        of last time, where there are."""
        web = services.web_of(consult) if consult.finished_at is None else _together(consult)
        if web is None:
            return ""
        return _comparison_svg(consult, web)

    def what_matters(self, consult: Consult) -> list[str]:
        sheet = one_or_none(WebSheet.objects.filter(consult=consult))
        if sheet is None:
            return []
        return [text for text in (sheet.what_matters, sheet.what_to_change) if text]

    def findings(self, consult: Consult) -> list[str]:
        return self.findings_for([consult])[consult.pk]

    def findings_for(self, consults: Sequence[Consult]) -> dict[int, list[str]]:
        """Three queries for all consults: the webs filled in together, their
        dimensions, the sheets."""
        ids = [consult.pk for consult in consults]
        together: dict[int | None, Web] = {}
        for web in (
            Web.objects.filter(consult_id__in=ids, source=WebSource.TOGETHER)
            .prefetch_related(_dimensions())
            .order_by("filled_on", "created_at", "id")
        ):
            together.setdefault(web.consult_id, web)
        sheets = _sheets_of(ids)
        return {
            consult.pk: _findings(together.get(consult.pk), sheets.get(consult.pk))
            for consult in consults
        }

    def recorded_data(self, consult: Consult) -> dict[str, Any]:
        return self.recorded_data_for([consult])[consult.pk]

    def recorded_data_for(self, consults: Sequence[Consult]) -> dict[int, dict[str, Any]]:
        """Three queries for all consults: the sheets, the webs, their dimensions."""
        ids = [consult.pk for consult in consults]
        sheets = _sheets_of(ids)
        webs: dict[int | None, list[Web]] = {pk: [] for pk in ids}
        for web in (
            Web.objects.filter(consult_id__in=ids)
            .prefetch_related(_dimensions())
            .order_by("filled_on", "created_at", "id")
        ):
            webs[web.consult_id].append(web)
        recorded: dict[int, dict[str, Any]] = {}
        for consult in consults:
            sheet = sheets.get(consult.pk)
            recorded[consult.pk] = {
                "webs": [
                    {
                        "source": str(web.get_source_display()),
                        "filled_on": web.filled_on.isoformat(),
                        "dimensions": [
                            {
                                "dimension": str(BY_KEY[d.key].name),
                                "score": d.score,
                                "talk": d.talk,
                                "words": d.words,
                            }
                            for d in web.dimensions.all()
                            if d.key in BY_KEY
                        ],
                    }
                    for web in webs[consult.pk]
                ],
                "what_matters": sheet.what_matters if sheet else "",
                "what_to_change": sheet.what_to_change if sheet else "",
                "who_can_help": sheet.who_can_help if sheet else "",
                "priorities": sheet.priorities if sheet else "",
            }
        return recorded

    def goal_suggestions(self, consult: Consult) -> list[GoalSuggestion]:
        """What the patient wants to talk about, in their own words where they gave
        them: a goal to phrase together."""
        web = _together(consult)
        if web is None:
            return []
        return [
            GoalSuggestion(
                key=f"web:{d.public_id}",
                text=d.words or str(BY_KEY[d.key].name),
                domain_key=d.key,
            )
            for d in sorted(web.dimensions.all(), key=lambda d: (d.score is None, d.score or 0))
            if d.talk and d.key in BY_KEY
        ]

    def timeline(self, consults: Sequence[Consult]) -> Timeline:
        """Each dimension over every web of the patient, from home too: two queries
        however many webs there are, reading only what the timeline shows (a patient
        with years of webs has hundreds of dimension rows)."""
        patient_ids = {consult.patient_id for consult in consults}
        webs = list(
            Web.objects.filter(patient_id__in=patient_ids)
            .order_by("filled_on", "created_at")
            .values_list("pk", "filled_on", "consult_id", "source")
        )
        dimensions: dict[int, list[tuple[str, int | None, bool]]] = {web[0]: [] for web in webs}
        for web_id, key, score, wants in (
            WebDimension.objects.filter(web_id__in=list(dimensions))
            .order_by("pk")
            .values_list("web_id", "key", "score", "talk")
        ):
            dimensions[web_id].append((key, score, wants))
        points: dict[str, list[SeriesPoint]] = {d.key: [] for d in DIMENSIONS}
        summaries: dict[int, str] = {}
        for web_id, filled_on, consult_id, source in webs:
            scored = [(key, score) for key, score, _talk in dimensions[web_id] if score is not None]
            for key, score in scored:
                if key in points:
                    points[key].append(SeriesPoint(on=filled_on, value=score))
            if consult_id and source == WebSource.TOGETHER:
                talk = [str(BY_KEY[key].name) for key, _score, wants in dimensions[web_id] if wants]
                summaries[consult_id] = _("%(scored)d of 6 scored%(talk)s") % {
                    "scored": len(scored),
                    "talk": "; " + _("talk about: %(items)s") % {"items": ", ".join(talk)}
                    if talk
                    else "",
                }
        series = []
        if any(points.values()):
            series.append(
                TimelineSeries(
                    key="spinnenweb",
                    title=_("Spider web: each dimension over time (0 to 10)"),
                    lines=[SeriesLine(label=str(d.name), points=points[d.key]) for d in DIMENSIONS],
                )
            )
        return Timeline(
            summaries={c.pk: summaries.get(c.pk, self.steps_summary(c)) for c in consults},
            series=series,
        )


def _findings(web: Web | None, sheet: WebSheet | None) -> list[str]:
    lines = []
    if web is not None:
        dimensions = {d.key: d for d in web.dimensions.all()}
        scores = [
            f"{d.name} {dimensions[d.key].score}"
            for d in DIMENSIONS
            if d.key in dimensions and dimensions[d.key].score is not None
        ]
        if scores:
            lines.append(_("Spider web: %(scores)s.") % {"scores": "; ".join(scores)})
        talk = [str(d.name) for d in DIMENSIONS if d.key in dimensions and dimensions[d.key].talk]
        if talk:
            lines.append(_("Wants to talk about: %(items)s.") % {"items": ", ".join(talk)})
    if sheet is not None and sheet.who_can_help:
        lines.append(_("Who or what can help: %(text)s") % {"text": sheet.who_can_help})
    return lines


def _dimensions() -> Prefetch:
    """A web's dimensions in the order they were made: the order of DIMENSIONS."""
    return Prefetch("dimensions", queryset=WebDimension.objects.order_by("pk"))


def _sheets_of(consult_ids: Sequence[int]) -> dict[int, WebSheet]:
    return {
        sheet.consult_id: sheet for sheet in WebSheet.objects.filter(consult_id__in=consult_ids)
    }


def _comparison_svg(consult: Consult, web: Web) -> str:
    """The web of this consult over the patient's own web from home and the web of
    last time, where there are."""
    webs = [radar_of(web, _("Now, together, %(date)s") % {"date": f"{web.filled_on:%d-%m-%Y}"})]
    home = services.home_web_for(consult)
    if home is not None:
        webs.append(radar_of(home, web_label(home)))
    before = earlier_web(consult)
    if before is not None:
        webs.append(
            radar_of(before, _("Last time, %(date)s") % {"date": f"{before.filled_on:%d-%m-%Y}"})
        )
    return render_radar_svg(webs, title=_("My spider web"))


def _together(consult: Consult) -> Web | None:
    return one_or_none(
        Web.objects.filter(consult=consult, source=WebSource.TOGETHER).prefetch_related(
            "dimensions"
        )
    )


HOME_SCREENS = tuple(
    EntryScreen(
        key=d.key,
        title=d.name,
        form_class=HomeDimensionForm,
        intro=d.home_question,
        answer_formats={"score": gettext_lazy("Your score: %(answer)s")},
    )
    for d in DIMENSIONS
)

SPINNENWEB = SpinnenwebModel(
    slug="spinnenweb",
    name=gettext_lazy("Spinnenweb (Positieve Gezondheid)"),
    for_whom=gettext_lazy(
        "For a broad look at health and what matters to the patient, scored on six dimensions."
    ),
    steps=(
        Step(
            "introductie",
            gettext_lazy("Introduction"),
            gettext_lazy(
                "Health is more than not being ill. The patient scores six dimensions; "
                "start from their web from home when there is one."
            ),
        ),
        Step(
            "scores",
            gettext_lazy("Scores on the six dimensions"),
            gettext_lazy("The patient gives each dimension a score from 0 to 10."),
        ),
        Step(
            "gesprek",
            gettext_lazy("What matters and what should change"),
            gettext_lazy("Look at the web together, and compare it with last time."),
        ),
        Step(
            "plan",
            gettext_lazy("Plan"),
            gettext_lazy("What does the patient want to work on first? Make goals of it."),
        ),
    ),
    domains=tuple(Domain(d.key, d.name, d.themes) for d in DIMENSIONS),
    suggestions_step="plan",
    audit_labels={
        "spinnenweb": gettext_lazy("spider web"),
        "web_sheet": gettext_lazy("spider web conversation"),
        "web_dimension": gettext_lazy("spider web: dimension"),
    },
    chart_key=gettext_lazy(
        "Each line shows a time you filled in the web: further out is better. A star "
        "marks what you want to talk about."
    ),
    patient_entries=(
        PatientEntry(
            purpose="web",
            title=gettext_lazy("Spider web (Positieve Gezondheid)"),
            patient_title=gettext_lazy("How are you doing?"),
            patient_intro=gettext_lazy(
                "Give six parts of your life a score from 0 to 10. There are no wrong "
                "answers. Tick what you want to talk about."
            ),
            screens=HOME_SCREENS,
        ),
    ),
)
