from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.conftest import reference
from transforms.staging import stg_submissions__activity_lines


def lines(*rows: tuple[str, float, str]) -> pl.LazyFrame:
    return pl.LazyFrame(
        {
            "tax_code": ["3700000001"] * len(rows),
            "period": ["2023-05"] * len(rows),
            "reporting_month": [date(2023, 5, 1)] * len(rows),
            "line_no": list(range(2, len(rows) + 2)),
            "activity_code": [r[0] for r in rows],
            "quantity": [r[1] for r in rows],
            "unit": [r[2] for r in rows],
        }
    )


def canonical(*rows: tuple[str, float, str]) -> pl.DataFrame:
    return (
        stg_submissions__activity_lines(
            lines(*rows),
            reference("ref_activities"),
            reference("ref_activity_units"),
            reference("ref_fuel_densities"),
        )
        .collect()
        .sort("line_no")
    )


def test_energy_units_become_mwh() -> None:
    """It converts kWh and MWh of electricity to MWh."""
    result = canonical(("ELEC_GRID", 125_000.0, "kWh"), ("ELEC_SOLAR_SELF", 3.5, "MWh"))
    assert result["quantity_canonical"].to_list() == pytest.approx([125.0, 3.5])
    assert result["canonical_unit"].to_list() == ["MWh", "MWh"]


def test_diesel_litres_become_tonnes_through_the_cited_density() -> None:
    """It turns 1,000 L of diesel into 0.832 t (JEC WTT v5 density 832 kg/m³) and names it."""
    result = canonical(("DIESEL_STATIONARY", 1000.0, "L"))
    assert result["quantity_canonical"].item() == pytest.approx(0.832)
    assert result["density_id"].item() == "DENS-JEC-DIESEL"


def test_natural_gas_cubic_metres_become_tonnes() -> None:
    """It turns 10,000 m³ of natural gas into 6.7 t (IPCC 2006 V2 Ch4 0.67 kg/m³)."""
    result = canonical(("NATURAL_GAS_STATIONARY", 10_000.0, "m3"))
    assert result["quantity_canonical"].item() == pytest.approx(6.7)


def test_masses_need_no_density() -> None:
    """It converts kg of LPG to tonnes with no density."""
    result = canonical(("LPG_STATIONARY", 500.0, "kg"), ("WASTE_GENERATED", 2.0, "t"))
    expected = pl.DataFrame(
        {"quantity_canonical": [0.5, 2.0], "density_id": [None, None]},
        schema={"quantity_canonical": pl.Float64, "density_id": pl.String},
    )
    assert_frame_equal(result.select("quantity_canonical", "density_id"), expected)


def test_output_keeps_its_own_unit() -> None:
    """It keeps production output in the unit the enterprise counts it in."""
    result = canonical(("PRODUCTION_OUTPUT", 15_000.0, "pair"))
    assert result.select("quantity_canonical", "canonical_unit").row(0) == (15_000.0, "pair")
