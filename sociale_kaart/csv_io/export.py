"""Exporting the services of a practice's maps as a CSV file in the import layout,
``;``-separated, UTF-8 with a byte order mark so that Excel opens it as it is: export,
edit and import again, and an unchanged export imports as "unchanged"."""

import csv
import io
from collections.abc import Iterator
from datetime import date

from sociale_kaart.csv_io.cells import escape_formula
from sociale_kaart.csv_io.columns import (
    COLUMN_NAMES,
    COLUMNS,
    EXPORT_DELIMITER,
    THEME_SEPARATOR,
    Column,
)
from sociale_kaart.csv_io.keys import import_keys
from sociale_kaart.models import Service


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
    return escape_formula(str(value))


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
