"""Decree 06/2022 and Decree 21/2011 status by hand, with the months and parts that are
unknown: a window proves a threshold crossed from its known part, never that it is not."""

from __future__ import annotations

import polars as pl
import pytest

from tests.conftest import reference
from transforms.obligations import fct_enterprise_obligations

# (period, tCO2e or None, TOE or None, lower bound tCO2e, lower bound TOE, reason)
Month = tuple[str, float | None, float | None, float, float, str | None]


def known(period: str, tco2e: float, toe: float) -> Month:
    return (period, tco2e, toe, tco2e, toe, None)


def obligations(monthly: list[Month | tuple[str, None]]) -> pl.DataFrame:
    """Obligation rows for one enterprise; ``(period, None)`` is a month with no file."""
    status = pl.LazyFrame({"tax_code": ["E01"] * len(monthly), "period": [m[0] for m in monthly]})
    facts = [m for m in monthly if len(m) > 2]
    frame = pl.LazyFrame(
        [("E01", *m[:3], *m[3:5], m[5], m[5] if m[2] is None else None) for m in facts],
        schema={
            "tax_code": pl.String,
            "period": pl.String,
            "emissions_tco2e": pl.Float64,
            "energy_toe": pl.Float64,
            "emissions_lower_bound_tco2e": pl.Float64,
            "energy_lower_bound_toe": pl.Float64,
            "emissions_unknown_reason": pl.String,
            "energy_toe_unknown_reason": pl.String,
        },
        orient="row",
    )
    frame = frame.with_columns(
        pl.when(pl.col("emissions_tco2e").is_null()).then(pl.col("emissions_unknown_reason"))
    )
    return (
        fct_enterprise_obligations(status, frame, reference("ref_regulatory_thresholds"))
        .collect()
        .sort("period")
    )


def months(year: int, n: int, first: int = 1) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(first, first + n)]


def test_twelve_months_over_3000_tco2e_oblige_an_inventory() -> None:
    """It flags Decree 06/2022 (≥ 3,000 tCO2e/yr) once 12 × 260 t = 3,120 t is reached."""
    result = obligations([known(p, 260.0, 50.0) for p in months(2025, 12)])
    last = result.row(-1, named=True)
    assert last["rolling_12m_tco2e"] == pytest.approx(3120.0)
    assert last["ghg_inventory_rolling"] == "over"
    assert last["ghg_inventory_calendar"] == "over"
    # 12 × 50 = 600 TOE: below Decree 21/2011's 1,000 TOE, and all 12 months are known.
    assert last["key_energy_user_rolling"] == "under"
    assert last["key_energy_user_rolling_reason"] is None
    # In November the running total is 2,860 t: not yet over, and the year is not over.
    november = result.row(10, named=True)
    assert november["ghg_inventory_calendar"] == "undetermined"
    assert november["ghg_inventory_calendar_reason"] == "year_not_over"


def test_toe_alone_can_oblige_both() -> None:
    """It flags both obligations at ≥ 1,000 TOE/yr even when emissions stay below 3,000 t."""
    last = obligations([known(p, 100.0, 90.0) for p in months(2025, 12)]).row(-1, named=True)
    assert last["rolling_12m_toe"] == pytest.approx(1080.0)
    assert (last["ghg_inventory_rolling"], last["key_energy_user_rolling"]) == ("over", "over")


def test_a_missing_month_leaves_a_low_total_undetermined() -> None:
    """It will not call 11 known months of 200 t 'under': the missing month could tip it."""
    rows: list = [known(p, 200.0, 10.0) for p in months(2025, 12)]
    rows[5] = ("2025-06", None)
    last = obligations(rows).row(-1, named=True)
    assert last["rolling_12m_months_known"] == 11
    assert last["rolling_12m_tco2e"] is None
    assert last["rolling_12m_lower_bound_tco2e"] == pytest.approx(2200.0)
    assert last["ghg_inventory_rolling"] == "undetermined"
    assert last["ghg_inventory_rolling_reason"] == "not_submitted"
    assert last["ghg_inventory_calendar_reason"] == "not_submitted"


