"""A service's earlier versions as the practice manager reads them: each version with
the fields that changed in it, every value in the words the service's own page uses
(the revision keeps the stored values: codes, digits, ISO dates)."""

from datetime import date
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sociale_kaart.models import Service, ServiceRevision
from sociale_kaart.phone_display import format_phone
from sociale_kaart.themes import ThemeSlug

CHANGE_LABELS = {
    "created": gettext_lazy("added"),
    "updated": gettext_lazy("changed"),
    "checked": gettext_lazy("checked: still correct"),
    "deactivated": gettext_lazy("deactivated"),
    "activated": gettext_lazy("activated again"),
    "imported": gettext_lazy("imported"),
}


# The fields a revision keeps, by name; the themes are their own case.
FIELDS: dict[str, models.Field] = {field.name: field for field in Service._meta.concrete_fields}


def readable(name: str, value: Any) -> str:
    """One stored value in the manager's words; "" for an empty one."""
    if value is None or value in ("", []):
        return ""
    if name == "themes":
        return ", ".join(
            str(ThemeSlug(slug).label) if slug in ThemeSlug.values else slug for slug in value
        )
    field = FIELDS.get(name)
    if field is None:
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return date_format(date.fromisoformat(value), "d-m-Y")
        except ValueError:
            return value
    if name == "phone":
        return format_phone(str(value))
    return str(value)


def label_of(name: str) -> str:
    if name == "themes":
        return str(Service.themes.field.verbose_name)
    field = FIELDS.get(name)
    return str(field.verbose_name) if field else name


def with_changes(revisions: list[ServiceRevision]) -> list[ServiceRevision]:
    """Each revision (newest first) with `change_label` and `changed_fields`: the
    (label, value) of every field that differs from the version before it; of the
    first version, every field filled in."""
    for revision, previous in zip(revisions, [*revisions[1:], None], strict=True):
        revision.change_label = CHANGE_LABELS.get(revision.change, revision.change)  # type: ignore[attr-defined]
        fields = [
            (label_of(key), readable(key, value))
            for key, value in revision.data.items()
            if previous is None or previous.data.get(key) != value
        ]
        # The first version leaves out what was not filled in; a later one shows a
        # field emptied as "—".
        revision.changed_fields = [  # type: ignore[attr-defined]
            (label, value) for label, value in fields if previous is not None or value
        ]
    return revisions
