"""docs/submission-contract.md, written from the contract and the reference data it accepts."""

from __future__ import annotations

import polars as pl

from expectations.submission_lines import SUITE_VERSION
from report_templates import words
from report_templates.submission_template import INSTRUCTIONS
from transforms import REFERENCE_DIR
from transforms.submission_contract import (
    COLUMNS,
    CONTRACT_VERSION,
    JSON_HEADER_FIELDS,
    XLSX_SHEET,
)

MEANINGS = {
    "tax_code": (
        "Mã số thuế của doanh nghiệp, như trong danh sách đăng ký.",
        "The enterprise's tax code, as in the register.",
    ),
    "period": (
        "Tháng của số liệu, dạng YYYY-MM; không được ở tương lai.",
        "The month the figures are for, YYYY-MM; not in the future.",
    ),
    "revision": (
        "Lần nộp cho tháng đó: 1, 2, …; để trống nghĩa là 1.",
        "Which submission for that month: 1, 2, …; blank means 1.",
    ),
    "activity_code": (
        "Mã hoạt động trong danh mục bên dưới.",
        "An activity code from the list below.",
    ),
    "quantity": (
        "Số không âm, dấu chấm thập phân, không có dấu phân cách hàng nghìn.",
        "A non-negative number, decimal point, no thousands separators.",
    ),
    "unit": (
        "Một đơn vị được nhận cho hoạt động đó (xem danh mục).",
        "A unit accepted for that activity (see the list).",
    ),
    "note": ("Ghi chú tự do (nguồn số liệu, hóa đơn…).", "Free text (source, invoice…)."),
}


def render() -> str:
    activities = pl.read_csv(REFERENCE_DIR / "ref_activities.csv")
    units = pl.read_csv(REFERENCE_DIR / "ref_activity_units.csv")
    accepted = units.group_by("activity_code", maintain_order=True).agg(pl.col("unit_code"))
    codes = activities.join(accepted, on="activity_code", how="left")
    out = [
        "# Submission contract / Quy định nộp số liệu",
        "",
        f"Contract version **{CONTRACT_VERSION}** · validation suite **{SUITE_VERSION}**. "
        "Generated from `transforms/submission_contract.py` and `transforms/reference/`; "
        "do not edit by hand (a test keeps it current).",
        "",
        "One file = one enterprise, one month. One line = one activity. Three forms land "
        f"identically: the Excel template (`netzero template`, sheet `{XLSX_SHEET}`), CSV "
        "(UTF-8 with or without BOM, or Windows-1258; `,` or `;`) and JSON (an object with "
        f"{', '.join(f'`{f}`' for f in JSON_HEADER_FIELDS)} and a `lines` list). A header "
        "cell may be the column code or its label (Vietnamese, English or both). "
        "Check a file before sending it: `netzero check FILE`. Limits (configuration): "
        "20 MB per file, 10,000 lines, 200 MB unzipped for an .xlsx; notes up to 1,000 "
        "characters. Lock files (`.~lock.*`, `~$*`) and partial uploads (`.part`, `.tmp`) "
        "are left in the inbox until complete.",
        "",
        "## Columns / Các cột",
        "",
        "| Code | Tiếng Việt | English | Required | Ý nghĩa | Meaning |",
        "|---|---|---|---|---|---|",
    ]
    for c in COLUMNS:
        vi, en = MEANINGS[c.code]
        out.append(
            f"| `{c.code}` | {c.label_vi} | {c.label_en} | {'yes' if c.required else 'no'} "
            f"| {vi} | {en} |"
        )
    out += [
        "",
        "## Revisions / Nộp lại",
        "",
        "A later submission for the same enterprise and month supersedes the earlier one: the "
        "highest `revision` wins; between equal revisions, the file landed last. Every "
        "revision stays in `raw`; a revision of an already-reported month is named as a "
        "restatement in the next reports.",
        "",
        "## Instructions / Hướng dẫn",
        "",
    ]
    out += ["- {}<br>*{}*".format(*words.pair(msgid)) for msgid in INSTRUCTIONS]
    out += [
        "",
        "## Activities and units / Danh mục hoạt động và đơn vị",
        "",
        "| Activity code | Hoạt động | Activity | Canonical unit | Accepted units |",
        "|---|---|---|---|---|",
    ]
    for row in codes.iter_rows(named=True):
        out.append(
            f"| `{row['activity_code']}` | {row['label_vi']} | {row['label_en']} "
            f"| {row['canonical_unit'] or '(as counted)'} | {', '.join(row['unit_code'] or [])} |"
        )
    return "\n".join(out) + "\n"
