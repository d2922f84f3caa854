"""CSV import and export of the sociale kaart: one column layout, both ways.

The file
========

UTF-8 text (a byte order mark is allowed), the first line holds the column names,
columns separated by ``;`` or ``,`` (detected from the first line). The export writes
``;`` and a byte order mark, so that Excel opens it as it is. Line numbers in messages
count like Excel's row numbers: the column names are line 1.

==========================  ==========================  =====================================
column                      Service field               how to fill it in
==========================  ==========================  =====================================
``sleutel``                 ``external_id``             stable import key, at most 60
                                                        characters; empty: made from naam
                                                        and organisatie (``slugify``)
``naam``                    ``name``                    required
``organisatie``             ``organisation``
``beschrijving``            ``description``             required, at most 1000 characters
``themas``                  ``themes``                  theme codes (``ThemeSlug``) separated
                                                        by ``|``, at least one
``doelgroep``               ``target_group``
``leeftijd_van``            ``age_min``                 whole number 0-120, or empty
``leeftijd_tot``            ``age_max``                 whole number 0-120, or empty
``hele_regio``              ``serves_whole_region``     ``ja`` / ``nee`` (empty: nee)
``postcodegebieden``        ``area_postcodes``          ``9990-9999, 9801``; required unless
                                                        hele_regio is ja
``wijken``                  ``neighbourhoods``
``kosten``                  ``costs``                   gratis, verzekerd, eigen-bijdrage,
                                                        betaald (empty: gratis)
``kosten_toelichting``      ``costs_note``
``verwijzing``              ``referral``                geen, huisarts, anders (empty: geen)
``aanmelden``               ``how_to_apply``
``telefoon``                ``phone``                   Dutch number, 0800/0900 or 14 number
``email``                   ``email``
``website``                 ``website``                 ``https://`` is added when missing
``adres``                   ``street_address``
``postcode``                ``postcode``                ``1234 AB``
``plaats``                  ``city``
``openingstijden``          ``opening_hours``
``talen``                   ``languages``
``actief``                  ``is_active``               ``ja`` / ``nee`` (empty: ja)
``laatst_gecontroleerd``    ``last_checked_on``         ``dd-mm-jjjj`` or ``jjjj-mm-dd``
==========================  ==========================  =====================================

Column names are case-insensitive and may come in any order. Columns may be left out:
a new service then gets the default, an existing one keeps its value. A file needs at
least ``naam`` or ``sleutel``. ``ja``/``nee`` also accepts j/n, yes/no, true/false, 1/0.
An empty ``kosten``, ``verwijzing``, ``hele_regio`` or ``actief`` means the default.

Import
======

Rows are matched on ``sleutel`` within the target map (the practice's own map, or its
care group's shared map). A service that was made by hand (no import key) is matched
on the key made from its naam and organisatie (numbered ``-2``, ``-3`` when several
share those), the key the export writes for it, and keeps that key from then on. A
row whose key belongs to a service on the practice's *other* map is left alone when
it is the same, and rejected when it differs, so that exporting both maps and
importing the file again changes nothing. The import never deletes: set ``actief``
to ``nee``.

Every row is checked first (the model's field validators, the Dutch formats in
validators.py, and the rules of the service form; a check date may not lie in the
future). Then either every valid row is written, or nothing unless every row is
valid; in one transaction, in batches of BATCH_SIZE rows: bulk_create for new
services, one prepared UPDATE executed for the whole batch for changed ones, themes,
areas and revisions in bulk, and the search vectors refreshed once at the end. A
row that changes nothing is not written, keeps its version and gets no revision.

Export
======

The same columns, ``;``-separated, UTF-8 with a byte order mark. A cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so that
a spreadsheet does not run it as a formula; the import takes that ``'`` off again.
"""

import csv
import hashlib
import io
import re
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connection, transaction
from django.db.models import Field, Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sociale_kaart.csv_models import ImportJob, ImportStatus
from sociale_kaart.models import (
    Costs,
    Referral,
    Service,
    ServiceArea,
    ServiceMap,
    ServiceRevision,
    Theme,
)
from sociale_kaart.services import refresh_search_vectors, snapshot
from sociale_kaart.themes import ThemeSlug
from sociale_kaart.validators import normalise_postcode, normalise_service_phone, parse_areas

