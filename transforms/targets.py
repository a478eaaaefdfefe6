"""Targets and progress: each enterprise's path to net zero, and where it stands. No IO here.

A path is piecewise linear through the enterprise's declared points: the baseline year at
its baseline, the interim target year at baseline × (1 − reduction) if one is declared,
and zero in the net-zero year (2050 by default). Before the baseline year the path is the
baseline; after the net-zero year it is zero.

Absolute targets compare tCO2e with the path's tCO2e, one twelfth of the year's value per
month. Intensity targets become an emission budget month by month: the path's intensity of
the year × that month's output. Either way, a month counts on both sides only if its
emissions (and for intensity, its output) are known: a partial year is compared with the
same months of the path, never with a whole year, and never with zeros for missing months;
and a status says ahead, on track or behind only when every month it compares is known
(transforms/unknowns.py). The emissions are Scope 1 + Scope 2 location-based, the basis of
the declared baselines.
"""

from __future__ import annotations

import polars as pl

from transforms.measures import FUEL_ACTIVITIES
from transforms.quality import WARNING_COLUMNS
from transforms.unknowns import first_reason, window_count, window_months, window_reason

STATUSES = ("ahead", "on_track", "behind", "undetermined")
# The activities a progress status rests on: a warning on one makes it "to confirm".
PROGRESS_INPUTS = ["ELEC_GRID", *FUEL_ACTIVITIES, "PRODUCTION_OUTPUT"]


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


def _status(ratio: pl.Expr, tolerance: float, complete: pl.Expr) -> pl.Expr:
    """Ahead / on track / behind only when every month compared is known."""
    return (
        pl.when(ratio.is_null() | ~complete)
        .then(pl.lit("undetermined"))
        .when(ratio < 1 - tolerance)
        .then(pl.lit("ahead"))
        .when(ratio <= 1 + tolerance)
        .then(pl.lit("on_track"))
        .otherwise(pl.lit("behind"))
    )


def _ratio(actual: str, path: str) -> pl.Expr:
    return pl.when(pl.col(path) > 0).then(pl.col(actual) / pl.col(path))


def flagged_months(int_quality_checks: pl.LazyFrame) -> pl.LazyFrame:
    """One row per enterprise and month with a data-quality warning on a figure progress
    rests on: the emissions (grid electricity, fuels) or, for an intensity target, the
    output. Its statuses stand, to be confirmed."""
    flagged = pl.any_horizontal(pl.col(WARNING_COLUMNS).fill_null(False))
    code = pl.col("activity_code")
    return (
        int_quality_checks.filter(code.is_in(PROGRESS_INPUTS) & flagged)
        .group_by("tax_code", "period")
        .agg(
            _emissions_flagged=(code != "PRODUCTION_OUTPUT").any(),
            _output_flagged=(code == "PRODUCTION_OUTPUT").any(),
        )
    )


def fct_enterprise_progress(
    dim_enterprises: pl.LazyFrame,
    fct_submission_status: pl.LazyFrame,
    fct_enterprise_monthly: pl.LazyFrame,
    int_quality_checks: pl.LazyFrame,
    tolerance: float,
) -> pl.LazyFrame:
    """One row per registered enterprise and period: path, year to date, rolling 12 months,
    year on year and against baseline, and the status (ahead / on_track / behind), which is
    'undetermined' with the reason of the latest unknown month whenever a month of the
    compared window is not known, and marked to confirm when a month of it was flagged."""
    months = _months_on_path(
        dim_enterprises, fct_submission_status, fct_enterprise_monthly, int_quality_checks
    )
    return (
        months.with_columns(_windows())
        .with_columns(_comparisons(tolerance))
        .select(PROGRESS_COLUMNS)
    )


YTD, ROLLING = ("tax_code", "calendar_year"), ("tax_code",)


