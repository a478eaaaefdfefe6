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
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.e2e
NETZERO = str(Path(sys.executable).parent / "netzero")
ENV = os.environ | {
    "NETZERO_NO_PROGRESS": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}
ENV = {k: v for k, v in ENV.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}


# Where the run kills itself (SIGKILL: no cleanup, no finally), at a failpoint
# (flows/failpoints.py) the code reaches: never by timing, never by a log line.
KILLS: dict[str, str] = {
    "mid_landing_reading": "ingest.read:5",  # files being read, nothing committed yet
    "mid_landing_moving": "ingest.moved:5",  # committed; 4 files out of the inbox, the rest in
    "mid_station_moving": "stations.moved:3",  # a batch committed, 2 files out, the rest in
    "after_landing": "cycle.landed",
    "mid_build": "build.table:12",  # some marts rebuilt, others from the last build
    "after_build": "cycle.built",
    "mid_render": "render.report:3",  # 3 reports written in staging, the others not
    "after_render": "cycle.rendered",
}


def run(data: Path, kill: str | None = None, api_url: str | None = None) -> int:
    """``netzero run``, killed by itself at the failpoint ``kill`` names (the count after
    the colon: at its n-th passage); against the Prefect server at ``api_url``, else with
    its own embedded one. Returns the exit code (-9 when killed)."""
    env = ENV | ({"NETZERO_FAILPOINT": kill} if kill else {})
    if api_url:
        env["PREFECT_API_URL"] = api_url
    # The log goes to a file: a killed run's orphaned Prefect server keeps a pipe open.
    with (data.parent / f"run-{kill or 'whole'}.log").open("a") as log:
        return subprocess.run(
            [NETZERO, "run", "--data-dir", str(data)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=600,
            check=False,
        ).returncode


def stale_servers(data: Path) -> list[int]:
    """Embedded Prefect servers and render workers of this data folder still running
    without their run, after up to 15 s."""
    home = f"PREFECT_HOME={(data / 'prefect').resolve()}".encode()
    for _ in range(30):
        alive = []
        for entry in Path("/proc").iterdir():
            try:
                if not entry.name.isdigit():
                    continue
                environ = set((entry / "environ").read_bytes().split(b"\0"))
                server = b"PREFECT__SERVER_EPHEMERAL=1" in environ
                worker = b"from multiprocessing" in (entry / "cmdline").read_bytes()
                if home in environ and (server or worker):
                    alive.append(int(entry.name))
            except OSError:
                continue
        if not alive:
            break
        time.sleep(0.5)
    return alive


def fingerprint(data: Path) -> dict[str, str]:
    """Every staging/marts/reports/raw table's content but the clock times of a run (run_id,
    landed_at, seen_at), and the published reports' hashes."""
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
                    "table_name = ? and column_name not in ('run_id', 'landed_at', 'seen_at') "
                    "order by all",
                    [schema, table],
                ).fetchall()
            ]
            rows = con.execute(
                f"select {', '.join(columns)} from {schema}.{table} order by all"
            ).fetchall()
            out[f"{schema}.{table}"] = hashlib.sha256(repr(rows).encode()).hexdigest()
    out["reports"] = (data / "outbox" / "2026-10" / "SHA256SUMS").read_text()
    return out


# Each test kills two runs in a row, then runs to the end: the run after the first kill
# recovers from a landing interrupted (or just finished) and goes on through the build and the
# rendering until it is killed in turn, at a later stage; the last run recovers from that.
# Every kill point is met once, each followed by a run that recovers from it and goes further,
# and a whole rerun is paid for every two kill points, not every one (about 35 s of CPU).
PAIRS = [
    ("mid_landing_reading", "mid_render"),
    ("mid_landing_moving", "after_build"),
    ("mid_station_moving", "after_render"),
    ("after_landing", "mid_build"),
]
assert sorted(k for pair in PAIRS for k in pair) == sorted(KILLS), "every kill point, once"


