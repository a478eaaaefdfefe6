"""Hand-computed accounting cases. Each names the source of its factor."""

from datetime import date

import polars as pl
import pytest

from tests.conftest import reference
from transforms import emissions, marts, scope2


def activity(
    code: str,
    tonnes_or_mwh: float,
    month: date = date(2023, 5, 1),
    tax_code: str = "3700000001",
    toe: float | None = None,
    line_no: int = 2,
) -> dict[str, object]:
    return {
        "tax_code": tax_code,
        "period": month.strftime("%Y-%m"),
        "reporting_month": month,
        "activity_code": code,
        "quantity_canonical": tonnes_or_mwh,
        "canonical_unit": "MWh" if code.startswith(("ELEC", "EV")) else "t",
        "sha256": "ab" * 32,
        "line_no": line_no,
        "revision": 1,
        "energy_toe": toe,
    }


def frame(*rows: dict[str, object]) -> pl.LazyFrame:
    return pl.LazyFrame(list(rows))


def fuel(rows: pl.LazyFrame, gwp_set: str = "AR5") -> pl.DataFrame:
    return emissions.fct_fuel_combustion_emissions(
        rows,
        reference("ref_activities"),
        reference("ref_fuel_combustion_factors"),
        reference("ref_mobile_combustion_factors"),
        reference("ref_gwp"),
        gwp_set,
    ).collect()


def grid(rows: pl.LazyFrame, policy: emissions.GridFactorPolicy) -> pl.DataFrame:
    return (
        scope2.fct_grid_electricity_emissions(rows, reference("ref_grid_emission_factors"), policy)
        .collect()
        .sort("reporting_month")
    )


CONTRACTS_SCHEMA = {
    "contract_id": pl.String,
    "tax_code": pl.String,
    "supplier_ef_tco2_per_mwh": pl.Float64,
    "valid_from": pl.String,
    "valid_to": pl.String,
}


def contracts(*rows: tuple[str, str, float | None, str, str | None]) -> pl.LazyFrame:
    return pl.LazyFrame(list(rows), schema=CONTRACTS_SCHEMA, orient="row")


def market(
    rows: pl.LazyFrame,
    registered: pl.LazyFrame | None = None,
    policy: emissions.GridFactorPolicy = "provisional_latest",
) -> pl.DataFrame:
    return (
        scope2.fct_scope2_market_emissions(
            rows,
            reference("ref_grid_emission_factors"),
            reference("ref_scope2_instruments"),
            contracts() if registered is None else registered,
            policy,
        )
        .collect()
        .sort("line_no")
    )


def all_emissions(rows: pl.LazyFrame, registered: pl.LazyFrame | None = None) -> pl.LazyFrame:
    return marts.fct_emissions(
        fuel(rows).lazy(),
        grid(rows, "provisional_latest").lazy(),
        market(rows, registered).lazy(),
    )


REJECTED_SCHEMA = {
    "tax_code": pl.String,
    "period": pl.String,
    "reporting_month": pl.Date,
    "sha256": pl.String,
    "line_no": pl.Int32,
    "revision": pl.Int64,
    "is_current": pl.Boolean,
    "activity_code": pl.String,
    "rules": pl.String,
}


def rejected(*codes: str | None, month: date = date(2023, 5, 1)) -> pl.LazyFrame:
    """Rejected lines of enterprise 3700000001's month naming ``codes`` (None: unreadable)."""
    rows = [
        ("3700000001", month.strftime("%Y-%m"), month, "ab" * 32, 10 + i, 1, True, code, "x")
        for i, code in enumerate(codes)
    ]
    return pl.LazyFrame(rows, schema=REJECTED_SCHEMA, orient="row")


def monthly(
    rows: pl.LazyFrame,
    registered: pl.LazyFrame | None = None,
    rejections: pl.LazyFrame | None = None,
) -> dict[str, object]:
    result = marts.fct_enterprise_monthly(
        rows,
        rejected() if rejections is None else rejections,
        all_emissions(rows, registered),
    ).collect()
    return result.row(0, named=True)


