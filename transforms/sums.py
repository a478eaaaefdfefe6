"""Float sums that give the same bits on every rebuild. No IO here.

A float sum depends on the order of its terms, and the order of rows after a parallel scan,
a join or a group-by is not fixed. Summing the values in ascending order (a canonical order)
makes every rebuild of the warehouse, and every report rendered from it, identical to the
byte; a rerun can then be checked by comparing hashes.
"""

from __future__ import annotations

import polars as pl


def stable_sum(expr: pl.Expr) -> pl.Expr:
    """Like ``expr.sum()`` (nulls skipped, 0 when there is nothing to add), in sorted order.

    A running sum, not ``sort().sum()``: Polars drops a sort in front of an order-independent
    aggregation such as ``sum``, and its sum adds pairwise in chunk-dependent blocks."""
    return expr.cast(pl.Float64).drop_nulls().sort().cum_sum().last().fill_null(0.0)


def known_sum(expr: pl.Expr) -> pl.Expr:
    """``stable_sum`` of the known values, null when none is known: adding up nothing known
    gives an unknown, not a zero (transforms/unknowns.py)."""
    return pl.when(expr.is_not_null().any()).then(stable_sum(expr))


def stable_mean(expr: pl.Expr) -> pl.Expr:
    """Like ``expr.mean()`` (nulls skipped, null when there is nothing), from ``stable_sum``:
    a daily average of hourly averages gives the same bits on every rebuild."""
    count = expr.is_not_null().sum()
    return pl.when(count > 0).then(stable_sum(expr) / count)