def _months_on_path(
    dim_enterprises: pl.LazyFrame,
    fct_submission_status: pl.LazyFrame,
    fct_enterprise_monthly: pl.LazyFrame,
    int_quality_checks: pl.LazyFrame,
) -> pl.LazyFrame:
    """Every expected enterprise-month with its path, whether it is flagged, why it is
    unknown, and its actual and path figures where known (0 where not: the counts of known
    months say whether a window's sum is whole)."""
    monthly = fct_enterprise_monthly.select(
        "tax_code",
        "period",
        "emissions_tco2e",
        "output_quantity",
        "emissions_unknown_reason",
        submitted=pl.lit(True),
    )
    year = pl.col("period").str.slice(0, 4).cast(pl.Int32)
    path_month = (
        pl.when(IS_INTENSITY)
        .then(pl.col("path_annual") * pl.col("output_quantity"))
        .otherwise(pl.col("path_annual") / 12)
    )
    month_reason = pl.coalesce(
        first_reason((pl.col("submitted").is_null(), "not_submitted")),
        pl.col("emissions_unknown_reason"),
        first_reason((IS_INTENSITY & pl.col("path_month_tco2e").is_null(), "output_missing")),
    )
    known = month_reason.is_null()
    return (
        fct_submission_status.select("tax_code", "period")
        .join(monthly, on=["tax_code", "period"], how="left")
        .join(dim_enterprises.select(TARGET_COLUMNS), on="tax_code", how="left")
        .join(flagged_months(int_quality_checks), on=["tax_code", "period"], how="left")
        .sort("tax_code", "period")
        .with_columns(
            calendar_year=year,
            path_annual=declared_path(year),
            has_quality_warning=pl.col("_emissions_flagged").fill_null(False)
            | (IS_INTENSITY & pl.col("_output_flagged").fill_null(False)),
        )
        .with_columns(path_month_tco2e=path_month)
        .with_columns(
            _reason=month_reason,
            _actual=pl.when(known).then(pl.col("emissions_tco2e")).otherwise(0.0),
            _path=pl.when(known).then(pl.col("path_month_tco2e")).otherwise(0.0),
        )
    )


def _windows() -> list[pl.Expr]:
    """Year to date and rolling 12 months: sums, months on record and known, flags."""

    def ytd_sum(column: str) -> pl.Expr:
        return pl.col(column).cum_sum().over(YTD)

    def rolling_sum(column: str) -> pl.Expr:
        return pl.col(column).rolling_sum(12, min_samples=1).over(ROLLING)

    known, flagged = pl.col("_reason").is_null(), pl.col("has_quality_warning")
    return [
        window_months(None, YTD).alias("ytd_months"),
        window_count(known, None, YTD).alias("ytd_months_known"),
        ytd_sum("_actual").alias("ytd_tco2e"),
        ytd_sum("_path").alias("ytd_path_tco2e"),
        window_count(known, 12, ROLLING).alias("rolling_12m_months_known"),
        rolling_sum("_actual").alias("rolling_12m_tco2e"),
        rolling_sum("_path").alias("rolling_12m_path_tco2e"),
        pl.col("emissions_tco2e").shift(12).over("tax_code").alias("year_ago_tco2e"),
        (window_count(flagged, None, YTD) > 0).alias("progress_to_confirm"),
        (window_count(flagged, 12, ROLLING) > 0).alias("progress_rolling_12m_to_confirm"),
    ]


def _comparisons(tolerance: float) -> list[pl.Expr]:
    """Against the path, a year ago and the baseline, and the statuses with their reasons."""
    ytd_complete = pl.col("ytd_months_known") == pl.col("ytd_months")
    rolling_complete = pl.col("rolling_12m_months_known") == 12
    ytd_ratio = _ratio("ytd_tco2e", "ytd_path_tco2e")
    rolling_ratio = _ratio("rolling_12m_tco2e", "rolling_12m_path_tco2e")
    return [
        pl.when(ytd_complete).then((ytd_ratio - 1) * 100).alias("ytd_vs_path_pct"),
        pl.when(rolling_complete).then((rolling_ratio - 1) * 100).alias("rolling_12m_vs_path_pct"),
        ((_ratio("emissions_tco2e", "year_ago_tco2e") - 1) * 100).alias("yoy_change_pct"),
        pl.when(rolling_complete & ~IS_INTENSITY)
        .then((_ratio("rolling_12m_tco2e", "baseline_tco2e") - 1) * 100)
        .alias("rolling_12m_vs_baseline_pct"),
        _status(ytd_ratio, tolerance, ytd_complete).alias("progress_status"),
        pl.when(~ytd_complete)
        .then(window_reason("_reason", None, YTD))
        .alias("progress_status_reason"),
        _status(rolling_ratio, tolerance, rolling_complete).alias("progress_status_rolling_12m"),
        pl.when(~rolling_complete)
        .then(pl.coalesce(window_reason("_reason", 12, ROLLING), pl.lit("history_short")))
        .alias("progress_status_rolling_12m_reason"),
        pl.lit(tolerance).alias("progress_tolerance"),
    ]


PROGRESS_COLUMNS = [
    "tax_code",
    "period",
    "target_type",
    "path_annual",
    "path_month_tco2e",
    "emissions_tco2e",
    "ytd_months",
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
    "progress_status_reason",
    "progress_to_confirm",
    "progress_status_rolling_12m",
    "progress_status_rolling_12m_reason",
    "progress_rolling_12m_to_confirm",
    "progress_tolerance",
]
