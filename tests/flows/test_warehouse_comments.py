"""The data dictionary's comments on the warehouse's columns: written where missing or
changed, all or none (they are written in one transaction: one statement committed at a
time was ~5 ms a column, twice a run)."""

from __future__ import annotations

import duckdb

from flows.warehouse import comment_columns


def comments(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    rows = con.execute(
        "select table_name || '.' || column_name, comment from duckdb_columns() "
        "where schema_name = 'marts' order by all"
    ).fetchall()
    return dict(rows)


def test_every_described_column_gets_its_text_and_the_rest_are_named() -> None:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.a (tax_code varchar, emissions double, extra int)")
    texts = {"tax_code": "Mã số thuế / tax code", "emissions": "tCO₂e (the 'location' basis)"}

    missing = comment_columns(con, ("marts",), lambda column, table: texts.get(column))

    assert missing == ["marts.a.extra"]
    assert comments(con) == {
        "a.emissions": "tCO₂e (the 'location' basis)",
        "a.extra": None,
        "a.tax_code": "Mã số thuế / tax code",
    }
    # Again with one description changed: that one is replaced, the others stay.
    texts["tax_code"] = "Mã số thuế doanh nghiệp / enterprise tax code"
    comment_columns(con, ("marts",), lambda column, table: texts.get(column))
    assert comments(con)["a.tax_code"] == "Mã số thuế doanh nghiệp / enterprise tax code"
    assert comments(con)["a.emissions"] == "tCO₂e (the 'location' basis)"


def test_a_comment_that_cannot_be_written_leaves_every_comment_as_it_was() -> None:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute('create table marts.b (a_first varchar, "z""quoted" int)')
    con.execute("comment on column marts.b.a_first is 'before'")

    try:
        comment_columns(con, ("marts",), lambda column, table: "after")
    except duckdb.Error:
        pass
    else:
        raise AssertionError("a column name with a double quote breaks the statement")

    assert comments(con) == {"b.a_first": "before", 'b.z"quoted': None}
    con.execute("select 1")  # the connection is usable: the transaction was rolled back
