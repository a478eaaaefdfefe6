"""Emission facts: one row per source line and method, with its lineage. No IO here.
Scope 2 (grid electricity, location- and market-based) is in scope2.py.

Scope 1 (stationary combustion) follows TT 38/2023/TT-BCT App. II §2:
emissions = AD (TJ) × EF (kg/TJ) × GWP / 1000. Scope 2 (location-based) is grid MWh ×
the national grid factor of the calculation year (TT 38 App. II §2 pt 3).
"""

from __future__ import annotations

from typing import Literal

import polars as pl

GridFactorPolicy = Literal["provisional_latest", "leave_empty"]


EMISSION_COLUMNS = [
    "tax_code",
    "period",
    "reporting_month",
    "activity_code",
    "scope",
    "source_category",
    "scope2_market_basis",
    "quantity_canonical",
    "canonical_unit",
    "energy_tj",
    "co2_t",
    "ch4_t",
    "n2o_t",
    "biogenic_co2_t",
    "emissions_tco2e",
    "factor_id",
    "factor_version",
    "factor_year",
    "is_factor_provisional",
    "gwp_set",
    "sha256",
    "line_no",
]


GAS_COLUMNS = ("energy_tj", "co2_t", "ch4_t", "n2o_t", "biogenic_co2_t")


def _gwp(ref_gwp: pl.LazyFrame, gwp_set: str, gas: str) -> pl.Expr:
    value = ref_gwp.filter((pl.col("gwp_set") == gwp_set) & (pl.col("gas") == gas))
    return pl.lit(value.select("gwp_100yr").collect().item(), dtype=pl.Float64)


def _combustion_factors(
    ref_fuel_combustion_factors: pl.LazyFrame, ref_mobile_combustion_factors: pl.LazyFrame
) -> pl.LazyFrame:
    """Stationary (IPCC 2006) and mobile (QĐ 2626) factors, one row per fuel and use."""
    columns = ["fuel_code", "factor_id", "ncv_tj_per_gg", "co2_kg_per_tj", "ch4_kg_per_tj"]
    columns += ["n2o_kg_per_tj", "is_biogenic", "factor_version", "combustion"]
    stationary = ref_fuel_combustion_factors.with_columns(
        pl.col("is_biogenic").cast(pl.Boolean),
        factor_version=pl.col("registry_version").cast(pl.String),
        combustion=pl.lit("stationary"),
    ).select(columns)
    mobile = ref_mobile_combustion_factors.with_columns(
        is_biogenic=pl.lit(False),
        factor_version=pl.col("registry_version").cast(pl.String),
        combustion=pl.lit("mobile"),
    ).select(columns)
    return pl.concat([stationary, mobile], how="vertical_relaxed")


def fct_fuel_combustion_emissions(
    stg_submissions__activity_lines: pl.LazyFrame,
    ref_activities: pl.LazyFrame,
    ref_fuel_combustion_factors: pl.LazyFrame,
    ref_mobile_combustion_factors: pl.LazyFrame,
    ref_gwp: pl.LazyFrame,
    gwp_set: str,
) -> pl.LazyFrame:
    """One row per fuel line: energy (TJ), CO2, CH4, N2O and CO2e in tonnes (Scope 1).

    Stationary fuels take IPCC 2006 factors, mobile fuels QĐ 2626 road factors (NCV from
    IPCC Table 1.2 either way). Biomass CO2 is biogenic: it goes to ``biogenic_co2_t``,
    outside ``emissions_tco2e``; its CH4 and N2O stay in the fossil total.
    """
    fuels = ref_activities.filter(pl.col("category") == "fuel").select(
        "activity_code", "fuel_code", "combustion"
    )
    factors = _combustion_factors(ref_fuel_combustion_factors, ref_mobile_combustion_factors)
    tj = pl.col("quantity_canonical") / 1000 * pl.col("ncv_tj_per_gg")  # t → Gg → TJ
    co2, ch4, n2o = (tj * pl.col(f"{gas}_kg_per_tj") / 1000 for gas in ("co2", "ch4", "n2o"))
    biogenic = pl.col("is_biogenic").fill_null(False)
    fossil_co2 = pl.when(biogenic).then(0.0).otherwise(pl.col("co2_t"))
    return (
        stg_submissions__activity_lines.join(fuels, on="activity_code", how="inner")
        .join(factors, on=["fuel_code", "combustion"], how="left")
        .with_columns(energy_tj=tj, co2_t=co2, ch4_t=ch4, n2o_t=n2o)
        .with_columns(
            scope=pl.lit("scope1"),
            source_category=pl.col("combustion") + "_combustion",
            scope2_market_basis=pl.lit(None, dtype=pl.String),
            biogenic_co2_t=pl.when(biogenic).then(pl.col("co2_t")).otherwise(0.0),
            emissions_tco2e=fossil_co2 * _gwp(ref_gwp, gwp_set, "CO2")
            + pl.col("ch4_t") * _gwp(ref_gwp, gwp_set, "CH4")
            + pl.col("n2o_t") * _gwp(ref_gwp, gwp_set, "N2O"),
            factor_year=pl.lit(None, dtype=pl.Int64),
            is_factor_provisional=pl.lit(False),
            gwp_set=pl.lit(gwp_set),
        )
        .select(EMISSION_COLUMNS)
    )


def no_gases(frame: pl.LazyFrame) -> pl.LazyFrame:
    return frame.with_columns(
        *(pl.lit(None, dtype=pl.Float64).alias(c) for c in GAS_COLUMNS),
        gwp_set=pl.lit(None, dtype=pl.String),
    )