MAX_BYTES: Final = 5 * 1024 * 1024
BATCH_SIZE: Final = 500
KEY_LENGTH: Final = 60
DESCRIPTION_LENGTH: Final = 1000
MAX_AGE: Final = 120
EXPORT_DELIMITER: Final = ";"
THEME_SEPARATOR: Final = "|"
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")

# Writing modes, chosen by the user after the check.
MODE_VALID_ROWS: Final = "valid-rows"
MODE_ALL_OR_NOTHING: Final = "all-or-nothing"
MODES: Final = (MODE_VALID_ROWS, MODE_ALL_OR_NOTHING)

CREATE: Final = "create"
UPDATE: Final = "update"
UNCHANGED: Final = "unchanged"
REJECTED: Final = "rejected"


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    kind: str = "text"


COLUMNS: Final = (
    Column("sleutel", "external_id", "key"),
    Column("naam", "name", "required"),
    Column("organisatie", "organisation"),
    Column("beschrijving", "description", "description"),
    Column("themas", "themes", "themes"),
    Column("doelgroep", "target_group"),
    Column("leeftijd_van", "age_min", "age"),
    Column("leeftijd_tot", "age_max", "age"),
    Column("hele_regio", "serves_whole_region", "bool"),
    Column("postcodegebieden", "area_postcodes", "areas"),
    Column("wijken", "neighbourhoods"),
    Column("kosten", "costs", "costs"),
    Column("kosten_toelichting", "costs_note"),
    Column("verwijzing", "referral", "referral"),
    Column("aanmelden", "how_to_apply"),
    Column("telefoon", "phone", "phone"),
    Column("email", "email"),
    Column("website", "website", "website"),
    Column("adres", "street_address"),
    Column("postcode", "postcode", "postcode"),
    Column("plaats", "city"),
    Column("openingstijden", "opening_hours"),
    Column("talen", "languages"),
    Column("actief", "is_active", "bool"),
    Column("laatst_gecontroleerd", "last_checked_on", "date"),
)
COLUMN_NAMES: Final = tuple(column.name for column in COLUMNS)
COLUMN_BY_NAME: Final = {column.name: column for column in COLUMNS}
COLUMN_BY_FIELD: Final = {column.field: column for column in COLUMNS}
# The Service fields the file carries (themes are a relation, the key is matched on).
DATA_FIELDS: Final = tuple(c.field for c in COLUMNS if c.field not in {"external_id", "themes"})
UPDATE_FIELDS: Final = (*DATA_FIELDS, "external_id", "version", "updated_at")

TRUE_WORDS: Final = frozenset({"ja", "j", "yes", "y", "true", "waar", "1", "x"})
FALSE_WORDS: Final = frozenset({"nee", "n", "no", "false", "onwaar", "0"})
DATE_FORMATS: Final = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d")
THEME_CODES: Final = frozenset(ThemeSlug.values)
CODES: Final = {"costs": tuple(Costs.values), "referral": tuple(Referral.values)}
# Signatures of files people upload instead of a CSV.
WORKBOOK_SIGNATURES: Final = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")

FORMAT_HINTS: Final[dict[str, Promise]] = {
    "key": gettext_lazy(
        "At most 60 characters. The same key updates the same service; "
        "empty: made from naam and organisatie."
    ),
    "required": gettext_lazy("Required."),
    "description": gettext_lazy("Required; at most 1000 characters."),
    "themes": gettext_lazy(
        "At least one theme code (see below), separated by |, for example: wonen|voeding."
    ),
    "age": gettext_lazy("A whole number from 0 to 120, or empty."),
    "bool": gettext_lazy("ja or nee."),
    "areas": gettext_lazy(
        "Four-digit postcodes or ranges, separated by commas, for example: 9990-9999, 9801."
    ),
    "costs": gettext_lazy("A code from the list below."),
    "referral": gettext_lazy("A code from the list below."),
    "phone": gettext_lazy(
        "A Dutch phone number, a service number (0800 or 0900) or a municipal 14 number."
    ),
    "website": gettext_lazy("https:// is added when it is missing."),
    "postcode": gettext_lazy("Such as 1234 AB."),
    "date": gettext_lazy("dd-mm-yyyy or yyyy-mm-dd."),
}


