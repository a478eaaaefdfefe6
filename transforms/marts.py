"""Marts: the enterprise-month and the enterprise dimension. No IO here.

The emission facts are in emissions.py, the submission status and restatements in
submissions.py; which activity fills which column is measures.py.
"""

from __future__ import annotations

import polars as pl

from transforms.emissions import GridFactorPolicy, fct_fuel_combustion_emissions
from transforms.measures import (
    ACTIVITY_COLUMNS,
    ENERGY_ACTIVITIES,
    FUEL_ACTIVITIES,
    KNOWN_ACTIVITIES,
    UNREADABLE_ACTIVITY,
)
from transforms.scope2 import fct_grid_electricity_emissions, fct_scope2_market_emissions
from transforms.sums import stable_sum
from transforms.unknowns import first_reason, known_when

MJ_PER_KWH = 3.6  # 1 MWh = 3.6 GJ (SI)


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
    quantities = _quantities(stg_submissions__activity_lines, keys)
    emissions = _emission_sums(fct_emissions, keys)
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


def _quantities(lines: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """Per enterprise-month: each measure's quantity (null when no line names it), output,
    the revision, and the energy in TOE that is known."""
    code = pl.col("activity_code")
    return lines.group_by(keys).agg(
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


def _emission_sums(fct_emissions: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """Per enterprise-month: the emissions of each scope that are known, and what is not."""
    scope = pl.col("scope")
    emission = pl.col("emissions_tco2e")
    return fct_emissions.group_by(keys).agg(
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


def _unknown_reasons() -> dict[str, pl.Expr]:
    """Why each figure of an enterprise-month is unknown: the first reason among its parts
    (null: known)."""
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
    return reasons


def _with_unknowns(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Totals of an enterprise-month from its parts, each null with its reason when a part
    it needs is unknown (transforms/unknowns.py)."""
    reasons = _unknown_reasons()
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
