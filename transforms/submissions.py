"""Who submitted what, when: the months expected, each enterprise-month's status against
its due day, and the restatements of closed months. No IO here."""

from __future__ import annotations

import polars as pl

from transforms.periods import month_start, period_index_expr

SUBMISSION_STATUSES = ("on_time", "late", "revised", "rejected", "missing")


def due_at(period: pl.Expr, due_day: int) -> pl.Expr:
    """The end of the due day in the month after ``period``, Asia/Ho_Chi_Minh, as naive UTC:
    23:59:59 ICT (UTC+7, no daylight saving) is 16:59:59 UTC, so due = next month, due_day,
    17:00 UTC, exclusive."""
    first = period.str.strptime(pl.Datetime("us"), "%Y-%m")
    return first.dt.offset_by(f"1mo{due_day - 1}d17h")


def dim_periods(stg_submissions__activity_lines: pl.LazyFrame, due_day: int) -> pl.LazyFrame:
    """One row per reporting month from the first to the last with an accepted line, gaps
    included: the months every enterprise is expected to report, and when each falls due."""
    index = period_index_expr(pl.col("period"))
    months = stg_submissions__activity_lines.select(
        index=pl.int_ranges(index.min(), index.max() + 1, dtype=pl.Int64)
    ).explode("index")
    year = (pl.col("index") // 12).cast(pl.String).str.zfill(4)
    month = (pl.col("index") % 12 + 1).cast(pl.String).str.zfill(2)
    return (
        months.drop_nulls("index")
        .select(period=pl.concat_str(year, pl.lit("-"), month))
        .with_columns(month_start(), due_at=due_at(pl.col("period"), due_day))
        .sort("period")
    )


def fct_submission_status(
    dim_enterprises: pl.LazyFrame,
    stg_submissions__files: pl.LazyFrame,
    dim_periods: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per registered enterprise and period: on time, late, revised, rejected or
    missing, with when the first file arrived and when it was due.

    Precedence: missing (no file); rejected (files, but every line of the revision in force
    was rejected); revised (the revision in force is 2 or more); late (the first file arrived
    after the due day of the following month); on time.
    """
    expected = dim_enterprises.select("tax_code", "park_code").join(
        dim_periods.select("period"), how="cross"
    )
    current = pl.col("is_current")
    received = stg_submissions__files.group_by("tax_code", "period").agg(
        files_received=pl.len(),
        first_received_at=pl.col("received_at").min(),
        revision=pl.col("revision").filter(current).first(),
        file_name=pl.col("file_name").filter(current).first(),
        lines_quarantined=pl.col("lines_quarantined").filter(current).first(),
        line_count=pl.col("line_count").filter(current).first(),
    )
    late = pl.col("first_received_at") >= pl.col("due_at")
    status = (
        pl.when(pl.col("files_received").is_null())
        .then(pl.lit("missing"))
        .when(pl.col("lines_quarantined") >= pl.col("line_count"))
        .then(pl.lit("rejected"))
        .when(pl.col("revision") > 1)
        .then(pl.lit("revised"))
        .when(late)
        .then(pl.lit("late"))
        .otherwise(pl.lit("on_time"))
    )
    return (
        expected.join(received, on=["tax_code", "period"], how="left")
        .join(dim_periods.select("period", "due_at"), on="period", how="left")
        .with_columns(
            submission_status=status,
            is_late=late.fill_null(False),
            files_received=pl.col("files_received").fill_null(0),
            lines_quarantined=pl.col("lines_quarantined").fill_null(0),
        )
        .drop("line_count")
    )


RESTATED_MEASURES = [
    "grid_electricity_mwh",
    "scope1_tco2e",
    "scope2_location_tco2e",
    "scope2_market_tco2e",
    "emissions_tco2e",
    "energy_toe",
]


def fct_restatements(
    int_enterprise_monthly__revisions: pl.LazyFrame,
    stg_submissions__files: pl.LazyFrame,
    ops_runs: pl.LazyFrame,
    dim_periods: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per revision that replaced an earlier one: the figures before and after.

    Nothing is overwritten: raw keeps every revision, and this table keeps what each
    superseded revision said. ``named_in_period`` is the period whose reports name the
    restatement: the period the landing run closed (a revision landed while its own month
    is closed is a same-month revision, ``is_restatement`` false). A run with no period
    (the daily intake) stands for the latest month in submissions.dim_periods.
    """
    files = (
        stg_submissions__files.select("sha256", "landed_at", "run_id")
        .join(ops_runs.select("run_id", run_period="period"), on="run_id", how="left")
        .join(dim_periods.select(open_period=pl.col("period").max()), how="cross")
    )
    keys = ["tax_code", "period"]
    ordered = (
        int_enterprise_monthly__revisions.select(*keys, "sha256", "revision", *RESTATED_MEASURES)
        .join(files, on="sha256", how="left")
        .sort(*keys, "revision", "landed_at", "sha256")
    )
    previous = [
        pl.col(c).shift(1).over(keys).alias(f"previous_{c}")
        for c in ["sha256", "revision", *RESTATED_MEASURES]
    ]
    return (
        ordered.with_columns(previous)
        .filter(pl.col("previous_sha256").is_not_null())
        .with_columns(
            named_in_period=pl.max_horizontal(
                pl.col("period"), pl.coalesce("run_period", "open_period")
            ),
            emissions_change_tco2e=pl.col("emissions_tco2e") - pl.col("previous_emissions_tco2e"),
        )
        .with_columns(is_restatement=pl.col("named_in_period") > pl.col("period"))
        .drop("run_period", "open_period")
    )
