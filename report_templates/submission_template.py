"""The Excel submission template: what `netzero template` writes for an enterprise and month.

Three sheets: the data sheet the parser reads (bilingual headers, the enterprise's tax code
and period filled in and locked, a drop-down of activity codes and one of the units that
fit the chosen activity, number cells that refuse negative or non-numeric input, set up to
print on A4 one page wide), bilingual instructions with whose figures, by when and whom to
ask, and the code list with each unit's name.
The demo writes its .xlsx submissions through the same function, so the template is what
lands every month.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from report_templates import words
from report_templates.words import Each
from transforms import REFERENCE_DIR
from transforms.submission_contract import COLUMNS, CONTRACT_VERSION, XLSX_SHEET

INSTRUCTIONS_SHEET = "Hướng dẫn"
CODES_SHEET = "Danh mục"
# A fixed document date keeps a template's bytes identical run after run.
CREATED = dt.datetime(2026, 11, 1, 8, 0, 0)


@dataclass(frozen=True)
class TemplateLine:
    activity_code: str
    quantity: float
    unit: str
    note: str = ""


@dataclass(frozen=True)
class Addressee:
    """Who the template is for and where it goes: printed on it so that the person filling
    it knows whose figures, by when, and whom to ask (empty: not printed)."""

    enterprise_name: str = ""
    due_date: str = ""  # 15/12/2026
    agency_vi: str = ""
    agency_en: str = ""
    contact: str = ""


# What the instructions sheet says, in order (English msgids; Vietnamese in the catalogs).
INSTRUCTIONS: tuple[str, ...] = (
    words.N_("One file holds one enterprise's data for one month; one line per activity."),
    words.N_(
        "Fill in the “Số liệu” sheet: pick the activity code from the list, then the unit: "
        "the unit list holds only the units that fit the chosen activity (each unit's name is"
        " on the “Danh mục” sheet). Type the quantity as a non-negative number."
    ),
    words.N_(
        "The tax code and period are filled in and locked. Do not rename the sheet, remove or"
        " reorder columns, or use formulas."
    ),
    words.N_("Revenue in billion VND (bnVND), the unit the reports use."),
    words.N_(
        "Grid electricity as on the EVN bill, DPPA volumes included; volumes covered by "
        "retired I-RECs or bought under a DPPA go on their own lines as well."
    ),
    words.N_(
        "Resubmitting a month: raise “Revision” (2, 3, …). The highest revision is used; "
        "earlier ones are kept."
    ),
    words.N_(
        "Once sent, every file received gets a bilingual receipt: the lines accepted, and "
        "each line refused with the reason and what to correct. Correct them and send the "
        "file again with a higher revision."
    ),
)
# Rows filled with the enterprise and month (locked), ready for lines; rows below are free.
FILLED_ROWS = 40
INSTRUCTION_CHARS_PER_LINE = 60  # at column width 70, for the row heights LibreOffice needs


@functools.cache
def _reference() -> tuple[pl.DataFrame, pl.DataFrame]:
    """The activities with the units each accepts, the canonical one first (the one the
    reports use: revenue in bnVND, not mVND), and the units' names. Read once a process:
    the demo writes thousands of workbooks."""
    activities = pl.read_csv(REFERENCE_DIR / "ref_activities.csv")
    units = pl.read_csv(REFERENCE_DIR / "ref_activity_units.csv")
    labels = pl.read_csv(REFERENCE_DIR / "ref_units.csv")
    units = units.with_columns(
        canonical_first=pl.col("unit_code") != pl.col("canonical_unit")
    ).sort("activity_code", "canonical_first", maintain_order=True)
    accepted = units.group_by("activity_code", maintain_order=True).agg(pl.col("unit_code"))
    return activities.join(accepted, on="activity_code", how="left"), labels


def units_name(activity_code: str) -> str:
    """The workbook name of an activity's unit list (the dependent drop-down's source)."""
    return f"units_{activity_code}"


def write_template(
    path: Path,
    tax_code: str,
    period: str,
    revision: int = 1,
    lines: Sequence[TemplateLine] = (),
    addressee: Addressee = Addressee(),
) -> None:
    """Write the submission workbook for ``tax_code`` and ``period`` (with ``lines``, if any)."""
    codes, labels = _reference()
    # Parts built in memory, not in temporary files (about a quarter of a workbook's time),
    # and dated 1980-01-01 in the zip whatever the time zone
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    book.set_properties(
        {
            "created": CREATED,
            "title": f"netzero {tax_code} {period}",
            "subject": words.both(
                "submission template, contract {version}", version=CONTRACT_VERSION
            ),
        }
    )
    formats = _Formats(book)
    rows = max(FILLED_ROWS, len(lines))
    data = book.add_worksheet(XLSX_SHEET)
    _data_sheet(data, formats, tax_code, period, revision, lines, rows)
    _validations(data, len(codes) + 1, rows)
    _print_setup(data, tax_code, period, addressee, rows)
    guide = book.add_worksheet(INSTRUCTIONS_SHEET)
    _instructions(guide, formats, tax_code, period, addressee)
    code_sheet = book.add_worksheet(CODES_SHEET)
    _codes(book, code_sheet, formats, codes, labels)
    for sheet in (guide, code_sheet):  # both languages side by side on the page
        sheet.set_paper(9)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
    book.close()


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "text_wrap": True, "bg_color": "#DDEBDD"})
        # Locked (the default under protection): what the agency filled in.
        self.filled = book.add_format({"num_format": "@", "bg_color": "#F2F2F2"})
        self.filled_number = book.add_format({"bg_color": "#F2F2F2"})
        # Unlocked: where the enterprise types.
        self.text = book.add_format({"num_format": "@", "locked": False})
        # General, not "#,##0.###": a spreadsheet's CSV export writes what it shows, and a
        # grouped "125,000" reads two ways (125000 or 125,000 with a decimal comma).
        self.number = book.add_format({"locked": False})
        self.free = book.add_format({"locked": False})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.bold_wrap = book.add_format({"text_wrap": True, "valign": "top", "bold": True})


def _data_sheet(
    data: Any,
    f: _Formats,
    tax_code: str,
    period: str,
    revision: int,
    lines: Sequence[TemplateLine],
    rows: int,
) -> None:
    data.write_row(0, 0, [c.label for c in COLUMNS], f.header)
    data.freeze_panes(1, 0)
    # Every cell is free but the header and the filled-in tax code and period: protection
    # guards them against a slip, not against the owner (no password).
    data.set_column(0, 1, 16, f.text)
    data.set_column(2, 2, 10, f.free)
    data.set_column(3, 3, 30, f.text)
    data.set_column(4, 4, 16, f.number)
    data.set_column(5, 5, 10, f.text)
    data.set_column(6, 6, 40, f.text)
    for r in range(1, rows + 1):
        data.write_string(r, 0, tax_code, f.filled)  # text: keep leading zeros
        data.write_string(r, 1, period, f.filled)  # text: Excel must not make it a date
        data.write_number(r, 2, revision, f.free)  # raised by the sender on a resubmission
    for r, line in enumerate(lines, start=1):
        data.write_string(r, 3, line.activity_code, f.text)
        data.write_number(r, 4, float(line.quantity), f.number)
        data.write_string(r, 5, line.unit, f.text)
        if line.note:
            data.write_string(r, 6, line.note, f.text)
    data.protect(
        "",
        {
            "format_cells": True,
            "format_columns": True,
            "format_rows": True,
            "insert_rows": True,
            "delete_rows": True,
            "sort": True,
            "autofilter": True,
        },
    )


def _validations(data: Any, last_code_row: int, rows: int) -> None:
    data.data_validation(
        1,
        3,
        rows,
        3,
        {
            "validate": "list",
            "source": f"='{CODES_SHEET}'!$A$2:$A${last_code_row}",
            "input_title": "Mã hoạt động / Activity",  # the catalog's "Activity" is Hoạt động
            "input_message": words.both("pick one from the list"),
            "error_title": words.both("Activity code"),
            "error_message": words.both("pick one from the list"),
        },
    )
    # The unit list follows the activity on the same row: each activity's units are a
    # workbook name (units_<ACTIVITY>) on the code sheet.
    data.data_validation(
        1,
        5,
        rows,
        5,
        {
            "validate": "list",
            "source": '=INDIRECT("units_"&$D2)',
            "input_title": words.both("Unit"),
            "input_message": words.both("pick the activity first: the list holds its units"),
            "error_title": words.both("Unit"),
            "error_message": words.both(
                "this unit does not fit the chosen activity (see {sheet})", sheet=CODES_SHEET
            ),
        },
    )
    data.data_validation(
        1,
        4,
        rows,
        4,
        {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_title": words.both("Quantity"),
            "error_message": words.both("a number, zero or more"),
        },
    )


def _print_setup(data: Any, tax_code: str, period: str, addressee: Addressee, rows: int) -> None:
    """A4 landscape, one page wide, the header row on every page, who and when in the
    page header, page numbers in the footer."""
    data.set_paper(9)
    data.set_landscape()
    data.fit_to_pages(1, 0)
    data.repeat_rows(0)
    data.print_area(0, 0, rows, len(COLUMNS) - 1)
    who = f"{_escape(addressee.enterprise_name)} · " if addressee.enterprise_name else ""
    due = words.both("due {date}", date=_escape(addressee.due_date)) if addressee.due_date else ""
    due = f"&R{due}" if due else ""
    data.set_header(f"&L{who}MST {tax_code} · {period}{due}")
    data.set_footer("&C" + words.both("page") + " &P / &N")


def _escape(text: str) -> str:
    """Text in a page header: a literal & is written &&."""
    return text.replace("&", "&&")


def _instructions(guide: Any, f: _Formats, tax_code: str, period: str, a: Addressee) -> None:
    guide.set_column(0, 1, 70, f.wrap)
    guide.write_row(0, 0, list(words.pair("Instructions")), f.header)
    who = f"{a.enterprise_name} — " if a.enterprise_name else ""
    rows: list[tuple[str, str, Any]] = [
        (
            *words.pair(
                "{who}tax code {tax_code}, reporting period {period}",
                who=who,
                tax_code=tax_code,
                period=period,
            ),
            f.bold_wrap,
        )
    ]
    if a.due_date:
        rows.append(
            (
                *words.pair("Due by the end of {date} (Vietnam time).", date=a.due_date),
                f.bold_wrap,
            )
        )
    if a.agency_vi or a.contact:
        rows.append(
            (
                *words.pair(
                    "Send the file to, and ask: {agency}. {contact}",
                    agency=Each(a.agency_vi, a.agency_en),
                    contact=a.contact,
                ),
                f.wrap,
            )
        )
    rows += [(*words.pair(msgid), f.wrap) for msgid in INSTRUCTIONS]
    rows.append((*words.pair("Contract version {version}", version=CONTRACT_VERSION), f.wrap))
    for r, (vi, en, style) in enumerate(rows, start=1):
        # Explicit heights: LibreOffice does not grow a wrapped row opened from .xlsx.
        lines = max(-(-len(t) // INSTRUCTION_CHARS_PER_LINE) for t in (vi, en))
        guide.set_row(r, 15 * max(1, lines) + 3)
        guide.write_row(r, 0, [vi, en], style)


def _codes(
    book: xlsxwriter.Workbook, sheet: Any, f: _Formats, codes: pl.DataFrame, labels: pl.DataFrame
) -> None:
    named = dict(zip(labels["unit_code"], labels["label_vi"], strict=True))
    english = dict(zip(labels["unit_code"], labels["label_en"], strict=True))
    sheet.write_row(
        0,
        0,
        [
            words.both("Activity code"),
            "Hoạt động",
            "Activity",
            words.both("Canonical unit"),
            words.both("Accepted units (names)"),
            words.both("Accepted units"),
        ],
        f.header,
    )
    for r, row in enumerate(codes.iter_rows(named=True), start=1):
        accepted = row["unit_code"] or []
        sheet.write_row(
            r,
            0,
            [
                row["activity_code"],
                row["label_vi"],
                row["label_en"],
                row["canonical_unit"] or "",
                "; ".join(f"{u} = {named[u]} / {english[u]}" for u in accepted),
            ],
        )
        # The activity's unit codes side by side from column F: the drop-down's source.
        sheet.write_row(r, 5, accepted)
        if accepted:
            last = xl_col_to_name(5 + len(accepted) - 1)
            book.define_name(
                units_name(row["activity_code"]), f"='{CODES_SHEET}'!$F${r + 1}:${last}${r + 1}"
            )
    # No wrapping here: LibreOffice keeps the default row height and lines would overlap.
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 2, 62)
    sheet.set_column(3, 3, 14)
    sheet.set_column(4, 4, 100)
    sheet.set_column(5, 12, 8)
