"""Spreadsheets in and out: strict XLSX import against a template, safe XLSX/CSV export.

Import is all-or-nothing by design: `read_rows` returns every row parsed, or raises
`SpreadsheetError` listing every problem with its cell ("C7: …"), and the caller saves
nothing. It refuses what a person could not have meant or what could hurt the server:
another template, extra columns, merged cells, formulas, oversized or over-compressed
files (zip bombs).

Export writes data, not text: dates are date cells, numbers are numbers, and text is a
text cell. Text that a spreadsheet program would run as a formula (= + - @) cannot
attack another user's computer: in XLSX the cell's type says "text" (and its style keeps
it text when edited), so the value is stored as typed, with no visible apostrophe; in
CSV, which has no types, it gets the quote prefix. This module is the one formula guard
of every export.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.formats import date_format, get_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from krat.inputs import strip_bidi
from krat.search import NameMatcher

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 40 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_ENTRIES = 200
MAX_ROWS = 5000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DATE_CELL_FORMAT = "dd.mm.yyyy"
DATETIME_CELL_FORMAT = "dd.mm.yyyy hh:mm"


# --- Parsing one cell -----------------------------------------------------------------

Parser = Callable[[Any], Any]


def text(max_length: int = 500) -> Parser:
    def parse(value: Any) -> str:
        # Imports may create rows without a model's validation: the controls go here too.
        result = "" if value is None else strip_bidi(str(value)).strip()
        if result.startswith("'") and result[1:].startswith(FORMULA_PREFIXES):
            # The apostrophe that exports made before text cells were used; not the data.
            result = result[1:]
        if len(result) > max_length:
            raise ValidationError(
                _("At most %(limit)d characters, this has %(count)d."),
                params={"limit": max_length, "count": len(result)},
            )
        return result

    return parse


def whole_number(minimum: int = 0, maximum: int = 1_000_000) -> Parser:
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise ValidationError(_("Expected a whole number."))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            value = value.strip()
            # ASCII digits only: "²" and "٣" are digits to str.isdigit, and int() refuses
            # the first (found by tests/security/test_fuzz.py).
            if re.fullmatch(r"-?[0-9]+", value):
                value = int(value)
        if not isinstance(value, int):
            raise ValidationError(_("Expected a whole number."))
        if not minimum <= value <= maximum:
            raise ValidationError(
                _("Expected a number from %(minimum)d to %(maximum)d."),
                params={"minimum": minimum, "maximum": maximum},
            )
        return value

    return parse


def decimal_number(minimum: Decimal = Decimal(0), maximum: Decimal = Decimal(10**12)) -> Parser:
    def parse(value: Any) -> Decimal:
        if isinstance(value, bool):
            raise ValidationError(_("Expected a number."))
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise ValidationError(_("Expected a number.")) from None
        if not number.is_finite() or not minimum <= number <= maximum:
            raise ValidationError(
                _("Expected a number from %(minimum)s to %(maximum)s."),
                params={"minimum": minimum, "maximum": maximum},
            )
        return number

    return parse


def date() -> Parser:
    def parse(value: Any) -> datetime.date:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
            try:
                return datetime.datetime.strptime(str(value).strip(), fmt).date()
            except ValueError:
                continue
        raise ValidationError(_("Expected a date such as 25.04.2018."))

    return parse


def choice(choices: Iterable[tuple[str, Any]]) -> Parser:
    """Accepts the stored value or its label in Albanian or English, in any case, and
    without ë and ç where that fits one choice only (krat.search.NameMatcher)."""
    choices = list(choices)

    def parse(value: Any) -> str:
        named = []
        for stored, label in choices:
            named.append((str(stored), stored))
            for language in ("sq", "en"):
                with translation.override(language):
                    named.append((str(label), stored))
        found = NameMatcher(named).get(str(value))
        if found is not None:
            return found
        raise ValidationError(
            _("Not one of: %(choices)s."), params={"choices": ", ".join(str(label) for _s, label in choices)}
        )

    return parse


# --- Templates and import ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an import template; `title` is a lazy translatable string."""

    key: str
    title: Any
    parse: Parser = field(default_factory=text)
    required: bool = True
    help: Any = ""


