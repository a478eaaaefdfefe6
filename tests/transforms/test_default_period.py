"""Which month `netzero run` reports on when none is asked for: the latest month with data
whose due day (NETZERO_DUE_DAY of the next month, Asia/Ho_Chi_Minh) has passed."""

from __future__ import annotations

from datetime import datetime

import pytest

from transforms.periods import default_period, due_moment

# 23:59 on 15 November 2026 in Ho Chi Minh City is 16:59 UTC; midnight is 17:00 UTC.
BEFORE_DUE = datetime(2026, 11, 15, 16, 59)
AT_DUE = datetime(2026, 11, 15, 17, 0)


def test_the_due_moment_is_the_end_of_the_due_day_in_vietnam() -> None:
    assert due_moment("2026-10", 15) == AT_DUE
    assert due_moment("2026-12", 15) == datetime(2027, 1, 15, 17, 0)
    assert due_moment("2026-10", 1) == datetime(2026, 11, 1, 17, 0)


def test_an_early_file_for_next_month_does_not_move_the_report() -> None:
    """The issue's case: October is closed on 16 November; one enterprise already sent
    November. The report is on October, and says why."""
    choice = default_period(["2026-09", "2026-10", "2026-11"], datetime(2026, 11, 16, 1), 15)
    assert choice.period == "2026-10"
    assert "past its due day (15/11/2026)" in choice.why_en
    assert "2026-11 not due yet" in choice.why_en
    assert "đã qua hạn nộp (15/11/2026)" in choice.why_vi


def test_a_month_becomes_the_default_when_its_due_day_ends() -> None:
    periods = ["2026-09", "2026-10"]
    assert default_period(periods, BEFORE_DUE, 15).period == "2026-09"
    assert default_period(periods, AT_DUE, 15).period == "2026-10"


def test_months_past_due_without_any_file_are_named() -> None:
    """On 20 December, November is past due but nothing came: the report stays on the
    latest month with data and says November has no file (never a month of zeros)."""
    choice = default_period(["2026-09", "2026-10"], datetime(2026, 12, 20), 15)
    assert choice.period == "2026-10"
    assert "2026-11 past the due day with no file accepted" in choice.why_en
    choice = default_period(["2026-09"], datetime(2027, 2, 1), 15)
    assert "2026-10 … 2026-12 past the due day" in choice.why_en


def test_with_no_month_due_yet_it_reports_the_latest_and_says_it_is_early() -> None:
    choice = default_period(["2026-11"], datetime(2026, 12, 2), 15)
    assert choice.period == "2026-11"
    assert "before its due day (15/12/2026)" in choice.why_en
    assert "figures may still change" in choice.why_en


def test_no_data_at_all_is_said() -> None:
    with pytest.raises(LookupError, match="No accepted data yet"):
        default_period([], AT_DUE, 15)
