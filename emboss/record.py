"""What an EMBOSS consult recorded, read for the core: the findings of the SOEP block
and the record export take the card filled in together, the sheet and the goal
evaluations from here."""

from collections.abc import Sequence

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from emboss.domains import BY_KEY
from emboss.models import Card, CardMark, EmbossSheet, GoalEvaluation


def findings_of(
    card: Card | None, sheet: EmbossSheet | None, evaluations: Sequence[GoalEvaluation]
) -> list[str]:
    lines = []
    if card is not None:
        worries = [str(BY_KEY[m.domain].label) for m in card.marks.all() if m.state == "zorgen"]
        well = [str(BY_KEY[m.domain].label) for m in card.marks.all() if m.state == "goed"]
        most = [str(BY_KEY[m.domain].label) for m in card.marks.all() if m.matters_most]
        if worries:
            lines.append(_("Worries: %(items)s.") % {"items": ", ".join(worries)})
        if well:
            lines.append(_("Goes well: %(items)s.") % {"items": ", ".join(well)})
        if most:
            lines.append(_("Matters most: %(items)s.") % {"items": ", ".join(most)})
    if sheet is not None and sheet.casemanager:
        lines.append(
            _("Casemanager: %(name)s; GP finally responsible: %(gp)s.")
            % {
                "name": sheet.casemanager.full_name,
                "gp": sheet.responsible_gp.full_name if sheet.responsible_gp else "—",
            }
        )
    evaluated = [e for e in evaluations if e.outcome or e.score is not None]
    if evaluated:
        lines.append(
            _("Evaluation: %(items)s.")
            % {
                "items": "; ".join(
                    f"{e.goal.text}: "
                    + (str(e.get_outcome_display()) if e.outcome else f"{e.score:+d}")
                    for e in evaluated
                )
            }
        )
    return lines


def marks_in_order() -> Prefetch:
    """A card's marks in the order they were made: the order of DOMAINS."""
    return Prefetch("marks", queryset=CardMark.objects.order_by("pk"))


def evaluations_of(consult_ids: Sequence[int]) -> dict[int, list[GoalEvaluation]]:
    """The goal evaluations of each consult, in the order they were made."""
    evaluations: dict[int, list[GoalEvaluation]] = {pk: [] for pk in consult_ids}
    for evaluation in (
        GoalEvaluation.objects.filter(consult_id__in=consult_ids)
        .select_related("goal")
        .order_by("pk")
    ):
        evaluations[evaluation.consult_id].append(evaluation)
    return evaluations
