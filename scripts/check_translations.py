"""Fail when a message in a .po file has no translation, is marked fuzzy, speaks to its
reader as "u" where the app says "je", or when the compiled .mo beside it does not carry
the same translations (compilemessages forgotten).

Usage: python scripts/check_translations.py path/to/django.po
"""

import ast
import gettext
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# The app says "je" to professionals and patients alike; "u" and "uw" in one sentence
# of the plan's teach-back question made the POH read two voices on one screen.
FORMAL_ADDRESS = re.compile(r"\b(?:[Uu]|[Uu]w|[Uu]zelf)\b")


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False


def parse_po(text: str) -> list[Entry]:
    entries: list[Entry] = []
    entry = Entry()
    current: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry
        if entry.msgid or entry.msgstr:
            entries.append(entry)
        entry = Entry()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            current = None
        elif line.startswith("#,") and "fuzzy" in line:
            entry.fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and current is not None:
            _append(entry, current, ast.literal_eval(line))
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if keyword.startswith("msgstr["):
                current = ("msgstr", int(keyword[7:-1]))
            else:
                current = (keyword, 0)
            _append(entry, current, value)
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int], value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + value
    elif name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + value
    elif name == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + value
    else:
        entry.msgid += value


def problems(po_path: Path) -> list[str]:
    entries = [e for e in parse_po(po_path.read_text(encoding="utf-8")) if e.msgid]
    found = []
    for entry in entries:
        if entry.fuzzy:
            found.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.msgstr or any(not text for text in entry.msgstr.values()):
            found.append(f"untranslated: {entry.msgid!r}")
        elif any(FORMAL_ADDRESS.search(text) for text in entry.msgstr.values()):
            found.append(f"says 'u' where the app says 'je': {entry.msgid!r}")
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [*found, f"missing compiled catalogue {mo_path}"]
    with mo_path.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in entries:
        if entry.fuzzy or not entry.msgstr.get(0):
            continue
        if entry.msgid_plural is not None:
            compiled = catalogue.ngettext(entry.msgid, entry.msgid_plural, 1)
        elif entry.msgctxt is not None:
            compiled = catalogue.pgettext(entry.msgctxt, entry.msgid)
        else:
            compiled = catalogue.gettext(entry.msgid)
        if compiled != entry.msgstr[0]:
            found.append(f"not compiled (run `make messages`): {entry.msgid!r}")
    return found


def main() -> int:
    po_path = Path(sys.argv[1])
    found = problems(po_path)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} translation problem(s) in {po_path}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