class CsvFileError(Exception):
    """The file as a whole cannot be used; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ParsedFile:
    columns: list[str]
    rows: list[tuple[int, list[str]]]  # (line number, cells), blank lines left out
    delimiter: str


@dataclass
class RowOutcome:
    line: int
    key: str = ""
    name: str = ""
    action: str = REJECTED
    errors: list[str] = field(default_factory=list)
    service: Service | None = None
    themes: list[str] = field(default_factory=list)
    themes_changed: bool = False
    areas_changed: bool = False
    adopt_key: bool = False  # a service made by hand gets its import key


@dataclass
class ImportPlan:
    service_map: ServiceMap
    rows: list[RowOutcome]

    def with_action(self, action: str) -> list[RowOutcome]:
        return [row for row in self.rows if row.action == action]

    @property
    def rejected(self) -> list[RowOutcome]:
        return self.with_action(REJECTED)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((CREATE, UPDATE, UNCHANGED, REJECTED), 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts


@dataclass(frozen=True)
class Progress:
    done: int
    total: int


@dataclass
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    rejected: int
    written: bool
    rejected_rows: list[RowOutcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "written": self.written,
        }


# --- Reading the file -------------------------------------------------------------------


def decode_csv_bytes(data: bytes) -> str:
    """The upload as text, or a CsvFileError that says what to do instead."""
    if len(data) > MAX_BYTES:
        raise CsvFileError(too_large_message())
    if data.startswith(WORKBOOK_SIGNATURES):
        raise CsvFileError(
            _(
                "This is an Excel workbook, not a CSV file. In Excel choose Save as, "
                "then “CSV UTF-8 (comma delimited)”, and upload that file."
            )
        )
    if b"\x00" in data[:8192]:
        raise CsvFileError(
            _("This is not a CSV file. Save the list as “CSV UTF-8” and upload that file.")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CsvFileError(
            _(
                "The file is not in UTF-8 (the first problem is on line %(line)s). In Excel "
                "choose Save as, then “CSV UTF-8 (comma delimited)”."
            )
            % {"line": line}
        ) from None
    if not text.strip():
        raise CsvFileError(_("The file is empty."))
    return text


def too_large_message() -> str:
    return _("The file is larger than %(size)s MB. Split it into smaller files.") % {
        "size": MAX_BYTES // (1024 * 1024)
    }


def read_upload(upload: Any) -> str:
    """An UploadedFile as text; never reads more than MAX_BYTES + 1 bytes."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise CsvFileError(too_large_message())
    upload.seek(0)
    return decode_csv_bytes(upload.read(MAX_BYTES + 1))


def _header_name(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.strip().strip('"').strip().lower())


def parse_csv(text: str) -> ParsedFile:
    """Header and rows; raises CsvFileError when the file as a whole is not usable."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    expected = EXPORT_DELIMITER.join(COLUMN_NAMES)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for number, cells in enumerate(reader, start=1):
            if header is None:
                header = [_header_name(cell) for cell in cells]
                continue
            if any(cell.strip() for cell in cells):
                rows.append((number, cells))
    except csv.Error:
        raise CsvFileError(
            _("Line %(line)s cannot be read as CSV: check the quotation marks.")
            % {"line": reader.line_num}
        ) from None
    if not header:
        raise CsvFileError(_("The file is empty."))
    while header and header[-1] == "":
        header.pop()
    known = set(COLUMN_NAMES)
    if not known.intersection(header):
        raise CsvFileError(
            _("The first line must hold the column names, separated by ; or , such as: %(columns)s")
            % {"columns": expected}
        )
    for index, name in enumerate(header, start=1):
        if not name:
            raise CsvFileError(_("Column %(number)s has no name.") % {"number": index})
    unknown = [name for name in header if name not in known]
    if unknown:
        raise CsvFileError(
            _("Unknown columns: %(unknown)s. The columns are: %(columns)s")
            % {"unknown": ", ".join(unknown), "columns": expected}
        )
    doubles = sorted({name for name in header if header.count(name) > 1})
    if doubles:
        raise CsvFileError(
            _("These columns appear more than once: %(columns)s.") % {"columns": ", ".join(doubles)}
        )
    if "naam" not in header and "sleutel" not in header:
        raise CsvFileError(_("The file needs a column naam or sleutel."))
    if not rows:
        raise CsvFileError(_("The file has column names but no rows."))
    return ParsedFile(columns=header, rows=rows, delimiter=delimiter)


# --- Checking rows ----------------------------------------------------------------------


def derived_key(name: str, organisation: str) -> str:
    """The import key of a row without sleutel: naam and organisatie, slugified."""
    source = f"{name} {organisation}".strip()
    key = slugify(source)
    digest = hashlib.sha256(source.encode()).hexdigest()
    if not key:
        return f"rij-{digest[:12]}"
    if len(key) > KEY_LENGTH:
        key = f"{key[: KEY_LENGTH - 9].rstrip('-')}-{digest[:8]}"
    return key


def _unescape(value: str) -> str:
    """Take off the ' the export puts before a cell a spreadsheet would run."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_START):
        return value[1:]
    return value


