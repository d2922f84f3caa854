"""Import keys: how a row finds its service again. A row's ``sleutel``, or, when it has
none, a key made from its naam and organisatie (``slugify``). The export writes the
same key for a service made by hand, so that importing the export changes nothing."""

import hashlib
from collections.abc import Iterable

from django.utils.text import slugify

from sociale_kaart.csv_io.columns import KEY_LENGTH
from sociale_kaart.models import Service


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
