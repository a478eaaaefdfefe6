"""Regulatory thresholds: Decree 06/2022 GHG inventory, Decree 21/2011 key energy user. No IO.

Thresholds (≥ 3,000 tCO2e or ≥ 1,000 TOE per year for industrial production) come from
reference.ref_regulatory_thresholds. A window's total is known only when every month of it
is (transforms/unknowns.py); the sum of its known parts is kept as a lower bound. So a
status is 'over' as soon as the lower bound reaches the threshold (more data only adds),
'under' only when all 12 months and every conversion are known and stay below it, and
otherwise 'undetermined', with the reason: the latest unknown month's, or, when no month
is unknown, ``history_short`` (fewer than 12 months on record) or ``year_not_over``.
"""

from __future__ import annotations

import polars as pl

from transforms.unknowns import first_reason, window_count, window_months, window_reason

# window → months in it (None: the calendar year to date)
WINDOWS: dict[str, int | None] = {"rolling_12m": 12, "calendar_ytd": None}
OBLIGATION_WINDOWS = {"rolling_12m": "rolling", "calendar_ytd": "calendar"}


def _threshold(ref_regulatory_thresholds: pl.LazyFrame, threshold_id: str) -> float:
    rows = ref_regulatory_thresholds.filter(pl.col("threshold_id") == threshold_id)
    return float(rows.select("threshold_value").collect().item())


def _status(over: pl.Expr, complete: pl.Expr) -> pl.Expr:
    return (
        pl.when(over)
        .then(pl.lit("over"))
        .when(complete)
        .then(pl.lit("under"))
        .otherwise(pl.lit("undetermined"))
    )


def _why(status: str, month_reason: str, window: str) -> pl.Expr:
    """Why ``status`` is undetermined: the window's latest unknown month, else too few
    months on record, else (calendar year) months still to come."""
    months = WINDOWS[window]
    over = ("tax_code",) if months else ("tax_code", "calendar_year")
    short = pl.lit("history_short")
    if months is None:
        short = pl.coalesce(
            first_reason((pl.col("period").str.slice(5, 2) != "12", "year_not_over")), short
        )
    return pl.when(pl.col(status) == "undetermined").then(
        pl.coalesce(window_reason(month_reason, months, over), short)
    )


