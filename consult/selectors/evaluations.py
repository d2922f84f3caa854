"""Plans whose evaluation is due: the date has passed or falls within the coming two
weeks. For the practice's treating roles, so no patient falls out of sight."""

from datetime import date, timedelta

from django.db.models import QuerySet

from consult.models import Plan

DUE_WITHIN_DAYS = 14


def evaluations_due(practice_id: int, *, today: date) -> QuerySet[Plan]:
    """Longest overdue first, then the soonest (the pk last, so that pages keep their
    order)."""
    return (
        Plan.objects.filter(
            practice_id=practice_id,
            next_evaluation_on__isnull=False,
            next_evaluation_on__lte=today + timedelta(days=DUE_WITHIN_DAYS),
        )
        .select_related("patient")
        .order_by("next_evaluation_on", "patient__last_name", "pk")
    )