def _escape(value: str) -> str:
    return f"'{value}" if value.lstrip("'").startswith(FORMULA_START) else value


def _areas_text(ranges: list[tuple[int, int]]) -> str:
    return ", ".join(str(start) if start == end else f"{start}-{end}" for start, end in ranges)


def _message(column: str, message: str) -> str:
    return _("%(column)s: %(message)s") % {"column": column, "message": message}


def _quoted(value: str) -> str:
    return value if len(value) <= 40 else f"{value[:37]}…"


def _parse_cell(column: Column, raw: str) -> Any:
    """The value for the model field; raises ValidationError with a user message."""
    value = raw.strip()
    kind = column.kind
    if kind == "themes":
        slugs = [part.strip().lower() for part in value.split(THEME_SEPARATOR)]
        slugs = [slug for slug in slugs if slug]
        unknown = [slug for slug in slugs if slug not in THEME_CODES]
        if unknown:
            raise ValidationError(
                [_("Unknown theme “%(theme)s”.") % {"theme": _quoted(slug)} for slug in unknown]
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
        raise ValidationError(_("Write ja or nee, not “%(value)s”.") % {"value": _quoted(value)})
    if kind in {"costs", "referral"}:
        codes = CODES[kind]
        code = value.lower()
        if not code:
            return None  # the default
        if code not in codes:
            raise ValidationError(
                _("Unknown value “%(value)s”; use one of: %(values)s.")
                % {"value": _quoted(value), "values": ", ".join(codes)}
            )
        return code
    if kind == "phone":
        return normalise_service_phone(value) if value else ""
    if kind == "postcode":
        return normalise_postcode(value) if value else ""
    if kind == "areas":
        return _areas_text(parse_areas(value))
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
            % {"value": _quoted(value)}
        )
    if kind == "description":
        MaxLengthValidator(DESCRIPTION_LENGTH)(value)
    return value


def _canonical(field_name: str, value: Any) -> Any:
    """Stored values typed by hand may differ in form only from what the import makes."""
    if not value or field_name not in {"phone", "postcode", "area_postcodes"}:
        return value
    try:
        if field_name == "phone":
            return normalise_service_phone(value)
        if field_name == "postcode":
            return normalise_postcode(value)
        return _areas_text(parse_areas(value))
    except ValidationError:
        return value


def import_keys(services: Iterable[Service]) -> dict[int, str]:
    """The import key of each service of one map: its own, or else one made from its
    naam and organisatie, numbered (-2, -3) when services made by hand share those."""
    ordered = sorted(services, key=lambda service: service.pk)
    keys = {service.pk: service.external_id for service in ordered if service.external_id}
    used = set(keys.values())
    for service in ordered:
        if service.external_id:
            continue
        base = key = derived_key(service.name, service.organisation)
        number = 1
        while key in used:
            number += 1
            suffix = f"-{number}"
            key = f"{base[: KEY_LENGTH - len(suffix)]}{suffix}"
        keys[service.pk] = key
        used.add(key)
    return keys


@dataclass
class _MapIndex:
    """A map's services by import key, with their themes."""

    by_key: dict[str, Service]
    themes: dict[int, list[str]]
    adopted: set[int]  # services made by hand: they get the key they were found by

    @classmethod
    def load(cls, service_map: ServiceMap) -> "_MapIndex":
        services = list(Service.objects.filter(service_map=service_map).defer("search_vector"))
        keys = import_keys(services)
        by_key = {keys[service.pk]: service for service in services}
        adopted = {service.pk for service in services if not service.external_id}
        themes: dict[int, list[str]] = {}
        through = Service.themes.through.objects.filter(service__service_map=service_map)
        for service_id, slug in through.values_list("service_id", "theme__slug"):
            themes.setdefault(service_id, []).append(slug)
        for slugs in themes.values():
            slugs.sort()
        return cls(by_key, themes, adopted)

    def same(self, service: Service, values: dict[str, Any], themes: list[str] | None) -> bool:
        """Would this row leave the service as it is?"""
        if _differences(service, values):
            return False
        return themes is None or themes == self.themes.get(service.pk, [])


