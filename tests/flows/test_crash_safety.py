"""Crash safety: `netzero run` killed with SIGKILL at stage boundaries and mid-stage, then run
again, ends with the same warehouse and byte-identical reports as an uninterrupted run, and
no inbox file lost or landed twice."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from demo.generate import DemoSpec, generate_demo

pytestmark = pytest.mark.e2e
NETZERO = str(Path(sys.executable).parent / "netzero")
ENV = os.environ | {
    "NETZERO_NO_PROGRESS": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}
ENV = {k: v for k, v in ENV.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}


def finished(task: str) -> Callable[[str], bool]:
    return lambda line: f"Task run '{task}" in line and "Finished" in line


# Where the run is killed: right after a stage, or while one is under way.
KILLS = {
    "after_landing": finished("ingest_inbox"),
    "after_build": finished("build_warehouse"),
    "mid_render": finished("write_validation_page"),  # + a moment: reports are being written
    "after_render": finished("render_reports"),
}


def run(data: Path, kill_when: Callable[[str], bool] | None = None, delay: float = 0) -> int:
    proc = subprocess.Popen(
        [NETZERO, "run", "--data-dir", str(data)],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if kill_when and kill_when(line):
            time.sleep(delay)
            proc.kill()  # SIGKILL: no cleanup, no finally
            break
    proc.wait(timeout=600)
    return proc.returncode


def fingerprint(data: Path) -> dict[str, str]:
    """Every staging/marts/reports/raw table's content, and the published reports' hashes."""
    out = {}
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in ('raw', 'staging', 'marts', 'reports') order by all"
        ).fetchall()
        for schema, table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = ? and "
                    "table_name = ? and column_name not in ('run_id', 'landed_at') order by all",
                    [schema, table],
                ).fetchall()
            ]
            rows = con.execute(
                f"select {', '.join(columns)} from {schema}.{table} order by all"
            ).fetchall()
            out[f"{schema}.{table}"] = hashlib.sha256(repr(rows).encode()).hexdigest()
    out["reports"] = (data / "outbox" / "2026-10" / "SHA256SUMS").read_text()
    return out


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], int]:
    """One generated inbox, and the fingerprint of an uninterrupted run over it."""
    source = tmp_path_factory.mktemp("crash") / "source"
    demo = generate_demo(source, DemoSpec(enterprises=9, months=2, last_period="2026-10"))
    reference = source.parent / "reference"
    shutil.copytree(source, reference)
    assert run(reference) == 0
    return source, fingerprint(reference), int(demo["files"])  # type: ignore[call-overload]


@pytest.mark.parametrize("where", sorted(KILLS))
def test_killed_run_then_rerun_equals_an_uninterrupted_run(province, tmp_path, where) -> None:  # type: ignore[no-untyped-def]
    """It survives SIGKILL at each point: the rerun completes, the warehouse tables and every
    report are identical to the uninterrupted run's, and every file landed exactly once."""
    source, expected, files = province
    data = tmp_path / "data"
    shutil.copytree(source, data)
    killed = run(data, KILLS[where], delay=2.0 if where == "mid_render" else 0)
    assert killed == -9, f"the run ended by itself ({killed}) before the kill point {where}"
    assert run(data) == 0
    assert fingerprint(data) == expected
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        landed = con.execute("select count(*), count(distinct sha256) from raw.submission_files")
        assert landed.fetchall() == [(files - 1, files - 1)]  # the demo's duplicate file once
    assert not any((data / "inbox").iterdir()), "no file left behind in the inbox"
