"""Unknown is never zero: the null rule on 2–3-row frames, by hand.

Factors: 2023 grid 0.6592 tCO2/MWh (CV 1726/BĐKH-PTCBT); diesel 0.832 t → 2.659695 tCO2e
(IPCC 2006, AR5; see test_marts); electricity 0.1543 TOE/MWh (MOIT, CV 3505/BCT-KHCN).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tests.conftest import reference
from tests.transforms.test_marts import activity, contracts, frame, fuel, rejected
from transforms import emissions, marts, measures, scope2
from transforms.sums import known_sum
from transforms.unknowns import REASONS, first_reason

DIESEL_TCO2E = 2.659695168
MAY_2025 = date(2025, 5, 1)  # no grid factor published for 2025


def month(
    rows: pl.LazyFrame,
    rejections: pl.LazyFrame | None = None,
    policy: emissions.GridFactorPolicy = "provisional_latest",
    registered: pl.LazyFrame | None = None,
) -> dict[str, object]:
    """The enterprise-month of ``rows`` through the real emission facts and the marts."""
    grid_factors = reference("ref_grid_emission_factors")
    emissions = marts.fct_emissions(
        fuel(rows).lazy(),
        scope2.fct_grid_electricity_emissions(rows, grid_factors, policy),
        scope2.fct_scope2_market_emissions(
            rows,
            grid_factors,
            reference("ref_scope2_instruments"),
            contracts() if registered is None else registered,
            policy,
        ),
    )
    result = marts.fct_enterprise_monthly(
        rows, rejected() if rejections is None else rejections, emissions
    ).collect()
    assert result.height == 1
    return result.row(0, named=True)


def test_a_rejected_grid_line_leaves_both_scope_2_figures_and_energy_unknown() -> None:
    """It gives market-based Scope 2 no 0.0 and the market-based total no 2.66 t when the
    grid line was rejected: both are unknown, as are TOE and GJ; Scope 1 stays known, and
    the known part of the total is kept as its lower bound."""
    rows = frame(activity("DIESEL_STATIONARY", 0.832, toe=0.88))
    row = month(rows, rejected("ELEC_GRID"))
    for figure in ("scope2_location", "scope2_market", "emissions", "emissions_market"):
        assert row[f"{figure}_tco2e"] is None, figure
        assert row[f"{figure}_unknown_reason"] == "line_rejected", figure
    assert row["grid_electricity_mwh"] is None
    assert (row["energy_toe"], row["energy_gj"]) == (None, None)
    assert row["energy_toe_unknown_reason"] == "line_rejected"
    assert row["scope1_tco2e"] == pytest.approx(DIESEL_TCO2E)
    assert row["emissions_lower_bound_tco2e"] == pytest.approx(DIESEL_TCO2E)
    assert row["energy_lower_bound_toe"] == pytest.approx(0.88)


def test_a_grid_month_without_a_published_factor_is_unknown_under_leave_empty() -> None:
    """It leaves Scope 2 and the total of May 2025 unknown (no factor published), never 0.0;
    the lower bound is the diesel alone."""
    rows = frame(
        activity("ELEC_GRID", 100.0, MAY_2025, toe=15.43, line_no=2),
        activity("DIESEL_STATIONARY", 0.832, MAY_2025, toe=0.88, line_no=3),
    )
    row = month(rows, policy="leave_empty")
    assert row["scope2_location_tco2e"] is None
    assert row["scope2_location_unknown_reason"] == "no_grid_factor"
    assert row["emissions_tco2e"] is None
    assert row["emissions_unknown_reason"] == "no_grid_factor"
    assert row["scope2_market_tco2e"] is None
    assert row["emissions_lower_bound_tco2e"] == pytest.approx(DIESEL_TCO2E)
    # Energy does not need an emission factor: it stays known.
    assert row["energy_toe"] == pytest.approx(16.31)
    provisional = month(rows)
    assert provisional["scope2_location_tco2e"] == pytest.approx(65.92)


def test_a_dppa_month_without_a_grid_factor_is_not_just_its_dppa_part() -> None:
    """It leaves market-based Scope 2 unknown when 150 of 200 MWh come under a registered
    DPPA (0.0 tCO2/MWh) and the 50 MWh residual has no grid factor: not 0.0."""
    rows = frame(
        activity("ELEC_GRID", 200.0, MAY_2025, line_no=2),
        activity("ELEC_DPPA", 150.0, MAY_2025, line_no=3),
    )
    registered = contracts(("DPPA-001", "3700000001", 0.0, "2025-01", None))
    row = month(rows, policy="leave_empty", registered=registered)
    assert row["scope2_market_tco2e"] is None
    assert row["scope2_market_unknown_reason"] == "no_grid_factor"
    assert row["emissions_market_tco2e"] is None


def test_a_rejected_fuel_line_leaves_scope_1_unknown_not_zero() -> None:
    """It gives Scope 1 no 0.0 when the only diesel line was rejected (a gallon unit)."""
    rows = frame(activity("ELEC_GRID", 100.0, toe=15.43))
    row = month(rows, rejected("DIESEL_STATIONARY"))
    assert row["scope1_tco2e"] is None
    assert row["scope1_unknown_reason"] == "line_rejected"
    assert row["diesel_t"] is None
    assert row["scope2_location_tco2e"] == pytest.approx(65.92)
    assert row["emissions_tco2e"] is None
    assert row["emissions_lower_bound_tco2e"] == pytest.approx(65.92)


def test_a_second_line_of_an_activity_rejected_leaves_the_activity_unknown() -> None:
    """It shows no 100 MWh of grid electricity when a second grid line was rejected."""
    rows = frame(activity("ELEC_GRID", 100.0))
    row = month(rows, rejected("ELEC_GRID"))
    assert row["grid_electricity_mwh"] is None
    assert row["scope2_location_lower_bound_tco2e"] == pytest.approx(65.92)


def test_a_line_whose_activity_could_not_be_read_leaves_every_figure_unknown() -> None:
    """It cannot tell what an unreadable rejected line was: every figure waits for it."""
    rows = frame(activity("ELEC_GRID", 100.0), activity("DIESEL_STATIONARY", 0.832, line_no=3))
    row = month(rows, rejected("ELEC_GIRD"))
    assert row["scope1_unknown_reason"] == "line_rejected"
    assert row["scope2_location_unknown_reason"] == "line_rejected"
    assert row["emissions_tco2e"] is None
    assert row["emissions_lower_bound_tco2e"] == pytest.approx(65.92 + DIESEL_TCO2E)


def test_a_month_whose_every_line_was_rejected_still_has_its_row() -> None:
    """It keeps a row for a month with rejected lines only: unknown, with the reason."""
    result = marts.fct_enterprise_monthly(
        frame(activity("ELEC_GRID", 1.0)).clear(),
        rejected("ELEC_GRID", "DIESEL_STATIONARY"),
        marts.fct_emissions(fuel(frame(activity("DIESEL_STATIONARY", 1.0)).clear()).lazy()),
    ).collect()
    row = result.row(0, named=True)
    assert row["period"] == "2023-05"
    assert row["emissions_tco2e"] is None
    assert row["emissions_unknown_reason"] == "line_rejected"
    assert row["emissions_lower_bound_tco2e"] == 0.0


def test_coal_energy_has_no_toe_and_says_so() -> None:
    """It leaves TOE unknown for a month burning coal (no TOE factor), keeping the 15.43 TOE
    of the electricity as the lower bound; GJ is known through the coal's NCV."""
    rows = frame(
        activity("ELEC_GRID", 100.0, toe=15.43, line_no=2),
        activity("COAL_BITUMINOUS_STATIONARY", 10.0, line_no=3),
    )
    row = month(rows)
    assert row["energy_toe"] is None
    assert row["energy_toe_unknown_reason"] == "no_toe_factor"
    assert row["energy_lower_bound_toe"] == pytest.approx(15.43)
    # 100 MWh × 3.6 + 10 t × 25.8 GJ/t (IPCC 2006 NCV of other bituminous coal)
    assert row["energy_gj"] == pytest.approx(360.0 + 258.0)
    assert row["emissions_tco2e"] == pytest.approx(65.92 + 24.581595)