@dataclass(frozen=True)
class SheetTemplate:
    title: Any
    columns: Sequence[Column]

    def accepted_titles(self, column: Column) -> set[str]:
        names = set()
        for language in ("sq", "en"):
            with translation.override(language):
                names.add(str(column.title).strip().casefold())
        return names


@dataclass(frozen=True)
class Problem:
    cell: str
    message: str

    def __str__(self) -> str:
        return f"{self.cell}: {self.message}" if self.cell else self.message


class SpreadsheetError(Exception):
    """Everything wrong with an uploaded file, each problem with its place."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    @property
    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, Any]


def _check_container(data: bytes) -> None:
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            [Problem("", _("The file is larger than %(limit)d MB.") % {"limit": MAX_UPLOAD_BYTES // 2**20})]
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SpreadsheetError([Problem("", _("This is not an Excel workbook (.xlsx)."))]) from None
    entries = archive.infolist()
    total = sum(entry.file_size for entry in entries)
    worst_ratio = max((entry.file_size / max(entry.compress_size, 1) for entry in entries), default=0)
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or total > MAX_UNCOMPRESSED_BYTES
        or worst_ratio > MAX_COMPRESSION_RATIO
    ):
        raise SpreadsheetError([Problem("", _("The workbook is too large once unpacked; it was refused."))])


def read_rows(data: bytes, template: SheetTemplate) -> list[Row]:
    """Parse the first sheet of an uploaded workbook against `template`.

    Returns the non-empty rows, or raises SpreadsheetError with every problem found.
    """
    _check_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError(
            [Problem("", _("The workbook could not be read; is it a real .xlsx file?"))]
        ) from None
    sheet = workbook.worksheets[0]
    if sheet.max_row > MAX_ROWS + 1:
        raise SpreadsheetError(
            [Problem("", _("At most %(limit)d rows can be imported at once.") % {"limit": MAX_ROWS})]
        )

    problems: list[Problem] = []
    for merged in sheet.merged_cells.ranges:
        problems.append(Problem(str(merged), _("Merged cells are not allowed; unmerge them.")))

    width = len(template.columns)
    header = [cell.value for cell in next(sheet.iter_rows(min_row=1, max_row=1), ())]
    for index, column in enumerate(template.columns):
        found = header[index] if index < len(header) else None
        if found is None or str(found).strip().casefold() not in template.accepted_titles(column):
            problems.append(
                Problem(
                    f"{get_column_letter(index + 1)}1",
                    _("This is not the expected template: the column should be “%(title)s”.")
                    % {"title": column.title},
                )
            )
    for index in range(width, len(header)):
        if header[index] not in (None, ""):
            problems.append(
                Problem(
                    f"{get_column_letter(index + 1)}1", _("Extra column: the template has no such column.")
                )
            )
    if problems:
        raise SpreadsheetError(problems)

    rows: list[Row] = []
    rows_read = sheet.iter_rows(min_row=2, max_row=sheet.max_row, max_col=max(sheet.max_column, width))
    for number, cells in enumerate(rows_read, start=2):
        if all(cell.value in (None, "") for cell in cells):
            continue
        values: dict[str, Any] = {}
        for cell in cells[width:]:
            if cell.value not in (None, ""):
                problems.append(Problem(cell.coordinate, _("Extra column: the template has no such column.")))
        for column, cell in zip(template.columns, cells[:width], strict=True):
            if cell.data_type == "f":
                problems.append(
                    Problem(cell.coordinate, _("Formulas are not accepted; type the value itself."))
                )
                continue
            if cell.value in (None, ""):
                if column.required:
                    problems.append(Problem(cell.coordinate, _("This cell is required.")))
                values[column.key] = None
                continue
            try:
                values[column.key] = column.parse(cell.value)
            except ValidationError as error:
                problems.extend(Problem(cell.coordinate, message) for message in error.messages)
        rows.append(Row(number=number, values=values))
    if problems:
        raise SpreadsheetError(problems)
    return rows


# --- Export ------------------------------------------------------------------------------


def is_formula_like(value: Any) -> bool:
    """Text that a spreadsheet program would run as a formula if it took it as typed."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _plain(value: Any) -> Any:
    """A value as a cell holds it: lazy and safe strings as text without bidirectional
    controls (`krat.inputs`), aware datetimes local and naive."""
    if isinstance(value, Promise) or hasattr(value, "__html__"):
        value = str(value)
    if isinstance(value, str):
        return strip_bidi(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    return value


def write_cell(cell, value: Any) -> None:
    """Put `value` into an openpyxl cell as data: a date cell, a number or a text cell.

    openpyxl takes a string starting with "=" as a formula and "#N/A" as an error; a
    text cell is set explicitly instead, and marked with the quote-prefix style so that
    Excel keeps it text even when somebody edits it. The value keeps no apostrophe.
    """
    value = _plain(value)
    if value is None or value == "":
        return  # an empty cell, not an empty text
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if is_formula_like(value) or value in ERROR_CODES:
            cell.quotePrefix = True
    elif isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_CELL_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_CELL_FORMAT


@dataclass
class Sheet:
    """One sheet of an export: a header row, then rows of plain values (text, numbers,
    dates, None). `widths` sets columns' widths; otherwise they follow the headers."""

    title: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()


#: What Excel refuses in a sheet's name (a name of at most 31 characters, unique in its book).
SHEET_TITLE_REFUSED = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


def sheet_title(title: object, taken: set[str]) -> str:
    """`title` as Excel accepts a sheet's name: its refused characters made "-", cut to 31
    characters, numbered when another sheet of the book has it already. A translation can
    then never break a download (a colon in an Albanian title did)."""
    name = str(title).translate(SHEET_TITLE_REFUSED).strip("'").strip() or "—"
    name = name[:31]
    number = 2
    while name.casefold() in taken:
        suffix = f" ({number})"
        name = name[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(name.casefold())
    return name


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    taken: set[str] = set()
    if workbook.active is not None:  # a new workbook has one empty sheet
        workbook.remove(workbook.active)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet_title(sheet.title, taken))
        for column, header in enumerate(sheet.headers, start=1):
            cell = worksheet.cell(row=1, column=column)
            write_cell(cell, str(header))
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="F2DCDB")
        for row_number, row in enumerate(sheet.rows, start=2):
            for column, value in enumerate(row, start=1):
                write_cell(worksheet.cell(row=row_number, column=column), value)
        for index, header in enumerate(sheet.headers, start=1):
            width = sheet.widths[index - 1] if index <= len(sheet.widths) else len(str(header)) + 4
            worksheet.column_dimensions[get_column_letter(index)].width = max(12, min(70, width))
        worksheet.freeze_panes = "A2"
    if not sheets:
        workbook.create_sheet(title="—")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_bytes(template: SheetTemplate, examples: Sequence[Sequence[Any]] = ()) -> bytes:
    """An empty import template (its header row), with optional example rows."""
    return workbook_bytes(
        [Sheet(title=str(template.title), headers=[c.title for c in template.columns], rows=examples)]
    )


def _download(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return _download(content, filename, XLSX_CONTENT_TYPE)


def csv_value(value: Any, *, decimal_separator: str) -> str:
    """A value as CSV text: risky text with the quote prefix (CSV has no cell types),
    numbers with the reader's decimal separator, dates as 25.04.2018."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal | float):
        return str(value).replace(".", decimal_separator)
    if isinstance(value, datetime.datetime):
        return date_format(value, "d.m.Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "d.m.Y")
    if is_formula_like(value):
        return "'" + value
    return str(value)


def csv_response(headers: Sequence[Any], rows: Iterable[Sequence[Any]], filename: str) -> HttpResponse:
    """A CSV file as the reader's Excel opens it: in Albanian (decimal comma) the fields
    are separated by ";", as Excel with Albanian settings expects; in English by ","."""
    decimal_separator = get_format("DECIMAL_SEPARATOR")
    delimiter = ";" if decimal_separator == "," else ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow([csv_value(v, decimal_separator=decimal_separator) for v in row])
    # A byte-order mark lets Excel open the UTF-8 file with ë and ç intact.
    return _download("\ufeff" + buffer.getvalue(), filename, "text/csv; charset=utf-8")