def test_diesel_scope1_by_hand() -> None:
    """It gives 2.659695 tCO2e for 0.832 t of diesel (IPCC 2006 NCV 43.0, 74,100/3/0.6, AR5).

    0.832 t = 0.000832 Gg × 43.0 TJ/Gg = 0.035776 TJ; CO2 0.035776 × 74,100 = 2,651.0016 kg;
    CH4 0.107328 kg × 28; N2O 0.0214656 kg × 265 → 2,659.695168 kg CO2e.
    """
    result = fuel(frame(activity("DIESEL_STATIONARY", 0.832)))
    assert result["factor_version"].item() == "2026.11.1"
    assert result["energy_tj"].item() == pytest.approx(0.035776)
    assert result["co2_t"].item() == pytest.approx(2.6510016)
    assert result["emissions_tco2e"].item() == pytest.approx(2.659695168)
    assert result["factor_id"].item() == "IPCC2006-STAT-DIESEL"
    assert result["scope"].item() == "scope1"


def test_diesel_scope1_with_ar4_gwp() -> None:
    """It uses the configured GWP set: AR4 (CH4 25, N2O 298) gives 2.660082 tCO2e."""
    result = fuel(frame(activity("DIESEL_STATIONARY", 0.832)), gwp_set="AR4")
    assert result["emissions_tco2e"].item() == pytest.approx(2.660081549)
    assert result["gwp_set"].item() == "AR4"


def test_lpg_scope1_by_hand() -> None:
    """It gives 2.987208 tCO2e for 1 t of LPG (IPCC 2006 NCV 47.3, 63,100/1/0.1, AR5).

    0.0473 TJ; CO2 2.98463 t; CH4 0.0000473 t × 28 = 0.0013244; N2O 0.00000473 t × 265 =
    0.00125345.
    """
    result = fuel(frame(activity("LPG_STATIONARY", 1.0)))
    assert result["emissions_tco2e"].item() == pytest.approx(2.98720785)


def test_natural_gas_scope1_by_hand() -> None:
    """It gives 18.059287 tCO2e for 6.7 t of natural gas (IPCC 2006 NCV 48.0, 56,100/1/0.1).

    0.3216 TJ; CO2 18.04176 t; CH4 0.0003216 t × 28 = 0.0090048; N2O 0.00003216 t × 265 =
    0.0085224.
    """
    result = fuel(frame(activity("NATURAL_GAS_STATIONARY", 6.7)))
    assert result["emissions_tco2e"].item() == pytest.approx(18.0592872)


