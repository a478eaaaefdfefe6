"""The warehouse's own tables (raw, ops) come from numbered migrations, each applied once.

``migrations/NNNN_what.sql`` run in order, each in one transaction with the row that records
it in ``meta.schema_migrations``; a writable connection checks that row and applies what is
missing, so a warehouse of any earlier release is brought up to date in place, and a current
one costs one small query. The early files are idempotent (``if not exists``): warehouses
made before the migrations existed pass through them unharmed. A change to raw or ops is a
new file, never an edit of an applied one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

FOLDER = Path(__file__).parent / "migrations"
LEDGER = """
    create schema if not exists meta;
    create table if not exists meta.schema_migrations (
        version integer primary key,
        name varchar not null,
        applied_at timestamp not null
    );
    comment on table meta.schema_migrations is
        'One row per migration applied to this warehouse (flows/warehouse/migrations).';
"""


def available() -> list[tuple[int, Path]]:
    """Every migration file, by version."""
    found = sorted((int(p.name[:4]), p) for p in FOLDER.glob("[0-9][0-9][0-9][0-9]_*.sql"))
    versions = [v for v, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migrations must be numbered 1, 2, 3… without gaps: {versions}")
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations this warehouse lacks, in order; returns their names."""
    found = available()
    current = _current(con)
    if current == len(found):
        return []
    con.execute(LEDGER)
    applied = []
    for version, path in found[current:]:
        con.execute("begin transaction")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "insert into meta.schema_migrations values (?, ?, ?)",
                [version, path.stem, datetime.now(UTC).replace(tzinfo=None)],
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        applied.append(path.stem)
    return applied


def _current(con: duckdb.DuckDBPyConnection) -> int:
    """The last migration applied (0: none, or a warehouse older than migrations)."""
    try:
        rows = con.sql("select coalesce(max(version), 0) from meta.schema_migrations").fetchall()
    except duckdb.CatalogException:
        return 0
    return int(rows[0][0])
