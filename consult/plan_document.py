"""What goes on the patient's printed plan ("Mijn plan"): the patient's own words,
the goals, what they will do, who helps them with contact details, and when they look
back. Never clinical notes, risk flags or internal remarks.

The plan speaks as the patient ("ik"). A service's own text (how to sign up) often
says "u": it is printed as a quotation under the service's name, with every way to
reach the service beside it, so "sign up on the website" comes with the website."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from consult.evaluation_dates import is_sensible
from consult.models import Agreement, Consult, ReferralStatus, WhoKind
from consult.registry import PlanSection, get_conversation_model
from consult.selectors.plans import latest_teach_back, plan_view
from sociale_kaart.models import Service
from sociale_kaart.phone_display import format_phone


@dataclass
class Action:
    """Something the patient does themselves."""

    what: str
    look_back_on: date | None = None


@dataclass
class Helper:
    name: str
    role: str = ""
    what: str = ""  # what they do for me, as agreed
    their_words: str = ""  # the service's own text on how to sign up, quoted
    phone: str = ""
    email: str = ""
    website: str = ""
    address: str = ""
    opening_hours: str = ""


@dataclass
class PlanGoal:
    text: str
    my_actions: list[Action] = field(default_factory=list)
    helpers: list[Helper] = field(default_factory=list)


@dataclass
class Person:
    """Someone in the care network."""

    name: str
    role: str
    phone: str
    is_regiehouder: bool


@dataclass
class PlanDocument:
    practice_name: str
    practice_phone: str
    first_name: str
    what_matters: list[str]
    goals: list[PlanGoal]
    network: list[Person]
    look_back_on: date | None
    chart: str
    chart_key: str
    checked_on: date | None  # the latest teach-back, while the goals are as told back
    printed_on: date
    sections: list[PlanSection] = field(default_factory=list)


def plan_document(consult: Consult, *, today: date) -> PlanDocument:
    patient = consult.patient
    practice = consult.practice
    plan = plan_view(patient_id=patient.pk)
    goals: list[PlanGoal] = []
    network: list[Person] = []
    look_back: date | None = None
    if plan is not None:
        look_back = _sensible(plan.plan.next_evaluation_on, today)
        network = [
            Person(
                name=member.name,
                role=member.role,
                phone=format_phone(member.phone) if member.phone else "",
                is_regiehouder=member.is_regiehouder,
            )
            for member in plan.network
        ]
        for goal in plan.goals:
            item = PlanGoal(text=goal.goal.text)
            for agreement in goal.agreements:
                if agreement.who_kind == WhoKind.PATIENT:
                    item.my_actions.append(
                        Action(
                            what=agreement.what,
                            look_back_on=_sensible(agreement.evaluate_on, today),
                        )
                    )
                else:
                    item.helpers.append(_agreed_helper(agreement))
            for referral in goal.referrals:
                if referral.status == ReferralStatus.DECLINED:
                    continue  # a declined referral helps nobody: the patient need not call
                item.helpers.append(_service_helper(referral.service))
            goals.append(item)
    model = get_conversation_model(consult.model_slug)
    return PlanDocument(
        practice_name=practice.name,
        practice_phone=format_phone(practice.phone) if practice.phone else "",
        first_name=patient.first_name,
        what_matters=model.what_matters(consult) if model else [],
        goals=goals,
        network=network,
        look_back_on=look_back,
        chart=model.chart_svg(consult, for_patient=True) if model else "",
        chart_key=str(model.chart_key) if model else "",
        checked_on=_checked_on(patient.pk),
        printed_on=today,
        sections=model.plan_sections(consult) if model else [],
    )


def _sensible(value: date | None, today: date) -> date | None:
    """A date nobody can have meant (a typo stored before dates were checked) is left
    off the plan rather than printed."""
    return value if value is not None and is_sensible(value, today=today) else None


def _agreed_helper(agreement: Agreement) -> Helper:
    role = WhoKind(agreement.who_kind).role
    name = agreement.who_name or agreement.coordinator
    if not name:
        name, role = role.capitalize(), ""
    return Helper(name=name, role=role, what=agreement.what)


def _service_helper(service: Service) -> Helper:
    place = f"{service.postcode} {service.city}".strip()
    return Helper(
        name=service.name,
        role=service.organisation,
        their_words=service.how_to_apply,
        phone=format_phone(service.phone) if service.phone else "",
        email=service.email,
        website=_readable_address(service.website),
        address=", ".join(part for part in (service.street_address, place) if part),
        opening_hours=service.opening_hours,
    )


def _readable_address(url: str) -> str:
    """'https://schuldhulp.zonnedal.nl/' -> 'schuldhulp.zonnedal.nl': what a person types."""
    for scheme in ("https://", "http://"):
        url = url.removeprefix(scheme)
    return url.removesuffix("/")


def _checked_on(patient_id: int) -> date | None:
    """When the patient last told the plan back in their own words (teach-back). Not
    when a goal changed or an agreement came or went after it: the plan would say the
    patient told back this plan."""
    teach_back = latest_teach_back(patient_id=patient_id)
    if teach_back is None or teach_back.plan_changed_after:
        return None
    return timezone.localdate(teach_back.record.done_at)