@pytest.mark.parametrize(("first", "then"), PAIRS, ids=["+".join(p) for p in PAIRS])
def test_killed_runs_then_rerun_equal_an_uninterrupted_run(  # type: ignore[no-untyped-def]
    province, prefect_api_url, tmp_path, first, then
) -> None:
    """It survives SIGKILL at each point, and a run recovering from one killed in turn: the
    last run completes, the warehouse tables and every report are identical to the
    uninterrupted run's, every file landed exactly once and got its receipt, and the killed
    runs are recorded as interrupted."""
    source, expected, files = province.source, province.expected, province.files
    data = tmp_path / "data"
    shutil.copytree(source, data)
    for where in (first, then):
        killed = run(data, KILLS[where], prefect_api_url)
        assert killed == -9, f"the run ended by itself ({killed}) before the kill point {where}"
    assert run(data, api_url=prefect_api_url) == 0
    # The killed runs' render workers were stopped by the rerun, not left running (its
    # embedded server, when it has one: test_runs_killed_while_publishing_then_rerun).
    assert stale_servers(data) == []
    assert fingerprint(data) == expected
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        landed = con.execute("select count(*), count(distinct sha256) from raw.submission_files")
        assert landed.fetchall() == [(files - 1, files - 1)]  # the demo's duplicate file once
    assert not any((data / "inbox").iterdir()), "no file left behind in the inbox"
    assert not any((data / "stations").iterdir()), "no station file left behind"
    # Every file seen is answered, though the killed runs may have written no receipt: the
    # rerun writes what the ledger says is owed, and closes the killed runs as interrupted.
    assert len(list((data / "outbox" / "receipts").rglob("*.html"))) == files
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        owed = con.execute(
            "select count(*) from ops.file_ledger "
            "where receipt_written_at is null and status <> 'already_landed'"
        ).fetchall()
        statuses = dict(con.execute("select status, count(*) from ops.runs group by 1").fetchall())
    assert owed == [(0,)]
    assert statuses == {"interrupted": 2, "completed": 1}


def test_runs_killed_while_publishing_then_rerun(  # type: ignore[no-untyped-def]
    province, prefect_api_url, tmp_path
) -> None:
    """Later runs killed between the outbox's two renames, after copying the analysts'
    snapshot and before its Parquet export: the previous publication is never lost, the
    next run puts it back and ends as an uninterrupted run, and the analysts' copies open.
    One killed run has its own embedded Prefect server: the next run stops it."""
    source, expected = province.source, province.expected
    data = tmp_path / "data"
    shutil.copytree(source, data)
    outbox = data / "outbox"
    assert run(data, api_url=prefect_api_url) == 0

    assert run(data, "publish.swap") == -9  # embedded server, orphaned by the kill
    assert not (outbox / "2026-10").exists()
    assert (outbox / ".previous-2026-10" / "SHA256SUMS").read_text() == expected["reports"]

    assert run(data, "snapshot.copied", prefect_api_url) == -9
    assert (outbox / "2026-10" / "SHA256SUMS").read_text() == expected["reports"]
    assert run(data, "snapshot.parquet", prefect_api_url) == -9
    assert run(data, api_url=prefect_api_url) == 0
    assert stale_servers(data) == []

    assert fingerprint(data) == expected
    assert not [p.name for p in outbox.iterdir() if p.name.startswith(".")]
    published = data / "published"
    marts = published / "parquet" / "marts" / "fct_enterprise_monthly.parquet"
    with duckdb.connect(str(published / "netzero.duckdb"), read_only=True) as con:
        status, snapshot_total, parquet_total = con.execute(
            "select (select status from ops.runs order by started_at desc limit 1), "
            "(select sum(emissions_tco2e) from marts.fct_enterprise_monthly), "
            "(select sum(emissions_tco2e) from read_parquet(?))",
            [str(marts)],
        ).fetchall()[0]
    assert status == "completed"
    assert parquet_total == pytest.approx(snapshot_total, rel=1e-12)
