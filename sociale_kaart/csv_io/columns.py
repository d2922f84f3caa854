"""The column layout of the sociale kaart's CSV file, defined once: the import reads
it, the export writes it, and the import page ("Diensten importeren") shows it, with
how to fill in each column."""

from dataclasses import dataclass
from typing import Any, Final, Literal

from django.db.models import Field, Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sociale_kaart.models import Service

KEY_LENGTH: Final = 60
DESCRIPTION_LENGTH: Final = 1000
MAX_AGE: Final = 120
EXPORT_DELIMITER: Final = ";"
THEME_SEPARATOR: Final = "|"

# How a cell is read (cells.py); "text" is taken as it is.
type CellKind = Literal[
    "text",
    "description",
    "themes",
    "age",
    "bool",
    "areas",
    "costs",
    "referral",
    "phone",
    "website",
    "postcode",
    "date",
]


@dataclass(frozen=True)
class Column:
    name: str  # in the file's first line
    field: str  # the Service field it fills
    kind: CellKind = "text"
    hint: str | Promise = ""  # how to fill it in, shown on the import page

    @property
    def label(self) -> str:
        """What the column holds, in the user's language."""
        return str(service_field(self.field).verbose_name)


COLUMNS: Final = (
    Column(
        "sleutel",
        "external_id",
        hint=_(
            "At most 60 characters. The same key updates the same service; "
            "empty: made from naam and organisatie."
        ),
    ),
    Column("naam", "name", hint=_("Required.")),
    Column("organisatie", "organisation"),
    Column("beschrijving", "description", "description", _("Required; at most 1000 characters.")),
    Column(
        "themas",
        "themes",
        "themes",
        _("At least one theme code (see below), separated by |, for example: wonen|voeding."),
    ),
    Column("doelgroep", "target_group"),
    Column("leeftijd_van", "age_min", "age", _("A whole number from 0 to 120, or empty.")),
    Column(
        "leeftijd_tot",
        "age_max",
        "age",
        _("A whole number from 0 to 120, or empty; not lower than leeftijd_van."),
    ),
    Column("hele_regio", "serves_whole_region", "bool", _("ja or nee; empty: nee.")),
    Column(
        "postcodegebieden",
        "area_postcodes",
        "areas",
        _(
            "Four-digit postcodes or ranges, separated by commas, for example: 9990-9999, "
            "9801. Required unless hele_regio is ja."
        ),
    ),
    Column("wijken", "neighbourhoods"),
    Column("kosten", "costs", "costs", _("A code from the list below; empty: gratis.")),
    Column("kosten_toelichting", "costs_note"),
    Column("verwijzing", "referral", "referral", _("A code from the list below; empty: geen.")),
    Column("aanmelden", "how_to_apply"),
    Column(
        "telefoon",
        "phone",
        "phone",
        _("A Dutch phone number, a service number (0800 or 0900) or a municipal 14 number."),
    ),
    Column("email", "email"),
    Column("website", "website", "website", _("https:// is added when it is missing.")),
    Column("adres", "street_address"),
    Column("postcode", "postcode", "postcode", _("Such as 1234 AB.")),
    Column("plaats", "city"),
    Column("openingstijden", "opening_hours"),
    Column("talen", "languages"),
    Column("actief", "is_active", "bool", _("ja or nee; empty: ja.")),
    Column(
        "laatst_gecontroleerd",
        "last_checked_on",
        "date",
        _("dd-mm-yyyy or yyyy-mm-dd, not in the future."),
    ),
)
COLUMN_NAMES: Final = tuple(column.name for column in COLUMNS)
COLUMN_BY_NAME: Final = {column.name: column for column in COLUMNS}
COLUMN_BY_FIELD: Final = {column.field: column for column in COLUMNS}


def model_field(model: type[Model], name: str) -> "Field[Any, Any]":
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def service_field(name: str) -> "Field[Any, Any]":
    return model_field(Service, name)
