"""The monthly submission contract: one enterprise-month per file, one activity per line.

The same columns in all three forms (xlsx, csv, json). A header cell may be the column
code (``tax_code``) or its bilingual label (``Mã số thuế / Tax code``). No IO here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

CONTRACT_VERSION = "2026.11"
XLSX_SHEET = "Số liệu"


@dataclass(frozen=True)
class Column:
    code: str
    label_vi: str
    label_en: str
    required: bool

    @property
    def label(self) -> str:
        return f"{self.label_vi} / {self.label_en}"


COLUMNS: tuple[Column, ...] = (
    Column("tax_code", "Mã số thuế", "Tax code", True),
    Column("period", "Kỳ báo cáo", "Period", True),
    Column("revision", "Lần nộp", "Revision", False),
    Column("activity_code", "Mã hoạt động", "Activity code", True),
    Column("quantity", "Số lượng", "Quantity", True),
    Column("unit", "Đơn vị", "Unit", True),
    Column("note", "Ghi chú", "Note", False),
)
COLUMN_CODES: tuple[str, ...] = tuple(c.code for c in COLUMNS)
# Columns of a JSON file's top level; the rest are per line.
JSON_HEADER_FIELDS = ("tax_code", "period", "revision")


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


_HEADER_ALIASES: dict[str, str] = {}
for _c in COLUMNS:
    for _alias in (_c.code, _c.label, _c.label_vi, _c.label_en):
        _HEADER_ALIASES[_key(_alias)] = _c.code


def column_code(header_cell: str) -> str | None:
    """The contract column a header cell names, or None if it names none."""
    return _HEADER_ALIASES.get(_key(header_cell))
