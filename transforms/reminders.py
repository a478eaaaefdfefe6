"""Who is reminded of a month's file, and when (issue 18). No IO.

An enterprise owes a month when fct_submission_status would call it missing or rejected:
the same rule, for the one month being reminded of, whether or not any file of that month
has landed yet (dim_periods starts only with the first accepted line)."""

from __future__ import annotations

from datetime import date

import polars as pl

from transforms.periods import month_index, period_from_index
from transforms.submissions import due_at, fct_submission_status

OWING = ("missing", "rejected")
STAGES = ("before", "due_day", "second_notice")


def period_due(today: date) -> str:
    """The month whose file falls due in ``today``'s month: the previous one."""
    return period_from_index(month_index(today.year, today.month) - 1)


def stage(today: date, due_day: int) -> str:
    """before the due day, on it, or after it (a second notice)."""
    if today.day < due_day:
        return "before"
    return "due_day" if today.day == due_day else "second_notice"


def reminder_days(due_day: int, days_before: int, days_after: int) -> list[int]:
    """The days of the month reminders go out: before the due day, on it, and after it
    (at most the 28th, which every month has)."""
    days = {max(1, due_day - days_before), due_day, min(28, due_day + days_after)}
    return sorted(days)


def owed_month(
    dim_enterprises: pl.LazyFrame,
    stg_submissions__files: pl.LazyFrame,
    period: str,
    due_day: int,
) -> pl.LazyFrame:
    """One row per registered enterprise whose ``period`` is missing or rejected: its park,
    status, the revision in force (null: none) and when the month falls due."""
    month = pl.LazyFrame({"period": [period]}).with_columns(
        due_at=due_at(pl.col("period"), due_day)
    )
    return (
        fct_submission_status(dim_enterprises, stg_submissions__files, month)
        .filter(pl.col("submission_status").is_in(OWING))
        .select("tax_code", "park_code", "period", "submission_status", "revision", "due_at")
        .sort("tax_code")
    )
