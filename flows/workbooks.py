"""An .xlsx submission: refused before parsing when it is not a plain workbook (too large
unzipped, OpenDocument, formulas), then read from its data sheet only."""

from __future__ import annotations

import io
import re
import zipfile

import fastexcel

from flows.refusals import IntakeLimits, UnreadableFile, mb
from report_templates import words
from transforms.submission_contract import REQUIRED_CODES, XLSX_SHEET, column_code


def guard_xlsx(data: bytes, limits: IntakeLimits) -> None:
    """Refuse what is not a workbook, what expands too far, and formulas, before parsing."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise UnreadableFile(*words.pair("Not a valid Excel (.xlsx) workbook")) from error
    expanded = sum(entry.file_size for entry in entries)
    if expanded > limits.max_unzipped_bytes:
        raise UnreadableFile(
            *words.pair(
                "The workbook expands to {size} MB (the limit is {limit} MB): not processed",
                size=mb(expanded),
                limit=mb(limits.max_unzipped_bytes),
            ),
        )
    names = {entry.filename for entry in entries}
    if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
        raise UnreadableFile(
            *words.pair(
                "The file is an OpenDocument spreadsheet (.ods), not .xlsx: save it as "
                ".xlsx from the template and send it again",
            ),
        )
    if "[Content_Types].xml" not in names:
        raise UnreadableFile(
            *words.pair("This zip archive is not an Excel (.xlsx) workbook"),
        )
    for entry in entries:
        # Every part that holds cells, whatever its path and XML prefix: a formula's cached
        # value may be missing or stale, and 0 would land as the quantity.
        part = archive.read(entry)
        if _SHEET_DATA.search(part) and _FORMULA.search(part) and (cells := _formula_cells(part)):
            shown = ", ".join(cells[:5]) + (" …" if len(cells) > 5 else "")
            raise UnreadableFile(
                *words.pair(
                    "The workbook contains formulas (cells {shown}); type values (paste as "
                    "values) instead",
                    shown=shown,
                ),
            )


# Namespace-agnostic: <sheetData>, <x:sheetData>, <f>, <x:f t="shared"/>, never <font>.
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData[\s>/]")


# A formula anywhere in the part: when there is none (every plain workbook), the cells are
# not walked one by one (a third of the guard's time on the demo's workbooks).
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_CELL_OR_FORMULA = re.compile(
    rb'<(?:[\w.-]+:)?c\s[^>]*?\br="([A-Za-z]{1,3}[0-9]{1,7})"|' + _FORMULA.pattern
)


def _formula_cells(part: bytes) -> list[str]:
    """The references of the cells that hold a formula (in document order)."""
    cells: list[str] = []
    current = "?"
    for match in _CELL_OR_FORMULA.finditer(part):
        if match.group(1) is not None:
            current = match.group(1).decode("ascii")
        elif current not in cells:
            cells.append(current)
    return cells


def xlsx_rows(data: bytes) -> list[list[str]]:
    """The rows of the contract's data sheet: the sheet of that name, else the first visible
    one. A hidden data sheet, or figures that sit on another sheet, are refused by name."""
    try:
        reader = fastexcel.read_excel(data)
        sheets = {
            name: reader.load_sheet(name, header_row=None, dtypes="string")
            for name in reader.sheet_names
        }
    except Exception as error:  # calamine raises its own types for every kind of bad file
        raise UnreadableFile(
            *words.pair("Cannot read the Excel file: {error}", error=error)
        ) from error
    visible = [name for name, sheet in sheets.items() if sheet.visible == "visible"]
    chosen = XLSX_SHEET if XLSX_SHEET in sheets else next(iter(visible), None)
    if chosen is None or chosen not in visible:
        hidden = chosen or next(iter(sheets), "")
        raise UnreadableFile(
            *words.pair(
                "The data sheet '{hidden}' is hidden: figures on a hidden sheet are not "
                "read; unhide it, check its figures and send the file again",
                hidden=hidden,
            ),
        )
    rows = _sheet_rows(sheets[chosen])
    if not _holds_lines(rows):
        for name, sheet in sheets.items():
            if name != chosen and _holds_lines(_sheet_rows(sheet)):
                raise UnreadableFile(
                    *words.pair(
                        "The figures are on sheet '{name}', not on sheet '{chosen}': copy them "
                        "into the template's sheet '{XLSX_SHEET}' and send the file again",
                        name=name,
                        chosen=chosen,
                        XLSX_SHEET=XLSX_SHEET,
                    ),
                )
    return rows


def _sheet_rows(sheet: fastexcel.ExcelSheet) -> list[list[str]]:
    return [["" if v is None else v for v in row] for row in sheet.to_polars().iter_rows()]


def _holds_lines(rows: list[list[str]]) -> bool:
    """Whether a sheet has the contract's header and at least one row under it."""
    header = {column_code(cell) for cell in rows[0]} if rows else set()
    has_line = any(any(str(cell).strip() for cell in row) for row in rows[1:])
    return has_line and all(code in header for code in REQUIRED_CODES)
