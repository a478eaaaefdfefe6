"""The rows of the CSV files attached to each PDF: the report's data, machine-readable."""

from __future__ import annotations

from report_templates.contexts.common import Row


def indicator_rows(items: list[Row]) -> list[Row]:
    """Indicators as machine-readable rows for the CSV attached to the PDF; an unknown
    month is empty, with its reason code and the part known."""
    return [
        {
            "indicator": m["label"],
            "unit": m["unit"],
            "this_month": m["month"],
            "this_month_unknown_reason": m.get("reason"),
            "this_month_at_least": m.get("lower_bound"),
            "year_to_date": m.get("ytd"),
            "same_month_last_year": m.get("year_ago"),
        }
        for m in items
    ]


# Every column a trend row is read for, by its chart, its table and its CSV: the render stage
# reads only these of the 24 months (flows/report_data.py).
TREND_COLUMNS = (
    "period",
    "submission_status",
    "emissions_tco2e",
    "path_month_tco2e",
    "scope1_tco2e",
    "scope2_location_tco2e",
    "scope2_market_tco2e",
    "grid_electricity_mwh",
    "solar_self_consumed_mwh",
    "energy_toe",
)


def trend_rows(rows: list[Row]) -> list[Row]:
    return [{c: r.get(c) for c in TREND_COLUMNS} for r in rows]


def factor_value(value: float | None) -> str:
    """A factor in the attached CSV: as a machine reads it (74100, 3, 0.6592), blank when
    it has none (the residual-mix fallback)."""
    if value is None:
        return ""
    return str(int(value)) if value % 1 == 0 else repr(float(value))


def factor_rows(method_row: Row) -> list[Row]:
    return [
        {
            "factor_id": f["factor_id"],
            "value": " ".join(
                f"{label}={factor_value(value)}".lstrip("=") for label, value, _ in f["parts"]
            ),
            "unit": f["unit"],
            "source": f["source"],
            "not_verified": f["not_verified"],
            "note_vi": f["note_vi"],
            "note_en": f["note_en"],
        }
        for f in method_row["factors"]
    ]


ENTERPRISE_TABLE_COLUMNS = (
    "tax_code",
    "name_vi",
    "name_en",
    "park_code",
    "vsic_code",
    "submission_status",
    "emissions_tco2e",
    "emissions_market_tco2e",
    "scope1_tco2e",
    "scope2_location_tco2e",
    "grid_electricity_mwh",
    "solar_self_consumed_mwh",
    "renewable_share",
    "energy_toe",
    "emissions_unknown_reason",
    "emissions_lower_bound_tco2e",
    "progress_status",
    "progress_status_reason",
    "progress_to_confirm",
    "ytd_vs_path_pct",
    "ghg_inventory_rolling",
    "ghg_inventory_rolling_reason",
    "key_energy_user_rolling",
    "key_energy_user_rolling_reason",
)


def enterprise_rows(enterprises: list[Row]) -> list[Row]:
    return [{c: e.get(c) for c in ENTERPRISE_TABLE_COLUMNS} for e in enterprises]


ACTION_COLUMNS = (
    "action", "tax_code", "name_vi", "name_en", "park_code", "emissions_tco2e", "items",
    "deadline_date",
)  # fmt: skip


def action_rows(groups: list[Row]) -> list[Row]:
    """Page one's named lists, every enterprise of every group (also those a long group
    does not print), in the page's order."""
    return [{c: r.get(c) for c in ACTION_COLUMNS} for g in groups for r in g["all_rows"]]
