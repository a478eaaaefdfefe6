"""Plain template contexts from report-table rows. Pure: rows in, dicts out.

Labels are English msgids marked with ``N_`` so the catalog extraction finds them; the
templates translate them with ``bi()``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from transforms.periods import periods_ending
from transforms.reports import COVERED

Row = dict[str, Any]


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    return msgid


OBLIGATION_MSGIDS = {
    "over": N_("Threshold reached"),
    "under": N_("Below threshold"),
    "undetermined": N_("Not yet determined"),
    None: N_("Not yet determined"),
}
# Why a figure or a status is unknown (the codes of transforms/unknowns.py).
REASON_MSGIDS = {
    "not_submitted": N_("no submission for the month"),
    "line_rejected": N_("a line was rejected; a corrected submission is awaited"),
    "grid_line_missing": N_("no grid-electricity line was submitted"),
    "no_grid_factor": N_("no grid emission factor has been published for the year"),
    "no_emission_factor": N_("a fuel has no emission factor"),
    "no_toe_factor": N_("a fuel has no official TOE conversion factor"),
    "output_missing": N_("no production output was submitted"),
    "history_short": N_("fewer than 12 months on record"),
    "year_not_over": N_("the year is not over yet"),
}


def reason_msgid(code: str | None) -> str | None:
    return REASON_MSGIDS[code] if code else None


STATUS_MSGIDS = {
    "on_time": N_("On time"),
    "late": N_("Late"),
    "revised": N_("Revised"),
    "rejected": N_("Rejected"),
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
    (N_("of which mobile combustion"), "tCO₂e", "scope1_mobile_tco2e", 1),
    (
        N_("Indirect emissions from electricity (Scope 2, location-based)"),
        "tCO₂e",
        "scope2_location_tco2e",
        1,
    ),
    (
        N_("Indirect emissions from electricity (Scope 2, market-based)"),
        "tCO₂e",
        "scope2_market_tco2e",
        1,
    ),
    (N_("Total emissions (Scope 1 + 2)"), "tCO₂e", "emissions_tco2e", 1),
    (N_("Total emissions, market-based (Scope 1 + 2)"), "tCO₂e", "emissions_market_tco2e", 1),
    (N_("Biogenic CO₂ from biomass (outside the totals)"), "tCO₂", "biogenic_co2_t", 1),
    (N_("Grid electricity purchased"), "MWh", "grid_electricity_mwh", 1),
    (N_("of which covered by retired I-RECs"), "MWh", "irec_retired_mwh", 1),
    (N_("of which bought under a DPPA"), "MWh", "dppa_mwh", 1),
    (N_("Rooftop solar, self-consumed"), "MWh", "solar_self_consumed_mwh", 1),
    (N_("Rooftop solar exported (not subtracted)"), "MWh", "solar_exported_mwh", 1),
    (N_("EV charging on site"), "MWh", "ev_charging_mwh", 1),
    (N_("Energy used"), "TOE", "energy_toe", 1),
    (N_("Energy used"), "GJ", "energy_gj", 0),
    (N_("Diesel (generators)"), "t", "diesel_t", 2),
    (N_("Diesel (vehicles, forklifts)"), "t", "diesel_mobile_t", 2),
    (N_("Petrol (vehicles)"), "t", "petrol_mobile_t", 2),
    (N_("LPG"), "t", "lpg_t", 2),
    (N_("Natural gas"), "t", "natural_gas_t", 2),
    (N_("Fuel oil"), "t", "fuel_oil_t", 2),
    (N_("Anthracite"), "t", "coal_anthracite_t", 2),
    (N_("Bituminous coal"), "t", "coal_bituminous_t", 2),
    (N_("Sub-bituminous coal"), "t", "coal_subbituminous_t", 2),
    (N_("Wood and wood waste (biomass)"), "t", "wood_t", 2),
    (N_("Water withdrawn"), "m³", "water_supply_m3", 0),
    (N_("Rainwater reused"), "m³", "rainwater_reused_m3", 0),
    (N_("Wastewater to central treatment"), "m³", "wastewater_m3", 0),
    (N_("Solid waste generated"), "t", "waste_generated_t", 2),
    (N_("Solid waste recycled"), "t", "waste_recycled_t", 2),
)
# Shown only where there is something to show (most enterprises burn no coal).
OPTIONAL = {
    "scope1_mobile_tco2e",
    "biogenic_co2_t",
    "irec_retired_mwh",
    "dppa_mwh",
    "solar_exported_mwh",
    "diesel_t",
    "diesel_mobile_t",
    "petrol_mobile_t",
    "lpg_t",
    "natural_gas_t",
    "fuel_oil_t",
    "coal_anthracite_t",
    "coal_bituminous_t",
    "coal_subbituminous_t",
    "wood_t",
}
PROGRESS_MSGIDS = {
    "ahead": N_("Ahead of the path"),
    "on_track": N_("On track"),
    "behind": N_("Behind the path"),
    "undetermined": N_("Not yet determined"),
    None: N_("Not yet determined"),
}
MARKET_BASED_NOTE = N_(
    "Scope 2 market-based: retired I-RECs carry their certificate's factor and DPPA volumes "
    "the seller's documented factor; no residual-mix factor is published for Viet Nam, so "
    "electricity no instrument covers takes the national grid factor."
)
DPPA_FALLBACK_NOTE = N_(
    "A DPPA seller has not documented its emission factor: that volume takes the national "
    "grid factor in the market-based figure."
)
BIOGENIC_NOTE = N_(
    "CO₂ from burning biomass is biogenic: it is reported apart and is not in any total; "
    "its CH₄ and N₂O are in Scope 1."
)
TOE_GAP_NOTE = N_(
    "Some fuels have no official TOE factor (biomass, coal grades): energy in TOE is not "
    "known, and only the part that is known is shown (at least)."
)


# indicator column → (its reason column, its lower-bound column): what an unknown says
UNKNOWN_FIGURES: dict[str, tuple[str, str | None]] = {
    "scope1_tco2e": ("scope1_unknown_reason", "scope1_lower_bound_tco2e"),
    "scope1_mobile_tco2e": ("scope1_unknown_reason", None),
    "scope2_location_tco2e": (
        "scope2_location_unknown_reason",
        "scope2_location_lower_bound_tco2e",
    ),
    "scope2_market_tco2e": ("scope2_market_unknown_reason", None),
    "emissions_tco2e": ("emissions_unknown_reason", "emissions_lower_bound_tco2e"),
    "emissions_market_tco2e": ("emissions_market_unknown_reason", None),
    "biogenic_co2_t": ("scope1_unknown_reason", None),
    "grid_electricity_mwh": ("grid_electricity_unknown_reason", None),
    "solar_self_consumed_mwh": ("solar_self_consumed_unknown_reason", None),
    "energy_toe": ("energy_toe_unknown_reason", "energy_lower_bound_toe"),
    "energy_gj": ("energy_gj_unknown_reason", None),
}
# Roll-up coverage: how many enterprises a park or province figure adds up.
COVERAGE_FIGURES = COVERED


def metrics(row: Row, with_year_ago: bool = False) -> list[Row]:
    """The indicator rows: this month, year to date and, for an enterprise, a year ago; an
    unknown month says why and, where known, the part it is at least; a roll-up's figures
    say how many enterprises they add up."""
    out = []
    for label, unit, column, digits in INDICATORS:
        values = [row.get(column), row.get(f"ytd_{column}")]
        if column in OPTIONAL and not any(values):
            continue
        reason, bound = UNKNOWN_FIGURES.get(column, (None, None))
        known = row.get(f"enterprises_known_{column}") if column in COVERAGE_FIGURES else None
        out.append(
            {
                "label": label,
                "unit": unit,
                "digits": digits,
                "month": values[0],
                "ytd": values[1],
                "ytd_kept": f"ytd_{column}" in row,
                "year_ago": row.get(f"year_ago_{column}") if with_year_ago else None,
                "reason": row.get(reason) if values[0] is None and reason else None,
                "reason_msgid": reason_msgid(row.get(reason))
                if values[0] is None and reason
                else None,
                "lower_bound": row.get(bound) if values[0] is None and bound else None,
                "coverage": known,
            }
        )
    return out


def parts_differ(row: Row) -> bool:
    """Whether a roll-up's Scope 1, Scope 2 and totals rest on different enterprises."""
    counts = {row.get(f"enterprises_known_{c}") for c in COVERAGE_FIGURES[:5]}
    return len(counts) > 1


