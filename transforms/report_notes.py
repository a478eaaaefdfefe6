"""What a period's reports say beside the figures: the lines rejected, the files sent twice,
the restatements, the warnings, the factors applied and when the data last changed. Each
table is keyed by ``period`` so that a report reads its period's rows and nothing else.
No IO here.
"""

from __future__ import annotations

import polars as pl

from transforms.periods import month_start, period_index_expr, periods_ending
from transforms.reports import province_annual, province_pathway

QUARANTINED = ["file_name", "line_no", "field", "value", "rule", "reason_vi", "reason_en"]


def rpt_quarantined_lines(
    ops_quarantine: pl.LazyFrame, stg_submissions__files: pl.LazyFrame, ops_runs: pl.LazyFrame
) -> pl.LazyFrame:
    """One row per rejected line or file named in a period's reports: a line of a revision
    in force under its enterprise and month; a whole file that could not be read (it names
    no enterprise-month) under the period of the run that received it."""
    files = stg_submissions__files.filter(pl.col("is_current")).select(
        "sha256", "period", "tax_code"
    )
    lines = ops_quarantine.join(files, on="sha256", how="inner").select(
        "period", "tax_code", *QUARANTINED
    )
    whole_files = (
        ops_quarantine.filter(pl.col("line_no").is_null())
        .join(ops_runs.select("run_id", "period").drop_nulls("period"), on="run_id", how="inner")
        .select("period", pl.lit(None, pl.String).alias("tax_code"), *QUARANTINED)
    )
    return (
        pl.concat([lines, whole_files])
        .sort("period", "file_name", "line_no", "rule", nulls_last=True)
        .with_columns(month_start())
    )


def rpt_duplicate_files(
    ops_file_ledger: pl.LazyFrame, stg_submissions__files: pl.LazyFrame
) -> pl.LazyFrame:
    """One row per period and file name received again with content already landed."""
    return (
        ops_file_ledger.filter(pl.col("status") == "duplicate")
        .join(stg_submissions__files.select("sha256", "period"), on="sha256", how="inner")
        .select("period", "file_name")
        .unique()
        .sort("period", "file_name")
        .with_columns(month_start())
    )


def rpt_restatements(fct_restatements: pl.LazyFrame, dim_enterprises: pl.LazyFrame) -> pl.LazyFrame:
    """One row per restatement a period's reports name (``period``): a revision of an
    earlier, closed month (``restated_period``), with the figures before and after."""
    return (
        fct_restatements.filter(pl.col("is_restatement"))
        .join(dim_enterprises.select("tax_code", "name_vi"), on="tax_code", how="inner")
        .select(
            pl.col("named_in_period").alias("period"),
            "tax_code",
            "name_vi",
            pl.col("period").alias("restated_period"),
            "previous_revision",
            "revision",
            "previous_emissions_tco2e",
            "emissions_tco2e",
            "emissions_change_tco2e",
        )
        .sort("period", "tax_code", "restated_period", "revision")
        .with_columns(month_start())
    )


def rpt_data_quality_warnings(
    fct_data_quality_warnings: pl.LazyFrame, dim_enterprises: pl.LazyFrame
) -> pl.LazyFrame:
    """One row per warning of a period, with the enterprise's name."""
    return (
        fct_data_quality_warnings.join(
            dim_enterprises.select("tax_code", "name_vi"), on="tax_code", how="inner"
        )
        .sort("period", "tax_code", "activity_code", "rule")
        .with_columns(month_start())
    )


def rpt_factor_users(
    fct_emissions: pl.LazyFrame, stg_submissions__activity_lines: pl.LazyFrame
) -> pl.LazyFrame:
    """One row per period, factor row and enterprise it was applied to: emission factors
    and the densities that converted volumes to mass."""
    emission = fct_emissions.select("period", "factor_id", "tax_code")
    conversion = stg_submissions__activity_lines.select(
        "period", pl.col("conversion_factor_id").alias("factor_id"), "tax_code"
    )
    return (
        pl.concat([emission, conversion])
        .drop_nulls("factor_id")
        .unique()
        .sort("period", "factor_id", "tax_code")
        .with_columns(month_start())
    )


def _digits(value: float | None) -> int:
    """A factor as published: no decimals it does not have (3.9 stays 3,9, 74,100 stays)."""
    if value is None or value % 1 == 0:
        return 0
    return len(f"{value:g}".split(".")[1])


FACTOR_COLUMNS = ["factor_id", "part_no", "part", "value", "digits", "unit", "source"]


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
    )


