"""A model's inputs are scans of the warehouse (wh.scan_table): each plan reads the columns
it uses when it is computed. What a plan gives from a scan is what it gives from the whole
table read at once (rows come in the order of the columns read, so a plan that takes rows
by position without ordering them may take others), and it depends on the table's rows
only, never on the order they were written in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from flows import warehouse as wh

ROWS = 5_000  # more than one batch of the scan below


def _table(con: duckdb.DuckDBPyConnection, name: str, order: str) -> None:
    con.execute(
        f"create table {name} as select i % 97 as key, (i * 7919) % 1000 * 0.1 as amount, "
        f"'t' || (i % 13) as label, i as seq, case when i % 5 = 0 then null else i % 3 end "
        f"as maybe from range({ROWS}) r(i) order by {order}"
    )


PLANS: dict[str, Callable[[pl.LazyFrame], pl.LazyFrame]] = {
    "two columns": lambda f: f.select("label", "key"),
    "filter": lambda f: f.filter(pl.col("key") == 3).select("seq", "amount"),
    "filter, then the first rows": lambda f: f.filter(pl.col("maybe").is_null()).head(7),
    "the first rows": lambda f: f.head(3),
    "the smallest of a column": lambda f: f.select("seq").sort("seq").head(3),
    "top rows by a column": lambda f: f.sort("amount", "seq", descending=True).head(4),
    "a count": lambda f: f.select(pl.len()),
    "sums by key": lambda f: f.group_by("key").agg(pl.col("amount").sum()).sort("key"),
    "a self-join": lambda f: (
        f.select("key", "seq")
        .join(f.filter(pl.col("seq") < 50).select("key", other="seq"), on="key")
        .sort("seq", "other")
    ),
}


@pytest.mark.parametrize("plan", PLANS)
def test_a_plan_gives_from_a_scan_what_it_gives_from_the_table_read_whole(plan: str) -> None:
    with duckdb.connect(":memory:") as con:
        _table(con, "t", "i")
        whole = PLANS[plan](wh.read_table(con, "t").lazy()).collect()
        scanned = PLANS[plan](wh.scan_table(con, "t")).collect()
    assert_frame_equal(scanned, whole, check_row_order=plan not in {"filter", "two columns"})
    assert scanned.height > 0


def test_what_a_plan_sees_depends_on_the_rows_not_on_the_order_they_were_written() -> None:
    """The same rows written in two orders: every plan, float sums in the order of their
    rows included, gives the same frame to the last bit, rows in the same order."""
    with duckdb.connect(":memory:") as con:
        _table(con, "a", "i")
        _table(con, "b", "hash(i)")
        assert (
            con.sql("select seq from a limit 5").fetchall()
            != con.sql("select seq from b limit 5").fetchall()
        )
        for plan in [
            *PLANS.values(),
            lambda f: f.select("amount", "label"),
            lambda f: f.select(pl.col("amount").cum_sum(), "label"),
        ]:
            assert_frame_equal(
                plan(wh.scan_table(con, "a")).collect(), plan(wh.scan_table(con, "b")).collect()
            )


def test_a_scan_reads_only_the_rows_of_its_part() -> None:
    with duckdb.connect(":memory:") as con:
        _table(con, "t", "i")
        part = wh.scan_table(con, "t", "key between ? and ?", [10, 12]).collect()
        nulls = wh.scan_table(con, "t", "maybe is null").select(pl.len()).collect().item()
    assert sorted(part["key"].unique()) == [10, 11, 12]
    assert part.height == sum(1 for i in range(ROWS) if 10 <= i % 97 <= 12)
    assert nulls == ROWS // 5


def test_a_table_written_to_parquet_reads_back_as_read_table_gives_it(tmp_path: Path) -> None:
    """What the marts' checks hand the suites' process as a file (flows/validate.py): the
    same rows in the same order, with the same types, whole or some columns."""
    with duckdb.connect(":memory:") as con:
        con.execute(
            f"create table t as select (i * 7919) % {ROWS} as n, i * 0.1 as x, "
            "case when i % 7 = 0 then null else 'v' || (i % 11) end as s, i % 2 = 0 as b, "
            "date '2024-01-01' + (i % 400)::int as d, "
            "timestamp '2026-10-05 08:00:00' + to_seconds(i) as ts, "
            "(i % 1000)::decimal(18, 3) / 7 as dec from range(" + str(ROWS) + ") r(i)"
        )
        for columns in (None, {"s", "d", "n"}):
            target = tmp_path / f"rows-{columns is None}.parquet"
            wh.write_table_parquet(con, "t", target, columns)
            assert_frame_equal(pl.read_parquet(target), wh.read_table(con, "t", columns))
