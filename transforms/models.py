"""The warehouse's models, in build order: each table and what builds it. No IO here.

A model is a SQL file (``transforms/sql/<schema>/<table>.sql``) or a pure transform. A
transform's inputs are matched by parameter name: ``fct_emissions`` receives the table
``marts.fct_emissions``, ``ref_gwp`` the table ``reference.ref_gwp``, ``ops_runs`` the table
``ops.runs`` (the prefix names the schema, :func:`table_of`). Its other parameters are
options, taken from the build's settings by name (:class:`Options`) or fixed by the model.
Its docstring's first paragraph says the table's grain and becomes the table's comment.

Staging keeps every revision of a file; a model reads only the revision in force of the
staging tables in ``CURRENT_ONLY`` unless it says ``revisions=True``.

A model in the ``period`` phase reads which period each run reported on (``ops_runs``), which
the monthly cycle decides after the build: the cycle builds that phase again once it has.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

import polars as pl

from transforms import (
    actions,
    emissions,
    marts,
    method,
    obligations,
    quality,
    report_notes,
    reports,
    scope2,
    staging,
    submissions,
    targets,
    wastewater,
)

Transform = Callable[..., pl.LazyFrame]
Phase = Literal["warehouse", "period"]

SCHEMAS = {
    "raw_": "raw",
    "ref_": "reference",
    "stg_": "staging",
    "int_": "marts",
    "fct_": "marts",
    "dim_": "marts",
    "rpt_": "reports",
    "ops_": "ops",
}
# The staging tables a model reads as the revision in force only, unless it reads revisions.
CURRENT_ONLY = frozenset({"stg_submissions__activity_lines", "stg_submissions__rejected_lines"})


class Options(TypedDict):
    """What a model may take from the settings, by parameter name."""

    gwp_set: str
    policy: emissions.GridFactorPolicy
    due_day: int
    tolerance: float
    warning_reasons: Mapping[str, tuple[str, str]]  # rule → (vi, en), from the catalogs
    averaging: wastewater.Averaging  # how station readings become the figures judged


@dataclass(frozen=True)
class Model:
    table: str  # "schema.name"
    transform: Transform | None = None  # None: the SQL file of the same name
    revisions: bool = False  # reads every revision of staging, superseded ones included
    inputs: Mapping[str, str] = field(default_factory=dict)  # parameter → table, when renamed
    fixed: Mapping[str, object] = field(default_factory=dict)  # options set by the model
    comment: str | None = None  # the table's comment, when not the docstring's grain
    phase: Phase = "warehouse"
    # Built a part at a time, ``per_part`` values of this column each: every input holding
    # the column is read for that part only. For what no memory should hold whole (a month
    # of five-minute station readings, every enterprise's 24 months); the transform must not
    # look across values.
    partition: str | None = None
    per_part: int = 1

    @property
    def name(self) -> str:
        return self.table.split(".", 1)[1]

    def parameters(self) -> list[inspect.Parameter]:
        return [] if self.transform is None else list(_signature(self.transform))

    def grain(self) -> str:
        if self.comment:
            return self.comment
        doc = (self.transform.__doc__ or "") if self.transform else ""
        return " ".join(doc.strip().split("\n\n")[0].split())


def _signature(transform: Transform) -> list[inspect.Parameter]:
    return list(inspect.signature(transform).parameters.values())


def table_of(name: str) -> str:
    """The table a parameter name stands for: ``ref_gwp`` → ``reference.ref_gwp``,
    ``ops_runs`` → ``ops.runs``."""
    for prefix, schema in SCHEMAS.items():
        if name.startswith(prefix):
            return f"ops.{name.removeprefix(prefix)}" if schema == "ops" else f"{schema}.{name}"
    raise KeyError(f"{name!r} names no table: its prefix is none of {sorted(SCHEMAS)}")


_REVISIONS_GRAIN = (
    "One row per submitted revision (file) of each enterprise and month: the figures it "
    "gave, current or superseded (feeds marts.fct_restatements)."
)

# The models of one row per enterprise (and month, activity…) that look at no other
# enterprise: built in parts of this many enterprises, their 24 months of history at 10,000
# enterprises took the build past 3 GiB at once.
ENTERPRISES_PER_PART = 2000
BY_ENTERPRISES: dict[str, Any] = {"partition": "tax_code", "per_part": ENTERPRISES_PER_PART}

MODELS: tuple[Model, ...] = (
    Model("staging.stg_submissions__file_keys"),
    Model("staging.stg_submissions__files"),
    Model("staging.stg_submissions__accepted_lines"),
    Model("staging.stg_submissions__rejected_lines"),
    Model(
        "staging.stg_submissions__activity_lines",
        staging.stg_submissions__activity_lines,
        **BY_ENTERPRISES,
    ),
    Model("marts.dim_periods", submissions.dim_periods),
    Model("marts.dim_enterprises", marts.dim_enterprises),
    Model(
        "marts.fct_fuel_combustion_emissions",
        emissions.fct_fuel_combustion_emissions,
        **BY_ENTERPRISES,
    ),
    Model(
        "marts.fct_grid_electricity_emissions",
        scope2.fct_grid_electricity_emissions,
        **BY_ENTERPRISES,
    ),
    Model(
        "marts.fct_scope2_market_emissions", scope2.fct_scope2_market_emissions, **BY_ENTERPRISES
    ),
    Model("marts.fct_emissions", marts.fct_emissions, **BY_ENTERPRISES),
    Model("marts.fct_enterprise_monthly", marts.fct_enterprise_monthly, **BY_ENTERPRISES),
    Model(
        "marts.int_emissions__revisions",
        marts.int_emissions__revisions,
        revisions=True,
        **BY_ENTERPRISES,
    ),
    Model(
        "marts.int_enterprise_monthly__revisions",
        marts.fct_enterprise_monthly,
        revisions=True,
        inputs={"fct_emissions": "marts.int_emissions__revisions"},
        fixed={"by": ("sha256",)},
        comment=_REVISIONS_GRAIN,
        **BY_ENTERPRISES,
    ),
    Model("marts.int_quality_checks", quality.int_quality_checks, **BY_ENTERPRISES),
    Model("marts.fct_data_quality_warnings", quality.fct_data_quality_warnings, **BY_ENTERPRISES),
    Model("marts.fct_submission_status", submissions.fct_submission_status, **BY_ENTERPRISES),
    Model("marts.fct_enterprise_obligations", obligations.fct_enterprise_obligations),
    Model("marts.fct_enterprise_progress", targets.fct_enterprise_progress, **BY_ENTERPRISES),
    Model("reports.rpt_enterprise_monthly", reports.rpt_enterprise_monthly, **BY_ENTERPRISES),
    Model("reports.rpt_park_monthly", reports.rpt_park_monthly),
    Model("reports.rpt_sector_monthly", reports.rpt_sector_monthly),
    Model("reports.rpt_province_monthly", reports.rpt_province_monthly),
    Model("reports.rpt_rollup_reconciliation", reports.rpt_rollup_reconciliation),
    Model("reports.rpt_province_pathway", report_notes.rpt_province_pathway),
    Model("reports.rpt_province_annual", report_notes.rpt_province_annual),
    Model("reports.rpt_data_quality_warnings", report_notes.rpt_data_quality_warnings),
    Model("marts.fct_wastewater_limits", wastewater.fct_wastewater_limits),
    Model(
        "staging.stg_station_readings",
        wastewater.stg_station_readings,
        inputs={"raw_station_readings": "raw.station_readings"},
        partition="outlet_id",
    ),
    Model("marts.fct_wastewater_hourly", wastewater.fct_wastewater_hourly, partition="outlet_id"),
    Model("marts.fct_wastewater_daily", wastewater.fct_wastewater_daily),
    Model("marts.fct_wastewater_episodes", wastewater.fct_wastewater_episodes),
    Model(
        "marts.fct_wastewater_completeness",
        wastewater.fct_wastewater_completeness,
        partition="outlet_id",
    ),
    Model("marts.fct_wastewater_gaps", wastewater.fct_wastewater_gaps, partition="outlet_id"),
    Model("marts.fct_wastewater_loads", wastewater.fct_wastewater_loads),
    Model(
        "staging.stg_lab_results",
        wastewater.stg_lab_results,
        inputs={"raw_lab_results": "raw.lab_results"},
    ),
    Model("marts.fct_wastewater_lab_results", wastewater.fct_wastewater_lab_results),
    Model("reports.rpt_wastewater_parameters", wastewater.rpt_wastewater_parameters),
    Model("reports.rpt_wastewater_outlets", wastewater.rpt_wastewater_outlets),
    Model("reports.rpt_wastewater_events", wastewater.rpt_wastewater_events),
    Model("reports.rpt_wastewater_daily", wastewater.rpt_wastewater_daily),
    Model("reports.rpt_duplicate_files", report_notes.rpt_duplicate_files),
    Model("reports.rpt_receipts", report_notes.rpt_receipts),
    Model("reports.rpt_factor_users", report_notes.rpt_factor_users),
    Model("reports.rpt_method_factors", method.rpt_method_factors),
    Model("reports.rpt_method_gwp", method.rpt_method_gwp),
    Model("reports.rpt_register_facts", report_notes.rpt_register_facts),
    Model("reports.rpt_data_as_of", report_notes.rpt_data_as_of),
    Model("marts.fct_restatements", submissions.fct_restatements, phase="period"),
    Model("reports.rpt_restatements", report_notes.rpt_restatements, phase="period"),
    Model("reports.rpt_quarantined_lines", report_notes.rpt_quarantined_lines, phase="period"),
    Model("reports.rpt_action_items", actions.rpt_action_items, phase="period"),
)


def in_phase(phase: Phase) -> tuple[Model, ...]:
    return tuple(m for m in MODELS if m.phase == phase)


def is_table(parameter: str) -> bool:
    """A parameter named with a schema's prefix is a table; any other is an option."""
    return parameter.startswith(tuple(SCHEMAS))


def inputs(model: Model) -> dict[str, str]:
    """Parameter → table for every table the model reads."""
    return {
        p.name: model.inputs.get(p.name) or table_of(p.name)
        for p in model.parameters()
        if is_table(p.name)
    }


def options(model: Model, settings: Options) -> dict[str, object]:
    """The keyword options the model takes: its fixed ones, then the settings it names."""
    names = {p.name for p in model.parameters() if not is_table(p.name)}
    chosen: dict[str, object] = {k: v for k, v in settings.items() if k in names}
    return chosen | dict(model.fixed)


def reads_current(model: Model, parameter: str) -> bool:
    """Whether the model reads only the revision in force of this input."""
    return not model.revisions and parameter in CURRENT_ONLY
