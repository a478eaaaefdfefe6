"""The actual points of the province's pathway chart, by hand: complete calendar years and
the 12 months ending at the period, each on 12 known months or none at all."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.pathway import province_annual
from transforms.periods import periods_ending


def months(last: str, count: int, unknown: tuple[str, ...] = ()) -> pl.DataFrame:
    """Province months ending at ``last``: month n of the window emits n tCO2e."""
    periods = periods_ending(last, count)
    return pl.DataFrame(
        {
            "period": periods,
            "emissions_tco2e": [
                None if p in unknown else float(i + 1) for i, p in enumerate(periods)
            ],
            "enterprises_with_emissions": [10] * count,
        }
    )


def test_complete_years_and_the_rolling_twelve_months() -> None:
    """24 months 2024-11 … 2026-10: 2025 is complete (months 3…14: 102 tCO2e); 2024 has 2
    months and is no point; the 12 months ending 2026-10 are months 13…24 (222 tCO2e)."""
    points = province_annual(months("2026-10", 24), "2026-10")
    assert points.select("year", "kind", "tco2e", "months").rows() == [
        (2025, "calendar", pytest.approx(sum(range(3, 15))), 12),
        (2026, "rolling_12m", pytest.approx(sum(range(13, 25))), 12),
    ]


def test_a_month_unknown_leaves_its_year_and_window_without_a_total() -> None:
    """Never the sum of the months that are known: 2025-06 unknown takes 2025's point away,
    and the rolling window ending 2026-05 too."""
    frame = months("2026-10", 24, unknown=("2025-06",))
    points = {
        (r["year"], r["kind"]): r["tco2e"] for r in province_annual(frame, "2026-05").to_dicts()
    }
    assert points == {(2025, "calendar"): None, (2026, "rolling_12m"): None}
    later = province_annual(frame, "2026-10")
    assert later.filter(pl.col("kind") == "rolling_12m")["tco2e"].item() == pytest.approx(222.0)


def test_fewer_than_twelve_months_make_no_rolling_total() -> None:
    points = province_annual(months("2026-10", 2), "2026-10")
    assert points.select("year", "kind", "tco2e", "months").rows() == [
        (2026, "rolling_12m", None, 2)
    ]
