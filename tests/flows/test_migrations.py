"""Migrations: each applied once, in order, in one transaction; old warehouses upgraded in
place with their rows kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows import warehouse as wh
from flows.warehouse import migrations


def versions(path: Path) -> list[tuple[int, str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select version, name from meta.schema_migrations order by 1").fetchall()


def test_a_new_warehouse_gets_every_migration_once(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with wh.connect(path) as con:
        assert wh.table_exists(con, "ops.runs")
        assert wh.migrate(con) == []  # already current: nothing applied again
    with wh.connect(path):
        pass
    expected = [(v, p.stem) for v, p in migrations.available()]
    assert versions(path) == expected and len(expected) >= 2


def test_a_warehouse_older_than_the_migrations_is_upgraded_in_place(tmp_path: Path) -> None:
    """A warehouse of the first release (no later columns, no migration ledger) keeps its
    rows and gains the columns; a completed run's ledger rows count as answered."""
    path = tmp_path / "old.duckdb"
    first = migrations.available()[0][1].read_text(encoding="utf-8")
    with duckdb.connect(str(path)) as con:
        con.execute(first)
        con.execute(
            "insert into ops.runs (run_id, started_at, status) values ('r1', now(), 'completed')"
        )
        con.execute(
            "insert into ops.file_ledger values ('r1', 'a.xlsx', 'ab', 'landed', null, null, "
            "timestamp '2026-11-02 08:00')"
        )
    with wh.connect(path) as con:
        runs = con.execute("select run_id, stage_seconds from ops.runs").fetchall()
        owed = con.execute("select receipt_written_at from ops.file_ledger").fetchall()
    assert runs == [("r1", None)]
    assert str(owed[0][0]) == "2026-11-02 08:00:00"
    assert [v for v, _ in versions(path)] == [v for v, _ in migrations.available()]


def test_a_migration_that_fails_leaves_nothing_half_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    shutil.copy(migrations.available()[0][1], folder)
    (folder / "0002_broken.sql").write_text(
        "alter table ops.runs add column half_done integer;\nselect * from no_such_table;\n"
    )
    monkeypatch.setattr(migrations, "FOLDER", folder)
    path = tmp_path / "w.duckdb"
    with pytest.raises(duckdb.CatalogException), wh.connect(path):
        pass
    assert versions(path) == [(1, migrations.available()[0][1].stem)]
    with duckdb.connect(str(path), read_only=True) as con:
        columns = {r[0] for r in con.execute("describe ops.runs").fetchall()}
    assert "half_done" not in columns


def test_migrations_are_numbered_without_gaps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "0001_a.sql").write_text("select 1;")
    (tmp_path / "0003_c.sql").write_text("select 1;")
    monkeypatch.setattr(migrations, "FOLDER", tmp_path)
    with pytest.raises(RuntimeError, match="without gaps"):
        migrations.available()