@pytest.mark.parametrize(
    ("activity_code", "tonnes", "factor_id", "tco2e"),
    [
        # QĐ 2626/QĐ-BTNMT road diesel 74,100 / 3.9 / 3.9 kg/TJ, NCV 43.0 (IPCC T1.2):
        # 0.043 TJ → CO2 3,186.3 kg, CH4 0.1677 kg × 28, N2O 0.1677 kg × 265 = 3,235.4361 kg
        ("DIESEL_MOBILE", 1.0, "QD2626-MOBILE-DIESEL", 3.2354361),
        # QĐ 2626 road petrol 69,300 / 33 / 3.2, NCV 44.3; 1,000 L × 0.743 (JEC) = 0.743 t:
        # 0.0329149 TJ → CO2 2,281.00257 kg, CH4 1.0861917 × 28, N2O 0.10532768 × 265
        ("PETROL_MOBILE", 0.743, "QD2626-MOBILE-PETROL", 2.339327773),
        # IPCC 2006 residual fuel oil NCV 40.4, 77,400 / 3 / 0.6: 0.0404 TJ → 3,136.7772 kg
        ("FUEL_OIL_STATIONARY", 1.0, "IPCC2006-STAT-FO", 3.1367772),
        # IPCC 2006 anthracite NCV 26.7, 98,300 / 10 / 1.5 (T2.3 CH4/N2O UNVERIFIED):
        # 0.267 TJ → 26,246.1 + 2.67 × 28 + 0.4005 × 265 = 26,426.9925 kg
        ("COAL_ANTHRACITE_STATIONARY", 10.0, "IPCC2006-STAT-ANTHRACITE", 26.4269925),
        # IPCC 2006 other bituminous NCV 25.8, 94,600 / 10 / 1.5: 0.258 TJ → 24,581.595 kg
        ("COAL_BITUMINOUS_STATIONARY", 10.0, "IPCC2006-STAT-BITUMINOUS", 24.581595),
        # IPCC 2006 sub-bituminous NCV 18.9, 96,100 / 10 / 1.5: 0.189 TJ → 18,290.9475 kg
        ("COAL_SUBBITUMINOUS_STATIONARY", 10.0, "IPCC2006-STAT-SUBBITUMINOUS", 18.2909475),
    ],
)
def test_each_other_fuel_by_hand(
    activity_code: str, tonnes: float, factor_id: str, tco2e: float
) -> None:
    """It computes Scope 1 CO2e (AR5) for each fuel with the cited factor row."""
    result = fuel(frame(activity(activity_code, tonnes)))
    assert result["factor_id"].item() == factor_id
    assert result["emissions_tco2e"].item() == pytest.approx(tco2e)
    assert result["biogenic_co2_t"].item() == 0.0
    mobile = activity_code.endswith("_MOBILE")
    assert result["source_category"].item() == (
        "mobile_combustion" if mobile else "stationary_combustion"
    )


def test_biomass_co2_is_reported_apart_from_the_fossil_total() -> None:
    """It keeps 17.472 t of wood CO2 out of Scope 1 and counts only CH4 and N2O: 0.2964 t.

    IPCC 2006 wood NCV 15.6 TJ/Gg, CO2 112,000 kg/TJ (biogenic), CH4 30 / N2O 4 kg/TJ
    (UNVERIFIED, domain-facts §4.1). 10 t → 0.156 TJ; CO2 17,472 kg; CH4 4.68 kg × 28 =
    131.04; N2O 0.624 kg × 265 = 165.36 → 296.4 kg CO2e.
    """
    rows = frame(activity("WOOD_STATIONARY", 10.0), activity("ELEC_GRID", 10.0, line_no=3))
    result = fuel(rows)
    assert result["biogenic_co2_t"].item() == pytest.approx(17.472)
    assert result["emissions_tco2e"].item() == pytest.approx(0.2964)
    row = monthly(rows)
    assert row["scope1_tco2e"] == pytest.approx(0.2964)
    assert row["biogenic_co2_t"] == pytest.approx(17.472)
    assert row["emissions_tco2e"] == pytest.approx(0.2964 + 10 * 0.6592)


def test_grid_electricity_uses_the_factor_of_its_own_year() -> None:
    """It applies 0.6766 to 2022 (CV 327/BĐKH-PTCBT) and 0.6592 to 2023 (CV 1726/BĐKH-PTCBT)."""
    rows = frame(
        activity("ELEC_GRID", 100.0, date(2022, 12, 1)),
        activity("ELEC_GRID", 100.0, date(2023, 1, 1)),
    )
    result = grid(rows, "provisional_latest")
    assert result["emissions_tco2e"].to_list() == pytest.approx([67.66, 65.92])
    assert result["factor_id"].to_list() == ["GRID-VN-2022", "GRID-VN-2023"]
    assert result["is_factor_provisional"].to_list() == [False, False]


def test_year_without_published_factor_is_provisional_under_that_policy() -> None:
    """It borrows 2023's 0.6592 for 2025 and flags the figure provisional, never silently."""
    result = grid(frame(activity("ELEC_GRID", 100.0, date(2025, 3, 1))), "provisional_latest")
    assert result.select("emissions_tco2e", "factor_year", "is_factor_provisional").row(0) == (
        pytest.approx(65.92),
        2023,
        True,
    )


