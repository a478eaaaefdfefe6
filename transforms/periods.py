"""Reporting periods ("YYYY-MM"): small pure helpers."""

from __future__ import annotations

import polars as pl


def period_index(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def period_from_index(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def periods_between(first: str, last: str) -> list[str]:
    """Every period from ``first`` to ``last``, both included."""
    return [period_from_index(i) for i in range(period_index(first), period_index(last) + 1)]


def month_start(period: pl.Expr | None = None) -> pl.Expr:
    """The first day of a period's month as a DATE (``reporting_month``), for tools that
    filter and plot by date rather than by "YYYY-MM" text."""
    column = pl.col("period") if period is None else period
    return (column + "-01").str.to_date("%Y-%m-%d").alias("reporting_month")
