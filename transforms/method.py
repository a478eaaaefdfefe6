"""The method section's tables: every factor a period's figures rest on, with its
published digits and source, and the GWP values used. No IO here."""

from __future__ import annotations

import polars as pl

from transforms.periods import month_start


def _digits(value: float | None) -> int:
    """A factor as published: no decimals it does not have (3.9 stays 3,9, 74,100 stays)."""
    if value is None or value % 1 == 0:
        return 0
    return len(f"{value:g}".split(".")[1])


def _part(
    factors: pl.LazyFrame, part_no: int, part: str, value: str, digits: int | None
) -> pl.LazyFrame:
    fixed = pl.lit(digits, pl.Int32) if digits is not None else None
    return factors.select(
        "period",
        "section",
        "factor_id",
        pl.lit(part_no, pl.Int32).alias("part_no"),
        pl.lit(part).alias("part"),
        pl.col(value).cast(pl.Float64).alias("value"),
        (fixed if fixed is not None else pl.col(value).map_elements(_digits, pl.Int32)).alias(
            "digits"
        ),
        "unit",
        "source",
        "not_verified",
        "note_vi",
        "note_en",
    )


def _nonempty(column: str) -> pl.Expr:
    return pl.when(pl.col(column) != "").then(pl.col(column))


NO_NOTE = {
    "not_verified": pl.lit(None, pl.String),
    "note_vi": pl.lit(None, pl.String),
    "note_en": pl.lit(None, pl.String),
}


def rpt_method_factors(
    fct_emissions: pl.LazyFrame,
    stg_submissions__activity_lines: pl.LazyFrame,
    dim_periods: pl.LazyFrame,
    ref_grid_emission_factors: pl.LazyFrame,
    ref_fuel_combustion_factors: pl.LazyFrame,
    ref_mobile_combustion_factors: pl.LazyFrame,
    ref_scope2_instruments: pl.LazyFrame,
    ref_electricity_contracts: pl.LazyFrame,
    ref_fuel_densities: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per period, factor and part of its value (a fuel's NCV and its CO2, CH4 and
    N2O factors): every factor a period's figures rest on, with its source, in the order
    the method section lists them (grid, fuels, instruments and contracts, densities). The
    residual-mix fallback is listed in every period."""
    used = fct_emissions.select("period", "factor_id").unique()
    grid = _grid(ref_grid_emission_factors, used)
    fuels = _fuels(ref_fuel_combustion_factors, ref_mobile_combustion_factors, used)
    instruments = _instruments(ref_scope2_instruments, ref_electricity_contracts, used, dim_periods)
    densities = _densities(ref_fuel_densities, stg_submissions__activity_lines)
    parts = [
        _part(grid, 1, "", "ef_tco2_per_mwh", 4),
        _part(fuels, 1, "NCV", "ncv_tj_per_gg", 1),
        _part(fuels, 2, "CO₂", "co2_kg_per_tj", None),
        _part(fuels, 3, "CH₄", "ch4_kg_per_tj", None),
        _part(fuels, 4, "N₂O", "n2o_kg_per_tj", None),
        _part(instruments, 1, "", "ef_tco2_per_mwh", 4),
        _part(densities, 1, "", "density_t_per_m3", 5),
    ]
    return (
        pl.concat(parts)
        .sort("period", "section", "factor_id", "part_no")
        .with_columns(month_start())
    )


def _grid(ref_grid_emission_factors: pl.LazyFrame, used: pl.LazyFrame) -> pl.LazyFrame:
    return ref_grid_emission_factors.join(used, on="factor_id").select(
        "period",
        "factor_id",
        "ef_tco2_per_mwh",
        section=pl.lit(1),
        unit=pl.format("tCO₂/MWh ({})", "grid_year"),
        source=pl.concat_str(
            [_nonempty("publishing_document"), _nonempty("source")],
            separator="; ",
            ignore_nulls=True,
        ),
        **NO_NOTE,
    )


def _fuels(
    ref_fuel_combustion_factors: pl.LazyFrame,
    ref_mobile_combustion_factors: pl.LazyFrame,
    used: pl.LazyFrame,
) -> pl.LazyFrame:
    columns = ["factor_id", "ncv_tj_per_gg", "co2_kg_per_tj", "ch4_kg_per_tj", "n2o_kg_per_tj"]
    mobile_source = pl.col("source") + "; NCV: " + pl.col("ncv_source")
    verified = _nonempty("not_verified").alias("not_verified")
    return (
        pl.concat(
            [
                ref_fuel_combustion_factors.select(*columns, "source", verified),
                ref_mobile_combustion_factors.select(
                    *columns, mobile_source.alias("source"), verified
                ),
            ],
            how="vertical_relaxed",
        )
        .join(used, on="factor_id")
        .with_columns(
            section=pl.lit(2),
            unit=pl.lit("TJ/Gg · kg/TJ"),
            note_vi=pl.lit(None, pl.String),
            note_en=pl.lit(None, pl.String),
        )
    )


def _instruments(
    ref_scope2_instruments: pl.LazyFrame,
    ref_electricity_contracts: pl.LazyFrame,
    used: pl.LazyFrame,
    dim_periods: pl.LazyFrame,
) -> pl.LazyFrame:
    """The instruments and DPPA contracts applied; the residual fallback applies whenever
    no instrument covers electricity: every period."""
    residual = pl.col("instrument") == "RESIDUAL"
    columns = [
        "period",
        "factor_id",
        "ef_tco2_per_mwh",
        "source",
        _nonempty("not_verified").alias("not_verified"),
        _nonempty("note_vi").alias("note_vi"),
        _nonempty("note_en").alias("note_en"),
    ]
    return pl.concat(
        [
            ref_scope2_instruments.filter(~residual).join(used, on="factor_id").select(columns),
            ref_scope2_instruments.filter(residual)
            .join(dim_periods.select("period"), how="cross")
            .select(columns),
            ref_electricity_contracts.join(
                used, left_on="contract_id", right_on="factor_id"
            ).select(
                "period",
                factor_id="contract_id",
                ef_tco2_per_mwh="supplier_ef_tco2_per_mwh",
                source="evidence",
                not_verified=pl.lit(None, pl.String),
                note_vi="generator_vi",
                note_en="generator_en",
            ),
        ],
        how="vertical_relaxed",
    ).with_columns(section=pl.lit(3), unit=pl.lit("tCO₂/MWh"))


def _densities(
    ref_fuel_densities: pl.LazyFrame, stg_submissions__activity_lines: pl.LazyFrame
) -> pl.LazyFrame:
    used = stg_submissions__activity_lines.select(
        "period", pl.col("conversion_factor_id").alias("density_id")
    ).unique()
    return ref_fuel_densities.join(used, on="density_id").select(
        "period",
        "density_t_per_m3",
        factor_id="density_id",
        section=pl.lit(4),
        unit=pl.lit("t/m³"),
        source="source",
        not_verified=_nonempty("not_verified"),
        note_vi="note_vi",
        note_en="note_en",
    )


def rpt_method_gwp(ref_gwp: pl.LazyFrame, gwp_set: str) -> pl.LazyFrame:
    """One row per gas of the GWP set the figures use (configuration), with its value as
    published."""
    return (
        ref_gwp.filter(pl.col("gwp_set") == gwp_set)
        .select(
            "gwp_set",
            "gas",
            "gwp_100yr",
            digits=pl.when(pl.col("gwp_100yr") % 1 == 0).then(0).otherwise(1).cast(pl.Int32),
        )
        .sort("gas")
    )
