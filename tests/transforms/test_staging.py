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
            "quantity_text": [str(r[1]) for r in rows],
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
            reference("ref_fuel_combustion_factors"),
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
    assert result["conversion_factor_id"].item() == "DENS-JEC-DIESEL"


def test_natural_gas_cubic_metres_become_tonnes() -> None:
    """It turns 10,000 m³ of natural gas into 6.7 t (IPCC 2006 V2 Ch4 0.67 kg/m³)."""
    result = canonical(("NATURAL_GAS_STATIONARY", 10_000.0, "m3"))
    assert result["quantity_canonical"].item() == pytest.approx(6.7)


def test_masses_need_no_density() -> None:
    """It converts kg of LPG to tonnes with no density."""
    result = canonical(("LPG_STATIONARY", 500.0, "kg"), ("WASTE_GENERATED", 2.0, "t"))
    expected = pl.DataFrame(
        {"quantity_canonical": [0.5, 2.0], "conversion_factor_id": [None, None]},
        schema={"quantity_canonical": pl.Float64, "conversion_factor_id": pl.String},
    )
    assert_frame_equal(result.select("quantity_canonical", "conversion_factor_id"), expected)


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


def test_natural_gas_by_mass_gets_its_toe_through_its_ncv() -> None:
    """It gives 500 kg and 6.7 t of natural gas 0.5732 and 7.6813 TOE: 48.0 GJ/t (IPCC 2006
    NCV 48.0 TJ/Gg) ÷ 41.868 GJ/TOE (IEA) = 1.14646 TOE/t. The MOIT table gives gas by volume
    only; a water line has no energy and no TOE."""
    result = canonical(
        ("NATURAL_GAS_STATIONARY", 500.0, "kg"),
        ("NATURAL_GAS_STATIONARY", 6.7, "t"),
        ("WATER_SUPPLY", 10.0, "m3"),
    )
    assert result["energy_toe"].to_list() == pytest.approx(
        [0.5 * 48 / 41.868, 6.7 * 48 / 41.868, None]
    )
    assert result["toe_factor_id"].to_list() == ["NCV-TOE-NG-KG", "NCV-TOE-NG-T", None]


@pytest.mark.parametrize(
    ("activity_code", "quantity", "unit", "tonnes", "factor_id"),
    [
        # JEC WTT v5 (JRC119036) Appendix 2 §4.1 densities: diesel 832, petrol 743, HFO 970 kg/m³
        ("DIESEL_STATIONARY", 2.5, "m3", 2.08, "DENS-JEC-DIESEL"),
        ("DIESEL_STATIONARY", 400.0, "kg", 0.4, None),
        ("DIESEL_STATIONARY", 1.2, "t", 1.2, None),
        ("DIESEL_MOBILE", 500.0, "L", 0.416, "DENS-JEC-DIESEL"),
        ("DIESEL_MOBILE", 0.3, "t", 0.3, None),
        ("PETROL_MOBILE", 1000.0, "L", 0.743, "DENS-JEC-PETROL"),
        ("PETROL_MOBILE", 2.0, "m3", 1.486, "DENS-JEC-PETROL"),
        ("PETROL_MOBILE", 250.0, "kg", 0.25, None),
        ("FUEL_OIL_STATIONARY", 1000.0, "L", 0.97, "DENS-JEC-HFO"),
        ("FUEL_OIL_STATIONARY", 3.0, "t", 3.0, None),
        ("LPG_STATIONARY", 1.5, "t", 1.5, None),
        ("NATURAL_GAS_STATIONARY", 2.5, "t", 2.5, None),
        # IPCC 2006 V2 Ch1 Table 1.2: natural gas NCV 48.0 TJ/Gg, so 480 GJ = 10 t
        ("NATURAL_GAS_STATIONARY", 480.0, "GJ", 10.0, "IPCC2006-STAT-NG"),
        ("COAL_ANTHRACITE_STATIONARY", 12_000.0, "kg", 12.0, None),
        ("COAL_BITUMINOUS_STATIONARY", 20.0, "t", 20.0, None),
        ("COAL_SUBBITUMINOUS_STATIONARY", 5.0, "t", 5.0, None),
        ("WOOD_STATIONARY", 8_000.0, "kg", 8.0, None),
        ("ELEC_IREC_RETIRED", 50.0, "MWh", 50.0, None),
        ("ELEC_DPPA", 120_000.0, "kWh", 120.0, None),
    ],
)
def test_every_fuel_and_unit_has_a_canonical_quantity(
    activity_code: str, quantity: float, unit: str, tonnes: float, factor_id: str | None
) -> None:
    """It converts each accepted fuel unit to tonnes (instruments to MWh) with the cited factor."""
    result = canonical((activity_code, quantity, unit))
    assert result["quantity_canonical"].item() == pytest.approx(tonnes)
    assert result["conversion_factor_id"].item() == factor_id


def test_toe_for_the_new_fuels_comes_from_the_moit_table() -> None:
    """It gives FO 0.94 TOE/1,000 L, petrol 0.83 TOE/1,000 L and 1.05 TOE/t (CV 3505/BCT-KHCN),
    and natural gas in GJ 1/41.868 TOE per GJ (IEA definition, printed as a project choice)."""
    result = canonical(
        ("FUEL_OIL_STATIONARY", 1000.0, "L"),
        ("PETROL_MOBILE", 1000.0, "L"),
        ("PETROL_MOBILE", 2.0, "t"),
        ("NATURAL_GAS_STATIONARY", 41.868, "GJ"),
    )
    assert result["energy_toe"].to_list() == pytest.approx([0.94, 0.83, 2.1, 1.0])


def test_biomass_and_coal_have_no_toe_factor_rather_than_a_guess() -> None:
    """It leaves TOE null for wood and coal: CV 3505 has no biomass row, and its coal grades
    (than cám 1-6) do not map onto the IPCC coal classes."""
    result = canonical(("WOOD_STATIONARY", 1.0, "t"), ("COAL_BITUMINOUS_STATIONARY", 1.0, "t"))
    assert result["energy_toe"].to_list() == [None, None]
