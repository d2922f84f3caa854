"""Validators for Dutch formats. Each one normalises too, so stored values are uniform."""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

POSTCODE_RE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*$")
PHONE_RE = re.compile(r"^(?:\+31|0031|0)[1-9][0-9]{8}$")


def normalise_postcode(value: str) -> str:
    """'1234ab' -> '1234 AB'; raises ValidationError for anything else."""
    match = POSTCODE_RE.match(value)
    if not match:
        raise ValidationError(
            _("Enter a Dutch postcode: four digits and two letters, such as 1234 AB."),
            code="postcode",
        )
    digits, letters = match.groups()
    letters = letters.upper()
    if letters in {"SA", "SD", "SS"}:
        raise ValidationError(_("This postcode does not exist."), code="postcode")
    return f"{digits} {letters}"


def validate_postcode(value: str) -> None:
    normalise_postcode(value)


def normalise_phone(value: str) -> str:
    """Accept the common ways of writing a Dutch phone number; store digits only."""
    compact = re.sub(r"[\s\-().]", "", value)
    if not PHONE_RE.match(compact):
        raise ValidationError(
            _("Enter a Dutch phone number of ten digits, such as 020 123 4567 or 06 12345678."),
            code="phone",
        )
    if compact.startswith("+31"):
        compact = "0" + compact[3:]
    elif compact.startswith("0031"):
        compact = "0" + compact[4:]
    return compact


def validate_phone(value: str) -> None:
    normalise_phone(value)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a complete Dutch message (Django's own Dutch catalogue
    lacks one of its plural forms)."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. Use at least %(min_length)d character.",
            "This password is too short. Use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Use at least %(min_length)d character; a long sentence is easy to remember.",
            "Use at least %(min_length)d characters; a long sentence is easy to remember.",
            self.min_length,
        ) % {"min_length": self.min_length}