def _nonempty(column: str) -> pl.Expr:
    return pl.when(pl.col(column) != "").then(pl.col(column))


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
    densities_used = stg_submissions__activity_lines.select(
        "period", pl.col("conversion_factor_id").alias("density_id")
    ).unique()
    grid = ref_grid_emission_factors.join(used, on="factor_id").select(
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
    )
    fuel_columns = ["factor_id", "ncv_tj_per_gg", "co2_kg_per_tj", "ch4_kg_per_tj"]
    fuels = (
        pl.concat(
            [
                ref_fuel_combustion_factors.select(*fuel_columns, "n2o_kg_per_tj", "source"),
                ref_mobile_combustion_factors.select(
                    *fuel_columns,
                    "n2o_kg_per_tj",
                    source=pl.col("source") + "; NCV: " + pl.col("ncv_source"),
                ),
            ],
            how="vertical_relaxed",
        )
        .join(used, on="factor_id")
        .with_columns(section=pl.lit(2), unit=pl.lit("TJ/Gg · kg/TJ"))
    )
    # The residual fallback applies whenever no instrument covers electricity: every period.
    residual = pl.col("instrument") == "RESIDUAL"
    instrument_columns = [
        "period",
        "factor_id",
        "ef_tco2_per_mwh",
        (pl.col("source") + " " + pl.col("note").fill_null("")).alias("source"),
    ]
    instruments = pl.concat(
        [
            ref_scope2_instruments.filter(~residual)
            .join(used, on="factor_id")
            .select(instrument_columns),
            ref_scope2_instruments.filter(residual)
            .join(dim_periods.select("period"), how="cross")
            .select(instrument_columns),
            ref_electricity_contracts.join(
                used, left_on="contract_id", right_on="factor_id"
            ).select(
                "period",
                factor_id="contract_id",
                ef_tco2_per_mwh="supplier_ef_tco2_per_mwh",
                source=pl.col("generator_vi")
                + " / "
                + pl.col("generator_en")
                + ": "
                + pl.col("evidence"),
            ),
        ],
        how="vertical_relaxed",
    ).with_columns(section=pl.lit(3), unit=pl.lit("tCO₂/MWh"))
    densities = ref_fuel_densities.join(densities_used, on="density_id").select(
        "period",
        "density_t_per_m3",
        factor_id="density_id",
        section=pl.lit(4),
        unit=pl.lit("t/m³"),
        source=pl.col("source") + ". " + pl.col("note"),
    )
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


def rpt_register_facts(
    ref_enterprises: pl.LazyFrame, ref_grid_emission_factors: pl.LazyFrame
) -> pl.LazyFrame:
    """One row: whether the register is the demo's invented one, and the factor registry's
    version, as every report's stamp prints them."""
    return ref_enterprises.select(is_fictional=pl.col("is_fictional").any()).join(
        ref_grid_emission_factors.select(registry_version=pl.col("registry_version").max()),
        how="cross",
    )


def rpt_data_as_of(stg_submissions__files: pl.LazyFrame, dim_periods: pl.LazyFrame) -> pl.LazyFrame:
    """One row per period and enterprise: when its data up to that month last changed (the
    latest arrival of a file for that month or an earlier one). A report is dated by it,
    never by the clock: the same data gives the same report, byte for byte."""
    arrival = pl.coalesce("received_at", "landed_at")
    latest = (
        stg_submissions__files.drop_nulls("period")
        .group_by("tax_code", "period")
        .agg(latest_arrival=arrival.max())
        .with_columns(index=period_index_expr(pl.col("period")))
        .drop_nulls("index")  # a refused file's period as typed: no month to date
        .sort("tax_code", "index")
        .with_columns(pl.col("latest_arrival").cum_max().over("tax_code"))
    )
    expected = (
        latest.select("tax_code")
        .unique()
        .join(dim_periods.select("period"), how="cross")
        .with_columns(index=period_index_expr(pl.col("period")))
        .sort("index")
    )
    return (
        expected.join_asof(
            latest.select("tax_code", "index", "latest_arrival").sort("index"),
            on="index",
            by="tax_code",
            strategy="backward",
            check_sortedness=False,  # sorted on index above; by-groups cannot be checked
        )
        .drop_nulls("latest_arrival")
        .select("period", "tax_code", "latest_arrival")
        .sort("period", "tax_code", nulls_last=True)
        .with_columns(month_start())
    )


def rpt_province_pathway(
    rpt_enterprise_monthly: pl.LazyFrame, dim_periods: pl.LazyFrame
) -> pl.LazyFrame:
    """One row per period and calendar year from the earliest baseline year to 2050: the
    province's path in tCO2e as its reports draw it, from the 12 months ending at the
    period (transforms/reports.province_pathway)."""
    monthly = rpt_enterprise_monthly.collect()
    frames = []
    for period in dim_periods.select("period").collect().to_series():
        window = monthly.filter(pl.col("period").is_in(periods_ending(period, 12)))
        if len(window):
            frames.append(province_pathway(window, period).with_columns(period=pl.lit(period)))
    return _per_period(frames, province_pathway(monthly.clear(), "2000-01"))


def rpt_province_annual(
    rpt_province_monthly: pl.LazyFrame, dim_periods: pl.LazyFrame
) -> pl.LazyFrame:
    """One row per period and point of its long-range chart: complete calendar years before
    the period's and the 12 months ending at it (transforms/reports.province_annual)."""
    monthly = rpt_province_monthly.collect()
    frames = [
        province_annual(monthly, period).with_columns(period=pl.lit(period))
        for period in dim_periods.select("period").collect().to_series()
    ]
    return _per_period(frames, province_annual(monthly.clear(), "2000-01"))


def _per_period(frames: list[pl.DataFrame], empty: pl.DataFrame) -> pl.LazyFrame:
    """The frames of each period stacked, ``period`` first (none: ``empty``'s columns)."""
    columns = ["period", *empty.columns]
    if not frames:
        frame = empty.with_columns(period=pl.lit(None, pl.String)).select(columns)
    else:
        frame = pl.concat(frames).select(columns)
    return frame.lazy().with_columns(month_start())
