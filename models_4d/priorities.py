"""The priorities step: which things the patient wants to work on, 1 first. Two things
with the same number leave open what comes first, so each of them says so."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from models_4d.models import FourDEntry


@dataclass(frozen=True)
class PriorityRow:
    entry: FourDEntry
    same_priority: list[FourDEntry]  # the other entries with this entry's number

    @property
    def warning_id(self) -> str:
        return f"priority-warning-{self.entry.public_id}"


def priority_rows(entries: Sequence[FourDEntry]) -> list[PriorityRow]:
    """Each entry with the others that share its priority. Entries that carry an edit
    form (`entry.form`) get their priority field described by the warning."""
    by_number: defaultdict[int, list[FourDEntry]] = defaultdict(list)
    for entry in entries:
        if entry.priority:
            by_number[entry.priority].append(entry)
    rows = []
    for entry in entries:
        others = [o for o in by_number.get(entry.priority or 0, []) if o.pk != entry.pk]
        row = PriorityRow(entry=entry, same_priority=others)
        form = getattr(entry, "form", None)
        if form is not None and "priority" in form.fields:
            form.fields["priority"].widget.attrs["aria-describedby"] = row.warning_id
        rows.append(row)
    return rows
