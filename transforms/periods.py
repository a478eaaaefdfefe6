"""Reporting periods ("YYYY-MM"): small pure helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl


def period_index(period: str) -> int:
    return month_index(int(period[:4]), int(period[5:7]))


def month_index(year: int, month: int) -> int:
    """The index of a calendar month (year * 12 + month - 1): consecutive months differ by 1."""
    return year * 12 + month - 1


def period_index_expr(period: pl.Expr) -> pl.Expr:
    """``period_index`` on a column of "YYYY-MM" text (Int64; malformed text: null)."""
    return (
        period.str.slice(0, 4).cast(pl.Int64, strict=False) * 12
        + period.str.slice(5, 2).cast(pl.Int64, strict=False)
        - 1
    )


def periods_ending(last: str, months: int) -> list[str]:
    """The ``months`` periods ending with ``last``, oldest first."""
    end = period_index(last)
    return [period_from_index(i) for i in range(end - months + 1, end + 1)]


def period_from_index(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def periods_between(first: str, last: str) -> list[str]:
    """Every period from ``first`` to ``last``, both included."""
    return [period_from_index(i) for i in range(period_index(first), period_index(last) + 1)]


def month_start(period: pl.Expr | None = None) -> pl.Expr:
    """The first day of a period's month as a DATE (``reporting_month``), for tools that
    filter and plot by date rather than by "YYYY-MM" text."""
    column = pl.col("period") if period is None else period
    # Malformed text (a file's period as typed, refused) has no month: null.
    return (column + "-01").str.to_date("%Y-%m-%d", strict=False).alias("reporting_month")


def due_moment(period: str, due_day: int) -> datetime:
    """When a period's files fall due: the end of ``due_day`` in the following month in
    Asia/Ho_Chi_Minh (24:00 ICT, UTC+7 with no daylight saving, is 17:00 UTC), as naive
    UTC; a file received at or after it is late. ``submissions.due_at`` is the same rule on a
    column."""
    index = period_index(period) + 1
    return datetime(index // 12, index % 12 + 1, due_day, 17)


def due_date(period: str, due_day: int) -> date:
    """The due day: ``due_day`` of the month after ``period``."""
    index = period_index(period) + 1
    return date(index // 12, index % 12 + 1, due_day)


def due_label(period: str, due_day: int) -> str:
    """The due day as a reader writes it: 15/11/2026."""
    return f"{due_date(period, due_day):%d/%m/%Y}"


@dataclass(frozen=True)
class PeriodChoice:
    """The month a run reports on when none is asked for, and why, in both languages."""

    period: str
    why_vi: str
    why_en: str


def default_period(periods: list[str], now: datetime, due_day: int) -> PeriodChoice:
    """The latest month with data whose due day has passed at ``now`` (naive UTC), as the
    scheduled close does: an early file for next month does not move the report onto a
    month most enterprises have not sent yet. With no month past its due day, the latest
    month with data, said to be early."""
    if not periods:
        raise LookupError(
            "Chưa có số liệu nào được chấp nhận / No accepted data yet: "
            "put submission files in the inbox first"
        )
    due = [p for p in periods if due_moment(p, due_day) <= now]
    if not due:
        latest = max(periods)
        on = due_label(latest, due_day)
        return PeriodChoice(
            latest,
            f"chưa có tháng nào có số liệu đã qua hạn nộp; báo cáo kỳ {latest} trước hạn "
            f"({on}): số liệu còn có thể thay đổi",
            f"no month with data is past its due day yet; reporting {latest} before its "
            f"due day ({on}): figures may still change",
        )
    chosen = max(due)
    on = due_label(chosen, due_day)
    why_vi = f"tháng gần nhất có số liệu đã qua hạn nộp ({on})"
    why_en = f"the latest month with data past its due day ({on})"
    later = sorted(p for p in periods if p > chosen)
    if later:
        why_vi += f"; số liệu của {', '.join(later)} chưa đến hạn nộp, chưa báo cáo"
        why_en += f"; {', '.join(later)} not due yet, not reported"
    # Months past their due day after the one chosen have no accepted file at all.
    last_due = period_from_index(now.year * 12 + now.month - 1)
    while due_moment(last_due, due_day) > now:
        last_due = period_from_index(period_index(last_due) - 1)
    if last_due > chosen:
        first = period_from_index(period_index(chosen) + 1)
        gap = first if first == last_due else f"{first} … {last_due}"
        why_vi += f"; {gap} đã qua hạn nộp nhưng chưa có tệp nào được chấp nhận"
        why_en += f"; {gap} past the due day with no file accepted"
    return PeriodChoice(chosen, why_vi, why_en)