def progress(row: Row) -> Row:
    """Where the enterprise stands against its path to net zero: a status, why it is not
    determined, and whether a figure it rests on is to be confirmed."""
    status = row.get("progress_status")
    return {
        "status": status or "undetermined",
        "status_msgid": PROGRESS_MSGIDS[status],
        "reason_msgid": reason_msgid(row.get("progress_status_reason")),
        # A status stands, to be confirmed; an undetermined one has nothing to confirm.
        "to_confirm": bool(row.get("progress_to_confirm")) and status != "undetermined",
        "rolling_msgid": PROGRESS_MSGIDS[row.get("progress_status_rolling_12m")],
        "rolling_reason_msgid": reason_msgid(row.get("progress_status_rolling_12m_reason")),
        "rolling_to_confirm": bool(row.get("progress_rolling_12m_to_confirm"))
        and row.get("progress_status_rolling_12m") != "undetermined",
        "months_on_record": row.get("ytd_months"),
        "tolerance": row.get("progress_tolerance"),
        "ytd_known": row.get("ytd_known_tco2e"),
        "ytd_path": row.get("ytd_path_tco2e"),
        "months": row.get("ytd_months_known"),
        "ytd_vs_path_pct": row.get("ytd_vs_path_pct"),
        "rolling_vs_path_pct": row.get("rolling_12m_vs_path_pct"),
        "yoy_pct": row.get("yoy_change_pct"),
        "vs_baseline_pct": row.get("rolling_12m_vs_baseline_pct"),
        "per_output": row.get("intensity_tco2e_per_output"),
        "output_unit": row.get("output_unit"),
        "per_revenue": row.get("intensity_tco2e_per_bn_vnd"),
    }