def plan_import(
    parsed: ParsedFile,
    service_map: ServiceMap,
    other_maps: Iterable[ServiceMap] = (),
) -> ImportPlan:
    """Check every row and decide what it does, without writing anything."""
    target = _MapIndex.load(service_map)
    others = [(other, _MapIndex.load(other)) for other in other_maps if other.pk != service_map.pk]
    present = [COLUMN_BY_NAME[name] for name in parsed.columns]
    width = len(parsed.columns)
    seen: dict[str, tuple[int, bool]] = {}
    outcomes = []
    for line, cells in parsed.rows:
        outcome = RowOutcome(line=line)
        outcomes.append(outcome)
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            outcome.errors.append(_("This row has more values than there are columns."))
            continue
        values: dict[str, Any] = {}
        themes: list[str] | None = None
        bad_fields: set[str] = set()
        for index, column in enumerate(present):
            raw = _unescape(cells[index]) if index < len(cells) else ""
            try:
                value = _parse_cell(column, raw)
            except ValidationError as error:
                bad_fields.add(column.field)
                outcome.errors.extend(_message(column.name, m) for m in error.messages)
                continue
            if column.field == "themes":
                themes = value
            else:
                values[column.field] = value
        _apply_defaults(values)
        outcome.name = values.get("name", "")
        key = values.pop("external_id", "") or ""
        keyed = bool(key)
        if not key and values.get("name"):
            key = derived_key(values["name"], values.get("organisation", ""))
        outcome.key = key
        existing = target.by_key.get(key) if key else None
        # A row that is exactly a service of the practice's other map (an export of both
        # maps) belongs to that map: nothing to do, and not a double key.
        if (
            key
            and not outcome.errors
            and not (existing and target.same(existing, values, themes))
            and any(
                (elsewhere := index.by_key.get(key)) is not None
                and index.same(elsewhere, values, themes)
                for _other, index in others
            )
        ):
            outcome.action = UNCHANGED
            continue
        if key:
            if key in seen:
                first_line, first_keyed = seen[key]
                if keyed or first_keyed:
                    message = _("The key “%(key)s” was already used on line %(line)s.")
                else:
                    message = _(
                        "The same naam and organisatie are already on line %(line)s; "
                        "give each row its own sleutel."
                    )
                outcome.errors.append(message % {"key": _quoted(key), "line": first_line})
                continue
            seen[key] = (line, keyed)
        if existing is not None:
            _plan_update(outcome, existing, target, values, themes, bad_fields)
            continue
        owner = next((other for other, index in others if key and key in index.by_key), None)
        if owner is not None:
            outcome.errors.append(
                _(
                    "The key “%(key)s” belongs to a service on the map “%(map)s”; "
                    "choose that map to change it."
                )
                % {"key": _quoted(key), "map": owner.name}
            )
            continue
        _plan_create(outcome, service_map, key, values, themes, bad_fields)
    return ImportPlan(service_map=service_map, rows=outcomes)


def _differences(service: Service, values: dict[str, Any]) -> list[str]:
    return [
        name for name, value in values.items() if _canonical(name, getattr(service, name)) != value
    ]


def _apply_defaults(values: dict[str, Any]) -> None:
    """Empty ja/nee and code cells mean the model's default."""
    for name in ("costs", "referral", "serves_whole_region", "is_active"):
        if name in values and values[name] is None:
            values[name] = _field(name).get_default()


def _plan_create(
    outcome: RowOutcome,
    service_map: ServiceMap,
    key: str,
    values: dict[str, Any],
    themes: list[str] | None,
    bad_fields: set[str],
) -> None:
    service = Service(service_map=service_map, external_id=key, **values)
    outcome.themes = themes or []
    _validate(outcome, service, bad_fields)
    if not outcome.errors:
        outcome.action = CREATE
        outcome.service = service


def _plan_update(
    outcome: RowOutcome,
    service: Service,
    index: _MapIndex,
    values: dict[str, Any],
    themes: list[str] | None,
    bad_fields: set[str],
) -> None:
    current_themes = index.themes.get(service.pk, [])
    outcome.themes = current_themes if themes is None else themes
    changed = _differences(service, values)
    for name in changed:
        setattr(service, name, values[name])
    outcome.themes_changed = outcome.themes != current_themes
    outcome.areas_changed = "area_postcodes" in changed
    _validate(outcome, service, bad_fields)
    if outcome.errors:
        return
    outcome.service = service
    outcome.adopt_key = service.pk in index.adopted
    if outcome.adopt_key:
        service.external_id = outcome.key
    outcome.action = UPDATE if changed or outcome.themes_changed else UNCHANGED


