"""What goes on the patient's printed plan ("Mijn plan"): the patient's own words,
the goals, what they will do, who helps them with contact details, and when they look
back. Never clinical notes, risk flags or internal remarks."""

from dataclasses import dataclass, field
from datetime import date

from consult.models import Agreement, Consult, NetworkMember, ReferralStatus, WhoKind
from consult.registry import PlanSection, get_conversation_model
from consult.selectors.plans import plan_view


@dataclass
class Helper:
    name: str
    role: str = ""
    phone: str = ""
    address: str = ""
    how: str = ""


@dataclass
class PlanGoal:
    text: str
    my_actions: list[Agreement] = field(default_factory=list)
    helpers: list[Helper] = field(default_factory=list)


@dataclass
class PlanDocument:
    practice_name: str
    practice_phone: str
    first_name: str
    what_matters: list[str]
    goals: list[PlanGoal]
    network: list[NetworkMember]
    look_back_on: date | None
    chart: str
    printed_on: date
    sections: list[PlanSection] = field(default_factory=list)


def plan_document(consult: Consult, *, today: date) -> PlanDocument:
    patient = consult.patient
    practice = consult.practice
    plan = plan_view(patient_id=patient.pk)
    goals: list[PlanGoal] = []
    network: list[NetworkMember] = []
    look_back: date | None = None
    if plan is not None:
        look_back = plan.plan.next_evaluation_on
        network = plan.network
        for goal in plan.goals:
            item = PlanGoal(text=goal.goal.text)
            for agreement in goal.agreements:
                if agreement.who_kind == WhoKind.PATIENT:
                    item.my_actions.append(agreement)
                else:
                    item.helpers.append(
                        Helper(name=agreement.who_name or agreement.coordinator, how=agreement.what)
                    )
            for referral in goal.referrals:
                if referral.status == ReferralStatus.DECLINED:
                    continue  # a declined referral helps nobody: the patient need not call
                service = referral.service
                address = ", ".join(
                    p
                    for p in (service.street_address, f"{service.postcode} {service.city}".strip())
                    if p
                )
                item.helpers.append(
                    Helper(
                        name=service.name,
                        role=service.organisation,
                        phone=service.phone,
                        address=address,
                        how=service.how_to_apply,
                    )
                )
            goals.append(item)
    model = get_conversation_model(consult.model_slug)
    return PlanDocument(
        practice_name=practice.name,
        practice_phone=practice.phone,
        first_name=patient.first_name,
        what_matters=model.what_matters(consult) if model else [],
        goals=goals,
        network=network,
        look_back_on=look_back,
        chart=model.chart_svg(consult, for_patient=True) if model else "",
        printed_on=today,
        sections=model.plan_sections(consult) if model else [],
    )
