"""Scope 2 facts: purchased electricity, location-based (grid MWh × the national grid factor of
the calculation year, TT 38/2023/TT-BCT App. II §2 pt 3) and market-based (I-RECs, DPPA
supplier factors, the grid factor where no instrument applies: GHG Protocol Scope 2
Guidance). No IO here.
"""

from __future__ import annotations

import polars as pl

from transforms.emissions import EMISSION_COLUMNS, GridFactorPolicy, no_gases
from transforms.sums import stable_sum


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


def _grid_factors(
    lines: pl.LazyFrame, ref_grid_emission_factors: pl.LazyFrame, policy: GridFactorPolicy
) -> pl.LazyFrame:
    """``lines`` with the grid factor of their calculation year (see grid_factor_for_year)."""
    published = ref_grid_emission_factors.with_columns(
        pl.col("grid_year").cast(pl.Int64),
        factor_version=pl.col("registry_version").cast(pl.String),
    )
    calc_year = pl.col("reporting_month").dt.year().cast(pl.Int64).alias("calc_year")
    years = lines.select(calc_year).unique()
    factors = grid_factor_for_year(published, years, policy).join(
        published.select("factor_id", "factor_version"), on="factor_id", how="left"
    )
    return lines.with_columns(calc_year).join(factors, on="calc_year", how="left")


def fct_grid_electricity_emissions(
    stg_submissions__activity_lines: pl.LazyFrame,
    ref_grid_emission_factors: pl.LazyFrame,
    policy: GridFactorPolicy,
) -> pl.LazyFrame:
    """One row per grid-electricity line: Scope 2 location-based emissions.

    Self-consumed rooftop solar is not grid electricity: it carries no Scope 2. Exported
    solar is never subtracted from the grid purchase.
    """
    grid = stg_submissions__activity_lines.filter(pl.col("activity_code") == "ELEC_GRID")
    return (
        no_gases(_grid_factors(grid, ref_grid_emission_factors, policy))
        .with_columns(
            scope=pl.lit("scope2_location"),
            source_category=pl.lit("purchased_electricity"),
            scope2_market_basis=pl.lit(None, dtype=pl.String),
            emissions_tco2e=pl.col("quantity_canonical") * pl.col("ef_tco2_per_mwh"),
        )
        .select(EMISSION_COLUMNS)
    )


def fct_scope2_market_emissions(
    stg_submissions__activity_lines: pl.LazyFrame,
    ref_grid_emission_factors: pl.LazyFrame,
    ref_scope2_instruments: pl.LazyFrame,
    ref_electricity_contracts: pl.LazyFrame,
    policy: GridFactorPolicy,
) -> pl.LazyFrame:
    """One row per grid, I-REC or DPPA line: Scope 2 market-based emissions.

    Instruments (I-RECs retired, DPPA volumes) claim part of the month's purchased grid
    electricity; together they can claim at most all of it (``cap_share`` scales them down
    otherwise). I-RECs carry their certificate's factor (renewable: 0). DPPA volumes carry
    the supplier factor of the enterprise's registered contract, or the grid factor when
    none is given. The unclaimed residual has no Vietnamese residual mix to use, so it falls
    back to the national grid factor. ``scope2_market_basis`` names the rule on every row.
    """
    lines = stg_submissions__activity_lines.filter(
        pl.col("activity_code").is_in(["ELEC_GRID", "ELEC_IREC_RETIRED", "ELEC_DPPA"])
    )
    irec = ref_scope2_instruments.filter(pl.col("instrument") == "IREC").select(
        irec_factor_id="factor_id",
        irec_ef="ef_tco2_per_mwh",
        irec_version=pl.col("registry_version").cast(pl.String),
    )
    with_factors = (
        _grid_factors(lines, ref_grid_emission_factors, policy)
        .join(_claims(lines), on=["tax_code", "period"], how="left")
        .join(irec, how="cross")
        .join(
            _dppa_contracts(lines, ref_electricity_contracts), on=["sha256", "line_no"], how="left"
        )
    )
    return (
        no_gases(with_factors)
        .with_columns(_market_rule())
        .with_columns(emissions_tco2e=pl.col("quantity_canonical") * _market_factor())
        .select(EMISSION_COLUMNS)
    )