def _validate(outcome: RowOutcome, service: Service, bad_fields: set[str]) -> None:
    """The model's own checks and the rules of the service form, as messages per column."""
    exclude = {"service_map", "search_vector", *bad_fields}
    try:
        service.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = COLUMN_BY_FIELD.get(name)
            outcome.errors.extend(
                _message(column.name, message) if column else message for message in messages
            )
    age_min, age_max = service.age_min, service.age_max
    ages_read = not ({"age_min", "age_max"} & bad_fields)
    if ages_read and age_min is not None and age_max is not None and age_min > age_max:
        outcome.errors.append(
            _message("leeftijd_tot", _("The maximum age is lower than the minimum age."))
        )
    areas_read = not ({"area_postcodes", "serves_whole_region"} & bad_fields)
    if areas_read and not service.serves_whole_region and not service.area_postcodes:
        outcome.errors.append(
            _message(
                "postcodegebieden",
                _("Fill in the postcode areas, or write ja under hele_regio."),
            )
        )
    if "themes" not in bad_fields and not outcome.themes:
        outcome.errors.append(
            _message(
                "themas",
                _("A service needs at least one theme: that is how professionals find it."),
            )
        )


# --- Writing ----------------------------------------------------------------------------


def run_import(
    parsed: ParsedFile,
    service_map: ServiceMap,
    *,
    user: Any,
    mode: str,
    other_maps: Iterable[ServiceMap] = (),
    job: ImportJob | None = None,
) -> Generator[Progress | ImportSummary]:
    """Check again (the map may have changed since the check) and write, in one
    transaction. Yields Progress after every batch, then the ImportSummary once the
    transaction is committed. Stopping the iteration early rolls everything back."""
    if mode not in MODES:
        raise ValueError(mode)
    with transaction.atomic():
        # One import per map at a time (PostgreSQL; SQLite has one writer anyway).
        list(ServiceMap.objects.select_for_update().filter(pk=service_map.pk))
        plan = plan_import(parsed, service_map, other_maps)
        counts = plan.counts()
        total = len(plan.rows)
        write = not (mode == MODE_ALL_OR_NOTHING and counts[REJECTED])
        yield Progress(0, total)
        if write:
            theme_ids = dict(Theme.objects.values_list("slug", "pk"))
            written: list[int] = []
            for start in range(0, total, BATCH_SIZE):
                written += _write_batch(plan.rows[start : start + BATCH_SIZE], user, theme_ids)
                yield Progress(min(start + BATCH_SIZE, total), total)
            refresh_search_vectors(written)
        if job is not None:
            if write:
                job.status = ImportStatus.DONE
                job.content = ""
                job.finished_at = timezone.now()
                job.result = {**counts, "written": True}
            else:
                job.status = ImportStatus.CHECKED
            job.save(update_fields=["status", "content", "finished_at", "result"])
    yield ImportSummary(
        created=counts[CREATE],
        updated=counts[UPDATE],
        unchanged=counts[UNCHANGED],
        rejected=counts[REJECTED],
        written=write,
        rejected_rows=plan.rejected,
    )


