"""Marts: facts and dimensions at a stated grain. No IO here.

Scope 1 (stationary combustion) follows TT 38/2023/TT-BCT App. II §2:
emissions = AD (TJ) × EF (kg/TJ) × GWP / 1000. Scope 2 (location-based) is grid MWh ×
the national grid factor of the calculation year (TT 38 App. II §2 pt 3).
"""

from __future__ import annotations

from typing import Literal

import polars as pl

GridFactorPolicy = Literal["provisional_latest", "leave_empty"]

# Activity code → the fct_enterprise_monthly column holding its canonical quantity.
ACTIVITY_COLUMNS: dict[str, str] = {
    "ELEC_GRID": "grid_electricity_mwh",
    "ELEC_SOLAR_SELF": "solar_self_consumed_mwh",
    "EV_CHARGING": "ev_charging_mwh",
    "DIESEL_STATIONARY": "diesel_t",
    "LPG_STATIONARY": "lpg_t",
    "NATURAL_GAS_STATIONARY": "natural_gas_t",
    "WATER_SUPPLY": "water_supply_m3",
    "RAINWATER_REUSE": "rainwater_reused_m3",
    "WASTEWATER": "wastewater_m3",
    "WASTE_GENERATED": "waste_generated_t",
    "WASTE_RECYCLED": "waste_recycled_t",
    "REVENUE": "revenue_bn_vnd",
}
ENERGY_ACTIVITIES = [
    "ELEC_GRID",
    "ELEC_SOLAR_SELF",
    "DIESEL_STATIONARY",
    "LPG_STATIONARY",
    "NATURAL_GAS_STATIONARY",
]
MJ_PER_KWH = 3.6  # 1 MWh = 3.6 GJ (SI)
EMISSION_COLUMNS = [
    "tax_code",
    "period",
    "reporting_month",
    "activity_code",
    "scope",
    "quantity_canonical",
    "canonical_unit",
    "energy_tj",
    "co2_t",
    "ch4_t",
    "n2o_t",
    "emissions_tco2e",
    "factor_id",
    "factor_year",
    "is_factor_provisional",
    "gwp_set",
    "sha256",
    "line_no",
]


def _gwp(ref_gwp: pl.LazyFrame, gwp_set: str, gas: str) -> pl.Expr:
    value = ref_gwp.filter((pl.col("gwp_set") == gwp_set) & (pl.col("gas") == gas))
    return pl.lit(value.select("gwp_100yr").collect().item(), dtype=pl.Float64)


def fct_fuel_combustion_emissions(
    stg_submissions__activity_lines: pl.LazyFrame,
    ref_activities: pl.LazyFrame,
    ref_fuel_combustion_factors: pl.LazyFrame,
    ref_gwp: pl.LazyFrame,
    gwp_set: str,
) -> pl.LazyFrame:
    """One row per fuel line: energy (TJ), CO2, CH4, N2O and CO2e in tonnes (Scope 1)."""
    fuels = ref_activities.filter(pl.col("emission_scope") == "scope1").select(
        "activity_code", "fuel_code"
    )
    tj = pl.col("quantity_canonical") / 1000 * pl.col("ncv_tj_per_gg")  # t → Gg → TJ
    co2, ch4, n2o = (tj * pl.col(f"{gas}_kg_per_tj") / 1000 for gas in ("co2", "ch4", "n2o"))
    return (
        stg_submissions__activity_lines.join(fuels, on="activity_code", how="inner")
        .join(ref_fuel_combustion_factors, on="fuel_code", how="left")
        .with_columns(energy_tj=tj, co2_t=co2, ch4_t=ch4, n2o_t=n2o)
        .with_columns(
            scope=pl.lit("scope1"),
            emissions_tco2e=pl.col("co2_t") * _gwp(ref_gwp, gwp_set, "CO2")
            + pl.col("ch4_t") * _gwp(ref_gwp, gwp_set, "CH4")
            + pl.col("n2o_t") * _gwp(ref_gwp, gwp_set, "N2O"),
            factor_year=pl.lit(None, dtype=pl.Int64),
            is_factor_provisional=pl.lit(False),
            gwp_set=pl.lit(gwp_set),
        )
        .select(EMISSION_COLUMNS)
    )


