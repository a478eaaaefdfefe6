"""What a period's reports say beside the figures: the lines rejected, the files sent twice,
the restatements, the warnings, the factors applied and when the data last changed. Each
table is keyed by ``period`` so that a report reads its period's rows and nothing else.
No IO here.
"""

from __future__ import annotations

import polars as pl

from transforms.pathway import PATHWAY_COLUMNS, province_annual, province_pathway
from transforms.periods import month_start, period_index_expr, periods_ending
from transforms.submission_contract import FIELD_LABELS

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
        .with_columns(
            field_label_vi=_field_label(0),
            field_label_en=_field_label(1),
        )
        .with_columns(month_start())
    )


def _field_label(language: int) -> pl.Expr:
    """The label of a rejected line's field in one language; null for a field the
    contract does not name ("file": the whole file)."""
    labels = {field: pair[language] for field, pair in FIELD_LABELS.items()}
    return pl.col("field").replace_strict(labels, default=None, return_dtype=pl.String)


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


def rpt_receipts(
    ops_file_ledger: pl.LazyFrame, stg_submissions__file_keys: pl.LazyFrame
) -> pl.LazyFrame:
    """One row per file received for an enterprise-month and the receipt its sender got:
    the month the file is for, the enterprise, the file's name, sha256, when the intake saw
    it and what it did with it (landed, duplicate). The period's index links each."""
    keys = stg_submissions__file_keys.select("sha256", "tax_code", "period").unique()
    # A file seen again after a run was killed before it left the inbox (a duplicate) has
    # one ledger row per sighting: it is one file, with one receipt, from when first seen.
    return (
        ops_file_ledger.filter(pl.col("status") != "already_landed")
        .join(keys, on="sha256", how="inner")
        .group_by("period", "tax_code", "file_name", "sha256", "status")
        .agg(pl.col("seen_at").min())
        .select("period", "tax_code", "file_name", "sha256", "seen_at", "status")
        .sort("period", "tax_code", "seen_at", "file_name")
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
    fct_data_quality_warnings: pl.LazyFrame,
    dim_enterprises: pl.LazyFrame,
    ref_activities: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per warning of a period, with the enterprise's name and the activity's label."""
    labels = ref_activities.select(
        "activity_code", activity_label_vi="label_vi", activity_label_en="label_en"
    )
    return (
        fct_data_quality_warnings.join(
            dim_enterprises.select("tax_code", "name_vi"), on="tax_code", how="inner"
        )
        .join(labels, on="activity_code", how="left")
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
    period (transforms/pathway.province_pathway)."""
    # Only the columns it reads: collected whole, the table is 144 columns × every month.
    monthly = rpt_enterprise_monthly.select(list(dict.fromkeys(PATHWAY_COLUMNS))).collect()
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
    the period's and the 12 months ending at it (transforms/pathway.province_annual)."""
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
