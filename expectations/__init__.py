"""GX suites as code, and the runner that turns their results into rows.

GX validates pandas frames made through Arrow (it has no Polars or working DuckDB
source, see stack-notes §2). Each expectation carries its rule, severity and bilingual
reason in ``meta``, so a failure can become a quarantine row that says why.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl

from report_templates import words

FAILURE_SCHEMA = {
    "row_key": pl.Int64,
    "rule": pl.String,
    "field": pl.String,
    "severity": pl.String,
    "reason_vi": pl.String,
    "reason_en": pl.String,
}


@dataclass(frozen=True, init=False)
class Rule:
    """One check and what to tell the submitter: ``reason`` is an English msgid whose
    Vietnamese is in the gettext catalogs; its ``{placeholders}`` take ``values`` in order
    (a :class:`report_templates.words.Term` value is translated too)."""

    name: str
    field: str
    severity: str  # "error" stops the line; "warning" is carried into the report
    reason: str
    values: tuple[object, ...]

    def __init__(self, name: str, field: str, severity: str, reason: str, *values: object):
        for key, value in zip(
            ("name", "field", "severity", "reason", "values"),
            (name, field, severity, reason, values),
            strict=True,
        ):
            object.__setattr__(self, key, value)

    @property
    def reasons(self) -> tuple[str, str]:
        """(Vietnamese, English)."""
        names = re.findall(r"{(\w+)}", self.reason)
        return words.pair(self.reason, **dict(zip(names, self.values, strict=True)))

    @property
    def reason_vi(self) -> str:
        return self.reasons[0]

    @property
    def reason_en(self) -> str:
        return self.reasons[1]


class SuiteError(RuntimeError):
    """An expectation could not be evaluated. GX catches the error and reports the
    expectation as failed with no failing row; carried on, a run would treat every row as
    checked. Raised instead, naming the rule and the error."""


@dataclass(frozen=True)
class SuiteRun:
    suite_name: str
    success: bool
    results: pl.DataFrame  # one row per expectation: rule, column, success, counts
    failures: pl.DataFrame  # one row per failing row and rule (FAILURE_SCHEMA)


@cache
def _context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    # This one sets its own level (INFO) and announces a temporary folder on every context.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def run_suite(frame: pl.DataFrame, suite: Any, key: str = "row_key") -> SuiteRun:
    """Validate ``frame`` against ``suite``; failing rows are named by the ``key`` column."""
    context = _context()
    source = context.data_sources.add_or_update_pandas(f"frames_{suite.name}")
    asset = source.add_dataframe_asset(f"asset_{len(source.assets)}")
    try:
        batch = asset.add_batch_definition_whole_dataframe("all_rows").get_batch(
            batch_parameters={"dataframe": frame.to_arrow().to_pandas()}
        )
        outcome = batch.validate(
            suite,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [key],
                "return_unexpected_index_query": False,
            },
        )
    finally:
        # The context would keep every asset, and with it every frame validated: a run
        # that validates batch after batch (the stations) would hold them all.
        source.delete_asset(asset.name)
    errors = [
        f"{(r.expectation_config.meta or {}).get('rule', r.expectation_config.type)}: {message}"
        for r in outcome.results
        for message in _raised(r.exception_info)
    ]
    if errors:
        raise SuiteError(f"{suite.name}: " + "; ".join(errors))
    summary, failures = _rows(outcome.results, key)
    return SuiteRun(
        suite_name=suite.name,
        success=bool(outcome.success),
        results=pl.DataFrame(summary, schema=RESULT_SCHEMA),
        failures=pl.DataFrame(failures, schema=FAILURE_SCHEMA),
    )


# The kwargs of an expectation that name the columns it reads.
COLUMN_KWARGS = ("column", "column_A", "column_B")
COLUMN_LIST_KWARGS = ("column_list",)


def suite_columns(suite: Any) -> set[str] | None:
    """The columns ``suite``'s expectations read (their columns and those of their row
    conditions), so that a check reads those and not a table's every column; None when it
    cannot be told (a condition written as a query string), and the whole table is read."""
    from great_expectations.expectations.row_conditions import (
        AndCondition,
        ComparisonCondition,
        NullityCondition,
        OrCondition,
    )

    def of_condition(condition: Any) -> set[str] | None:
        if condition is None:
            return set()
        if isinstance(condition, ComparisonCondition | NullityCondition):
            return {condition.column.name}
        if isinstance(condition, AndCondition | OrCondition):
            names: set[str] = set()
            for part in condition.conditions:
                found = of_condition(part)
                if found is None:
                    return None
                names |= found
            return names
        return None  # a query string or a pass-through filter: not parsed here

    columns: set[str] = set()
    for expectation in suite.expectations:
        kwargs = expectation.configuration.kwargs
        columns |= {kwargs[k] for k in COLUMN_KWARGS if kwargs.get(k)}
        for k in COLUMN_LIST_KWARGS:
            columns |= set(kwargs.get(k) or ())
        in_condition = of_condition(getattr(expectation, "row_condition", None))
        if in_condition is None:
            return None
        columns |= in_condition
    return columns


RESULT_SCHEMA = {
    "rule": pl.String,
    "column_name": pl.String,
    "success": pl.Boolean,
    "element_count": pl.Int64,
    "unexpected_count": pl.Int64,
}


def _rows(results: Any, key: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One summary row per expectation, and one failure row per failing row and rule."""
    summary, failures = [], []
    for result in results:
        config = result.expectation_config
        meta = config.meta or {}
        details = result.result or {}
        summary.append(
            {
                "rule": meta.get("rule", config.type),
                "column_name": config.kwargs.get("column"),
                "success": bool(result.success),
                "element_count": details.get("element_count"),
                "unexpected_count": details.get("unexpected_count"),
            }
        )
        failures += [
            {
                "row_key": int(index[key]),
                "rule": meta["rule"],
                "field": meta["field"],
                "severity": meta["severity"],
                "reason_vi": meta["reason_vi"],
                "reason_en": meta["reason_en"],
            }
            for index in details.get("unexpected_index_list") or []
        ]
    return summary, failures


def _raised(info: Any) -> list[str]:
    """The messages of the errors GX caught, in either of its shapes: one
    ``{"raised_exception": …}`` record, or one per metric."""
    if not isinstance(info, dict):
        return []
    if "raised_exception" in info:
        return [str(info.get("exception_message"))] if info["raised_exception"] else []
    return [message for value in info.values() for message in _raised(value)]


def meta(rule: Rule) -> dict[str, str]:
    return {
        "rule": rule.name,
        "field": rule.field,
        "severity": rule.severity,
        "reason_vi": rule.reason_vi,
        "reason_en": rule.reason_en,
    }