def grid_factor_for_year(
    ref_grid_emission_factors: pl.LazyFrame, years: pl.LazyFrame, policy: GridFactorPolicy
) -> pl.LazyFrame:
    """One row per calculation year: the grid factor applied, and whether it is provisional.

    A year with a published factor uses it. A later year has none yet: under
    ``provisional_latest`` it borrows the latest published year's factor, flagged
    provisional; under ``leave_empty`` it gets no factor at all. Never a silent fill.
    """
    published = ref_grid_emission_factors.select("grid_year", "factor_id", "ef_tco2_per_mwh").sort(
        "grid_year"
    )
    exact = years.join(published, left_on="calc_year", right_on="grid_year", how="left")
    if policy == "provisional_latest":
        latest = years.sort("calc_year").join_asof(
            published, left_on="calc_year", right_on="grid_year", strategy="backward"
        )
        return latest.with_columns(
            factor_year=pl.col("grid_year"),
            is_factor_provisional=pl.col("grid_year") != pl.col("calc_year"),
        ).drop("grid_year")
    return exact.with_columns(
        factor_year=pl.when(pl.col("factor_id").is_not_null()).then(pl.col("calc_year")),
        is_factor_provisional=pl.col("factor_id").is_null(),
    )


def fct_grid_electricity_emissions(
    stg_submissions__activity_lines: pl.LazyFrame,
    ref_grid_emission_factors: pl.LazyFrame,
    policy: GridFactorPolicy,
) -> pl.LazyFrame:
    """One row per grid-electricity line: Scope 2 location-based emissions."""
    grid = stg_submissions__activity_lines.filter(pl.col("activity_code") == "ELEC_GRID")
    years = grid.select(calc_year=pl.col("reporting_month").dt.year().cast(pl.Int64)).unique()
    factors = grid_factor_for_year(
        ref_grid_emission_factors.with_columns(pl.col("grid_year").cast(pl.Int64)), years, policy
    )
    return (
        grid.with_columns(calc_year=pl.col("reporting_month").dt.year().cast(pl.Int64))
        .join(factors, on="calc_year", how="left")
        .with_columns(
            scope=pl.lit("scope2_location"),
            emissions_tco2e=pl.col("quantity_canonical") * pl.col("ef_tco2_per_mwh"),
            energy_tj=pl.lit(None, dtype=pl.Float64),
            co2_t=pl.lit(None, dtype=pl.Float64),
            ch4_t=pl.lit(None, dtype=pl.Float64),
            n2o_t=pl.lit(None, dtype=pl.Float64),
            gwp_set=pl.lit(None, dtype=pl.String),
        )
        .select(EMISSION_COLUMNS)
    )


def fct_emissions(
    fct_fuel_combustion_emissions: pl.LazyFrame, fct_grid_electricity_emissions: pl.LazyFrame
) -> pl.LazyFrame:
    """One row per emission source line (Scope 1 fuels, Scope 2 grid), with its lineage."""
    return pl.concat(
        [fct_fuel_combustion_emissions, fct_grid_electricity_emissions], how="vertical_relaxed"
    )


def _sum_or_null(which: pl.Expr, column: str = "quantity_canonical") -> pl.Expr:
    """The sum over matching lines; null when no line matches (not reported ≠ zero)."""
    return pl.when(which.any()).then(pl.col(column).filter(which).sum())


