"""Marts: facts and dimensions at a stated grain. No IO here.

Scope 1 (stationary combustion) follows TT 38/2023/TT-BCT App. II §2:
emissions = AD (TJ) × EF (kg/TJ) × GWP / 1000. Scope 2 (location-based) is grid MWh ×
the national grid factor of the calculation year (TT 38 App. II §2 pt 3).
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from transforms.periods import month_start, period_index_expr
from transforms.sums import stable_sum
from transforms.unknowns import first_reason, known_when

GridFactorPolicy = Literal["provisional_latest", "leave_empty"]

# Activity code → the fct_enterprise_monthly column holding its canonical quantity.
ACTIVITY_COLUMNS: dict[str, str] = {
    "ELEC_GRID": "grid_electricity_mwh",
    "ELEC_SOLAR_SELF": "solar_self_consumed_mwh",
    "ELEC_SOLAR_EXPORTED": "solar_exported_mwh",
    "ELEC_IREC_RETIRED": "irec_retired_mwh",
    "ELEC_DPPA": "dppa_mwh",
    "EV_CHARGING": "ev_charging_mwh",
    "DIESEL_STATIONARY": "diesel_t",
    "LPG_STATIONARY": "lpg_t",
    "NATURAL_GAS_STATIONARY": "natural_gas_t",
    "DIESEL_MOBILE": "diesel_mobile_t",
    "PETROL_MOBILE": "petrol_mobile_t",
    "FUEL_OIL_STATIONARY": "fuel_oil_t",
    "COAL_ANTHRACITE_STATIONARY": "coal_anthracite_t",
    "COAL_BITUMINOUS_STATIONARY": "coal_bituminous_t",
    "COAL_SUBBITUMINOUS_STATIONARY": "coal_subbituminous_t",
    "WOOD_STATIONARY": "wood_t",
    "WATER_SUPPLY": "water_supply_m3",
    "RAINWATER_REUSE": "rainwater_reused_m3",
    "WASTEWATER": "wastewater_m3",
    "WASTE_GENERATED": "waste_generated_t",
    "WASTE_RECYCLED": "waste_recycled_t",
    "REVENUE": "revenue_bn_vnd",
}
FUEL_ACTIVITIES = [
    "DIESEL_STATIONARY",
    "LPG_STATIONARY",
    "NATURAL_GAS_STATIONARY",
    "DIESEL_MOBILE",
    "PETROL_MOBILE",
    "FUEL_OIL_STATIONARY",
    "COAL_ANTHRACITE_STATIONARY",
    "COAL_BITUMINOUS_STATIONARY",
    "COAL_SUBBITUMINOUS_STATIONARY",
    "WOOD_STATIONARY",
]
ENERGY_ACTIVITIES = ["ELEC_GRID", "ELEC_SOLAR_SELF", *FUEL_ACTIVITIES]
KNOWN_ACTIVITIES = [*ACTIVITY_COLUMNS, "PRODUCTION_OUTPUT"]
# The figures of an enterprise-month that say why they are unknown: <figure>_unknown_reason.
REASONED_FIGURES = (
    "grid_electricity",
    "solar_self_consumed",
    "scope1",
    "scope2_location",
    "scope2_market",
    "electricity",
    "emissions",
    "emissions_market",
    "energy_gj",
    "energy_toe",
)
# A rejected line whose activity code could not be read might have been any activity.
UNREADABLE_ACTIVITY = "*"
MJ_PER_KWH = 3.6  # 1 MWh = 3.6 GJ (SI)
EMISSION_COLUMNS = [
    "tax_code",
    "period",
    "reporting_month",
    "activity_code",
    "scope",
    "source_category",
    "scope2_market_basis",
    "quantity_canonical",
    "canonical_unit",
    "energy_tj",
    "co2_t",
    "ch4_t",
    "n2o_t",
    "biogenic_co2_t",
    "emissions_tco2e",
    "factor_id",
    "factor_version",
    "factor_year",
    "is_factor_provisional",
    "gwp_set",
    "sha256",
    "line_no",
]
GAS_COLUMNS = ("energy_tj", "co2_t", "ch4_t", "n2o_t", "biogenic_co2_t")


def _gwp(ref_gwp: pl.LazyFrame, gwp_set: str, gas: str) -> pl.Expr:
    value = ref_gwp.filter((pl.col("gwp_set") == gwp_set) & (pl.col("gas") == gas))
    return pl.lit(value.select("gwp_100yr").collect().item(), dtype=pl.Float64)


def _combustion_factors(
    ref_fuel_combustion_factors: pl.LazyFrame, ref_mobile_combustion_factors: pl.LazyFrame
) -> pl.LazyFrame:
    """Stationary (IPCC 2006) and mobile (QĐ 2626) factors, one row per fuel and use."""
    columns = ["fuel_code", "factor_id", "ncv_tj_per_gg", "co2_kg_per_tj", "ch4_kg_per_tj"]
    columns += ["n2o_kg_per_tj", "is_biogenic", "factor_version", "combustion"]
    stationary = ref_fuel_combustion_factors.with_columns(
        pl.col("is_biogenic").cast(pl.Boolean),
        factor_version=pl.col("registry_version").cast(pl.String),
        combustion=pl.lit("stationary"),
    ).select(columns)
    mobile = ref_mobile_combustion_factors.with_columns(
        is_biogenic=pl.lit(False),
        factor_version=pl.col("registry_version").cast(pl.String),
        combustion=pl.lit("mobile"),
    ).select(columns)
    return pl.concat([stationary, mobile], how="vertical_relaxed")


def fct_fuel_combustion_emissions(
    stg_submissions__activity_lines: pl.LazyFrame,
    ref_activities: pl.LazyFrame,
    ref_fuel_combustion_factors: pl.LazyFrame,
    ref_mobile_combustion_factors: pl.LazyFrame,
    ref_gwp: pl.LazyFrame,
    gwp_set: str,
) -> pl.LazyFrame:
    """One row per fuel line: energy (TJ), CO2, CH4, N2O and CO2e in tonnes (Scope 1).

    Stationary fuels take IPCC 2006 factors, mobile fuels QĐ 2626 road factors (NCV from
    IPCC Table 1.2 either way). Biomass CO2 is biogenic: it goes to ``biogenic_co2_t``,
    outside ``emissions_tco2e``; its CH4 and N2O stay in the fossil total.
    """
    fuels = ref_activities.filter(pl.col("category") == "fuel").select(
        "activity_code", "fuel_code", "combustion"
    )
    factors = _combustion_factors(ref_fuel_combustion_factors, ref_mobile_combustion_factors)
    tj = pl.col("quantity_canonical") / 1000 * pl.col("ncv_tj_per_gg")  # t → Gg → TJ
    co2, ch4, n2o = (tj * pl.col(f"{gas}_kg_per_tj") / 1000 for gas in ("co2", "ch4", "n2o"))
    biogenic = pl.col("is_biogenic").fill_null(False)
    fossil_co2 = pl.when(biogenic).then(0.0).otherwise(pl.col("co2_t"))
    return (
        stg_submissions__activity_lines.join(fuels, on="activity_code", how="inner")
        .join(factors, on=["fuel_code", "combustion"], how="left")
        .with_columns(energy_tj=tj, co2_t=co2, ch4_t=ch4, n2o_t=n2o)
        .with_columns(
            scope=pl.lit("scope1"),
            source_category=pl.col("combustion") + "_combustion",
            scope2_market_basis=pl.lit(None, dtype=pl.String),
            biogenic_co2_t=pl.when(biogenic).then(pl.col("co2_t")).otherwise(0.0),
            emissions_tco2e=fossil_co2 * _gwp(ref_gwp, gwp_set, "CO2")
            + pl.col("ch4_t") * _gwp(ref_gwp, gwp_set, "CH4")
            + pl.col("n2o_t") * _gwp(ref_gwp, gwp_set, "N2O"),
            factor_year=pl.lit(None, dtype=pl.Int64),
            is_factor_provisional=pl.lit(False),
            gwp_set=pl.lit(gwp_set),
        )
        .select(EMISSION_COLUMNS)
    )


def grid_factor_for_year(
    ref_grid_emission_factors: pl.LazyFrame, years: pl.LazyFrame, policy: GridFactorPolicy
) -> pl.LazyFrame:
    """One row per calculation year: the grid factor applied, and whether it is provisional.

    A year with a published factor uses it. A later year has none yet: under
    ``provisional_latest`` it borrows the latest published year's factor, flagged
    provisional; under ``leave_empty`` it gets no factor at all. Never a silent fill.
    """
    published = ref_grid_emission_factors.select("grid_year", "factor_id", "ef_tco2_per_mwh").sort(
        "grid_year"
    )
    exact = years.join(published, left_on="calc_year", right_on="grid_year", how="left")
    if policy == "provisional_latest":
        latest = years.sort("calc_year").join_asof(
            published, left_on="calc_year", right_on="grid_year", strategy="backward"
        )
        return latest.with_columns(
            factor_year=pl.col("grid_year"),
            is_factor_provisional=pl.col("grid_year") != pl.col("calc_year"),
        ).drop("grid_year")
    return exact.with_columns(
        factor_year=pl.when(pl.col("factor_id").is_not_null()).then(pl.col("calc_year")),
        is_factor_provisional=pl.col("factor_id").is_null(),
    )


def _grid_factors(
    lines: pl.LazyFrame, ref_grid_emission_factors: pl.LazyFrame, policy: GridFactorPolicy
) -> pl.LazyFrame:
    """``lines`` with the grid factor of their calculation year (see grid_factor_for_year)."""
    published = ref_grid_emission_factors.with_columns(
        pl.col("grid_year").cast(pl.Int64),
        factor_version=pl.col("registry_version").cast(pl.String),
    )
    calc_year = pl.col("reporting_month").dt.year().cast(pl.Int64).alias("calc_year")
    years = lines.select(calc_year).unique()
    factors = grid_factor_for_year(published, years, policy).join(
        published.select("factor_id", "factor_version"), on="factor_id", how="left"
    )
    return lines.with_columns(calc_year).join(factors, on="calc_year", how="left")


def _no_gases(frame: pl.LazyFrame) -> pl.LazyFrame:
    return frame.with_columns(
        *(pl.lit(None, dtype=pl.Float64).alias(c) for c in GAS_COLUMNS),
        gwp_set=pl.lit(None, dtype=pl.String),
    )


def fct_grid_electricity_emissions(
    stg_submissions__activity_lines: pl.LazyFrame,
    ref_grid_emission_factors: pl.LazyFrame,
    policy: GridFactorPolicy,
) -> pl.LazyFrame:
    """One row per grid-electricity line: Scope 2 location-based emissions.

    Self-consumed rooftop solar is not grid electricity: it carries no Scope 2. Exported
    solar is never subtracted from the grid purchase.
    """
    grid = stg_submissions__activity_lines.filter(pl.col("activity_code") == "ELEC_GRID")
    return (
        _no_gases(_grid_factors(grid, ref_grid_emission_factors, policy))
        .with_columns(
            scope=pl.lit("scope2_location"),
            source_category=pl.lit("purchased_electricity"),
            scope2_market_basis=pl.lit(None, dtype=pl.String),
            emissions_tco2e=pl.col("quantity_canonical") * pl.col("ef_tco2_per_mwh"),
        )
        .select(EMISSION_COLUMNS)
    )


def fct_scope2_market_emissions(
    stg_submissions__activity_lines: pl.LazyFrame,
    ref_grid_emission_factors: pl.LazyFrame,
    ref_scope2_instruments: pl.LazyFrame,
    ref_electricity_contracts: pl.LazyFrame,
    policy: GridFactorPolicy,
) -> pl.LazyFrame:
    """One row per grid, I-REC or DPPA line: Scope 2 market-based emissions.

    Instruments (I-RECs retired, DPPA volumes) claim part of the month's purchased grid
    electricity; together they can claim at most all of it (``cap_share`` scales them down
    otherwise). I-RECs carry their certificate's factor (renewable: 0). DPPA volumes carry
    the supplier factor of the enterprise's registered contract, or the grid factor when
    none is given. The unclaimed residual has no Vietnamese residual mix to use, so it falls
    back to the national grid factor. ``scope2_market_basis`` names the rule on every row.
    """
    keys = ["tax_code", "period"]
    lines = stg_submissions__activity_lines.filter(
        pl.col("activity_code").is_in(["ELEC_GRID", "ELEC_IREC_RETIRED", "ELEC_DPPA"])
    )
    code = pl.col("activity_code")
    month = lines.group_by(keys).agg(
        grid_mwh=stable_sum(pl.col("quantity_canonical").filter(code == "ELEC_GRID")),
        claimed_mwh=stable_sum(pl.col("quantity_canonical").filter(code != "ELEC_GRID")),
    )
    cap_share = (
        pl.when(pl.col("claimed_mwh") > pl.col("grid_mwh"))
        .then(pl.col("grid_mwh") / pl.col("claimed_mwh"))
        .otherwise(1.0)
    )
    residual_share = (
        pl.when(pl.col("grid_mwh") > 0)
        .then((pl.col("grid_mwh") - pl.col("claimed_mwh")).clip(lower_bound=0) / pl.col("grid_mwh"))
        .otherwise(0.0)
    )
    irec = ref_scope2_instruments.filter(pl.col("instrument") == "IREC").select(
        irec_factor_id="factor_id",
        irec_ef="ef_tco2_per_mwh",
        irec_version=pl.col("registry_version").cast(pl.String),
    )
    contracts = (
        lines.filter(code == "ELEC_DPPA")
        .select("sha256", "line_no", "tax_code", "period")
        .join(ref_electricity_contracts, on="tax_code", how="inner")
        .filter(
            (pl.col("period") >= pl.col("valid_from"))
            & (pl.col("valid_to").is_null() | (pl.col("period") <= pl.col("valid_to")))
        )
        .group_by("sha256", "line_no")
        .agg(
            contract_id=pl.col("contract_id").sort().first(),
            contract_ef=pl.col("supplier_ef_tco2_per_mwh").sort_by("contract_id").first(),
        )
    )
    with_factors = (
        _grid_factors(lines, ref_grid_emission_factors, policy)
        .join(month, on=keys, how="left")
        .join(irec, how="cross")
        .join(contracts, on=["sha256", "line_no"], how="left")
    )
    dppa_supplier = (code == "ELEC_DPPA") & pl.col("contract_ef").is_not_null()
    basis = (
        pl.when(code == "ELEC_GRID")
        .then(pl.lit("residual_grid_factor"))
        .when(code == "ELEC_IREC_RETIRED")
        .then(pl.lit("irec"))
        .when(dppa_supplier)
        .then(pl.lit("dppa_supplier_factor"))
        .otherwise(pl.lit("dppa_grid_factor_fallback"))
    )
    grid_rule = (code == "ELEC_GRID") | ((code == "ELEC_DPPA") & ~dppa_supplier)
    share = pl.when(code == "ELEC_GRID").then(residual_share).otherwise(cap_share)
    factor = (
        pl.when(code == "ELEC_IREC_RETIRED")
        .then(pl.col("irec_ef"))
        .when(dppa_supplier)
        .then(pl.col("contract_ef"))
        .otherwise(pl.col("ef_tco2_per_mwh"))
    )
    return (
        _no_gases(with_factors)
        .with_columns(
            scope=pl.lit("scope2_market"),
            source_category=pl.lit("purchased_electricity"),
            scope2_market_basis=basis,
            quantity_canonical=pl.col("quantity_canonical") * share,
            factor_id=pl.when(code == "ELEC_IREC_RETIRED")
            .then(pl.col("irec_factor_id"))
            .when(dppa_supplier)
            .then(pl.col("contract_id"))
            .otherwise(pl.col("factor_id")),
            factor_version=pl.when(code == "ELEC_IREC_RETIRED")
            .then(pl.col("irec_version"))
            .when(dppa_supplier)
            .then(pl.lit(None, dtype=pl.String))
            .otherwise(pl.col("factor_version")),
            factor_year=pl.when(grid_rule).then(pl.col("factor_year")),
            is_factor_provisional=pl.when(grid_rule)
            .then(pl.col("is_factor_provisional"))
            .otherwise(pl.lit(False)),
        )
        .with_columns(emissions_tco2e=pl.col("quantity_canonical") * factor)
        .select(EMISSION_COLUMNS)
    )


def fct_emissions(
    fct_fuel_combustion_emissions: pl.LazyFrame,
    fct_grid_electricity_emissions: pl.LazyFrame | None = None,
    fct_scope2_market_emissions: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """One row per emission source line and method (Scope 1 fuels, Scope 2 location- and
    market-based), with its lineage: file sha256 and line, factor id and version, GWP set."""
    facts = [fct_fuel_combustion_emissions, fct_grid_electricity_emissions]
    facts.append(fct_scope2_market_emissions)
    return pl.concat([f for f in facts if f is not None], how="vertical_relaxed")


def int_emissions__revisions(
    stg_submissions__activity_lines: pl.LazyFrame,
    ref_activities: pl.LazyFrame,
    ref_fuel_combustion_factors: pl.LazyFrame,
    ref_mobile_combustion_factors: pl.LazyFrame,
    ref_gwp: pl.LazyFrame,
    ref_grid_emission_factors: pl.LazyFrame,
    ref_scope2_instruments: pl.LazyFrame,
    ref_electricity_contracts: pl.LazyFrame,
    gwp_set: str,
    policy: GridFactorPolicy,
) -> pl.LazyFrame:
    """One row per emission source line and method of every revision, current or
    superseded: marts.fct_emissions' rules on every submitted file (feeds
    marts.int_enterprise_monthly__revisions)."""
    lines = stg_submissions__activity_lines
    return fct_emissions(
        fct_fuel_combustion_emissions(
            lines,
            ref_activities,
            ref_fuel_combustion_factors,
            ref_mobile_combustion_factors,
            ref_gwp,
            gwp_set=gwp_set,
        ),
        fct_grid_electricity_emissions(lines, ref_grid_emission_factors, policy=policy),
        fct_scope2_market_emissions(
            lines,
            ref_grid_emission_factors,
            ref_scope2_instruments,
            ref_electricity_contracts,
            policy=policy,
        ),
    )


def _sum_or_null(which: pl.Expr, column: str = "quantity_canonical") -> pl.Expr:
    """The sum over matching lines; null when no line matches (not reported ≠ zero)."""
    return pl.when(which.any()).then(stable_sum(pl.col(column).filter(which)))


def _rejected(*activities: str) -> pl.Expr:
    """Whether a rejected line of the month named one of ``activities``, or an activity
    that could not be read (``*``: it might have been any of them)."""
    named = pl.element().is_in([*activities, UNREADABLE_ACTIVITY])
    return pl.col("rejected_activities").list.eval(named).list.any().fill_null(False)


def _rejected_activities(rejected_lines: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """One row per enterprise-month with a rejected line: the activities those lines named."""
    code = pl.col("activity_code")
    readable = (
        pl.when(code.is_in(KNOWN_ACTIVITIES)).then(code).otherwise(pl.lit(UNREADABLE_ACTIVITY))
    )
    return rejected_lines.group_by(keys).agg(rejected_activities=readable.unique().sort())


MONEY = pl.Decimal(18, 6)


def fct_enterprise_monthly(
    stg_submissions__activity_lines: pl.LazyFrame,
    stg_submissions__rejected_lines: pl.LazyFrame,
    fct_emissions: pl.LazyFrame,
    by: tuple[str, ...] = (),
) -> pl.LazyFrame:
    """One row per enterprise and month with a file (accepted or rejected lines): activity,
    energy, emissions, and why a figure is unknown.

    Unknown is never zero (transforms/unknowns.py): a figure whose parts are not all known
    is null with a ``<figure>_unknown_reason``. The grid line must be there every month; no
    fuel, solar or instrument line means none used. A rejected line leaves its activity, and
    every figure built on it, unknown until resubmitted; the known part of the emissions and
    of the TOE is kept as a lower bound. ``by`` adds grouping keys (``("sha256",)`` gives one
    row per submitted revision).
    """
    keys = ["tax_code", "period", "reporting_month", *by]
    lines = stg_submissions__activity_lines
    code = pl.col("activity_code")
    scope = pl.col("scope")
    emission = pl.col("emissions_tco2e")
    quantities = lines.group_by(keys).agg(
        *(
            _sum_or_null(code == activity).alias(column)
            for activity, column in ACTIVITY_COLUMNS.items()
        ),
        fuel_t=_sum_or_null(code.is_in(FUEL_ACTIVITIES)),
        output_quantity=_sum_or_null(code == "PRODUCTION_OUTPUT"),
        output_unit=pl.col("canonical_unit").filter(code == "PRODUCTION_OUTPUT").first(),
        revision=pl.col("revision").max(),
        energy_lower_bound_toe=stable_sum(pl.col("energy_toe")),
        has_energy_without_toe=(
            code.is_in(ENERGY_ACTIVITIES) & pl.col("energy_toe").is_null()
        ).any(),
    )
    emissions = fct_emissions.group_by(keys).agg(
        scope1_lower_bound_tco2e=stable_sum(emission.filter(scope == "scope1")),
        scope1_stationary_tco2e=stable_sum(
            emission.filter(pl.col("source_category") == "stationary_combustion")
        ),
        scope1_mobile_tco2e=stable_sum(
            emission.filter(pl.col("source_category") == "mobile_combustion")
        ),
        biogenic_co2_t=stable_sum(pl.col("biogenic_co2_t").filter(scope == "scope1")),
        scope2_location_lower_bound_tco2e=stable_sum(emission.filter(scope == "scope2_location")),
        scope2_market_known_tco2e=stable_sum(emission.filter(scope == "scope2_market")),
        has_unfactored_fuel=((scope == "scope1") & emission.is_null()).any(),
        has_missing_grid_factor=((scope == "scope2_location") & emission.is_null()).any(),
        has_unfactored_market=((scope == "scope2_market") & emission.is_null()).any(),
        has_provisional_grid_factor=pl.col("is_factor_provisional").any(),
        has_dppa_grid_fallback=(pl.col("scope2_market_basis") == "dppa_grid_factor_fallback").any(),
        fuel_energy_gj=stable_sum(pl.col("energy_tj")) * 1000,
    )
    flags = [
        "has_unfactored_fuel",
        "has_missing_grid_factor",
        "has_unfactored_market",
        "has_provisional_grid_factor",
        "has_dppa_grid_fallback",
        "has_energy_without_toe",
    ]
    # Months whose every line was rejected have a row too: their figures are unknown.
    frame = (
        quantities.join(
            _rejected_activities(stg_submissions__rejected_lines, keys),
            on=keys,
            how="full",
            coalesce=True,
        )
        .join(emissions, on=keys, how="left")
        .with_columns(
            pl.col(flags).fill_null(False),
            pl.col(
                "scope1_lower_bound_tco2e",
                "scope1_stationary_tco2e",
                "scope1_mobile_tco2e",
                "biogenic_co2_t",
                "scope2_location_lower_bound_tco2e",
                "scope2_market_known_tco2e",
                "energy_lower_bound_toe",
            ).fill_null(0.0),
            # A rejected line leaves its activity unknown, whatever else was accepted.
            *(
                pl.when(_rejected(activity)).then(None).otherwise(pl.col(column)).alias(column)
                for activity, column in ACTIVITY_COLUMNS.items()
            ),
            pl.when(_rejected("PRODUCTION_OUTPUT"))
            .then(None)
            .otherwise(pl.col("output_quantity"))
            .alias("output_quantity"),
        )
    )
    return _with_unknowns(frame)


def _with_unknowns(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Totals of an enterprise-month from its parts, each null with its reason when a part
    it needs is unknown (transforms/unknowns.py)."""
    grid = first_reason(
        (_rejected("ELEC_GRID"), "line_rejected"),
        (pl.col("grid_electricity_mwh").is_null(), "grid_line_missing"),
    )
    fuels = first_reason(
        (_rejected(*FUEL_ACTIVITIES), "line_rejected"),
        (pl.col("has_unfactored_fuel"), "no_emission_factor"),
    )
    solar = first_reason((_rejected("ELEC_SOLAR_SELF"), "line_rejected"))
    instruments = first_reason((_rejected("ELEC_IREC_RETIRED", "ELEC_DPPA"), "line_rejected"))
    no_grid_factor = first_reason((pl.col("has_missing_grid_factor"), "no_grid_factor"))
    unfactored_market = first_reason((pl.col("has_unfactored_market"), "no_grid_factor"))
    no_toe = first_reason((pl.col("has_energy_without_toe"), "no_toe_factor"))
    reasons = {
        "grid_electricity": grid,
        "solar_self_consumed": solar,
        "scope1": fuels,
        "scope2_location": pl.coalesce(grid, no_grid_factor),
        "scope2_market": pl.coalesce(grid, instruments, unfactored_market),
        "electricity": pl.coalesce(grid, solar),
    }
    reasons |= {
        "emissions": pl.coalesce(reasons["scope1"], reasons["scope2_location"]),
        "emissions_market": pl.coalesce(reasons["scope1"], reasons["scope2_market"]),
        "energy_gj": pl.coalesce(reasons["electricity"], fuels),
    }
    reasons["energy_toe"] = pl.coalesce(reasons["energy_gj"], no_toe)
    reason = {name: pl.col(f"{name}_unknown_reason") for name in reasons}
    solar_mwh = pl.col("solar_self_consumed_mwh").fill_null(0)  # no solar line: no solar
    electricity = known_when(pl.col("grid_electricity_mwh") + solar_mwh, reason["electricity"])
    claimed = pl.col("irec_retired_mwh").fill_null(0) + pl.col("dppa_mwh").fill_null(0)
    return (
        frame.with_columns(expr.alias(f"{name}_unknown_reason") for name, expr in reasons.items())
        .with_columns(
            grid_electricity_mwh=known_when(
                pl.col("grid_electricity_mwh"), reason["grid_electricity"]
            ),
            scope1_tco2e=known_when(pl.col("scope1_lower_bound_tco2e"), reason["scope1"]),
            scope1_stationary_tco2e=known_when(pl.col("scope1_stationary_tco2e"), reason["scope1"]),
            scope1_mobile_tco2e=known_when(pl.col("scope1_mobile_tco2e"), reason["scope1"]),
            biogenic_co2_t=known_when(pl.col("biogenic_co2_t"), reason["scope1"]),
            scope2_location_tco2e=known_when(
                pl.col("scope2_location_lower_bound_tco2e"), reason["scope2_location"]
            ),
            scope2_market_tco2e=known_when(
                pl.col("scope2_market_known_tco2e"), reason["scope2_market"]
            ),
            emissions_lower_bound_tco2e=pl.col("scope1_lower_bound_tco2e")
            + pl.col("scope2_location_lower_bound_tco2e"),
            electricity_mwh=electricity,
            renewable_share=pl.when(electricity > 0).then(solar_mwh / electricity),
            instruments_exceed_grid=claimed > pl.col("grid_electricity_mwh"),
            energy_gj=known_when(
                electricity * MJ_PER_KWH + pl.col("fuel_energy_gj").fill_null(0),
                reason["energy_gj"],
            ),
            energy_toe=known_when(pl.col("energy_lower_bound_toe"), reason["energy_toe"]),
        )
        .with_columns(
            emissions_tco2e=pl.col("scope1_tco2e") + pl.col("scope2_location_tco2e"),
            emissions_market_tco2e=pl.col("scope1_tco2e") + pl.col("scope2_market_tco2e"),
            energy_mwh=pl.col("energy_gj") / MJ_PER_KWH,
        )
        .with_columns(
            intensity_tco2e_per_output=pl.when(pl.col("output_quantity") > 0).then(
                pl.col("emissions_tco2e") / pl.col("output_quantity")
            ),
            intensity_tco2e_per_bn_vnd=pl.when(pl.col("revenue_bn_vnd") > 0).then(
                pl.col("emissions_tco2e") / pl.col("revenue_bn_vnd")
            ),
        )
        # Money is exact: billion VND to the thousand đồng, not a float with tails (the
        # thousandth of a million arrives as 249.87900000000002).
        .with_columns(pl.col("revenue_bn_vnd").cast(MONEY))
        .drop("scope2_market_known_tco2e", "has_unfactored_fuel", "has_unfactored_market")
    )


