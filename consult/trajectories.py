"""Consults that continue each other (KOP sessions, EMBOSS cycles), and the patient's
timeline: every consult of every model grouped by trajectory, with each model's
summary line and series."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import ngettext

from consult.models import Consult, Patient
from consult.registry import ConversationModel, TimelineSeries, get_conversation_model


def trajectory_of(consult: Consult) -> list[Consult]:
    """Every session of the consult's trajectory, first session first."""
    return list(
        Consult.objects.filter(
            patient_id=consult.patient_id, trajectory_id=consult.trajectory_id
        ).order_by("session_number")
    )


@dataclass(frozen=True)
class TimelineEntry:
    consult: Consult
    model: ConversationModel | None
    summary: str


@dataclass(frozen=True)
class Trajectory:
    """One consult, or a chain of them, newest session first; or every consult of a
    model whose consults do not continue each other, newest first."""

    entries: list[TimelineEntry]

    @property
    def latest(self) -> TimelineEntry:
        return self.entries[0]

    @property
    def can_continue(self) -> bool:
        model = self.latest.model
        return model is not None and model.continuable

    @property
    def count_label(self) -> str:
        """ "3 cycles", "3 sessions" or, for consults that do not continue each other,
        "3 conversations"."""
        count = len(self.entries)
        model = self.latest.model
        if not self.can_continue:
            return ngettext("%(count)s conversation", "%(count)s conversations", count) % {
                "count": count
            }
        if model is not None and model.session_count is not None:
            return model.session_count % {"count": count}
        return ngettext("%(count)s session", "%(count)s sessions", count) % {"count": count}


@dataclass(frozen=True)
class PatientTimeline:
    trajectories: list[Trajectory]
    series: list[TimelineSeries]

    def open_by_model(self) -> dict[str, Consult]:
        """The newest consult still open of each model, by the model's slug."""
        open_consults: dict[str, Consult] = {}
        for trajectory in self.trajectories:
            for entry in trajectory.entries:
                consult = entry.consult
                known = open_consults.get(consult.model_slug)
                if not consult.is_finished and (
                    known is None or consult.started_at > known.started_at
                ):
                    open_consults[consult.model_slug] = consult
        return open_consults


def patient_timeline(patient: Patient) -> PatientTimeline:
    """One query for the consults, then one call per model for all its consults: the
    number of queries does not grow with the history."""
    consults = list(patient.consults.select_related("started_by").order_by("-started_at", "-id"))
    by_model: dict[str, list[Consult]] = defaultdict(list)
    for consult in consults:
        by_model[consult.model_slug].append(consult)
    summaries: dict[int, str] = {}
    series: list[TimelineSeries] = []
    for slug, of_model in by_model.items():
        model = get_conversation_model(slug)
        if model is None:
            continue
        timeline = model.timeline(of_model)
        summaries.update(timeline.summaries)
        series.extend(timeline.series)
    # A model whose consults do not continue each other (a new web, a new 4D) has each
    # consult in a trajectory of its own: those stand together, newest first, under the
    # model's one heading, not as many tables under the same name.
    groups: dict[object, list[TimelineEntry]] = {}
    for consult in consults:
        model = get_conversation_model(consult.model_slug)
        key = consult.trajectory_id if model is None or model.continuable else consult.model_slug
        groups.setdefault(key, []).append(
            TimelineEntry(consult=consult, model=model, summary=summaries.get(consult.pk, ""))
        )
    trajectories = [
        Trajectory(entries=sorted(entries, key=lambda e: -e.consult.session_number))
        for entries in groups.values()
    ]
    return PatientTimeline(trajectories=trajectories, series=series)
