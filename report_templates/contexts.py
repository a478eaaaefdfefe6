"""Plain template contexts from report-table rows. Pure: rows in, dicts out.

Labels are English msgids marked with ``N_`` so the catalog extraction finds them; the
templates translate them with ``bi()``.
"""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    return msgid


OBLIGATION_MSGIDS = {
    "over": N_("Threshold reached"),
    "under": N_("Below threshold"),
    "undetermined": N_("Not yet determined (months missing)"),
    None: N_("Not yet determined (months missing)"),
}
STATUS_MSGIDS = {
    "submitted": N_("Submitted"),
    "revised": N_("Revised"),
    "missing": N_("Missing"),
}
GRID_FACTOR_PUBLISHED = N_(
    "Scope 2 uses the grid emission factor published for the calculation year."
)
# What a year with no published grid factor got, by policy.
GRID_POLICY_MSGIDS = {
    "provisional_latest": N_(
        "No grid emission factor has been published for this year yet: Scope 2 uses the "
        "latest published factor and is provisional until the new factor is published."
    ),
    "leave_empty": N_(
        "No grid emission factor has been published for this year yet: Scope 2 is left "
        "empty until it is published."
    ),
}
TITLES = {
    "enterprise_monthly": N_("Monthly emission-reduction progress report"),
    "park_monthly": N_("Industrial park monthly report"),
    "province_monthly": N_("Provincial monthly net-zero summary"),
}

# (msgid, unit, column, digits): the indicators every report shows, in this order.
INDICATORS: tuple[tuple[str, str, str, int], ...] = (
    (N_("Direct emissions (Scope 1)"), "tCO₂e", "scope1_tco2e", 1),
    (
        N_("Indirect emissions from electricity (Scope 2, location-based)"),
        "tCO₂e",
        "scope2_location_tco2e",
        1,
    ),
    (N_("Total emissions (Scope 1 + 2)"), "tCO₂e", "emissions_tco2e", 1),
    (N_("Grid electricity purchased"), "MWh", "grid_electricity_mwh", 1),
    (N_("Rooftop solar, self-consumed"), "MWh", "solar_self_consumed_mwh", 1),
    (N_("EV charging on site"), "MWh", "ev_charging_mwh", 1),
    (N_("Energy used"), "TOE", "energy_toe", 1),
    (N_("Energy used"), "GJ", "energy_gj", 0),
    (N_("Diesel"), "t", "diesel_t", 2),
    (N_("LPG"), "t", "lpg_t", 2),
    (N_("Natural gas"), "t", "natural_gas_t", 2),
    (N_("Water withdrawn"), "m³", "water_supply_m3", 0),
    (N_("Rainwater reused"), "m³", "rainwater_reused_m3", 0),
    (N_("Wastewater to central treatment"), "m³", "wastewater_m3", 0),
    (N_("Solid waste generated"), "t", "waste_generated_t", 2),
    (N_("Solid waste recycled"), "t", "waste_recycled_t", 2),
)


def metrics(row: Row, with_year_ago: bool = False) -> list[Row]:
    out = []
    for label, unit, column, digits in INDICATORS:
        out.append(
            {
                "label": label,
                "unit": unit,
                "digits": digits,
                "month": row.get(column),
                "ytd": row.get(f"ytd_{column}"),
                "year_ago": row.get(f"year_ago_{column}") if with_year_ago else None,
            }
        )
    return out


def obligations(row: Row) -> list[Row]:
    """Decree 06/2022 and Decree 21/2011 status, rolling 12 months and calendar year."""
    return [
        {
            "label": label,
            "window_msgid": N_("Last 12 months")
            if window == "rolling"
            else N_("Calendar year to date"),
            "status": row.get(f"{column}_{window}") or "undetermined",
            "status_msgid": OBLIGATION_MSGIDS[row.get(f"{column}_{window}")],
            "tco2e": row.get("rolling_12m_tco2e" if window == "rolling" else "calendar_ytd_tco2e"),
            "toe": row.get("rolling_12m_toe" if window == "rolling" else "calendar_ytd_toe"),
            "months": row.get(
                "rolling_12m_months_known" if window == "rolling" else "calendar_ytd_months_known"
            ),
        }
        for column, label in (
            (
                "ghg_inventory",
                N_("GHG inventory (Decree 06/2022: at least 3,000 tCO₂e or 1,000 TOE a year)"),
            ),
            ("key_energy_user", N_("Key energy user (Decree 21/2011: at least 1,000 TOE a year)")),
        )
        for window in ("rolling", "calendar")
    ]


def with_status(row: Row) -> Row:
    return row | {"status_msgid": STATUS_MSGIDS[row["submission_status"]]}


def enterprise_context(common: Row, row: Row, trend: list[Row], quality: list[Row]) -> Row:
    """Context of one enterprise's monthly report."""
    return common | {
        "title": TITLES["enterprise_monthly"],
        "enterprise": row,
        "submission": {
            "status": row["submission_status"],
            "status_msgid": STATUS_MSGIDS[row["submission_status"]],
            "file_name": row.get("file_name"),
        },
        "metrics": metrics(row, with_year_ago=True),
        "obligations": obligations(row),
        "renewable_share": row.get("renewable_share"),
        "ytd_months": row.get("months_reported_ytd") or 0,
        "month_of_year": int(common["period"][5:7]),
        "trend": [with_status(t) for t in trend],
        "quality": quality,
    }


def park_context(common: Row, park: Row, enterprises: list[Row]) -> Row:
    """Context of one industrial park's monthly report."""
    return common | {
        "title": TITLES["park_monthly"],
        "park": park,
        "metrics": metrics(park),
        "enterprises": [with_status(e) for e in enterprises],
    }


def province_context(
    common: Row,
    province: Row,
    parks: list[Row],
    enterprises: list[Row],
    quality: list[Row],
    duplicates: list[str],
) -> Row:
    """Context of the provincial summary."""
    return common | {
        "title": TITLES["province_monthly"],
        "province": province,
        "metrics": metrics(province),
        "parks": parks,
        "missing": [e for e in enterprises if e["submission_status"] == "missing"],
        "obligated": [e for e in enterprises if e.get("ghg_inventory_rolling") == "over"],
        "revised": [e for e in enterprises if e["submission_status"] == "revised"],
        "quality": quality,
        "duplicates": duplicates,
    }


def method(
    grid_policy: str, provisional: bool, gwp_set: str, gwp_values: str, factors: list[Row]
) -> Row:
    return {
        "grid_policy": grid_policy,
        "provisional": provisional,
        "grid_policy_msgid": GRID_POLICY_MSGIDS[grid_policy]
        if provisional
        else GRID_FACTOR_PUBLISHED,
        "gwp_set": gwp_set,
        "gwp_values": gwp_values,
        "factors": factors,
    }
