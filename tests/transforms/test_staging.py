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
            reference("ref_toe_factors"),
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


def test_toe_comes_from_the_moit_table_in_the_submitted_unit() -> None:
    """It gives 0.88 TOE per 1,000 L diesel, 154.3 per GWh and 9.0 per 1,000 m³ gas (CV 3505)."""
    result = canonical(
        ("DIESEL_STATIONARY", 1000.0, "L"),
        ("ELEC_GRID", 1_000_000.0, "kWh"),
        ("NATURAL_GAS_STATIONARY", 10_000.0, "m3"),
        ("LPG_STATIONARY", 2.0, "t"),
    )
    assert result["energy_toe"].to_list() == pytest.approx([0.88, 154.3, 9.0, 2.18])
    assert result["toe_factor_id"].to_list() == [
        "MOIT-TOE-DO-L",
        "MOIT-TOE-ELEC-KWH",
        "MOIT-TOE-NG-M3",
        "MOIT-TOE-LPG-T",
    ]


def test_unit_without_moit_factor_has_no_toe_rather_than_a_guess() -> None:
    """It leaves TOE null for natural gas given by mass: the MOIT table has no such factor."""
    result = canonical(("NATURAL_GAS_STATIONARY", 500.0, "kg"), ("WATER_SUPPLY", 10.0, "m3"))
    assert result["energy_toe"].to_list() == [None, None]
