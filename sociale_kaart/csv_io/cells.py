"""Reading one cell of the file into the value of its Service field, and the cell-level
rules the export shares: a cell a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is exported with a leading ``'``,
which the import takes off again.

``ja``/``nee`` also accepts j/n, yes/no, true/false, 1/0; an empty ja/nee or code cell
means the model's default (planning.py fills it in).
"""

from datetime import datetime
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from sociale_kaart.csv_io.columns import DESCRIPTION_LENGTH, MAX_AGE, THEME_SEPARATOR, Column
from sociale_kaart.models import Costs, Referral
from sociale_kaart.themes import ThemeSlug
from sociale_kaart.validators import normalise_postcode, normalise_service_phone, parse_areas

FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
TRUE_WORDS: Final = frozenset({"ja", "j", "yes", "y", "true", "waar", "1", "x"})
FALSE_WORDS: Final = frozenset({"nee", "n", "no", "false", "onwaar", "0"})
DATE_FORMATS: Final = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d")
THEME_CODES: Final = frozenset(ThemeSlug.values)
CODES: Final = {"costs": tuple(Costs.values), "referral": tuple(Referral.values)}


def unescape_formula(value: str) -> str:
    """Take off the ' the export puts before a cell a spreadsheet would run."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_START):
        return value[1:]
    return value


def escape_formula(value: str) -> str:
    """Put a ' before a cell a spreadsheet would run as a formula."""
    return f"'{value}" if value.lstrip("'").startswith(FORMULA_START) else value


def areas_text(ranges: list[tuple[int, int]]) -> str:
    return ", ".join(str(start) if start == end else f"{start}-{end}" for start, end in ranges)


def shortened(value: str) -> str:
    """A cell quoted in a message, cut short so that the message stays readable."""
    return value if len(value) <= 40 else f"{value[:37]}…"


def parse_cell(column: Column, raw: str) -> Any:
    """The value for the model field; raises ValidationError with a user message."""
    value = raw.strip()
    kind = column.kind
    if kind == "themes":
        slugs = [part.strip().lower() for part in value.split(THEME_SEPARATOR)]
        slugs = [slug for slug in slugs if slug]
        unknown = [slug for slug in slugs if slug not in THEME_CODES]
        if unknown:
            raise ValidationError(
                [_("Unknown theme “%(theme)s”.") % {"theme": shortened(slug)} for slug in unknown]
            )
        return sorted(set(slugs))
    if kind == "age":
        if not value:
            return None
        if not value.isdigit() or int(value) > MAX_AGE:
            raise ValidationError(_("Write an age as a whole number from 0 to 120."))
        return int(value)
    if kind == "bool":
        word = value.lower()
        if not word:
            return None  # the default
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("Write ja or nee, not “%(value)s”.") % {"value": shortened(value)})
    if kind in {"costs", "referral"}:
        codes = CODES[kind]
        code = value.lower()
        if not code:
            return None  # the default
        if code not in codes:
            raise ValidationError(
                _("Unknown value “%(value)s”; use one of: %(values)s.")
                % {"value": shortened(value), "values": ", ".join(codes)}
            )
        return code
    if kind == "phone":
        return normalise_service_phone(value) if value else ""
    if kind == "postcode":
        return normalise_postcode(value) if value else ""
    if kind == "areas":
        return areas_text(parse_areas(value))
    if kind == "website":
        if value and "://" not in value:
            return f"https://{value}"
        return value
    if kind == "date":
        if not value:
            return None
        for date_format in DATE_FORMATS:
            try:
                parsed = datetime.strptime(value, date_format).date()
            except ValueError:
                continue
            if parsed > timezone.localdate():
                raise ValidationError(_("The date lies in the future."))
            return parsed
        raise ValidationError(
            _("Write a date as dd-mm-yyyy or yyyy-mm-dd, not “%(value)s”.")
            % {"value": shortened(value)}
        )
    if kind == "description":
        MaxLengthValidator(DESCRIPTION_LENGTH)(value)
    return value


def canonical(field_name: str, value: Any) -> Any:
    """Stored values typed by hand may differ in form only from what the import makes."""
    if not value or field_name not in {"phone", "postcode", "area_postcodes"}:
        return value
    try:
        if field_name == "phone":
            return normalise_service_phone(value)
        if field_name == "postcode":
            return normalise_postcode(value)
        return areas_text(parse_areas(value))
    except ValidationError:
        return value
