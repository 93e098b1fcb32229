"""Reading an import file (CSV in UTF-8, or XLSX) into rows of text, one at a time.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first complaint row 2.
Only non-blank cells are kept, so 100k rows stay small; the file is read twice (check, then
import) rather than held as objects. A file on disk (the command line) is streamed from disk,
never read into memory whole: memory stays flat however long the file is.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from putright.imports.columns import (
    COLUMN_NAMES,
    CORRESPONDENCE_NAMES,
    CORRESPONDENCE_SHEET,
    HAZARD_COLUMNS,
    HAZARD_NAMES,
    HAZARD_SHEET,
    REQUIRED_COLUMNS,
)

NOT_A_SPREADSHEET = "The file must be a CSV file (UTF-8) or an Excel workbook (.xlsx)."
UNREADABLE_XLSX = "The workbook could not be opened: save it again as an Excel workbook (.xlsx)."
EMPTY_FILE = "The file is empty: the first row must name the columns."
MISSING_COLUMN = "The column '{name}' is missing from the first row; it is required."
UNKNOWN_COLUMN = "The column '{name}' is not part of the import format and was ignored."
DUPLICATE_COLUMN = "The column '{name}' appears twice in the first row."
BAD_ENCODING = (
    "This row has characters that are not UTF-8 text (the byte {byte} cannot be read): "
    "save the file as 'CSV UTF-8' and import it again."
)


@dataclass(frozen=True)
class RawRow:
    number: int
    values: dict[str, str]
    bad_encoding: str = ""  # the plain-words message when the row's bytes were not UTF-8


@dataclass
class Table:
    """An opened import file: its problems (file-level) and a way to read its rows."""

    name: str
    data: bytes
    kind: str  # "csv" or "xlsx"
    problems: list[str] = field(default_factory=list)  # stop the import
    warnings: list[str] = field(default_factory=list)  # reported, import goes on
    path: Path | None = None  # read from here (streamed) when given, else from data

    def open(self) -> BinaryIO:
        return self.path.open("rb") if self.path is not None else io.BytesIO(self.data)

    def rows(self) -> Iterator[RawRow]:
        with self.open() as stream:
            if self.kind == "csv":
                yield from _csv_rows(stream)
            else:
                yield from _xlsx_rows(stream, sheet=None)

    def correspondence(self) -> Iterator[RawRow]:
        if self.kind == "xlsx":
            with self.open() as stream:
                yield from _xlsx_rows(stream, sheet=CORRESPONDENCE_SHEET)

    def hazards(self) -> Iterator[RawRow]:
        if self.kind == "xlsx":
            with self.open() as stream:
                yield from _xlsx_rows(stream, sheet=HAZARD_SHEET)


def normalise_header(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_").replace("-", "_")


def open_table(data: bytes, name: str, *, path: Path | None = None) -> Table:
    """Open the file (its bytes, or the file at path) and check its header; problems found here
    stop the whole import."""
    lower = name.lower()
    if path is not None:
        with path.open("rb") as f:
            start = f.read(2)
    else:
        start = data[:2]
    if lower.endswith(".xlsx") or start == b"PK":
        table = Table(name=name, data=data, kind="xlsx", path=path)
        try:
            with table.open() as stream:
                header = _xlsx_header(stream, sheet=None)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            table.problems.append(UNREADABLE_XLSX)
            return table
    elif lower.endswith((".csv", ".txt")):
        table = Table(name=name, data=data, kind="csv", path=path)
        with table.open() as stream:
            header = _csv_header(stream)
    else:
        return Table(name=name, data=data, kind="", problems=[NOT_A_SPREADSHEET], path=path)
    if not header:
        table.problems.append(EMPTY_FILE)
        return table
    _check_header(header, COLUMN_NAMES, set(REQUIRED_COLUMNS), table)
    return table


def _check_header(header: list[str], known: tuple[str, ...], required: set[str], table: Table):
    seen: set[str] = set()
    for name in header:
        if not name:
            continue
        if name in seen:
            table.problems.append(DUPLICATE_COLUMN.format(name=name))
        seen.add(name)
        if name not in known:
            table.warnings.append(UNKNOWN_COLUMN.format(name=name))
    table.problems.extend(MISSING_COLUMN.format(name=n) for n in sorted(required - seen))


# --- CSV ------------------------------------------------------------------------------------


def _decoded_lines(stream: BinaryIO) -> Iterator[tuple[str, str]]:
    """Each physical line decoded, with a message when it was not valid UTF-8."""
    for number, raw in enumerate(stream):
        if number == 0 and raw.startswith(b"\xef\xbb\xbf"):  # Excel's "CSV UTF-8" byte-order mark
            raw = raw[3:]
        try:
            yield raw.decode("utf-8"), ""
        except UnicodeDecodeError as exc:
            byte = f"0x{raw[exc.start]:02X}"
            yield raw.decode("utf-8", errors="replace"), BAD_ENCODING.format(byte=byte)


def _csv_header(stream: BinaryIO) -> list[str]:
    for line, _ in _decoded_lines(stream):
        return [normalise_header(h) for h in next(csv.reader([line]), [])]
    return []


def _csv_rows(stream: BinaryIO) -> Iterator[RawRow]:
    bad_lines: dict[int, str] = {}

    def lines() -> Iterator[str]:
        for i, (line, problem) in enumerate(_decoded_lines(stream), start=1):
            if problem:
                bad_lines[i] = problem
            yield line

    reader = csv.reader(lines())
    header = [normalise_header(h) for h in next(reader, [])]
    last_line = reader.line_num
    number = 1
    for record in reader:
        number += 1
        first, last_line = last_line + 1, reader.line_num
        problem = next((bad_lines[i] for i in range(first, last_line + 1) if i in bad_lines), "")
        values = {h: v.strip() for h, v in zip(header, record, strict=False) if h and v.strip()}
        if values or problem:
            yield RawRow(number=number, values=values, bad_encoding=problem)


# --- XLSX -----------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sheet(workbook, sheet: str | None):
    if sheet is None:
        return workbook.worksheets[0]
    for ws in workbook.worksheets:
        if ws.title.strip().lower() == sheet.lower():
            return ws
    return None


def _xlsx_header(stream: BinaryIO, sheet: str | None) -> list[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(stream, read_only=True, data_only=True)
    try:
        ws = _sheet(workbook, sheet)
        if ws is None:
            return []
        for row in ws.iter_rows(min_row=1, max_row=1, values_only=True):
            return [normalise_header(v) for v in row]
        return []
    finally:
        workbook.close()


def _xlsx_rows(stream: BinaryIO, sheet: str | None) -> Iterator[RawRow]:
    from openpyxl import load_workbook

    workbook = load_workbook(stream, read_only=True, data_only=True)
    try:
        ws = _sheet(workbook, sheet)
        if ws is None:
            return
        rows = ws.iter_rows(values_only=True)
        header = [normalise_header(v) for v in next(rows, ())]
        for number, record in enumerate(rows, start=2):
            values = {
                h: t for h, v in zip(header, record, strict=False) if h and (t := _cell_text(v))
            }
            if values:
                yield RawRow(number=number, values=values)
    finally:
        workbook.close()


def correspondence_header_problems(table: Table) -> list[str]:
    """Problems with the optional correspondence sheet's header (none when it is absent)."""
    if table.kind != "xlsx":
        return []
    with table.open() as stream:
        header = _xlsx_header(stream, sheet=CORRESPONDENCE_SHEET)
    if not header:
        return []
    check = Table(name=table.name, data=b"", kind="xlsx")
    _check_header(header, CORRESPONDENCE_NAMES, {"legacy_reference", "date", "direction"}, check)
    return check.problems


def hazards_header_problems(table: Table) -> list[str]:
    """Problems with the optional hazards sheet's header (none when it is absent)."""
    if table.kind != "xlsx":
        return []
    with table.open() as stream:
        header = _xlsx_header(stream, sheet=HAZARD_SHEET)
    if not header:
        return []
    check = Table(name=table.name, data=b"", kind="xlsx")
    required = {c.name for c in HAZARD_COLUMNS if c.required}
    _check_header(header, HAZARD_NAMES, required, check)
    return check.problems