def fct_enterprise_monthly(
    stg_submissions__activity_lines: pl.LazyFrame, fct_emissions: pl.LazyFrame
) -> pl.LazyFrame:
    """One row per enterprise and month that has accepted lines: activity, energy, emissions.

    An activity with no accepted line is null, not zero: a rejected grid-electricity line
    leaves electricity and Scope 2 unknown (and the total with them) until resubmitted.
    """
    keys = ["tax_code", "period", "reporting_month"]
    lines = stg_submissions__activity_lines
    quantities = lines.group_by(keys).agg(
        *(
            _sum_or_null(pl.col("activity_code") == code).alias(column)
            for code, column in ACTIVITY_COLUMNS.items()
        ),
        output_quantity=pl.col("quantity_canonical")
        .filter(pl.col("activity_code") == "PRODUCTION_OUTPUT")
        .sum(),
        output_unit=pl.col("canonical_unit")
        .filter(pl.col("activity_code") == "PRODUCTION_OUTPUT")
        .first(),
        revision=pl.col("revision").max(),
        energy_toe=_sum_or_null(pl.col("energy_toe").is_not_null(), "energy_toe"),
        has_energy_without_toe=(
            pl.col("activity_code").is_in(ENERGY_ACTIVITIES) & pl.col("energy_toe").is_null()
        ).any(),
    )
    emissions = fct_emissions.group_by(keys).agg(
        scope1_tco2e=_sum_or_null(pl.col("scope") == "scope1", "emissions_tco2e"),
        scope2_location_tco2e=_sum_or_null(pl.col("scope") == "scope2_location", "emissions_tco2e"),
        has_missing_grid_factor=(pl.col("scope") == "scope2_location")
        .and_(pl.col("emissions_tco2e").is_null())
        .any(),
        has_provisional_grid_factor=pl.col("is_factor_provisional").any(),
        fuel_energy_gj=pl.col("energy_tj").sum() * 1000,
    )
    # No solar line means no solar: it does not make the electricity total unknown.
    electricity = pl.col("grid_electricity_mwh") + pl.col("solar_self_consumed_mwh").fill_null(0)
    return (
        quantities.join(emissions, on=keys, how="left")
        .with_columns(
            pl.col("has_missing_grid_factor", "has_provisional_grid_factor").fill_null(False),
            # An enterprise with no fuel line has no Scope 1: zero, not unknown.
            pl.col("scope1_tco2e").fill_null(0.0),
        )
        .with_columns(
            emissions_tco2e=pl.col("scope1_tco2e") + pl.col("scope2_location_tco2e"),
            renewable_share=pl.when(electricity > 0).then(
                pl.col("solar_self_consumed_mwh").fill_null(0) / electricity
            ),
            energy_gj=electricity * MJ_PER_KWH + pl.col("fuel_energy_gj").fill_null(0),
        )
    )