def test_a_complete_month_has_no_reason_at_all() -> None:
    """It leaves every reason null when every part is known."""
    rows = frame(
        activity("ELEC_GRID", 90.0, toe=13.887, line_no=2),
        activity("DIESEL_STATIONARY", 0.832, toe=0.88, line_no=3),
    )
    row = month(rows)
    reasons = {k: v for k, v in row.items() if k.endswith("_unknown_reason")}
    assert set(reasons) == {f"{f}_unknown_reason" for f in measures.REASONED_FIGURES}
    assert set(reasons.values()) == {None}
    assert row["emissions_tco2e"] == row["emissions_lower_bound_tco2e"]


def test_first_reason_and_known_sum_on_three_rows() -> None:
    """It picks the first reason that holds, and adds up nothing known as null, not 0."""
    df = pl.DataFrame({"a": [True, False, False], "b": [True, True, None], "x": [1.0, None, 2.0]})
    reasons = df.select(
        first_reason((pl.col("a"), "line_rejected"), (pl.col("b"), "no_toe_factor"))
    )
    assert reasons.to_series().to_list() == ["line_rejected", "no_toe_factor", None]
    assert set(REASONS) >= {"line_rejected", "no_toe_factor"}
    groups = pl.DataFrame({"g": [1, 2, 2], "x": [1.0, None, None]})
    sums = groups.group_by("g").agg(known_sum(pl.col("x"))).sort("g")
    assert sums["x"].to_list() == [1.0, None]
