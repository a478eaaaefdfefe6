"""The model list: every input is built before it is read, and the small models it added
give what a hand says they give."""

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from transforms import models, submissions

SOURCES = ("raw.", "reference.", "ops.")


def test_every_input_is_a_source_or_built_earlier() -> None:
    built: set[str] = set()
    for model in models.MODELS:
        for parameter, table in models.inputs(model).items():
            assert table.startswith(SOURCES) or table in built, (model.table, parameter)
        assert model.table not in built, f"{model.table} is built twice"
        built.add(model.table)


def test_every_transform_has_a_grain_and_its_options_exist() -> None:
    known = set(models.Options.__annotations__)
    for model in models.MODELS:
        if model.transform is None:
            continue
        assert model.grain(), model.table
        for parameter in model.parameters():
            if models.is_table(parameter.name):
                continue
            given = parameter.name in known or parameter.name in model.fixed
            assert given or parameter.default is not parameter.empty, (model.table, parameter)


def test_the_period_phase_is_what_reads_the_runs_and_what_follows_it() -> None:
    period = {m.table for m in models.in_phase("period")}
    for model in models.MODELS:
        reads = set(models.inputs(model).values())
        if "ops.runs" in reads or reads & period:
            assert model.phase == "period", model.table


def test_a_parameter_names_its_table_by_prefix() -> None:
    assert models.table_of("ref_gwp") == "reference.ref_gwp"
    assert models.table_of("ops_runs") == "ops.runs"
    assert models.table_of("int_quality_checks") == "marts.int_quality_checks"
    with pytest.raises(KeyError):
        models.table_of("periods")


def test_a_model_reads_the_revision_in_force_unless_it_reads_revisions() -> None:
    by_table = {m.table: m for m in models.MODELS}
    monthly = by_table["marts.fct_enterprise_monthly"]
    revisions = by_table["marts.int_enterprise_monthly__revisions"]
    assert models.reads_current(monthly, "stg_submissions__activity_lines")
    assert not models.reads_current(revisions, "stg_submissions__activity_lines")
    assert models.inputs(revisions)["fct_emissions"] == "marts.int_emissions__revisions"
    assert models.options(revisions, _settings()) == {"by": ("sha256",)}


def _settings() -> models.Options:
    return {"gwp_set": "AR5", "policy": "leave_empty", "due_day": 15, "tolerance": 0.0}


def test_periods_run_from_the_first_to_the_last_month_with_gaps_and_their_due_moment() -> None:
    lines = pl.LazyFrame({"period": ["2026-11", "2026-12", "2027-02", "2026-12"]})
    got = submissions.dim_periods(lines, due_day=20).collect()
    assert got["period"].to_list() == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert got["reporting_month"][0] == date(2026, 11, 1)
    # 24:00 ICT on 20 December is 17:00 UTC that day; December's falls in January next year.
    assert got["due_at"].to_list()[:2] == [datetime(2026, 12, 20, 17), datetime(2027, 1, 20, 17)]


def test_no_accepted_line_means_no_period() -> None:
    lines = pl.LazyFrame({"period": []}, schema={"period": pl.String})
    assert submissions.dim_periods(lines, due_day=15).collect().is_empty()


def _revisions(*rows: tuple[str, int, str, float]) -> pl.LazyFrame:
    measures = {c: [r[3] for r in rows] for c in submissions.RESTATED_MEASURES}
    return pl.LazyFrame(
        {
            "tax_code": ["3700000001"] * len(rows),
            "period": [r[0] for r in rows],
            "sha256": [r[2] for r in rows],
            "revision": [r[1] for r in rows],
            **measures,
        }
    )


def test_a_revision_is_named_in_the_period_its_run_reported_or_else_the_latest() -> None:
    revisions = _revisions(
        ("2026-09", 1, "a", 10.0), ("2026-09", 2, "b", 12.0), ("2026-09", 3, "c", 9.0)
    )
    files = pl.LazyFrame(
        {
            "sha256": ["a", "b", "c"],
            "landed_at": [datetime(2026, 10, 10), datetime(2026, 11, 20), datetime(2026, 12, 2)],
            "run_id": ["r1", "r2", "r3"],
        }
    )
    # r2 reported October; r3 is a daily intake with no period: the latest month stands.
    runs = pl.LazyFrame({"run_id": ["r1", "r2", "r3"], "period": ["2026-09", "2026-10", None]})
    periods = pl.LazyFrame({"period": ["2026-09", "2026-10", "2026-11"]})
    got = submissions.fct_restatements(revisions, files, runs, periods).collect()
    assert got.select("revision", "named_in_period", "is_restatement").rows() == [
        (2, "2026-10", True),
        (3, "2026-11", True),
    ]
    assert got["emissions_change_tco2e"].to_list() == pytest.approx([2.0, -3.0])


def test_the_architecture_doc_lists_every_model_with_its_phase() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip(" `"): line.split("|")[3].strip()
        for line in doc.splitlines()
        if line.startswith("| `") and line.count("|") == 4
    }
    assert {m.table: m.phase for m in models.MODELS}.items() <= rows.items()
