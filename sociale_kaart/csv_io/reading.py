"""Reading an uploaded CSV file: the bytes as text, then the column names and the rows.

UTF-8 text (a byte order mark is allowed), the first line holds the column names,
columns separated by ``;`` or ``,`` (detected from the first line). Column names are
case-insensitive and may come in any order; columns may be left out, but a file needs
at least ``naam`` or ``sleutel``. Line numbers in messages count like Excel's row
numbers: the column names are line 1. Everything wrong with the file as a whole is a
CsvFileError whose message tells the user what to do; what is wrong with a row is
found when the import is planned (planning.py).
"""

import csv
import io
import re
from dataclasses import dataclass
from typing import Final

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from sociale_kaart.csv_io.cells import shortened
from sociale_kaart.csv_io.columns import COLUMN_NAMES, EXPORT_DELIMITER

MAX_BYTES: Final = 5 * 1024 * 1024
UNKNOWN_COLUMNS_SHOWN: Final = 10
# Signatures of files people upload instead of a CSV.
WORKBOOK_SIGNATURES: Final = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


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


def read_upload(upload: UploadedFile) -> str:
    """An uploaded file as text; never reads more than MAX_BYTES + 1 bytes."""
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
            % {"unknown": _listed(unknown), "columns": expected}
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


def _listed(names: list[str]) -> str:
    """A few names, each shortened: a file's first line can be one very long cell."""
    shown = [shortened(name) for name in names[:UNKNOWN_COLUMNS_SHOWN]]
    return ", ".join(shown) + (", …" if len(names) > UNKNOWN_COLUMNS_SHOWN else "")
