"""The staging SQL models, given tiny raw and ops tables in an in-memory DuckDB: what a file
speaks for, which revision is in force, and which lines are accepted or rejected."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import duckdb
import pytest

from flows import warehouse as wh

MODELS = (
    "stg_submissions__file_keys",
    "stg_submissions__files",
    "stg_submissions__accepted_lines",
    "stg_submissions__rejected_lines",
)
T0 = datetime(2026, 11, 3, 8)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(":memory:") as connection:
        wh.migrate(connection)
        yield connection


def land(
    con: duckdb.DuckDBPyConnection,
    sha: str,
    lines: list[tuple[str | None, str | None, str | None, str]],
    landed_at: datetime = T0,
) -> None:
    """A landed file and its (tax code, period, revision, activity) lines, line_no from 2."""
    con.execute(
        "insert into raw.submission_files (sha256, file_name, file_format, size_bytes, "
        "line_count, landed_at, run_id) values (?, ?, 'csv', 1, ?, ?, 'r1')",
        [sha, f"{sha}.csv", len(lines), landed_at],
    )
    for n, (tax, period, revision, activity) in enumerate(lines, start=2):
        con.execute(
            "insert into raw.submission_lines values (?, ?, ?, ?, ?, ?, '1', 'MWh', null)",
            [sha, n, tax, period, revision, activity],
        )


def quarantine(
    con: duckdb.DuckDBPyConnection, sha: str, line_no: int, rule: str, severity: str = "error"
) -> None:
    con.execute(
        "insert into ops.quarantine (run_id, sha256, file_name, line_no, field, rule, severity, "
        "reason_vi, reason_en, quarantined_at) values ('r1', ?, 'f', ?, 'x', ?, ?, 'vi', 'en', ?)",
        [sha, line_no, rule, severity, T0],
    )


def build(con: duckdb.DuckDBPyConnection) -> None:
    for model in MODELS:
        wh.build_sql_model(con, "staging", model)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return con.execute(sql).fetchall()


def test_a_file_speaks_for_the_enterprise_and_month_most_of_its_lines_name(
    con: duckdb.DuckDBPyConnection,
) -> None:
    land(
        con,
        "a",
        [("E1", "2026-10", "2", "ELEC_GRID"), ("E2", "2026-10", "x", "LPG_STATIONARY")]
        + [("E1", "2026-10", None, "WATER_SUPPLY")] * 2,
    )
    land(con, "b", [("E3", "2026-09", None, "ELEC_GRID"), ("E4", "2026-09", None, "ELEC_GRID")])
    build(con)
    # "x" is no revision number (the highest number given wins); a tie goes to the earlier line
    assert rows(con, "select * from staging.stg_submissions__file_keys order by 1") == [
        ("a", "E1", "2026-10", 2),
        ("b", "E3", "2026-09", 1),
    ]


def test_the_highest_revision_is_in_force_never_a_stale_repeat(
    con: duckdb.DuckDBPyConnection,
) -> None:
    grid = "ELEC_GRID"
    land(con, "r1", [("E1", "2026-10", "1", grid)], datetime(2026, 11, 1))
    land(con, "r2", [("E1", "2026-10", "2", grid)], datetime(2026, 11, 2))
    # a second revision 2, landed later: refused for repeating it, so never in force
    land(con, "r2bis", [("E1", "2026-10", "2", grid)], datetime(2026, 11, 3))
    quarantine(con, "r2bis", 2, "revision_newer")
    # equal revisions of another month: the one landed last
    land(con, "s1", [("E1", "2026-09", "1", grid)], datetime(2026, 10, 1))
    land(con, "s2", [("E1", "2026-09", "1", grid)], datetime(2026, 10, 2))
    build(con)
    got = rows(
        con,
        "select sha256, is_current, files_for_month, lines_quarantined "
        "from staging.stg_submissions__files order by sha256",
    )
    assert got == [
        ("r1", False, 3, 0),
        ("r2", True, 3, 0),
        ("r2bis", False, 3, 1),
        ("s1", False, 2, 0),
        ("s2", True, 2, 0),
    ]


def test_a_line_an_error_quarantined_is_rejected_a_warning_is_not(
    con: duckdb.DuckDBPyConnection,
) -> None:
    land(
        con,
        "f",
        [
            ("E1", "2026-10", "1", "ELEC_GRID"),
            ("E1", "2026-10", "1", "LPG_STATIONARY"),
            ("E1", "2026-10", "1", "WATER_SUPPLY"),
        ],
    )
    quarantine(con, "f", 3, "unit_fits_activity")
    quarantine(con, "f", 3, "known_unit")
    quarantine(con, "f", 4, "mom_change", severity="warning")
    build(con)
    accepted = rows(
        con,
        "select line_no, activity_code, is_current, reporting_month "
        "from staging.stg_submissions__accepted_lines order by line_no",
    )
    assert [(n, a, c) for n, a, c, _ in accepted] == [
        (2, "ELEC_GRID", True),
        (4, "WATER_SUPPLY", True),
    ]
    assert str(accepted[0][3]) == "2026-10-01"
    rejected = rows(
        con,
        "select tax_code, period, line_no, activity_code, rules "
        "from staging.stg_submissions__rejected_lines",
    )
    assert rejected == [("E1", "2026-10", 3, "LPG_STATIONARY", "known_unit,unit_fits_activity")]
