"""The "…leads to" choice beside each entry on the connections step.

Twelve entries make twelve small forms of a select each, the same options over and
over. Built as forms they cost more than the rest of the step together; here each
entry's option is written once and every row joins the ones it offers. The markup is
that of forms.ConnectionForm's fields (names, ids, `required`), which checks the post
(tests/models_4d/test_connect.py compares the two).
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from models_4d.models import Domain4D, FourDConnection, FourDEntry


@dataclass(frozen=True)
class ConnectRow:
    entry: FourDEntry
    cause_input: SafeString  # the hidden input that names the entry
    effect_id: str  # the select's id, for its label
    effect_select: SafeString  # empty when nothing is left to connect the entry to


def connect_from(
    entries: Sequence[FourDEntry], connections: Sequence[FourDConnection]
) -> list[tuple[str, list[ConnectRow]]]:
    """Per domain (those with entries, in the model's order), each entry with its own
    choice of the entries of other domains it does not lead to yet."""
    drawn = {(connection.cause_id, connection.effect_id) for connection in connections}
    labels = dict(Domain4D.choices)
    options = {
        entry.pk: format_html(
            '\n  <option value="{}">{}: {}</option>',
            entry.public_id,
            labels[entry.domain],
            entry.text,
        )
        for entry in entries
    }
    return [
        (str(label), [_row(entry, entries, drawn, options) for entry in in_domain])
        for domain, label in Domain4D.choices
        if (in_domain := [entry for entry in entries if entry.domain == domain])
    ]


def _row(
    cause: FourDEntry,
    entries: Sequence[FourDEntry],
    drawn: Collection[tuple[int, int]],
    options: dict[int, SafeString],
) -> ConnectRow:
    offered = [
        options[entry.pk]
        for entry in entries
        if entry.domain != cause.domain and (cause.pk, entry.pk) not in drawn
    ]
    effect_id = f"id_effect_{cause.public_id}"
    select = (
        format_html(
            '<select name="effect" required id="{}">\n  <option value="" selected>—</option>{}\n</select>',
            effect_id,
            mark_safe("".join(offered)),  # noqa: S308 - options made by format_html
        )
        if offered
        else SafeString()
    )
    return ConnectRow(
        entry=cause,
        cause_input=format_html(
            '<input type="hidden" name="cause" value="{}" id="id_cause_{}">',
            cause.public_id,
            cause.public_id,
        ),
        effect_id=effect_id,
        effect_select=select,
    )