def notes(row: Row) -> list[str]:
    """Disclosures the figures of ``row`` need."""
    out = [MARKET_BASED_NOTE]
    if row.get("has_dppa_grid_fallback"):
        out.append(DPPA_FALLBACK_NOTE)
    if row.get("biogenic_co2_t"):
        out.append(BIOGENIC_NOTE)
    if row.get("has_energy_without_toe"):
        out.append(TOE_GAP_NOTE)
    return out


def obligations(row: Row) -> list[Row]:
    """Decree 06/2022 and Decree 21/2011 status, rolling 12 months and calendar year: a
    window's total where every month is known, else the part known ("at least")."""
    prefix = {"rolling": "rolling_12m", "calendar": "calendar_ytd"}
    return [
        {
            "label": label,
            "window_msgid": N_("Last 12 months")
            if window == "rolling"
            else N_("Calendar year to date"),
            "status": row.get(f"{column}_{window}") or "undetermined",
            "status_msgid": OBLIGATION_MSGIDS[row.get(f"{column}_{window}")],
            "reason_msgid": reason_msgid(row.get(f"{column}_{window}_reason")),
            "tco2e": row.get(f"{prefix[window]}_tco2e"),
            "toe": row.get(f"{prefix[window]}_toe"),
            "tco2e_at_least": row.get(f"{prefix[window]}_lower_bound_tco2e"),
            "toe_at_least": row.get(f"{prefix[window]}_lower_bound_toe"),
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


WARNING_MSGIDS = {
    "mom_change": N_("Large change from the previous month"),
    "far_from_history": N_("Far from the enterprise's own history"),
    "solar_implausible": N_("Solar beyond the registered capacity"),
    "zero_electricity": N_("Zero electricity in an operating month"),
}


def warning_rows(warnings: list[Row]) -> list[Row]:
    return [w | {"label_msgid": WARNING_MSGIDS[w["rule"]]} for w in warnings]


TREND_TABLE_MONTHS = 12
TOP_EMITTERS = 5
LARGEST_CHANGES = 10


def trend_chart(rows: list[Row], period: str, months: int = 24) -> Row:
    """The last ``months`` months ending at ``period``: emissions and the path, gaps kept."""
    by_period = {r["period"]: r for r in rows}
    labels = periods_ending(period, months)
    return {
        "months": labels,
        "actual": [by_period.get(p, {}).get("emissions_tco2e") for p in labels],
        "path": [by_period.get(p, {}).get("path_month_tco2e") for p in labels],
    }


def scope_split(row: Row) -> list[tuple[str, Any]]:
    stationary = row.get("scope1_stationary_tco2e")
    if stationary is None and row.get("scope1_tco2e") is not None:
        stationary = (row.get("scope1_tco2e") or 0) - (row.get("scope1_mobile_tco2e") or 0)
    return [
        (N_("Scope 1, stationary combustion"), stationary),
        (N_("Scope 1, mobile combustion"), row.get("scope1_mobile_tco2e")),
        (N_("Scope 2, location-based"), row.get("scope2_location_tco2e")),
    ]


def green_initiatives(row: Row) -> list[Row]:
    """Rooftop solar, rainwater reuse, EV charging, recycling, instruments: what the
    enterprise (or the group) does, this month and year to date where kept."""
    items = [
        (N_("Rooftop solar capacity declared"), row.get("rooftop_solar_kwp"), None, "kWp", 0),
        (
            N_("Rooftop solar, self-consumed"),
            row.get("solar_self_consumed_mwh"),
            row.get("ytd_solar_self_consumed_mwh"),
            "MWh",
            1,
        ),
        (
            N_("Rooftop solar exported (not subtracted)"),
            row.get("solar_exported_mwh"),
            None,
            "MWh",
            1,
        ),
        (N_("Renewable share of electricity"), row.get("renewable_share"), None, "%", -1),
        (
            N_("Grid electricity covered by retired I-RECs"),
            row.get("irec_retired_mwh"),
            None,
            "MWh",
            1,
        ),
        (N_("Electricity bought under a DPPA"), row.get("dppa_mwh"), None, "MWh", 1),
        (N_("Rainwater reused"), row.get("rainwater_reused_m3"), None, "m³", 0),
        (N_("Share of water reused"), row.get("water_reuse_share"), None, "%", -1),
        (N_("EV charging on site"), row.get("ev_charging_mwh"), None, "MWh", 1),
        (N_("Solid waste recycled"), row.get("waste_recycled_t"), None, "t", 2),
        (N_("Share of solid waste recycled"), row.get("waste_recycling_share"), None, "%", -1),
    ]
    return [
        {"label": label, "month": month, "ytd": ytd, "unit": unit, "digits": digits}
        for label, month, ytd, unit, digits in items
        if month
    ]


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
        }
        for f in method_row["factors"]
    ]