def fct_enterprise_obligations(
    fct_submission_status: pl.LazyFrame,
    fct_enterprise_monthly: pl.LazyFrame,
    ref_regulatory_thresholds: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per registered enterprise and period: rolling-12-month and calendar-year
    totals (known, and their known lower bound) and the Decree 06/2022 GHG-inventory and
    Decree 21/2011 key-energy-user status, with the reason when undetermined."""
    return (
        _months(fct_submission_status, fct_enterprise_monthly)
        .with_columns(_window_totals())
        .with_columns(_window_statuses(ref_regulatory_thresholds))
        .with_columns(_window_reasons())
        .select(OUTPUT_COLUMNS)
    )


def _months(
    fct_submission_status: pl.LazyFrame, fct_enterprise_monthly: pl.LazyFrame
) -> pl.LazyFrame:
    """Every expected enterprise-month, in order, with its known lower bounds and why its
    emissions or energy are unknown (a month never submitted: not_submitted)."""
    monthly = fct_enterprise_monthly.select(
        "tax_code",
        "period",
        "emissions_lower_bound_tco2e",
        "energy_lower_bound_toe",
        "emissions_unknown_reason",
        "energy_toe_unknown_reason",
        submitted=pl.lit(True),
    )
    not_submitted = first_reason((pl.col("submitted").is_null(), "not_submitted"))
    return (
        fct_submission_status.select("tax_code", "period")
        .join(monthly, on=["tax_code", "period"], how="left")
        .sort("tax_code", "period")
        .with_columns(
            calendar_year=pl.col("period").str.slice(0, 4),
            _tco2e_reason=pl.coalesce(not_submitted, "emissions_unknown_reason"),
            _toe_reason=pl.coalesce(not_submitted, "energy_toe_unknown_reason"),
            _lb_tco2e=pl.col("emissions_lower_bound_tco2e").fill_null(0.0),
            _lb_toe=pl.col("energy_lower_bound_toe").fill_null(0.0),
        )
        .with_columns(_ghg_reason=pl.coalesce("_tco2e_reason", "_toe_reason"))
    )


def _window_totals() -> list[pl.Expr]:
    """Per window: the known lower bounds summed, and how many months are on record and
    known."""
    columns = []
    for window, months in WINDOWS.items():
        over = ("tax_code",) if months else ("tax_code", "calendar_year")

        def total(
            column: str, months: int | None = months, over: tuple[str, ...] = over
        ) -> pl.Expr:
            if months is None:
                return pl.col(column).cum_sum().over(over)
            return pl.col(column).rolling_sum(months, min_samples=1).over(over)

        columns += [
            total("_lb_tco2e").alias(f"{window}_lower_bound_tco2e"),
            total("_lb_toe").alias(f"{window}_lower_bound_toe"),
            window_months(months, over).alias(f"{window}_months"),
            window_count(pl.col("_ghg_reason").is_null(), months, over).alias(
                f"{window}_months_known"
            ),
            window_count(pl.col("_tco2e_reason").is_null(), months, over).alias(f"_{window}_t"),
            window_count(pl.col("_toe_reason").is_null(), months, over).alias(
                f"{window}_energy_months_known"
            ),
        ]
    return columns


def _window_statuses(ref_regulatory_thresholds: pl.LazyFrame) -> list[pl.Expr]:
    """Per window: the totals where every month is known, and each obligation's status."""
    tco2e = _threshold(ref_regulatory_thresholds, "ND06-GHG-TCO2E")
    ghg_toe = _threshold(ref_regulatory_thresholds, "ND06-GHG-TOE")
    key_toe = _threshold(ref_regulatory_thresholds, "ND21-KEY-ENERGY-TOE")
    statuses = []
    for window in WINDOWS:
        name = OBLIGATION_WINDOWS[window]
        lb_t, lb_e = pl.col(f"{window}_lower_bound_tco2e"), pl.col(f"{window}_lower_bound_toe")
        all_t = pl.col(f"_{window}_t") == 12
        all_e = pl.col(f"{window}_energy_months_known") == 12
        # The window's total: all 12 months known (a year to date: every month so far, from
        # January). Fewer months on record are not a 12-month or a year's total.
        every_t, every_e = all_t, all_e
        if window == "calendar_ytd":
            month = pl.col("period").str.slice(5, 2).cast(pl.Int32)
            every_t = pl.col(f"_{window}_t") == month
            every_e = pl.col(f"{window}_energy_months_known") == month
        statuses += [
            pl.when(every_t).then(lb_t).alias(f"{window}_tco2e"),
            pl.when(every_e).then(lb_e).alias(f"{window}_toe"),
            _status((lb_t >= tco2e) | (lb_e >= ghg_toe), all_t & all_e).alias(
                f"ghg_inventory_{name}"
            ),
            _status(lb_e >= key_toe, all_e).alias(f"key_energy_user_{name}"),
        ]
    return statuses


def _window_reasons() -> list[pl.Expr]:
    reasons = []
    for window in WINDOWS:
        name = OBLIGATION_WINDOWS[window]
        reasons += [
            _why(f"ghg_inventory_{name}", "_ghg_reason", window).alias(
                f"ghg_inventory_{name}_reason"
            ),
            _why(f"key_energy_user_{name}", "_toe_reason", window).alias(
                f"key_energy_user_{name}_reason"
            ),
        ]
    return reasons


OUTPUT_COLUMNS = [
    "tax_code",
    "period",
    *(
        f"{window}_{measure}"
        for window in WINDOWS
        for measure in (
            "tco2e",
            "lower_bound_tco2e",
            "toe",
            "lower_bound_toe",
            "months",
            "months_known",
            "energy_months_known",
        )
    ),
    *(
        f"{obligation}_{name}{suffix}"
        for obligation in ("ghg_inventory", "key_energy_user")
        for name in OBLIGATION_WINDOWS.values()
        for suffix in ("", "_reason")
    ),
]
