"""Critical suites on the marts: a failure stops the run before any report reads them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from expectations import Rule, meta
from transforms.targets import STATUSES

SUITE_VERSION = "2026.11.2"


def _any_null(*columns: str) -> Any:
    """The GX row condition: one of ``columns`` is null."""
    from functools import reduce

    from great_expectations.expectations.row_conditions import Column

    return reduce(lambda a, b: a | b, (Column(c).is_null() for c in columns))


def _null_where(column: str, condition: Any, name: str, reason: str, *values: object) -> Any:
    """``column`` must be null on the rows where ``condition`` holds."""
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToBeNull(
        column=column, row_condition=condition, meta=_rule(name, column, reason, *values)
    )


# total → the parts it needs (unknown is never zero: transforms/unknowns.py)
TOTAL_PARTS = {
    "emissions_tco2e": ("scope1_tco2e", "scope2_location_tco2e"),
    "emissions_market_tco2e": ("scope1_tco2e", "scope2_market_tco2e"),
    "energy_gj": ("grid_electricity_mwh",),
    "energy_toe": ("grid_electricity_mwh",),
}
# figure → its reason column: a figure with a reason must be unknown
REASONED = {
    "grid_electricity_mwh": "grid_electricity_unknown_reason",
    "scope1_tco2e": "scope1_unknown_reason",
    "scope2_location_tco2e": "scope2_location_unknown_reason",
    "scope2_market_tco2e": "scope2_market_unknown_reason",
    "emissions_tco2e": "emissions_unknown_reason",
    "emissions_market_tco2e": "emissions_market_unknown_reason",
    "energy_gj": "energy_gj_unknown_reason",
    "energy_toe": "energy_toe_unknown_reason",
}


def _unknown_stays_unknown() -> list[Any]:
    from great_expectations.expectations.row_conditions import Column

    totals = [
        _null_where(
            total,
            _any_null(*parts),
            f"{total}_unknown_with_a_part",
            "{total} is given though a part it needs ({parts}) is unknown",
            total,
            ", ".join(parts),
        )
        for total, parts in TOTAL_PARTS.items()
    ]
    reasoned = [
        _null_where(
            figure,
            Column(reason).is_not_null(),
            f"{figure}_unknown_with_its_reason",
            "{figure} is given though {reason} says it is unknown",
            figure,
            reason,
        )
        for figure, reason in REASONED.items()
    ]
    return totals + reasoned


def _rule(name: str, field: str, reason: str, *values: object) -> dict[str, str]:
    return meta(Rule(name, field, "critical", reason, *values))


def fct_enterprise_monthly() -> Any:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    non_negative = [
        gxe.ExpectColumnValuesToBeBetween(
            column=c,
            min_value=0,
            meta=_rule(f"{c}_non_negative", c, "{column} is negative", c),
        )
        for c in (
            "scope1_tco2e",
            "biogenic_co2_t",
            "scope2_location_tco2e",
            "scope2_market_tco2e",
            "emissions_tco2e",
            "emissions_market_tco2e",
            "grid_electricity_mwh",
            "solar_self_consumed_mwh",
            "energy_toe",
        )
    ]
    return gx.ExpectationSuite(
        name="marts.fct_enterprise_monthly.critical",
        expectations=[
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=["tax_code", "period"],
                meta=_rule(
                    "one_row_per_enterprise_month",
                    "tax_code,period",
                    "more than one row per enterprise and month",
                ),
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="tax_code",
                meta=_rule("tax_code_present", "tax_code", "tax code missing"),
            ),
            *non_negative,
            *_unknown_stays_unknown(),
        ],
    )


def fct_emissions() -> Any:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name="marts.fct_emissions.critical",
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(
                column="quantity_canonical",
                meta=_rule(
                    "quantity_converted",
                    "quantity_canonical",
                    "a quantity could not be converted to its canonical unit",
                ),
            ),
            *(
                gxe.ExpectColumnValuesToNotBeNull(
                    column=c,
                    meta=_rule(
                        f"lineage_{c}",
                        c,
                        "an emission line has no {column}: its submission line cannot be traced",
                        c,
                    ),
                )
                for c in ("sha256", "line_no")
            ),
            # Validated on rows not flagged for a missing grid factor (see SUITES).
            gxe.ExpectColumnValuesToNotBeNull(
                column="factor_id",
                meta=_rule(
                    "factor_present",
                    "factor_id",
                    "an emission line has no factor and is not flagged as missing one",
                ),
            ),
        ],
    )


def rpt_rollup_reconciliation() -> Any:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    # Sums of floats in another order may differ in the last bits, never by a microtonne.
    return gx.ExpectationSuite(
        name="reports.rpt_rollup_reconciliation.critical",
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="abs_difference",
                max_value=1e-6,
                meta=_rule(
                    "rollups_reconcile",
                    "abs_difference",
                    "park, sector or province totals do not add up to their enterprises",
                ),
            )
        ],
    )


def fct_enterprise_progress() -> Any:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name="marts.fct_enterprise_progress.critical",
        expectations=[
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=["tax_code", "period"],
                meta=_rule(
                    "one_progress_row_per_enterprise_month",
                    "tax_code,period",
                    "more than one progress row per enterprise and month",
                ),
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="progress_status",
                value_set=list(STATUSES),
                meta=_rule(
                    "progress_status_known",
                    "progress_status",
                    "a progress status outside ahead / on_track / behind / undetermined",
                ),
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="target_type",
                meta=_rule(
                    "target_declared",
                    "target_type",
                    "an enterprise in the register has no declared target type",
                ),
            ),
        ],
    )


def rpt_enterprise_monthly() -> Any:
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    unknown_month = (
        Column("submission_status").is_in(["missing", "rejected"])
        | Column("emissions_tco2e").is_null()
    )

    def undetermined(column: str) -> Any:
        return gxe.ExpectColumnValuesToBeInSet(
            column=column,
            value_set=["undetermined"],
            row_condition=unknown_month,
            meta=_rule(
                f"{column}_undetermined_when_month_unknown",
                column,
                "a progress status claims ahead, on track or behind for a month that is "
                "missing, rejected or has unknown emissions",
            ),
        )

    def never_under(column: str, months: str) -> Any:
        return gxe.ExpectColumnValuesToNotBeInSet(
            column=column,
            value_set=["under"],
            row_condition=Column(months) < 12,
            meta=_rule(
                f"{column}_under_only_on_twelve_known_months",
                column,
                "an obligation is said to be under its threshold with fewer than 12 known months",
            ),
        )

    return gx.ExpectationSuite(
        name="reports.rpt_enterprise_monthly.critical",
        expectations=[
            undetermined("progress_status"),
            undetermined("progress_status_rolling_12m"),
            never_under("ghg_inventory_rolling", "rolling_12m_months_known"),
            never_under("key_energy_user_rolling", "rolling_12m_energy_months_known"),
            never_under("ghg_inventory_calendar", "calendar_ytd_months_known"),
            never_under("key_energy_user_calendar", "calendar_ytd_energy_months_known"),
        ],
    )


def dim_enterprises() -> Any:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name="marts.dim_enterprises.critical",
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(
                column="park_name_vi",
                meta=_rule(
                    "known_park",
                    "park_code",
                    "an enterprise in the register names an unknown industrial park",
                ),
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="sector_label_vi",
                meta=_rule(
                    "known_sector",
                    "vsic_code",
                    "an enterprise in the register has an unknown VSIC sector code",
                ),
            ),
            gxe.ExpectColumnValuesToBeUnique(
                column="tax_code",
                meta=_rule(
                    "register_tax_code_unique",
                    "tax_code",
                    "a tax code appears twice in the register",
                ),
            ),
        ],
    )


# table → (suite, the rows it is run on)
SUITES: dict[str, tuple[Callable[[], Any], pl.Expr]] = {
    "marts.dim_enterprises": (dim_enterprises, pl.lit(True)),
    "marts.fct_enterprise_monthly": (fct_enterprise_monthly, pl.lit(True)),
    # Rows flagged for a missing grid factor are reported as unknown, not checked here.
    "marts.fct_emissions": (fct_emissions, ~pl.col("is_factor_provisional")),
    "marts.fct_enterprise_progress": (fct_enterprise_progress, pl.lit(True)),
    "reports.rpt_enterprise_monthly": (rpt_enterprise_monthly, pl.lit(True)),
    "reports.rpt_rollup_reconciliation": (rpt_rollup_reconciliation, pl.lit(True)),
}