def enterprise_context(
    common: Row,
    row: Row,
    trend: list[Row],
    quality: list[Row],
    restatements: list[Row],
    warnings: list[Row] = (),  # type: ignore[assignment]
) -> Row:
    """Context of one enterprise's monthly report."""
    items = metrics(row, with_year_ago=True)
    table = [with_status(t) for t in trend[-TREND_TABLE_MONTHS:]]
    return common | {
        "title": TITLES["enterprise_monthly"],
        "report_kind": "enterprise",
        "subject": {
            "name_vi": f"{row['name_vi']} ({row['tax_code']})",
            "name_en": f"{row.get('name_en') or row['name_vi']} ({row['tax_code']})",
        },
        "enterprise": row,
        "submission": {
            "status": row["submission_status"],
            "status_msgid": STATUS_MSGIDS[row["submission_status"]],
            "file_name": row.get("file_name"),
        },
        "metrics": items,
        "obligations": obligations(row),
        "renewable_share": row.get("renewable_share"),
        "ytd_months": row.get("months_reported_ytd") or 0,
        "month_of_year": int(common["period"][5:7]),
        "trend": table,
        "trend_chart": trend_chart(trend, common["period"]),
        "scope_split": scope_split(row),
        "green": green_initiatives(row),
        "quality": quality,
        "progress": progress(row),
        "notes": notes(row),
        "restatements": restatements,
        "warnings": warning_rows(list(warnings)),
        "data_files": [
            ("indicators", N_("The report's indicators for the month"), indicator_rows(items)),
            ("trend", N_("Monthly emissions and the path, last 24 months"), trend_rows(trend)),
            ("factors", N_("Emission factors applied"), factor_rows(common["method"])),
        ],
    }


