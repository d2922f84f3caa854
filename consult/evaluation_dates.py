"""When a plan or an agreement is looked at again: a date someone could mean. A typo
in a date field (0001-01-01, 2206 for 2026) must not reach the printed plan.

The model refuses what can never be meant (before EARLIEST, or more than five years
ahead). A form also refuses a new date more than a year back; a date stored earlier
stays valid as long as nobody changes it, so an old plan can still be saved."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# No plan in this application is older than this.
EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 5
DAYS_BACK = 365


def latest_allowed(today: date) -> date:
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def earliest_new(today: date) -> date:
    return today - timedelta(days=DAYS_BACK)


def is_sensible(value: date, *, today: date) -> bool:
    return EARLIEST <= value <= latest_allowed(today)


def _too_late(today: date) -> ValidationError:
    return ValidationError(
        _("This date lies too far ahead. Choose a date up to %(limit)s.")
        % {"limit": f"{latest_allowed(today):%d-%m-%Y}"},
        code="evaluation_too_late",
    )


def _too_early(today: date) -> ValidationError:
    return ValidationError(
        _("This date lies too far back. Choose a date from %(limit)s on.")
        % {"limit": f"{earliest_new(today):%d-%m-%Y}"},
        code="evaluation_too_early",
    )


def validate_evaluation_date(value: date) -> None:
    """The model's rule, for every save: never before EARLIEST nor more than five
    years ahead."""
    today = timezone.localdate()
    if value > latest_allowed(today):
        raise _too_late(today)
    if value < EARLIEST:
        raise _too_early(today)


def clean_evaluation_date(value: date | None, *, stored: date | None) -> date | None:
    """The form's rule: the model's, and a date that changes lies at most a year back."""
    if value is None or value == stored:
        return value
    validate_evaluation_date(value)
    today = timezone.localdate()
    if value < earliest_new(today):
        raise _too_early(today)
    return value