def dim_enterprises(
    ref_enterprises: pl.LazyFrame,
    ref_industrial_parks: pl.LazyFrame,
    ref_sectors: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per registered enterprise, with its park and sector."""
    parks = ref_industrial_parks.select("park_code", park_name_vi="name_vi", park_name_en="name_en")
    sectors = ref_sectors.select(
        "vsic_code", sector_label_vi="label_vi", sector_label_en="label_en"
    )
    return ref_enterprises.join(parks, on="park_code", how="left").join(
        sectors, on="vsic_code", how="left"
    )


SUBMISSION_STATUSES = ("on_time", "late", "revised", "rejected", "missing")


def due_at(period: pl.Expr, due_day: int) -> pl.Expr:
    """The end of the due day in the month after ``period``, Asia/Ho_Chi_Minh, as naive UTC:
    23:59:59 ICT (UTC+7, no daylight saving) is 16:59:59 UTC, so due = next month, due_day,
    17:00 UTC, exclusive."""
    first = period.str.strptime(pl.Datetime("us"), "%Y-%m")
    return first.dt.offset_by(f"1mo{due_day - 1}d17h")


def dim_periods(stg_submissions__activity_lines: pl.LazyFrame, due_day: int) -> pl.LazyFrame:
    """One row per reporting month from the first to the last with an accepted line, gaps
    included: the months every enterprise is expected to report, and when each falls due."""
    index = period_index_expr(pl.col("period"))
    months = stg_submissions__activity_lines.select(
        index=pl.int_ranges(index.min(), index.max() + 1, dtype=pl.Int64)
    ).explode("index")
    year = (pl.col("index") // 12).cast(pl.String).str.zfill(4)
    month = (pl.col("index") % 12 + 1).cast(pl.String).str.zfill(2)
    return (
        months.drop_nulls("index")
        .select(period=pl.concat_str(year, pl.lit("-"), month))
        .with_columns(month_start(), due_at=due_at(pl.col("period"), due_day))
        .sort("period")
    )


def fct_submission_status(
    dim_enterprises: pl.LazyFrame,
    stg_submissions__files: pl.LazyFrame,
    dim_periods: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per registered enterprise and period: on time, late, revised, rejected or
    missing, with when the first file arrived and when it was due.

    Precedence: missing (no file); rejected (files, but every line of the revision in force
    was rejected); revised (the revision in force is 2 or more); late (the first file arrived
    after the due day of the following month); on time.
    """
    expected = dim_enterprises.select("tax_code", "park_code").join(
        dim_periods.select("period"), how="cross"
    )
    current = pl.col("is_current")
    received = stg_submissions__files.group_by("tax_code", "period").agg(
        files_received=pl.len(),
        first_received_at=pl.col("received_at").min(),
        revision=pl.col("revision").filter(current).first(),
        file_name=pl.col("file_name").filter(current).first(),
        lines_quarantined=pl.col("lines_quarantined").filter(current).first(),
        line_count=pl.col("line_count").filter(current).first(),
    )
    late = pl.col("first_received_at") >= pl.col("due_at")
    status = (
        pl.when(pl.col("files_received").is_null())
        .then(pl.lit("missing"))
        .when(pl.col("lines_quarantined") >= pl.col("line_count"))
        .then(pl.lit("rejected"))
        .when(pl.col("revision") > 1)
        .then(pl.lit("revised"))
        .when(late)
        .then(pl.lit("late"))
        .otherwise(pl.lit("on_time"))
    )
    return (
        expected.join(received, on=["tax_code", "period"], how="left")
        .join(dim_periods.select("period", "due_at"), on="period", how="left")
        .with_columns(
            submission_status=status,
            is_late=late.fill_null(False),
            files_received=pl.col("files_received").fill_null(0),
            lines_quarantined=pl.col("lines_quarantined").fill_null(0),
        )
        .drop("line_count")
    )


RESTATED_MEASURES = [
    "grid_electricity_mwh",
    "scope1_tco2e",
    "scope2_location_tco2e",
    "scope2_market_tco2e",
    "emissions_tco2e",
    "energy_toe",
]


def fct_restatements(
    int_enterprise_monthly__revisions: pl.LazyFrame,
    stg_submissions__files: pl.LazyFrame,
    ops_runs: pl.LazyFrame,
    dim_periods: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per revision that replaced an earlier one: the figures before and after.

    Nothing is overwritten: raw keeps every revision, and this table keeps what each
    superseded revision said. ``named_in_period`` is the period whose reports name the
    restatement: the period the landing run closed (a revision landed while its own month
    is closed is a same-month revision, ``is_restatement`` false). A run with no period
    (the daily intake) stands for the latest month in marts.dim_periods.
    """
    files = (
        stg_submissions__files.select("sha256", "landed_at", "run_id")
        .join(ops_runs.select("run_id", run_period="period"), on="run_id", how="left")
        .join(dim_periods.select(open_period=pl.col("period").max()), how="cross")
    )
    keys = ["tax_code", "period"]
    ordered = (
        int_enterprise_monthly__revisions.select(*keys, "sha256", "revision", *RESTATED_MEASURES)
        .join(files, on="sha256", how="left")
        .sort(*keys, "revision", "landed_at", "sha256")
    )
    previous = [
        pl.col(c).shift(1).over(keys).alias(f"previous_{c}")
        for c in ["sha256", "revision", *RESTATED_MEASURES]
    ]
    return (
        ordered.with_columns(previous)
        .filter(pl.col("previous_sha256").is_not_null())
        .with_columns(
            named_in_period=pl.max_horizontal(
                pl.col("period"), pl.coalesce("run_period", "open_period")
            ),
            emissions_change_tco2e=pl.col("emissions_tco2e") - pl.col("previous_emissions_tco2e"),
        )
        .with_columns(is_restatement=pl.col("named_in_period") > pl.col("period"))
        .drop("run_period", "open_period")
    )