def test_year_without_published_factor_is_left_empty_under_that_policy() -> None:
    """It leaves 2025's Scope 2 empty and flagged when the policy says leave_empty."""
    result = grid(frame(activity("ELEC_GRID", 100.0, date(2025, 3, 1))), "leave_empty")
    assert result.select("emissions_tco2e", "factor_id", "is_factor_provisional").row(0) == (
        None,
        None,
        True,
    )


def test_enterprise_month_adds_scopes_and_renewable_share() -> None:
    """It sums Scope 1 and Scope 2 and computes solar's share of electricity used."""
    rows = frame(
        activity("ELEC_GRID", 90.0, toe=13.887),
        activity("ELEC_SOLAR_SELF", 10.0, toe=1.543),
        activity("DIESEL_STATIONARY", 0.832, toe=0.88),
    )
    emissions = all_emissions(rows)
    row = monthly(rows)
    assert row["scope2_location_tco2e"] == pytest.approx(90 * 0.6592)
    assert row["scope1_tco2e"] == pytest.approx(2.659695168)
    assert row["emissions_tco2e"] == pytest.approx(90 * 0.6592 + 2.659695168)
    assert row["renewable_share"] == pytest.approx(0.1)
    # 100 MWh × 3.6 GJ/MWh + 0.035776 TJ of diesel = 395.776 GJ; TOE adds the MOIT figures.
    assert row["energy_gj"] == pytest.approx(395.776)
    assert row["energy_toe"] == pytest.approx(13.887 + 1.543 + 0.88)
    assert row["has_energy_without_toe"] is False
    # Rooftop solar self-consumed carries no Scope 2 (GHG Protocol Scope 2 Guidance).
    assert emissions.collect().filter(pl.col("activity_code") == "ELEC_SOLAR_SELF").is_empty()


def test_month_without_grid_line_leaves_electricity_unknown_not_zero() -> None:
    """It keeps grid electricity and Scope 2 null when no grid line was accepted."""
    rows = frame(activity("DIESEL_STATIONARY", 0.832))
    row = monthly(rows)
    assert row["grid_electricity_mwh"] is None
    assert row["scope2_location_tco2e"] is None
    assert row["emissions_tco2e"] is None
    assert row["emissions_unknown_reason"] == "grid_line_missing"


def test_market_based_with_irecs_by_hand() -> None:
    """It gives 100 MWh with 40 MWh of I-RECs retired 60 × 0.6592 = 39.552 t market-based.

    I-REC: zero-emission attribute (GHG Protocol Scope 2 Guidance 2015); the residual has no
    Vietnamese residual mix, so it takes the 2023 grid factor 0.6592 (CV 1726/BĐKH-PTCBT).
    Location-based stays 100 × 0.6592 = 65.92 t.
    """
    rows = frame(
        activity("ELEC_GRID", 100.0, line_no=2),
        activity("ELEC_IREC_RETIRED", 40.0, line_no=3),
    )
    result = market(rows)
    assert result["scope2_market_basis"].to_list() == ["residual_grid_factor", "irec"]
    assert result["quantity_canonical"].to_list() == pytest.approx([60.0, 40.0])
    assert result["emissions_tco2e"].to_list() == pytest.approx([39.552, 0.0])
    assert result["factor_id"].to_list() == ["GRID-VN-2023", "SCOPE2-IREC-RENEWABLE"]
    row = monthly(rows)
    assert row["scope2_market_tco2e"] == pytest.approx(39.552)
    assert row["scope2_location_tco2e"] == pytest.approx(65.92)
    assert row["emissions_market_tco2e"] == pytest.approx(39.552)


