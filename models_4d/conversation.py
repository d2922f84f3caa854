"""The 4D-model as the core sees it: its steps, domains, step rendering and chart."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext_lazy as _

from brede_gesprek.queries import one_or_none
from consult.conversation_api import (
    Actor,
    ConversationModel,
    Domain,
    GoalSuggestion,
    Step,
    Timeline,
    record_form,
)
from consult.models import Consult, Patient, User
from models_4d.chart import render_4d_svg
from models_4d.connect import connect_from
from models_4d.forms import EntryAddForm, EntryForm, SheetForm
from models_4d.models import Domain4D, EntryKind, FourDConnection, FourDEntry, FourDSheet
from models_4d.priorities import priority_rows
from sociale_kaart.themes import ThemeSlug as T

DOMAIN_PROMPTS = {
    Domain4D.LICHAAM: _("How is your body doing? Pain, sleep, eating, moving, illness."),
    Domain4D.GEEST: _(
        "How are you feeling? Worries, mood, stress, what keeps you busy in your head."
    ),
    Domain4D.SOCIAAL: _(
        "Who are the people around you? Family, friends, neighbours: who helps, who is missing?"
    ),
    Domain4D.MAATSCHAPPELIJK: _("How are work, money, housing and daily activities going?"),
}

DOMAIN_STEPS = {domain.value for domain in Domain4D}
CHART_STEPS = {"verbanden", "plan"}
# The steps that show the sheet: the question for help, and the note on priorities.
SHEET_STEPS = {"introductie", "prioriteiten"}


@dataclass(frozen=True)
class FourDModel(ConversationModel):
    def on_start(self, *, consult: Consult, actor: Actor) -> None:
        FourDSheet.objects.get_or_create(consult=consult)

    def consult_urls(self) -> Sequence[URLPattern | URLResolver]:
        from models_4d.urls import urlpatterns

        return urlpatterns

    def seed_demo(self, *, patients: Mapping[str, Patient], staff: Mapping[str, User]) -> None:
        from models_4d.demo import seed_four_d_case

        seed_four_d_case(patients=patients, staff=staff)

    def timeline(self, consults: Sequence[Consult]) -> Timeline:
        """“6 things in 4 domains, 2 connections”: two queries for all consults."""
        ids = [consult.pk for consult in consults]
        entries = {
            consult_id: (count, domains)
            for consult_id, count, domains in FourDEntry.objects.active()
            .filter(consult_id__in=ids)
            .values("consult_id")
            .annotate(count=Count("id"), domains=Count("domain", distinct=True))
            .values_list("consult_id", "count", "domains")
        }
        links = dict(
            FourDConnection.objects.filter(
                consult_id__in=ids,
                cause__removed_at__isnull=True,
                effect__removed_at__isnull=True,
            )
            .values("consult_id")
            .annotate(count=Count("id"))
            .values_list("consult_id", "count")
        )
        return Timeline(
            summaries={
                pk: _("%(entries)d things in %(domains)d domains, %(links)d connections")
                % {
                    "entries": entries.get(pk, (0, 0))[0],
                    "domains": entries.get(pk, (0, 0))[1],
                    "links": links.get(pk, 0),
                }
                for pk in ids
            }
        )

    def step_template(self, step: Step) -> str:
        partial = "domain" if step.slug in DOMAIN_STEPS else step.slug
        return f"models_4d/steps.html#{partial}"

    def step_context(self, *, consult: Consult, step: Step, actor: Actor) -> dict[str, Any]:
        entries = active_entries(consult)
        connections = connections_among(consult, entries)
        if step.slug in DOMAIN_STEPS or step.slug == "prioriteiten":  # the steps that edit entries
            for entry in entries:
                entry.form = record_form(EntryForm, entry, consult=consult, kind="4d_entry")  # type: ignore[attr-defined]
        context: dict[str, Any] = {"entries": entries, "connections": connections}
        if step.slug in SHEET_STEPS:
            sheet = FourDSheet.objects.get_or_create(consult=consult)[0]
            context["sheet"] = sheet
            context["sheet_form"] = record_form(SheetForm, sheet, consult=consult, kind="4d_sheet")
        if step.slug in CHART_STEPS:
            context["chart"] = render_4d_svg(entries, connections)
        if step.slug == "verbanden":
            context["connect_from"] = connect_from(entries, connections)
        if step.slug in DOMAIN_STEPS:
            in_domain = [entry for entry in entries if entry.domain == step.slug]
            context.update(
                domain=step.slug,
                domain_label=dict(Domain4D.choices)[step.slug],
                domain_prompt=DOMAIN_PROMPTS[Domain4D(step.slug)],
                plays=[entry for entry in in_domain if entry.kind == EntryKind.PLAYS],
                helps=[entry for entry in in_domain if entry.kind == EntryKind.HELPS],
                add_plays=EntryAddForm(
                    initial={"domain": step.slug, "kind": EntryKind.PLAYS}, prefix="plays"
                ),
                add_helps=EntryAddForm(
                    initial={"domain": step.slug, "kind": EntryKind.HELPS}, prefix="helps"
                ),
            )
        if step.slug == "prioriteiten":
            context["plays"] = [entry for entry in entries if entry.kind == EntryKind.PLAYS]
            context["priorities"] = priority_rows(context["plays"])
        return context

    def chart_svg(self, consult: Consult, *, for_patient: bool = False) -> str:
        centre = consult.patient.first_name if for_patient else None
        return render_4d_svg(
            active_entries(consult), active_connections(consult), centre_label=centre
        )

    def what_matters(self, consult: Consult) -> list[str]:
        sheet = one_or_none(FourDSheet.objects.filter(consult=consult))
        if sheet is None:
            return []
        return [text for text in (sheet.help_question, sheet.priorities_note) if text]

    def recorded_data(self, consult: Consult) -> dict[str, Any]:
        return self.recorded_data_for([consult])[consult.pk]

    def recorded_data_for(self, consults: Sequence[Consult]) -> dict[int, dict[str, Any]]:
        """Three queries for all consults: the sheets, the entries, the connections."""
        sheets = {
            sheet.consult_id: sheet
            for sheet in FourDSheet.objects.filter(consult_id__in=[c.pk for c in consults])
        }
        entries = active_entries_of(consults)
        connections = connections_of(entries)
        labels = dict(Domain4D.choices)
        kinds = dict(EntryKind.choices)
        recorded = {}
        for consult in consults:
            sheet = sheets.get(consult.pk)
            recorded[consult.pk] = {
                "question_for_help": sheet.help_question if sheet else "",
                "looks_broader": sheet.get_looks_broader_display() if sheet else "",
                "priorities": sheet.priorities_note if sheet else "",
                "entries": [
                    {
                        "domain": str(labels[e.domain]),
                        "kind": str(kinds[e.kind]),
                        "text": e.text,
                        "priority": e.priority,
                    }
                    for e in entries[consult.pk]
                ],
                "connections": [
                    f"{c.cause.text} → {c.effect.text}" for c in connections[consult.pk]
                ],
            }
        return recorded

    def findings(self, consult: Consult) -> list[str]:
        """Per domain what plays and what helps, then the connections drawn."""
        return self.findings_for([consult])[consult.pk]

    def findings_for(self, consults: Sequence[Consult]) -> dict[int, list[str]]:
        """Two queries for all consults: the entries and the connections."""
        entries = active_entries_of(consults)
        connections = connections_of(entries)
        return {
            consult.pk: _findings(entries[consult.pk], connections[consult.pk])
            for consult in consults
        }

    def goal_suggestions(
        self, consult: Consult, *, entries: list[FourDEntry] | None = None
    ) -> list[GoalSuggestion]:
        """What the patient put first becomes a goal to phrase in their own words."""
        entries = active_entries(consult) if entries is None else entries
        prioritised = sorted(
            (e for e in entries if e.kind == EntryKind.PLAYS and e.priority),
            key=lambda e: (e.priority or 0, e.created_at),
        )
        return [
            GoalSuggestion(
                key=f"4d_entry:{entry.public_id}", text=entry.text, domain_key=entry.domain
            )
            for entry in prioritised
        ]


def _findings(entries: Sequence[FourDEntry], connections: Sequence[FourDConnection]) -> list[str]:
    lines = []
    for domain, label in Domain4D.choices:
        plays = [e.text for e in entries if e.domain == domain and e.kind == EntryKind.PLAYS]
        helps = [e.text for e in entries if e.domain == domain and e.kind == EntryKind.HELPS]
        if plays or helps:
            parts = []
            if plays:
                parts.append(str(_("plays: %(items)s")) % {"items": "; ".join(plays)})
            if helps:
                parts.append(str(_("helps: %(items)s")) % {"items": "; ".join(helps)})
            lines.append(f"{label}: {'; '.join(parts)}.")
    links = [f"{c.cause.text} → {c.effect.text}" for c in connections]
    if links:
        lines.append(str(_("Connections: %(links)s")) % {"links": "; ".join(links)} + ".")
    return lines


def active_entries(consult: Consult) -> list[FourDEntry]:
    return active_entries_of([consult])[consult.pk]


def active_entries_of(consults: Sequence[Consult]) -> dict[int, list[FourDEntry]]:
    """The active entries of each consult, by consult pk: one query for all."""
    entries: dict[int, list[FourDEntry]] = {consult.pk: [] for consult in consults}
    for entry in FourDEntry.objects.active().filter(consult_id__in=list(entries)):
        entries[entry.consult_id].append(entry)
    return entries


def active_connections(consult: Consult) -> list[FourDConnection]:
    return connections_among(consult, active_entries(consult))


def connections_among(consult: Consult, entries: Sequence[FourDEntry]) -> list[FourDConnection]:
    """The consult's connections between the active `entries`, each with its cause and
    effect from `entries`."""
    return connections_of({consult.pk: entries})[consult.pk]


def connections_of(
    entries: Mapping[int, Sequence[FourDEntry]],
) -> dict[int, list[FourDConnection]]:
    """For each consult of `entries` (its active entries by consult pk), its
    connections between those entries, each with its cause and effect from them: one
    query for all. The connections are read by their consult alone, without a join to
    the entries: a plan that cannot go quadratic, whatever the planner knows of the
    tables (a join on entries without statistics probed an index for every pair)."""
    by_pk = {
        consult_pk: {entry.pk: entry for entry in of_consult}
        for consult_pk, of_consult in entries.items()
    }
    connections: dict[int, list[FourDConnection]] = {consult_pk: [] for consult_pk in entries}
    for connection in FourDConnection.objects.filter(consult_id__in=list(entries)):
        own = by_pk[connection.consult_id]
        cause, effect = own.get(connection.cause_id), own.get(connection.effect_id)
        if cause is None or effect is None:
            continue
        connection.cause, connection.effect = cause, effect
        connections[connection.consult_id].append(connection)
    return connections


FOUR_D = FourDModel(
    slug="4d",
    name=_("4D-model"),
    for_whom=_(
        "For problems in several life domains: body, mind, social and societal, "
        "and how they connect."
    ),
    steps=(
        Step(
            "introductie",
            _("Introduction and consent to look broader"),
            _("Explore the question for help, then invite the patient to look broader together."),
        ),
        Step("lichaam", _("Body")),
        Step("geest", _("Mind")),
        Step("sociaal", _("Social")),
        Step("maatschappelijk", _("Societal")),
        Step(
            "verbanden",
            _("Connections"),
            _("Which things influence each other? For example: debts → stress → headache."),
        ),
        Step("prioriteiten", _("Priorities"), _("The patient chooses what to work on first.")),
        Step(
            "plan",
            _("Plan"),
            _("Turn the priorities into goals in the patient's words, with agreements."),
        ),
    ),
    suggestions_step="plan",
    audit_labels={
        "4d_sheet": _("4D conversation"),
        "4d_entry": _("4D: what plays or helps"),
        "4d_connection": _("4D: connection"),
    },
    chart_key=_(
        "• is something that plays. + is something that helps you. An arrow shows what "
        "leads to what."
    ),
    domains=(
        Domain(
            Domain4D.LICHAAM,
            _("Body (lichaam)"),
            (T.PHYSICAL, T.LIFESTYLE, T.FOOD, T.SLEEP, T.ADDICTION),
        ),
        Domain(Domain4D.GEEST, _("Mind (geest)"), (T.MENTAL, T.MEANING, T.SLEEP)),
        Domain(
            Domain4D.SOCIAAL, _("Social (sociaal)"), (T.RELATIONS, T.INFORMAL_CARE, T.PARENTING)
        ),
        Domain(
            Domain4D.MAATSCHAPPELIJK,
            _("Societal (maatschappelijk)"),
            (T.MONEY, T.HOUSING, T.WORK, T.LEGAL, T.LANGUAGE),
        ),
    ),
)