def _write_batch(rows: list[RowOutcome], user: Any, theme_ids: dict[str, int]) -> list[int]:
    """Write one batch of checked rows; returns the pks of services created or changed."""
    creates = [row for row in rows if row.action == CREATE]
    updates = [row for row in rows if row.action == UPDATE]
    adopted = [row for row in rows if row.action == UNCHANGED and row.adopt_key]
    now = timezone.now()
    if creates:
        Service.objects.bulk_create([_service(row) for row in creates])
    if updates:
        for row in updates:
            service = _service(row)
            service.version += 1
            service.updated_at = now
        _update_services([_service(row) for row in updates], UPDATE_FIELDS)
    if adopted:
        _update_services([_service(row) for row in adopted], ("external_id",))

    through = Service.themes.through
    retheme = [row for row in updates if row.themes_changed]
    through.objects.filter(service_id__in=[_service(row).pk for row in retheme]).delete()
    through.objects.bulk_create(
        through(service_id=_service(row).pk, theme_id=theme_ids[slug])
        for row in [*creates, *retheme]
        for slug in row.themes
    )

    rearea = [row for row in updates if row.areas_changed]
    ServiceArea.objects.filter(service_id__in=[_service(row).pk for row in rearea]).delete()
    ServiceArea.objects.bulk_create(
        ServiceArea(service_id=_service(row).pk, postcode_from=start, postcode_to=end)
        for row in [*creates, *rearea]
        for start, end in parse_areas(_service(row).area_postcodes)
    )

    last_numbers = dict(
        ServiceRevision.objects.filter(service_id__in=[_service(row).pk for row in updates])
        .values("service_id")
        .annotate(last=Max("number"))
        .values_list("service_id", "last")
    )
    changed_by = user if getattr(user, "pk", None) else None
    ServiceRevision.objects.bulk_create(
        ServiceRevision(
            service=_service(row),
            number=last_numbers.get(_service(row).pk, 0) + 1,
            changed_by=changed_by,
            change="imported",
            data=snapshot(_service(row), row.themes),
        )
        for row in [*creates, *updates]
    )
    return [_service(row).pk for row in [*creates, *updates]]


def _update_services(services: list[Service], names: Iterable[str]) -> None:
    """One UPDATE statement, executed for the whole batch (executemany: prepared once).
    QuerySet.bulk_update builds a CASE per field with a WHEN per row, which costs
    seconds per thousand rows here; this costs milliseconds."""
    fields = [_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    sql = f"UPDATE {quote(Service._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608 (names from the model, values as parameters)
    params = [
        [f.get_db_prep_save(getattr(s, f.attname), connection) for f in fields] + [s.pk]
        for s in services
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _field(name: str) -> "Field[Any, Any]":
    field = Service._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _service(row: RowOutcome) -> Service:
    assert row.service is not None
    return row.service


def import_csv(
    text: str,
    service_map: ServiceMap,
    *,
    user: Any,
    mode: str = MODE_VALID_ROWS,
    other_maps: Iterable[ServiceMap] = (),
    on_progress: Callable[[Progress], None] | None = None,
) -> ImportSummary:
    """Parse and import in one go (for scripts and tests); raises CsvFileError."""
    parsed = parse_csv(text)
    summary = None
    for event in run_import(parsed, service_map, user=user, mode=mode, other_maps=other_maps):
        if isinstance(event, Progress):
            if on_progress is not None:
                on_progress(event)
        else:
            summary = event
    assert summary is not None
    return summary


# --- Export -----------------------------------------------------------------------------


def _cell(service: Service, column: Column, key: str, themes: list[str]) -> str:
    if column.field == "external_id":
        return key
    if column.field == "themes":
        return THEME_SEPARATOR.join(themes)
    value = getattr(service, column.field)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return _escape(str(value))


def export_rows(map_ids: list[int]) -> Iterator[list[str]]:
    """The header, then one row per service of these maps (the shared map first), in
    the import layout. Services made by hand get the key an import finds them by."""
    yield list(COLUMN_NAMES)
    themes: dict[int, list[str]] = {}
    through = Service.themes.through.objects.filter(service__service_map_id__in=map_ids)
    for service_id, slug in through.values_list("service_id", "theme__slug").order_by(
        "theme__slug"
    ):
        themes.setdefault(service_id, []).append(slug)
    services = list(
        Service.objects.filter(service_map_id__in=map_ids)
        .defer("search_vector")
        .order_by("-service_map__is_shared", "service_map_id", "name", "pk")
    )
    keys: dict[int, str] = {}
    for map_id in map_ids:
        keys.update(import_keys(s for s in services if s.service_map_id == map_id))
    for service in services:
        key, service_themes = keys[service.pk], themes.get(service.pk, [])
        yield [_cell(service, column, key, service_themes) for column in COLUMNS]


def export_csv(map_ids: list[int]) -> str:
    """The whole export as text, with a byte order mark so Excel reads it as UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=EXPORT_DELIMITER, lineterminator="\r\n")
    writer.writerows(export_rows(map_ids))
    return buffer.getvalue()


def column_docs() -> list[dict[str, Any]]:
    """The column layout for the import page: name, meaning, how to fill it in."""
    docs = []
    for column in COLUMNS:
        label = _field(column.field).verbose_name
        docs.append(
            {"name": column.name, "label": label, "hint": FORMAT_HINTS.get(column.kind, "")}
        )
    return docs
