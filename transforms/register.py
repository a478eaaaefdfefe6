"""The register the agency keeps: column types of its files, so that an empty or partly
filled column loads with its real type. No IO here."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from report_templates import words

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
# Wastewater monitoring outlets (issue 17): a park's central treatment plant or an
# enterprise exempted from connecting to it, each with its environmental permit: the
# standard and column that apply, Kq and Kf, the parameters its automatic station must
# report (";"-separated) and at what interval.
MONITORING_OUTLETS: dict[str, type[pl.DataType]] = {
    "outlet_id": pl.String,
    "name_vi": pl.String,
    "name_en": pl.String,
    "park_code": pl.String,
    "tax_code": pl.String,
    "permit_number": pl.String,
    "permit_date": pl.String,
    "standard": pl.String,
    "column_code": pl.String,
    "kq": pl.Float64,
    "kf": pl.Float64,
    "parameters": pl.String,
    "interval_minutes": pl.Int64,
    "design_flow_m3_per_day": pl.Float64,
}
# Limits a permit sets itself, per outlet and parameter; they come before the standard's.
OUTLET_PERMIT_LIMITS: dict[str, type[pl.DataType]] = {
    "outlet_id": pl.String,
    "parameter": pl.String,
    "limit_min": pl.Float64,
    "limit_max": pl.Float64,
    "source": pl.String,
}
# Issue 18: who writes for an enterprise. Only these addresses may submit for its tax code
# by e-mail; its receipts, report and reminders go to them. One row per address, compared
# in lower case.
ENTERPRISE_CONTACTS: dict[str, type[pl.DataType]] = {
    "tax_code": pl.String,
    "email": pl.String,
    "contact_name": pl.String,
}
FILES: dict[str, dict[str, type[pl.DataType]]] = {
    "enterprises": ENTERPRISES,
    "industrial_parks": INDUSTRIAL_PARKS,
    "electricity_contracts": ELECTRICITY_CONTRACTS,
    "monitoring_outlets": MONITORING_OUTLETS,
    "outlet_permit_limits": OUTLET_PERMIT_LIMITS,
    "enterprise_contacts": ENTERPRISE_CONTACTS,
}
# A register may have no contracts, outlets, permit limits or contacts at all: optional.
OPTIONAL = {
    "electricity_contracts",
    "monitoring_outlets",
    "outlet_permit_limits",
    "enterprise_contacts",
}

# What each register file must have, beyond its typed columns.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "enterprises": ("tax_code", "name_vi", "name_en", "park_code", "baseline_year"),
    "industrial_parks": ("park_code", "name_vi", "name_en"),
    "electricity_contracts": ("contract_id", "tax_code", "instrument", "valid_from"),
    "monitoring_outlets": (
        "outlet_id",
        "name_vi",
        "name_en",
        "permit_number",
        "standard",
        "parameters",
        "interval_minutes",
    ),
    "outlet_permit_limits": ("outlet_id", "parameter", "source"),
    "enterprise_contacts": ("tax_code", "email"),
}
# The key of each file: present and unique.
KEYS: dict[str, str | tuple[str, ...]] = {
    "enterprises": "tax_code",
    "industrial_parks": "park_code",
    "electricity_contracts": "contract_id",
    "monitoring_outlets": "outlet_id",
    "outlet_permit_limits": ("outlet_id", "parameter"),
    "enterprise_contacts": ("tax_code", "email"),
}
TAX_CODE = r"^[0-9]{10}(?:-[0-9]{3})?$"  # Law on Tax Administration: 10 digits, branch -NNN
TARGET_TYPES = ("absolute", "intensity")
# An address alone (no display name), as HTML's e-mail input accepts it, with a dot in the
# domain so that mail can reach it: what a form would take from an enterprise.
EMAIL = (
    r"(?i)^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$"
)
# The effluent standards a permit may name. QCVN 40:2025's limit table is not held
# (not verified): an outlet under it takes its limits from its permit (outlet_permit_limits).
STANDARDS = ("QCVN 40:2011/BTNMT", "QCVN 40:2025/BTNMT")


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
    columns = [key] if isinstance(key, str) else list(key)
    shown = pl.concat_str([pl.col(c) for c in columns], separator=" · ")
    # an address is one address whatever its case (the value shown is then lower case)
    keyed = rows.with_columns(pl.col("email").str.to_lowercase()) if "email" in columns else rows
    first = keyed.group_by(columns).agg(pl.col("row").min().alias("first_row"))
    for row, value, first_row in (
        keyed.join(first, on=columns)
        .filter(shown.is_not_null() & (pl.col("row") > pl.col("first_row")))
        .select("row", shown.alias("key"), "first_row")
        .sort("row")
        .iter_rows()
    ):
        found.append(
            Problem(
                file,
                row,
                " + ".join(columns),
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
    if name == "enterprise_contacts":
        found += _matching(
            file,
            rows,
            "email",
            EMAIL,
            *words.pair("not an e-mail address: write name@domain alone"),
        )
    if name == "monitoring_outlets":
        found += _one_owner(file, rows)
        found += _known(file, rows, "standard", set(STANDARDS))
        if "parameter" in known:
            each = rows.with_columns(pl.col("parameters").str.split(";")).explode("parameters")
            each = each.with_columns(pl.col("parameters").str.strip_chars())
            found += _known(file, each, "parameters", known["parameter"])
    return sorted(found, key=lambda p: (p.row, p.field))


def _one_owner(file: str, rows: pl.DataFrame) -> list[Problem]:
    """An outlet is a park's central plant (park_code) or an exempted enterprise's
    (tax_code): exactly one of the two."""
    both = pl.col("park_code").is_not_null() == pl.col("tax_code").is_not_null()
    return [
        Problem(
            file,
            row,
            "park_code",
            None,
            *words.pair(
                "give exactly one of park_code (the park's central plant) or tax_code (an "
                "enterprise exempted from connecting)"
            ),
        )
        for (row,) in rows.filter(both).select("row").iter_rows()
    ]


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