def top_emitters(enterprises: list[Row], total: float | None, n: int = TOP_EMITTERS) -> list[Row]:
    ranked = sorted(
        (e for e in enterprises if e.get("emissions_tco2e") is not None),
        key=lambda e: (-e["emissions_tco2e"], e["tax_code"]),
    )[:n]
    return [e | {"share": e["emissions_tco2e"] / total if total else None} for e in ranked]


def largest_changes(enterprises: list[Row], n: int = LARGEST_CHANGES) -> list[Row]:
    """Enterprises whose emissions moved most from the previous month (absolute tCO2e)."""
    moved = [
        e
        | {
            "change_tco2e": e["emissions_tco2e"] - e["prior_month_emissions_tco2e"],
            "change_pct": (e["emissions_tco2e"] / e["prior_month_emissions_tco2e"] - 1) * 100
            if e["prior_month_emissions_tco2e"]
            else None,
        }
        for e in enterprises
        if e.get("emissions_tco2e") is not None and e.get("prior_month_emissions_tco2e") is not None
    ]
    return sorted(moved, key=lambda e: (-abs(e["change_tco2e"]), e["tax_code"]))[:n]


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


def park_context(
    common: Row,
    park: Row,
    enterprises: list[Row],
    trend: list[Row] = (),  # type: ignore[assignment]
) -> Row:
    """Context of one industrial park's monthly report."""
    items = metrics(park)
    members = [
        with_status(e)
        | {
            "progress_msgid": PROGRESS_MSGIDS[e.get("progress_status")],
            "progress_reason_msgid": reason_msgid(e.get("progress_status_reason")),
            "progress_to_confirm": bool(e.get("progress_to_confirm"))
            and e.get("progress_status") != "undetermined",
        }
        for e in enterprises
    ]
    return common | {
        "title": TITLES["park_monthly"],
        "report_kind": "park",
        "subject": {"name_vi": park["park_name_vi"], "name_en": park.get("park_name_en")},
        "park": park,
        "metrics": items,
        "parts_differ": parts_differ(park),
        "enterprises": members,
        "eco": green_initiatives(park)
        + [
            {
                "label": N_("Enterprises with rooftop solar in use"),
                "month": sum(1 for e in enterprises if e.get("solar_self_consumed_mwh")),
                "ytd": None,
                "unit": f"/ {len(enterprises)}",
                "digits": 0,
            }
        ],
        "top_emitters": top_emitters(members, park.get("emissions_tco2e")),
        "trend_chart": trend_chart(list(trend), common["period"]),
        "notes": notes(park),
        "data_files": [
            ("indicators", N_("The report's indicators for the month"), indicator_rows(items)),
            (
                "enterprises",
                N_("Every enterprise of the report, one row each"),
                enterprise_rows(enterprises),
            ),
            (
                "trend",
                N_("Monthly emissions and the path, last 24 months"),
                trend_rows(list(trend)),
            ),
        ],
    }


PARK_TABLE_COLUMNS = (
    "park_code",
    "park_name_vi",
    "park_name_en",
    "enterprises",
    "enterprises_submitted",
    "enterprises_on_time",
    "enterprises_late",
    "enterprises_revised",
    "enterprises_rejected",
    "enterprises_missing",
    "emissions_tco2e",
    "ytd_emissions_tco2e",
    "renewable_share",
    "water_reuse_share",
    "waste_recycling_share",
)