def test_rolling_window_crosses_the_year_boundary() -> None:
    """It sums the 12 months ending in the period, across a calendar year."""
    rows = [known(p, 100.0, 10.0) for p in months(2024, 12)] + [known("2025-01", 500.0, 10.0)]
    last = obligations(rows).row(-1, named=True)
    assert last["rolling_12m_tco2e"] == pytest.approx(11 * 100.0 + 500.0)
    assert last["calendar_ytd_tco2e"] == pytest.approx(500.0)


def test_the_known_part_alone_can_prove_over() -> None:
    """It calls 1,200 t of anthracite a month 'over' though the grid line is missing.

    Scope 1 of 1,200 t anthracite (IPCC 2006 NCV 26.7, 98,300 / 10 / 1.5 kg/TJ, AR5) is
    1,200 × 2.642699 = 3,171.24 t in one month alone: the unknown Scope 2 can only add.
    """
    month = ("2025-01", None, None, 3171.2391, 0.0, "grid_line_missing")
    first = obligations([month]).row(0, named=True)
    assert first["rolling_12m_tco2e"] is None
    assert first["rolling_12m_lower_bound_tco2e"] == pytest.approx(3171.2391)
    assert first["ghg_inventory_rolling"] == "over"
    assert first["ghg_inventory_calendar"] == "over"
    assert first["ghg_inventory_rolling_reason"] is None
    # No TOE is known at all: the key-energy-user test stays open, and says why.
    assert first["key_energy_user_rolling"] == "undetermined"
    assert first["key_energy_user_rolling_reason"] == "grid_line_missing"


def test_energy_that_could_not_be_converted_is_never_under() -> None:
    """It will not call a coal burner 'under' 1,000 TOE on its electricity alone: twelve
    months whose coal has no TOE factor are not known months."""
    rows: list = [(p, 50.0, None, 50.0, 15.43, "no_toe_factor") for p in months(2025, 12)]
    last = obligations(rows).row(-1, named=True)
    assert last["rolling_12m_toe"] is None
    assert last["rolling_12m_lower_bound_toe"] == pytest.approx(12 * 15.43)
    assert last["key_energy_user_rolling"] == "undetermined"
    assert last["key_energy_user_rolling_reason"] == "no_toe_factor"
    assert last["ghg_inventory_rolling"] == "undetermined"
    # Its emissions are known: 600 t over 12 months, but the TOE test is still open.
    assert last["rolling_12m_tco2e"] == pytest.approx(600.0)


def test_a_year_not_over_is_not_months_missing() -> None:
    """It says 'year not over' in October when January to October are known, and 'months
    missing' only for a month that should have come."""
    rows: list = [known(p, 100.0, 10.0) for p in months(2026, 10)]
    october = obligations(rows).row(-1, named=True)
    assert october["calendar_ytd_months"] == 10
    assert october["calendar_ytd_tco2e"] == pytest.approx(1000.0)
    assert october["ghg_inventory_calendar"] == "undetermined"
    assert october["ghg_inventory_calendar_reason"] == "year_not_over"
    rows[3] = ("2026-04", None)
    october = obligations(rows).row(-1, named=True)
    assert october["calendar_ytd_tco2e"] is None
    assert october["ghg_inventory_calendar_reason"] == "not_submitted"


def test_a_short_history_is_said_as_such() -> None:
    """It says 'fewer than 12 months on record' for a rolling window that begins in the
    records' first month, rather than a missed filing."""
    rows = [known(p, 100.0, 10.0) for p in months(2026, 4, first=7)]
    last = obligations(rows).row(-1, named=True)
    assert last["rolling_12m_months"] == 4
    assert last["ghg_inventory_rolling_reason"] == "history_short"
