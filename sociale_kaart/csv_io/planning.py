"""Planning an import: every row checked and its action decided (create, update, leave
unchanged, or reject with its reasons), without writing anything. The check page shows
the plan; the import plans again before it writes, since the map may have changed.

Rows are matched on ``sleutel`` within the target map (the practice's own map, or its
care group's shared map). A service that was made by hand (no import key) is matched
on the key made from its naam and organisatie (numbered ``-2``, ``-3`` when several
share those), the key the export writes for it, and keeps that key from then on. A
row whose key belongs to a service on the practice's *other* map is left alone when
it is the same, and rejected when it differs, so that exporting both maps and
importing the file again changes nothing. The import never deletes: set ``actief``
to ``nee``.

Every row is checked with the model's field validators, the Dutch formats in
validators.py, and the rules of the service form; a check date may not lie in the
future. Columns left out of the file give a new service the default, and leave an
existing one as it is. A row that changes nothing gets the action "unchanged".
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sociale_kaart.csv_io.cells import canonical, parse_cell, shortened, unescape_formula
from sociale_kaart.csv_io.columns import COLUMN_BY_FIELD, COLUMN_BY_NAME, service_field
from sociale_kaart.csv_io.keys import derived_key, import_keys
from sociale_kaart.csv_io.reading import ParsedFile
from sociale_kaart.models import Service, ServiceMap

CREATE: Final = "create"
UPDATE: Final = "update"
UNCHANGED: Final = "unchanged"
REJECTED: Final = "rejected"


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
            raw = unescape_formula(cells[index]) if index < len(cells) else ""
            try:
                value = parse_cell(column, raw)
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
                outcome.errors.append(message % {"key": shortened(key), "line": first_line})
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
                % {"key": shortened(key), "map": owner.name}
            )
            continue
        _plan_create(outcome, service_map, key, values, themes, bad_fields)
    return ImportPlan(service_map=service_map, rows=outcomes)


def _message(column: str, message: str) -> str:
    return _("%(column)s: %(message)s") % {"column": column, "message": message}


def _differences(service: Service, values: dict[str, Any]) -> list[str]:
    return [
        name for name, value in values.items() if canonical(name, getattr(service, name)) != value
    ]


def _apply_defaults(values: dict[str, Any]) -> None:
    """Empty ja/nee and code cells mean the model's default."""
    for name in ("costs", "referral", "serves_whole_region", "is_active"):
        if name in values and values[name] is None:
            values[name] = service_field(name).get_default()


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