def province_context(
    common: Row,
    province: Row,
    parks: list[Row],
    enterprises: list[Row],
    quality: list[Row],
    duplicates: list[str],
    restatements: list[Row],
    warnings: list[Row] = (),  # type: ignore[assignment]
    trend: list[Row] = (),  # type: ignore[assignment]
    pathway: list[Row] = (),  # type: ignore[assignment]
    annual: list[Row] = (),  # type: ignore[assignment]
) -> Row:
    """Context of the provincial summary."""
    items = metrics(province)
    return common | {
        "title": TITLES["province_monthly"],
        "report_kind": "province",
        "subject": {
            "name_vi": common["jurisdiction"]["province_vi"],
            "name_en": common["jurisdiction"]["province_en"],
        },
        "province": province,
        "metrics": items,
        "parts_differ": parts_differ(province),
        "parks": parks,
        "park_chart": [
            (p["park_name_vi"], p.get("emissions_tco2e"), p.get("renewable_share")) for p in parks
        ],
        "missing": [e for e in enterprises if e["submission_status"] == "missing"],
        "obligated": [e for e in enterprises if e.get("ghg_inventory_rolling") == "over"],
        "revised": [e for e in enterprises if e["submission_status"] == "revised"],
        "changes": largest_changes(enterprises),
        "quality": quality,
        "duplicates": duplicates,
        "restatements": restatements,
        "notes": notes(province),
        "warnings": warning_rows(list(warnings)),
        "trend_chart": trend_chart(list(trend), common["period"]),
        "pathway": {
            "years": [p["year"] for p in pathway],
            "path": [p["path_tco2e"] for p in pathway],
            "actual": [
                (a["year"], a["tco2e"], a["kind"]) for a in annual if a.get("tco2e") is not None
            ],
            "without_output": max((p["enterprises_without_output"] for p in pathway), default=0),
        },
        "data_files": [
            ("indicators", N_("The report's indicators for the month"), indicator_rows(items)),
            (
                "parks",
                N_("Industrial parks side by side"),
                [{c: p.get(c) for c in PARK_TABLE_COLUMNS} for p in parks],
            ),
            (
                "enterprises",
                N_("Every enterprise of the report, one row each"),
                enterprise_rows(enterprises),
            ),
            ("pathway", N_("The province's path to net zero by year"), list(pathway)),
        ],
    }


def dated(common: Row, when: datetime | None) -> Row:
    """The common context dated by ``when``: a report carries the date its own data last
    changed, so new data for one enterprise leaves the other enterprises' reports unchanged."""
    if when is None:
        return common
    return common | {
        "as_of_date": when.date(),
        "stamp": common["stamp"] | {"as_of": when.strftime("%Y-%m-%dT%H:%M:%SZ")},
    }


def for_enterprise(common: Row, tax_code: str, factor_users: dict[str, set[str]]) -> Row:
    """The common context with only the factor rows applied to this enterprise (rules that
    apply to everyone, such as the residual fallback, stay)."""
    factors = [
        f
        for f in common["method"]["factors"]
        if f["factor_id"] not in factor_users or tax_code in factor_users[f["factor_id"]]
    ]
    return common | {"method": common["method"] | {"factors": factors}}


def method(
    grid_policy: str,
    provisional: bool,
    gwp_set: str,
    gwp_values: list[tuple[str, float, int]],
    factors: list[Row],
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


RECEIPT_OUTCOME_MSGIDS = {
    "accepted": N_("Accepted"),
    "accepted_with_warnings": N_("Accepted, with figures to confirm"),
    "partly_rejected": N_("Accepted in part: some lines were rejected"),
    "rejected": N_("Rejected"),
    "duplicate": N_("Already received: this exact file was recorded before"),
}
RECEIPT_TODO_MSGIDS = {
    "accepted": N_("Nothing: the figures will appear in the next monthly report."),
    "accepted_with_warnings": N_(
        "The figures are accepted and will appear in the report with a data-quality note. "
        "If a flagged figure is wrong, send the month again with the next revision number."
    ),
    "partly_rejected": N_(
        "Correct the lines listed above and send the whole month again with the next revision "
        "number; the accepted lines count until then."
    ),
    "rejected": N_(
        "Nothing from this file was recorded. Correct it (use the template from "
        "netzero template, check it with netzero check) and send it again."
    ),
    "duplicate": N_("Nothing: the earlier copy is the one recorded."),
}