def dim_enterprises(
    ref_enterprises: pl.LazyFrame,
    ref_industrial_parks: pl.LazyFrame,
    ref_sectors: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per registered enterprise, with its park and sector."""
    parks = ref_industrial_parks.select("park_code", park_name_vi="name_vi", park_name_en="name_en")
    sectors = ref_sectors.select(
        "vsic_code", sector_label_vi="label_vi", sector_label_en="label_en"
    )
    return ref_enterprises.join(parks, on="park_code", how="left").join(
        sectors, on="vsic_code", how="left"
    )


def fct_submission_status(
    dim_enterprises: pl.LazyFrame, stg_submissions__files: pl.LazyFrame, periods: list[str]
) -> pl.LazyFrame:
    """One row per registered enterprise and period: submitted, revised or missing."""
    expected = dim_enterprises.select("tax_code", "park_code").join(
        pl.LazyFrame({"period": periods}), how="cross"
    )
    received = stg_submissions__files.group_by("tax_code", "period").agg(
        files_received=pl.len(),
        revision=pl.col("revision").filter(pl.col("is_current")).first(),
        file_name=pl.col("file_name").filter(pl.col("is_current")).first(),
        lines_quarantined=pl.col("lines_quarantined").filter(pl.col("is_current")).first(),
    )
    status = (
        pl.when(pl.col("files_received").is_null())
        .then(pl.lit("missing"))
        .when(pl.col("revision") > 1)
        .then(pl.lit("revised"))
        .otherwise(pl.lit("submitted"))
    )
    return expected.join(received, on=["tax_code", "period"], how="left").with_columns(
        submission_status=status,
        files_received=pl.col("files_received").fill_null(0),
        lines_quarantined=pl.col("lines_quarantined").fill_null(0),
    )


def _threshold(ref_regulatory_thresholds: pl.LazyFrame, threshold_id: str) -> float:
    rows = ref_regulatory_thresholds.filter(pl.col("threshold_id") == threshold_id)
    return float(rows.select("threshold_value").collect().item())


def _obligation_status(over: pl.Expr, months_known: pl.Expr) -> pl.Expr:
    """'over' as soon as known months reach it (more months only add), 'under' only on 12."""
    return (
        pl.when(over)
        .then(pl.lit("over"))
        .when(months_known == 12)
        .then(pl.lit("under"))
        .otherwise(pl.lit("undetermined"))
    )


def fct_enterprise_obligations(
    fct_submission_status: pl.LazyFrame,
    fct_enterprise_monthly: pl.LazyFrame,
    ref_regulatory_thresholds: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per registered enterprise and period: rolling-12-month and calendar-year totals
    and the Decree 06/2022 GHG-inventory and Decree 21/2011 key-energy-user status.

    Thresholds (≥ 3,000 tCO2e or ≥ 1,000 TOE per year for industrial production) come from
    reference.ref_regulatory_thresholds. A window with months not known can prove a threshold
    crossed, never that it is not: such a window is 'undetermined', not 'under'.
    """
    tco2e = _threshold(ref_regulatory_thresholds, "ND06-GHG-TCO2E")
    ghg_toe = _threshold(ref_regulatory_thresholds, "ND06-GHG-TOE")
    key_toe = _threshold(ref_regulatory_thresholds, "ND21-KEY-ENERGY-TOE")
    monthly = fct_enterprise_monthly.select("tax_code", "period", "emissions_tco2e", "energy_toe")
    known = pl.col("emissions_tco2e").is_not_null() & pl.col("energy_toe").is_not_null()
    year = pl.col("period").str.slice(0, 4)

    def rolling(column: str) -> pl.Expr:
        return pl.col(column).rolling_sum(12, min_samples=1).over("tax_code")

    def calendar(column: str) -> pl.Expr:
        return pl.col(column).cum_sum().over("tax_code", year)

    frame = (
        fct_submission_status.select("tax_code", "period")
        .join(monthly, on=["tax_code", "period"], how="left")
        .sort("tax_code", "period")
        .with_columns(
            known.cast(pl.Int32).alias("is_known"),
            pl.col("emissions_tco2e").fill_null(0.0).alias("_tco2e"),
            pl.col("energy_toe").fill_null(0.0).alias("_toe"),
        )
        .with_columns(
            rolling_12m_tco2e=rolling("_tco2e"),
            rolling_12m_toe=rolling("_toe"),
            rolling_12m_months_known=rolling("is_known"),
            calendar_ytd_tco2e=calendar("_tco2e"),
            calendar_ytd_toe=calendar("_toe"),
            calendar_ytd_months_known=calendar("is_known"),
        )
    )
    return frame.with_columns(
        ghg_inventory_rolling=_obligation_status(
            (pl.col("rolling_12m_tco2e") >= tco2e) | (pl.col("rolling_12m_toe") >= ghg_toe),
            pl.col("rolling_12m_months_known"),
        ),
        ghg_inventory_calendar=_obligation_status(
            (pl.col("calendar_ytd_tco2e") >= tco2e) | (pl.col("calendar_ytd_toe") >= ghg_toe),
            pl.col("calendar_ytd_months_known"),
        ),
        key_energy_user_rolling=_obligation_status(
            pl.col("rolling_12m_toe") >= key_toe, pl.col("rolling_12m_months_known")
        ),
        key_energy_user_calendar=_obligation_status(
            pl.col("calendar_ytd_toe") >= key_toe, pl.col("calendar_ytd_months_known")
        ),
    ).drop("_tco2e", "_toe", "is_known", "emissions_tco2e", "energy_toe")
