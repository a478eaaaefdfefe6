"""Unknown is never zero: the one rule for figures made of parts. No IO here.

A figure that adds parts (a total, a year to date, a 12-month window) is known only when
every part that should be there is known. Otherwise it is null, and its
``<figure>_unknown_reason`` column says why, with one of the codes below. Where it helps,
the part that is known is kept apart as a lower bound (``…_lower_bound_…``): it can prove a
threshold crossed, never that it is not.
"""

from __future__ import annotations

import polars as pl

# The reasons a figure is unknown, most specific first where several hold.
REASONS = (
    "not_submitted",  # no file for the enterprise-month
    "line_rejected",  # a line the figure needs was rejected (resubmission pending)
    "grid_line_missing",  # the month's file has no grid-electricity line
    "no_grid_factor",  # no grid emission factor for the year (policy leave_empty)
    "no_emission_factor",  # a fuel line has no emission factor or conversion
    "no_toe_factor",  # energy from a fuel with no TOE conversion factor
    "output_missing",  # an intensity target's month without production output
    "history_short",  # fewer months on record than the window needs
    "year_not_over",  # months of the calendar year are still to come
)


def first_reason(*cases: tuple[pl.Expr, str]) -> pl.Expr:
    """The reason of the first case whose condition holds; null (known) when none does."""
    expr = pl.lit(None, dtype=pl.String)
    for condition, reason in reversed(cases):
        expr = pl.when(condition.fill_null(False)).then(pl.lit(reason)).otherwise(expr)
    return expr


def known_when(value: pl.Expr, reason: pl.Expr) -> pl.Expr:
    """``value`` where ``reason`` is null, else null: a figure with a reason is unknown."""
    return pl.when(reason.is_null()).then(value)


def window_reason(month_reason: str, months: int | None, over: tuple[str, ...]) -> pl.Expr:
    """The reason of the latest unknown month of a window ending at each row: the last
    ``months`` rows (a rolling window) or, with ``months`` None, every earlier row of the
    ``over`` group (a year to date). Rows must be sorted by ``over`` and period."""
    reason = pl.col(month_reason)
    return reason.forward_fill(limit=months - 1 if months else None).over(over)


def window_count(flag: pl.Expr, months: int | None, over: tuple[str, ...]) -> pl.Expr:
    """How many rows of the window (as in ``window_reason``) have ``flag`` true."""
    ones = flag.fill_null(False).cast(pl.Int32)
    if months is None:
        return ones.cum_sum().over(over)
    return ones.rolling_sum(months, min_samples=1).over(over)


def window_months(months: int | None, over: tuple[str, ...]) -> pl.Expr:
    """How many months on record the window (as in ``window_reason``) holds."""
    return window_count(pl.col("period").is_not_null(), months, over)
