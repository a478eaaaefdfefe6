"""The register the agency keeps: column types of its files, so that an empty or partly
filled column loads with its real type. No IO here."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

ENTERPRISES: dict[str, type[pl.DataType]] = {
    "tax_code": pl.String,
    "vsic_code": pl.String,
    "park_code": pl.String,
    "baseline_year": pl.Int64,
    "target_type": pl.String,
    "baseline_tco2e": pl.Float64,
    "baseline_intensity": pl.Float64,
    "target_year": pl.Int64,
    "target_reduction_pct": pl.Float64,
    "net_zero_year": pl.Int64,
    "rooftop_solar_kwp": pl.Float64,
}
INDUSTRIAL_PARKS: dict[str, type[pl.DataType]] = {"park_code": pl.String}
# DPPA contracts with the supplier factor the seller documented (TT 38/2023 App. II §2 pt 3).
ELECTRICITY_CONTRACTS: dict[str, type[pl.DataType]] = {
    "contract_id": pl.String,
    "tax_code": pl.String,
    "instrument": pl.String,
    "model": pl.String,
    "generator_vi": pl.String,
    "generator_en": pl.String,
    "technology": pl.String,
    "supplier_ef_tco2_per_mwh": pl.Float64,
    "valid_from": pl.String,
    "valid_to": pl.String,
    "evidence": pl.String,
}
FILES: dict[str, dict[str, type[pl.DataType]]] = {
    "enterprises": ENTERPRISES,
    "industrial_parks": INDUSTRIAL_PARKS,
    "electricity_contracts": ELECTRICITY_CONTRACTS,
}
# A register may have no contracts at all: that file is optional.
OPTIONAL = {"electricity_contracts"}

# What each register file must have, beyond its typed columns.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "enterprises": ("tax_code", "name_vi", "name_en", "park_code", "baseline_year"),
    "industrial_parks": ("park_code", "name_vi", "name_en"),
    "electricity_contracts": ("contract_id", "tax_code", "instrument", "valid_from"),
}
# The key of each file: present and unique.
KEYS = {
    "enterprises": "tax_code",
    "industrial_parks": "park_code",
    "electricity_contracts": "contract_id",
}
TAX_CODE = r"^[0-9]{10}(?:-[0-9]{3})?$"  # Law on Tax Administration: 10 digits, branch -NNN
TARGET_TYPES = ("absolute", "intensity")


@dataclass(frozen=True)
class Problem:
    """One mistake in a register file, said where it is: file, row (1 = header, 0 = the
    file as a whole), field."""

    file: str
    row: int
    field: str
    value: str | None
    reason_vi: str
    reason_en: str

    def __str__(self) -> str:
        if self.row == 0:  # the file as a whole
            return f"{self.file}: {self.reason_vi}\n    {self.file}: {self.reason_en}"
        shown = f" «{self.value}»" if self.value else ""
        return (
            f"{self.file}, dòng {self.row}, cột {self.field}{shown}: {self.reason_vi}\n"
            f"    {self.file}, row {self.row}, field {self.field}{shown}: {self.reason_en}"
        )


def problems(name: str, text: pl.DataFrame, known: dict[str, set[str]]) -> list[Problem]:
    """Every mistake in one register file read as text (``text``: all columns String, in
    file order). ``known`` holds the keys of the files it refers to (``park_code``,
    ``tax_code``). Pure: the caller decides what a mistake stops."""
    file = f"{name}.csv"
    missing = [c for c in (*REQUIRED_COLUMNS[name], *FILES[name]) if c not in text.columns]
    if missing:
        return [
            Problem(file, 1, column, None, "thiếu cột này", "this column is missing")
            for column in dict.fromkeys(missing)
        ]
    rows = text.with_row_index("row", offset=2)
    found = [*_required(file, rows, REQUIRED_COLUMNS[name]), *_typed(file, rows, FILES[name])]
    key = KEYS[name]
    first = rows.group_by(key).agg(pl.col("row").min().alias("first_row"))
    for row, value, first_row in (
        rows.join(first, on=key)
        .filter(pl.col(key).is_not_null() & (pl.col("row") > pl.col("first_row")))
        .select("row", key, "first_row")
        .sort("row")
        .iter_rows()
    ):
        found.append(
            Problem(
                file,
                row,
                key,
                value,
                f"lặp lại (đã có ở dòng {first_row})",
                f"repeated (already on row {first_row})",
            )
        )
    if "tax_code" in text.columns:
        found += _matching(
            file,
            rows,
            "tax_code",
            TAX_CODE,
            "mã số thuế phải có 10 chữ số (chi nhánh: thêm -NNN)",
            "a tax code has 10 digits (a branch adds -NNN)",
        )
    for column, keys in known.items():
        if column in text.columns and column != key:
            found += _known(file, rows, column, keys)
    if name == "enterprises":
        found += _known(file, rows, "target_type", set(TARGET_TYPES))
    return sorted(found, key=lambda p: (p.row, p.field))


def _required(file: str, rows: pl.DataFrame, columns: tuple[str, ...]) -> list[Problem]:
    return [
        Problem(file, row, column, None, "thiếu giá trị bắt buộc", "required value missing")
        for column in columns
        for (row,) in rows.filter(pl.col(column).is_null()).select("row").iter_rows()
    ]


def _typed(file: str, rows: pl.DataFrame, schema: dict[str, type[pl.DataType]]) -> list[Problem]:
    out = []
    for column, dtype in schema.items():
        if dtype not in (pl.Int64, pl.Float64):
            continue
        word_vi, word_en = (
            ("số nguyên", "a whole number")
            if dtype == pl.Int64
            else ("số (dấu chấm thập phân)", "a number (decimal point)")
        )
        bad = rows.filter(
            pl.col(column).is_not_null() & pl.col(column).cast(dtype, strict=False).is_null()
        )
        out += [
            Problem(
                file,
                row,
                column,
                value,
                f"phải là {word_vi}",
                f"must be {word_en}",
            )
            for row, value in bad.select("row", column).iter_rows()
        ]
    return out


def _matching(
    file: str, rows: pl.DataFrame, column: str, pattern: str, vi: str, en: str
) -> list[Problem]:
    bad = rows.filter(pl.col(column).is_not_null() & ~pl.col(column).str.contains(pattern))
    return [
        Problem(file, row, column, value, vi, en)
        for row, value in bad.select("row", column).iter_rows()
    ]


def _known(file: str, rows: pl.DataFrame, column: str, keys: set[str]) -> list[Problem]:
    if column not in rows.columns:
        return []
    bad = rows.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(sorted(keys)))
    shown = ", ".join(sorted(keys)[:12]) + (" …" if len(keys) > 12 else "")
    return [
        Problem(
            file,
            row,
            column,
            value,
            f"không có trong danh mục ({shown})",
            f"not a known value ({shown})",
        )
        for row, value in bad.select("row", column).iter_rows()
    ]