CODE = pl.col("activity_code")
# A DPPA line with its registered seller's factor; any other DPPA line takes the grid's.
DPPA_SUPPLIER = (CODE == "ELEC_DPPA") & pl.col("contract_ef").is_not_null()


def _claims(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Per enterprise-month: the grid MWh purchased and the MWh instruments claim of it."""
    return lines.group_by("tax_code", "period").agg(
        grid_mwh=stable_sum(pl.col("quantity_canonical").filter(CODE == "ELEC_GRID")),
        claimed_mwh=stable_sum(pl.col("quantity_canonical").filter(CODE != "ELEC_GRID")),
    )


def _dppa_contracts(lines: pl.LazyFrame, ref_electricity_contracts: pl.LazyFrame) -> pl.LazyFrame:
    """Each DPPA line's contract in force for its month (the lowest id when several)."""
    return (
        lines.filter(CODE == "ELEC_DPPA")
        .select("sha256", "line_no", "tax_code", "period")
        .join(ref_electricity_contracts, on="tax_code", how="inner")
        .filter(
            (pl.col("period") >= pl.col("valid_from"))
            & (pl.col("valid_to").is_null() | (pl.col("period") <= pl.col("valid_to")))
        )
        .group_by("sha256", "line_no")
        .agg(
            contract_id=pl.col("contract_id").sort().first(),
            contract_ef=pl.col("supplier_ef_tco2_per_mwh").sort_by("contract_id").first(),
        )
    )


def _market_rule() -> list[pl.Expr]:
    """Which rule each line follows, the share of its MWh it counts, and the factor row."""
    cap_share = (
        pl.when(pl.col("claimed_mwh") > pl.col("grid_mwh"))
        .then(pl.col("grid_mwh") / pl.col("claimed_mwh"))
        .otherwise(1.0)
    )
    unclaimed = (pl.col("grid_mwh") - pl.col("claimed_mwh")).clip(lower_bound=0)
    residual_share = (
        pl.when(pl.col("grid_mwh") > 0).then(unclaimed / pl.col("grid_mwh")).otherwise(0.0)
    )
    basis = (
        pl.when(CODE == "ELEC_GRID")
        .then(pl.lit("residual_grid_factor"))
        .when(CODE == "ELEC_IREC_RETIRED")
        .then(pl.lit("irec"))
        .when(DPPA_SUPPLIER)
        .then(pl.lit("dppa_supplier_factor"))
        .otherwise(pl.lit("dppa_grid_factor_fallback"))
    )
    grid_rule = (CODE == "ELEC_GRID") | ((CODE == "ELEC_DPPA") & ~DPPA_SUPPLIER)
    share = pl.when(CODE == "ELEC_GRID").then(residual_share).otherwise(cap_share)
    return [
        pl.lit("scope2_market").alias("scope"),
        pl.lit("purchased_electricity").alias("source_category"),
        basis.alias("scope2_market_basis"),
        (pl.col("quantity_canonical") * share).alias("quantity_canonical"),
        pl.when(CODE == "ELEC_IREC_RETIRED")
        .then(pl.col("irec_factor_id"))
        .when(DPPA_SUPPLIER)
        .then(pl.col("contract_id"))
        .otherwise(pl.col("factor_id"))
        .alias("factor_id"),
        pl.when(CODE == "ELEC_IREC_RETIRED")
        .then(pl.col("irec_version"))
        .when(DPPA_SUPPLIER)
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("factor_version"))
        .alias("factor_version"),
        pl.when(grid_rule).then(pl.col("factor_year")).alias("factor_year"),
        pl.when(grid_rule)
        .then(pl.col("is_factor_provisional"))
        .otherwise(pl.lit(False))
        .alias("is_factor_provisional"),
    ]


def _market_factor() -> pl.Expr:
    return (
        pl.when(CODE == "ELEC_IREC_RETIRED")
        .then(pl.col("irec_ef"))
        .when(DPPA_SUPPLIER)
        .then(pl.col("contract_ef"))
        .otherwise(pl.col("ef_tco2_per_mwh"))
    )