def test_dppa_takes_the_registered_supplier_factor() -> None:
    """It gives a DPPA volume its contract factor and the rest the grid factor.

    200 MWh bought, 150 MWh under a solar DPPA registered at 0.0 tCO2/MWh (TT 38/2023
    App. II §2 pt 3: seller's factor with evidence): 50 × 0.6766 (2022, CV 327) = 33.83 t.
    """
    rows = frame(
        activity("ELEC_GRID", 200.0, date(2022, 7, 1), line_no=2),
        activity("ELEC_DPPA", 150.0, date(2022, 7, 1), line_no=3),
    )
    registered = contracts(("DPPA-001", "3700000001", 0.0, "2022-01", None))
    result = market(rows, registered)
    assert result["scope2_market_basis"].to_list() == [
        "residual_grid_factor",
        "dppa_supplier_factor",
    ]
    assert result["factor_id"].to_list() == ["GRID-VN-2022", "DPPA-001"]
    assert result["emissions_tco2e"].sum() == pytest.approx(33.83)


def test_dppa_without_a_supplier_factor_falls_back_to_the_grid_with_a_flag() -> None:
    """It uses the grid factor for a DPPA whose contract has no factor, and says so."""
    rows = frame(
        activity("ELEC_GRID", 200.0, date(2022, 7, 1), line_no=2),
        activity("ELEC_DPPA", 150.0, date(2022, 7, 1), line_no=3),
    )
    registered = contracts(("DPPA-002", "3700000001", None, "2022-01", "2022-12"))
    assert market(rows, registered)["emissions_tco2e"].sum() == pytest.approx(200 * 0.6766)
    assert monthly(rows, registered)["has_dppa_grid_fallback"] is True
    expired = contracts(("DPPA-003", "3700000001", 0.0, "2021-01", "2021-12"))
    assert market(rows, expired)["scope2_market_basis"].to_list()[1] == (
        "dppa_grid_factor_fallback"
    )


def test_instruments_never_claim_more_than_was_bought() -> None:
    """It scales 150 MWh of I-RECs down to the 100 MWh bought: market-based is zero, flagged."""
    rows = frame(
        activity("ELEC_GRID", 100.0, line_no=2),
        activity("ELEC_IREC_RETIRED", 150.0, line_no=3),
    )
    result = market(rows)
    assert result["quantity_canonical"].to_list() == pytest.approx([0.0, 100.0])
    row = monthly(rows)
    assert row["scope2_market_tco2e"] == pytest.approx(0.0)
    assert row["instruments_exceed_grid"] is True


def test_rooftop_solar_self_consumed_and_exported() -> None:
    """It gives self-consumed solar no Scope 2 and never subtracts exported solar.

    90 MWh bought × 0.6592 = 59.328 t whether or not 5 MWh were exported; renewable share is
    self-consumed over electricity used: 10 / (90 + 10) = 10 %.
    """
    rows = frame(
        activity("ELEC_GRID", 90.0, line_no=2),
        activity("ELEC_SOLAR_SELF", 10.0, line_no=3),
        activity("ELEC_SOLAR_EXPORTED", 5.0, line_no=4),
    )
    row = monthly(rows)
    assert row["scope2_location_tco2e"] == pytest.approx(59.328)
    assert row["scope2_market_tco2e"] == pytest.approx(59.328)
    assert row["solar_exported_mwh"] == pytest.approx(5.0)
    assert row["renewable_share"] == pytest.approx(0.1)


def test_intensities_per_output_and_per_revenue() -> None:
    """It divides the month's tCO2e by output and by revenue (VND billion) where submitted."""
    rows = frame(
        activity("ELEC_GRID", 100.0, line_no=2),
        {**activity("PRODUCTION_OUTPUT", 500.0, line_no=3), "canonical_unit": "pair"},
        {**activity("REVENUE", 20.0, line_no=4), "canonical_unit": "bnVND"},
    )
    row = monthly(rows)
    assert row["intensity_tco2e_per_output"] == pytest.approx(65.92 / 500)
    assert row["intensity_tco2e_per_bn_vnd"] == pytest.approx(65.92 / 20)
    assert row["output_unit"] == "pair"
    without = monthly(frame(activity("ELEC_GRID", 100.0)))
    assert without["intensity_tco2e_per_output"] is None
    assert without["intensity_tco2e_per_bn_vnd"] is None
