"""The Excel submission template: what `netzero template` writes for an enterprise and month.

Three sheets: the data sheet the parser reads (bilingual headers, the enterprise's tax code
and period already filled in, drop-down lists for activity codes and units, number cells
that refuse negative or non-numeric input), bilingual instructions, and the code list.
The demo writes its .xlsx submissions through the same function, so the template is what
lands every month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import xlsxwriter

from transforms import REFERENCE_DIR
from transforms.submission_contract import COLUMNS, CONTRACT_VERSION, XLSX_SHEET

INSTRUCTIONS_SHEET = "Hướng dẫn"
CODES_SHEET = "Danh mục"
BLANK_ROWS = 40  # rows with the enterprise and month filled in, ready for lines
# A fixed document date keeps a template's bytes identical run after run.
CREATED = dt.datetime(2026, 11, 1, 8, 0, 0)


@dataclass(frozen=True)
class TemplateLine:
    activity_code: str
    quantity: float
    unit: str
    note: str = ""


INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    (
        "Mỗi tệp là số liệu của một doanh nghiệp cho một tháng; mỗi dòng là một hoạt động.",
        "One file holds one enterprise's data for one month; one line per activity.",
    ),
    (
        "Điền vào trang “Số liệu”: chọn mã hoạt động và đơn vị trong danh sách, nhập số lượng "
        "là số không âm (dấu phẩy thập phân theo cài đặt của Excel).",
        "Fill in the “Số liệu” sheet: pick the activity code and the unit from the lists, "
        "type the quantity as a non-negative number.",
    ),
    (
        "Không đổi tên trang, không xóa hoặc đổi thứ tự cột, không dùng công thức.",
        "Do not rename the sheet, remove or reorder columns, or use formulas.",
    ),
    (
        "Đơn vị phải phù hợp với hoạt động (xem trang “Danh mục”): ví dụ LPG theo kg hoặc tấn, "
        "không theo lít.",
        "The unit must fit the activity (see the “Danh mục” sheet): LPG by kg or t, not litres.",
    ),
    (
        "Điện mua từ lưới ghi theo hóa đơn EVN, gồm cả phần mua theo DPPA; phần có chứng chỉ "
        "I-REC đã hủy hoặc theo DPPA ghi thêm ở dòng riêng.",
        "Grid electricity as on the EVN bill, DPPA volumes included; volumes covered by "
        "retired I-RECs or bought under a DPPA go on their own lines as well.",
    ),
    (
        "Nộp lại cho cùng tháng: tăng “Lần nộp” (2, 3, …). Bản có lần nộp cao nhất được dùng; "
        "bản trước vẫn được lưu.",
        "Resubmitting a month: raise “Revision” (2, 3, …). The highest revision is used; "
        "earlier ones are kept.",
    ),
    (
        "Trước khi nộp, có thể kiểm tra tệp bằng lệnh “netzero check TỆP”: mọi dòng bị từ chối "
        "đều có lý do.",
        "Before submitting, a file can be checked with “netzero check FILE”: every line it "
        "would reject comes with the reason.",
    ),
)


def _reference() -> tuple[pl.DataFrame, pl.DataFrame]:
    activities = pl.read_csv(REFERENCE_DIR / "ref_activities.csv")
    units = pl.read_csv(REFERENCE_DIR / "ref_activity_units.csv")
    return activities, units


def write_template(
    path: Path,
    tax_code: str,
    period: str,
    revision: int = 1,
    lines: Sequence[TemplateLine] = (),
) -> None:
    """Write the submission workbook for ``tax_code`` and ``period`` (with ``lines``, if any)."""
    activities, units = _reference()
    accepted = units.group_by("activity_code", maintain_order=True).agg(pl.col("unit_code"))
    codes = activities.join(accepted, on="activity_code", how="left")
    unit_list = sorted(set(units["unit_code"].to_list()))

    book = xlsxwriter.Workbook(str(path))
    book.set_properties(
        {
            "created": CREATED,
            "title": f"netzero {tax_code} {period}",
            "subject": f"Mẫu nộp số liệu / submission template, contract {CONTRACT_VERSION}",
        }
    )
    header = book.add_format({"bold": True, "text_wrap": True, "bg_color": "#DDEBDD"})
    text = book.add_format({"num_format": "@"})
    number = book.add_format({"num_format": "#,##0.###"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    data = book.add_worksheet(XLSX_SHEET)
    data.write_row(0, 0, [c.label for c in COLUMNS], header)
    data.freeze_panes(1, 0)
    data.set_column(0, 1, 16, text)
    data.set_column(2, 2, 10)
    data.set_column(3, 3, 30, text)
    data.set_column(4, 4, 16, number)
    data.set_column(5, 5, 10, text)
    data.set_column(6, 6, 40, text)
    rows = max(BLANK_ROWS, len(lines))
    for r in range(1, rows + 1):
        data.write_string(r, 0, tax_code)  # text: keep leading zeros
        data.write_string(r, 1, period)  # text: Excel must not make it a date
        data.write_number(r, 2, revision)
    for r, line in enumerate(lines, start=1):
        data.write_string(r, 3, line.activity_code)
        data.write_number(r, 4, float(line.quantity))
        data.write_string(r, 5, line.unit)
        if line.note:
            data.write_string(r, 6, line.note)
    last = len(codes) + 1
    data.data_validation(
        1,
        3,
        rows,
        3,
        {
            "validate": "list",
            "source": f"='{CODES_SHEET}'!$A$2:$A${last}",
            "error_title": "Mã hoạt động / Activity code",
            "error_message": "Chọn trong danh sách / pick one from the list",
        },
    )
    data.data_validation(
        1,
        5,
        rows,
        5,
        {
            "validate": "list",
            "source": unit_list,
            "error_title": "Đơn vị / Unit",
            "error_message": "Chọn trong danh sách / pick one from the list",
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
            "error_title": "Số lượng / Quantity",
            "error_message": "Nhập số không âm / a number, zero or more",
        },
    )

    guide = book.add_worksheet(INSTRUCTIONS_SHEET)
    guide.set_column(0, 1, 70, wrap)
    guide.write_row(0, 0, ["Hướng dẫn", "Instructions"], header)
    guide.write_row(
        1,
        0,
        [
            f"Doanh nghiệp (MST) {tax_code}, kỳ {period}",
            f"Enterprise (tax code) {tax_code}, period {period}",
        ],
    )
    for r, (vi, en) in enumerate(INSTRUCTIONS, start=2):
        guide.write_row(r, 0, [vi, en])
    guide.write_row(
        len(INSTRUCTIONS) + 3,
        0,
        [f"Phiên bản mẫu {CONTRACT_VERSION}", f"Contract version {CONTRACT_VERSION}"],
    )

    code_sheet = book.add_worksheet(CODES_SHEET)
    code_sheet.write_row(
        0,
        0,
        [
            "Mã hoạt động / Activity code",
            "Hoạt động",
            "Activity",
            "Đơn vị chuẩn / Canonical unit",
            "Đơn vị được nhận / Accepted units",
        ],
        header,
    )
    for r, row in enumerate(codes.iter_rows(named=True), start=1):
        code_sheet.write_row(
            r,
            0,
            [
                row["activity_code"],
                row["label_vi"],
                row["label_en"],
                row["canonical_unit"] or "",
                ", ".join(row["unit_code"] or []),
            ],
        )
    code_sheet.set_column(0, 0, 30)
    code_sheet.set_column(1, 2, 50)
    code_sheet.set_column(3, 4, 24)
    book.close()
