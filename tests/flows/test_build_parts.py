"""Models built in parts of enterprises (Model.partition, per_part) give the tables a whole
build gives, and a part never drops a row: rows without a value are a part of their own."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from flows import build_warehouse as bw
from flows import warehouse as wh
from flows.ingest import ingest_inbox
from flows.reference import load_reference
from flows.settings import Settings
from flows.validate import validate_submissions
from transforms import models
from transforms.models import Model

SCHEMAS = ("staging", "marts", "reports")


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from demo.generate import DemoSpec, generate_demo

    data = tmp_path_factory.mktemp("parts") / "data"
    generate_demo(data, DemoSpec(enterprises=9, months=3, last_period="2026-10"))
    # A month revised (revision 2 replaces revision 1) and a revision-1 line refused: the
    # models read only the revision in force, part by part as whole.
    tax = sorted(p.name.split("_")[0] for p in (data / "inbox").iterdir())[0]
    header = "tax_code,period,revision,activity_code,quantity,unit,note\n"
    revised = f"{header}{tax},2026-09,2,ELEC_GRID,123,MWh,\n"
    revised += f"{tax},2026-09,2,DIESEL_STATIONARY,2,t,\n"
    (data / "inbox" / "revised.csv").write_text(revised, encoding="utf-8")
    refused = f"{header}{tax},2026-10,1,ELEC_GRID,-5,MWh,\n"
    (data / "inbox" / "refused.csv").write_text(refused, encoding="utf-8")
    settings = Settings(data_dir=data)
    load_reference.fn(settings)
    ingest_inbox.fn(settings, "run")
    validate_submissions.fn(settings, "run")
    return data


def _build(
    landed: Path, folder: Path, per_part: int | None, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Build with the enterprise-level models in parts of ``per_part``, or (None) whole."""
    data = folder / "data"
    shutil.copytree(landed, data)
    chosen = tuple(
        (
            dataclasses.replace(m, per_part=per_part)
            if per_part
            else dataclasses.replace(m, partition=None)
        )
        if m.partition == "tax_code"
        else m
        for m in models.MODELS
    )
    monkeypatch.setattr(bw, "MODELS", chosen)
    bw.build_warehouse.fn(Settings(data_dir=data))
    return data / "warehouse" / "netzero.duckdb"


def test_a_build_in_parts_of_two_enterprises_gives_every_table_of_the_whole_build(
    landed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    partitioned = [m.table for m in models.MODELS if m.partition == "tax_code"]
    assert "reports.rpt_enterprise_monthly" in partitioned
    whole = _build(landed, tmp_path / "whole", None, monkeypatch)
    parts = _build(landed, tmp_path / "parts", 2, monkeypatch)  # 9 enterprises: 5 parts
    with (
        duckdb.connect(str(whole), read_only=True) as a,
        duckdb.connect(str(parts), read_only=True) as b,
    ):
        tables = [
            f"{schema}.{name}"
            for schema, name in a.execute(
                "select schema_name, table_name from duckdb_tables() "
                "where schema_name in (select unnest(?)) order by all",
                [list(SCHEMAS)],
            ).fetchall()
        ]
        assert set(partitioned) <= set(tables)
        superseded = (
            "select count(*) from staging.stg_submissions__activity_lines where not is_current"
        )
        assert a.sql(superseded).fetchall()[0][0] > 0
        for table in tables:
            expected = wh.read_table(a, table)
            assert expected.height or table not in partitioned, f"{table} is empty"
            # Exact, but for floats computed row by row in the last bit (1e-13 of 790 MWh
            # for energy_mwh): Polars' vectorised arithmetic rounds a row by its position in
            # the array, and a part's arrays are not the whole's.
            assert_frame_equal(wh.read_table(b, table), expected, rel_tol=1e-12, abs_tol=0)


def _rows_of(stg_lines: pl.LazyFrame) -> pl.LazyFrame:
    """One row per enterprise: how many lines it has (the test's transform)."""
    return stg_lines.group_by("tax_code").agg(pl.len().alias("lines"))


def test_rows_without_a_value_are_built_in_a_part_of_their_own() -> None:
    model = Model("marts.toy_rows", _rows_of, partition="tax_code", per_part=2)
    with duckdb.connect(":memory:") as con:
        con.execute("create schema marts; create schema staging")
        lines = pl.DataFrame({"tax_code": ["C", "A", None, "B", "A", None, "D"]})
        con.register("lines", lines)
        con.execute("create table staging.stg_lines as select * from lines")
        bw._build(con, model, {})  # type: ignore[arg-type]
        built = wh.read_table(con, "marts.toy_rows")
    assert built.sort("tax_code", nulls_last=True).rows() == [
        ("A", 2),
        ("B", 1),
        ("C", 1),
        ("D", 1),
        (None, 2),
    ]
