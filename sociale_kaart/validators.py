"""Dutch formats (postcodes, phone numbers, postcode areas). Each one normalises too,
so stored values are uniform. Here, in the sociale kaart, because the core may use
the sociale kaart but not the other way round."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

POSTCODE_RE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*$")
PHONE_RE = re.compile(r"^(?:\+31|0031|0)[1-9][0-9]{8}$")
# Free and paid service numbers (0800, 0900, ...) and municipal 14 + area code.
SERVICE_NUMBER_RE = re.compile(r"^(?:0800|0900|0906|0909)[0-9]{4,7}$|^14[0-9]{3,4}$")
AREA_RE = re.compile(r"^([1-9][0-9]{3})(?:-([1-9][0-9]{3}))?$")


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


def normalise_service_phone(value: str) -> str:
    """A service may also have a free or paid service number, or a municipal 14 number."""
    compact = re.sub(r"[\s\-().]", "", value)
    if SERVICE_NUMBER_RE.match(compact):
        return compact
    try:
        return normalise_phone(value)
    except ValidationError:
        raise ValidationError(
            _(
                "Enter a Dutch phone number of ten digits (such as 050 123 4567), "
                "a service number (0800 or 0900) or a municipal 14 number."
            ),
            code="phone",
        ) from None


def validate_service_phone(value: str) -> None:
    normalise_service_phone(value)


def parse_areas(value: str) -> list[tuple[int, int]]:
    """'9990-9999, 9801' -> [(9990, 9999), (9801, 9801)]; ValidationError otherwise."""
    ranges = []
    for part in value.split(","):
        part = re.sub(r"\s+", "", part)
        if not part:
            continue
        match = AREA_RE.match(part)
        if not match:
            raise ValidationError(
                _("Write postcode areas as four digits or ranges, such as 9990-9999, 9801."),
                code="areas",
            )
        start = int(match.group(1))
        end = int(match.group(2) or start)
        if end < start:
            raise ValidationError(
                _("In a range the first postcode comes first, such as 9990-9999."), code="areas"
            )
        ranges.append((start, end))
    return ranges


def validate_areas(value: str) -> None:
    parse_areas(value)
