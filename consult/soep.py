"""The SOEP summary of a consult, ready to paste into the GP's record system (HIS).

S: the patient's own words; O: the model's findings; E: the problem description with
ICPC-1-NL codes (suggested from the goals and priorities the patient chose, see
`consult.icpc`, and confirmed by the professional);
P: goals, agreements, referrals and the evaluation date.

The block stays within MAX_CHARS: Dutch HIS journal fields take a few thousand
characters, so 2,000 fits all of them; longer sections are cut with an ellipsis."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from consult import icpc
from consult.models import Consult
from consult.registry import ConversationModel, get_conversation_model
from consult.selectors.plans import PlanView, plan_view

MAX_CHARS = 2000
CODE_RE = re.compile(r"[A-Z][0-9]{2}")


@dataclass(frozen=True)
class Soep:
    text: str
    suggested_codes: list[str]
    shortened: bool


def parse_codes(value: str) -> list[str]:
    """'z01, P03' -> ['Z01', 'P03']; ValueError for anything that is not a code."""
    parts = [part for part in re.split(r"[\s,;]+", value.strip().upper()) if part]
    if any(not CODE_RE.fullmatch(part) for part in parts):
        raise ValueError(value)
    return list(dict.fromkeys(parts))


def soep_for(consult: Consult) -> Soep:
    model = get_conversation_model(consult.model_slug)
    plan = plan_view(patient_id=consult.patient_id)
    suggested = suggested_codes(consult, model, plan)
    codes = parse_codes(consult.icpc_codes) if consult.icpc_codes else suggested
    findings = model.findings(consult) if model else []
    # The patient's words, less those the findings hold with their label already (KOP's
    # probleemdefinitie): said once, in the block's 2,000 characters.
    words = [
        text
        for text in (model.what_matters(consult) if model else [])
        if not any(text in line for line in findings)
    ]
    sections = {
        "S": " ".join(f"“{text}”" for text in words)
        or (
            _("Broad conversation (%(model)s).")
            % {"model": model.name if model else consult.model_slug}
        ),
        "O": " ".join(findings) or "—",
        "E": (
            "; ".join(f"{code} {icpc.title(code)}".strip() for code in codes)
            + ("" if consult.icpc_codes else " " + _("(suggested, not yet confirmed)"))
            if codes
            else "—"
        ),
        "P": _plan_line(plan),
    }
    text, shortened = _fit(sections)
    return Soep(text=text, suggested_codes=suggested, shortened=shortened)


def suggested_codes(
    consult: Consult, model: ConversationModel | None, plan: PlanView | None
) -> list[str]:
    """ICPC codes for what the patient chose: the plan's goals (in their words, with
    their themes) and the priorities of this conversation (its model's suggestions
    for goals, such as the 4D entries the patient numbered)."""
    choices = [
        icpc.Choice(goal.goal.text, frozenset(theme.slug for theme in goal.themes))
        for goal in (plan.goals if plan else [])
    ]
    if model is not None:
        choices += [icpc.Choice(item.text) for item in model.goal_suggestions(consult)]
    return icpc.suggest(choices)


def _plan_line(plan: PlanView | None) -> str:
    if plan is None:
        return "—"
    goals = plan.goals
    parts = []
    if goals:
        parts.append(
            _("Goals: %(goals)s.")
            % {"goals": "; ".join(f"{g.number}) {g.goal.text}" for g in goals)}
        )
    agreements = [
        a.what + (f" ({a.who_name})" if a.who_name else "") for g in goals for a in g.agreements
    ]
    if agreements:
        parts.append(_("Agreements: %(items)s.") % {"items": "; ".join(agreements)})
    referrals = [
        f"{r.service.name} ({r.get_status_display()} {r.status_on:%d-%m-%Y})"
        for g in goals
        for r in g.referrals
    ]
    if referrals:
        parts.append(_("Referred to: %(items)s.") % {"items": "; ".join(referrals)})
    evaluation = plan.plan.next_evaluation_on
    if evaluation:
        parts.append(_("Evaluation: %(date)s.") % {"date": f"{evaluation:%d-%m-%Y}"})
    return " ".join(parts) or "—"


def _fit(sections: dict[str, str]) -> tuple[str, bool]:
    """Join the sections; while too long, cut the longest one."""
    shortened = False
    while True:
        text = "\n".join(f"{key}: {value}" for key, value in sections.items())
        if len(text) <= MAX_CHARS:
            return text, shortened
        shortened = True
        longest = max(sections, key=lambda key: len(sections[key]))
        excess = len(text) - MAX_CHARS
        sections[longest] = (
            sections[longest][: max(len(sections[longest]) - excess - 1, 0)].rstrip() + "…"
        )
