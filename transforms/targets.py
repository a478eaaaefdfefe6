"""Targets and progress: each enterprise's path to net zero, and where it stands. No IO here.

A path is piecewise linear through the enterprise's declared points: the baseline year at
its baseline, the interim target year at baseline × (1 − reduction) if one is declared,
and zero in the net-zero year (2050 by default). Before the baseline year the path is the
baseline; after the net-zero year it is zero.

Absolute targets compare tCO2e with the path's tCO2e, one twelfth of the year's value per
month. Intensity targets become an emission budget month by month: the path's intensity of
the year × that month's output. Either way, a month counts on both sides only if its
emissions (and for intensity, its output) are known: a partial year is compared with the
same months of the path, never with a whole year, and never with zeros for missing months.
The emissions are Scope 1 + Scope 2 location-based, the basis of the declared baselines.
"""

from __future__ import annotations

import polars as pl

STATUSES = ("ahead", "on_track", "behind", "undetermined")


def path_value(
    year: pl.Expr,
    baseline_year: pl.Expr,
    baseline: pl.Expr,
    target_year: pl.Expr,
    target_reduction_pct: pl.Expr,
    net_zero_year: pl.Expr,
) -> pl.Expr:
    """The path's annual value (tCO2e, or tCO2e per output unit) for ``year``."""
    year = year.cast(pl.Float64)
    b_year = baseline_year.cast(pl.Float64)
    nz_year = net_zero_year.cast(pl.Float64)
    has_interim = target_year.is_not_null() & target_reduction_pct.is_not_null()
    t_year = target_year.cast(pl.Float64)
    t_value = baseline * (1 - target_reduction_pct / 100)

    def line(x0: pl.Expr, y0: pl.Expr, x1: pl.Expr, y1: pl.Expr) -> pl.Expr:
        return y0 + (y1 - y0) * (year - x0) / (x1 - x0)

    return (
        pl.when(year <= b_year)
        .then(baseline)
        .when(year >= nz_year)
        .then(pl.lit(0.0))
        .when(has_interim & (year <= t_year))
        .then(line(b_year, baseline, t_year, t_value))
        .when(has_interim)
        .then(line(t_year, t_value, nz_year, pl.lit(0.0)))
        .otherwise(line(b_year, baseline, nz_year, pl.lit(0.0)))
    )


TARGET_COLUMNS = (
    "tax_code",
    "target_type",
    "baseline_year",
    "baseline_tco2e",
    "baseline_intensity",
    "target_year",
    "target_reduction_pct",
    "net_zero_year",
)
IS_INTENSITY = pl.col("target_type") == "intensity"


def declared_path(year: pl.Expr) -> pl.Expr:
    """``path_value`` of the enterprise's declared target (the TARGET_COLUMNS) for ``year``:
    tCO2e for an absolute target, tCO2e per output unit for an intensity target."""
    return path_value(
        year,
        pl.col("baseline_year"),
        pl.when(IS_INTENSITY)
        .then(pl.col("baseline_intensity"))
        .otherwise(pl.col("baseline_tco2e")),
        pl.col("target_year"),
        pl.col("target_reduction_pct"),
        pl.col("net_zero_year").fill_null(2050),
    )


def _status(ratio: pl.Expr, tolerance: float) -> pl.Expr:
    return (
        pl.when(ratio.is_null())
        .then(pl.lit("undetermined"))
        .when(ratio < 1 - tolerance)
        .then(pl.lit("ahead"))
        .when(ratio <= 1 + tolerance)
        .then(pl.lit("on_track"))
        .otherwise(pl.lit("behind"))
    )


def _ratio(actual: str, path: str) -> pl.Expr:
    return pl.when(pl.col(path) > 0).then(pl.col(actual) / pl.col(path))


def fct_enterprise_progress(
    dim_enterprises: pl.LazyFrame,
    fct_submission_status: pl.LazyFrame,
    fct_enterprise_monthly: pl.LazyFrame,
    tolerance: float,
) -> pl.LazyFrame:
    """One row per registered enterprise and period: path, year to date, rolling 12 months,
    year on year and against baseline, and the status (ahead / on_track / behind)."""
    targets = dim_enterprises.select(TARGET_COLUMNS)
    monthly = fct_enterprise_monthly.select(
        "tax_code", "period", "emissions_tco2e", "output_quantity"
    )
    is_intensity = IS_INTENSITY
    year = pl.col("period").str.slice(0, 4).cast(pl.Int32)
    annual = declared_path(year)
    path_month = (
        pl.when(is_intensity)
        .then(pl.col("path_annual") * pl.col("output_quantity"))
        .otherwise(pl.col("path_annual") / 12)
    )
    known = pl.col("emissions_tco2e").is_not_null() & pl.col("path_month_tco2e").is_not_null()

    def ytd(column: str) -> pl.Expr:
        return pl.col(column).cum_sum().over("tax_code", "calendar_year")

    def rolling(column: str) -> pl.Expr:
        return pl.col(column).rolling_sum(12, min_samples=1).over("tax_code")

    frame = (
        fct_submission_status.select("tax_code", "period")
        .join(monthly, on=["tax_code", "period"], how="left")
        .join(targets, on="tax_code", how="left")
        .sort("tax_code", "period")
        .with_columns(calendar_year=year, path_annual=annual)
        .with_columns(path_month_tco2e=path_month)
        .with_columns(
            _known=known.cast(pl.Int32),
            _actual=pl.when(known).then(pl.col("emissions_tco2e")).otherwise(0.0),
            _path=pl.when(known).then(pl.col("path_month_tco2e")).otherwise(0.0),
        )
        .with_columns(
            ytd_months_known=ytd("_known"),
            ytd_tco2e=ytd("_actual"),
            ytd_path_tco2e=ytd("_path"),
            rolling_12m_months_known=rolling("_known"),
            rolling_12m_tco2e=rolling("_actual"),
            rolling_12m_path_tco2e=rolling("_path"),
            year_ago_tco2e=pl.col("emissions_tco2e").shift(12).over("tax_code"),
        )
    )
    return frame.with_columns(
        ytd_vs_path_pct=(_ratio("ytd_tco2e", "ytd_path_tco2e") - 1) * 100,
        rolling_12m_vs_path_pct=(_ratio("rolling_12m_tco2e", "rolling_12m_path_tco2e") - 1) * 100,
        yoy_change_pct=(_ratio("emissions_tco2e", "year_ago_tco2e") - 1) * 100,
        rolling_12m_vs_baseline_pct=pl.when(
            (pl.col("rolling_12m_months_known") == 12) & ~is_intensity
        ).then((_ratio("rolling_12m_tco2e", "baseline_tco2e") - 1) * 100),
        progress_status=_status(_ratio("ytd_tco2e", "ytd_path_tco2e"), tolerance),
        progress_status_rolling_12m=_status(
            _ratio("rolling_12m_tco2e", "rolling_12m_path_tco2e"), tolerance
        ),
        progress_tolerance=pl.lit(tolerance),
    ).select(
        "tax_code",
        "period",
        "target_type",
        "path_annual",
        "path_month_tco2e",
        "emissions_tco2e",
        "ytd_months_known",
        "ytd_tco2e",
        "ytd_path_tco2e",
        "ytd_vs_path_pct",
        "rolling_12m_months_known",
        "rolling_12m_tco2e",
        "rolling_12m_path_tco2e",
        "rolling_12m_vs_path_pct",
        "year_ago_tco2e",
        "yoy_change_pct",
        "rolling_12m_vs_baseline_pct",
        "progress_status",
        "progress_status_rolling_12m",
        "progress_tolerance",
    )
