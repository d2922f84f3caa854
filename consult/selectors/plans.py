"""The shared plan as every screen and document reads it: the workspace, the
look-along view, the SOEP block, the FHIR export, the printed plan and the patient's
copy. A selector reads and never writes; it runs a fixed number of queries, however
big the plan."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from brede_gesprek.queries import one_or_none
from consult.models import Agreement, Goal, NetworkMember, Plan, Referral, TeachBack
from consult.registry import Text, domain_label
from sociale_kaart.models import Theme


@dataclass(frozen=True)
class GoalView:
    goal: Goal
    number: int  # its place on the plan: 1 is what matters most to the patient
    domain_label: Text
    themes: list[Theme]
    agreements: list[Agreement]
    referrals: list[Referral]  # every status, declined included


@dataclass(frozen=True)
class PlanView:
    plan: Plan
    goals: list[GoalView]
    network: list[NetworkMember]
    # Every referral of the plan, also those of no goal or of a removed goal.
    referrals: list[Referral]


def plan_view(
    *, patient_id: int, include_removed: bool = False, with_events: bool = False
) -> PlanView | None:
    """The patient's plan, or None while it has none. `include_removed` keeps removed
    goals, agreements and people (the patient's copy shows the whole record);
    `with_events` prefetches each referral's history, read as `referral.events.all()`."""
    plan = one_or_none(Plan.objects.filter(patient_id=patient_id))
    if plan is None:
        return None
    goals = (
        plan.goals.all() if include_removed else plan.goals.active().filter(reached_on__isnull=True)
    )
    agreements = Agreement.objects.filter(goal__plan=plan)
    if not include_removed:
        agreements = agreements.active().filter(goal__removed_at__isnull=True)
    network = plan.network.all() if include_removed else plan.network.active()
    referrals = plan.referrals.select_related("service")
    if with_events:
        referrals = referrals.prefetch_related("events")
    referral_list = list(referrals)
    agreements_of: defaultdict[int, list[Agreement]] = defaultdict(list)
    for agreement in agreements.order_by("position", "created_at"):
        agreements_of[agreement.goal_id].append(agreement)
    referrals_of: defaultdict[int, list[Referral]] = defaultdict(list)
    for referral in referral_list:
        if referral.goal_id is not None:
            referrals_of[referral.goal_id].append(referral)
    return PlanView(
        plan=plan,
        goals=[
            GoalView(
                goal=goal,
                number=number,
                domain_label=domain_label(goal.domain),
                themes=list(goal.themes.all()),
                agreements=agreements_of[goal.pk],
                referrals=referrals_of[goal.pk],
            )
            for number, goal in enumerate(
                goals.prefetch_related("themes").order_by("position", "created_at"), start=1
            )
        ],
        network=list(network),
        referrals=referral_list,
    )


@dataclass(frozen=True)
class LatestTeachBack:
    record: TeachBack
    # A goal was added, changed, reordered, removed or reached after it, or an agreement
    # added or removed: the patient told back another plan than the one that stands
    # now. An agreement's edits do not count: its words are often put as the patient
    # said them, and who coordinates and when it is evaluated filled in, afterwards.
    plan_changed_after: bool


def latest_teach_back(*, patient_id: int) -> LatestTeachBack | None:
    """When the patient last told the plan back in their own words, and whether its
    goals or agreements have changed since. One query."""
    after = OuterRef("done_at")
    goal_changed = Goal.objects.filter(
        Q(updated_at__gt=after) | Q(removed_at__gt=after), plan__patient_id=patient_id
    )
    agreement_changed = Agreement.objects.filter(
        Q(created_at__gt=after) | Q(removed_at__gt=after), goal__plan__patient_id=patient_id
    )
    record = (
        TeachBack.objects.filter(consult__patient_id=patient_id)
        .annotate(plan_changed_after=Exists(goal_changed) | Exists(agreement_changed))
        .select_related("done_by")
        .first()
    )
    if record is None:
        return None
    return LatestTeachBack(record=record, plan_changed_after=record.plan_changed_after)
