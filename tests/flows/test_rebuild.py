"""The archive is the source of truth (issue 13): a run that finds the warehouse missing or
damaged publishes nothing and says how to rebuild; `netzero rebuild` restores it from
archive/ to what it was, table for table, and the next run publishes the same reports to the
byte. Through the real CLI, as an operator meets it."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.flows.conftest import Province
from tests.flows.test_crash_safety import ENV, NETZERO, fingerprint, run

pytestmark = pytest.mark.e2e
RECORDS = ("raw", "ops")
NOT_REPLAYED = {"ops.runs", "ops.validation_results"}  # each run adds its own rows


def netzero(data: Path, *args: str, api_url: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NETZERO, *args, "--data-dir", str(data)],
        env=ENV | ({"PREFECT_API_URL": api_url} if api_url else {}),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def records(data: Path) -> dict[str, str]:
    """Every raw and ops table, every column, as the run left it."""
    out = {}
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in ('raw', 'ops') order by all"
        ).fetchall():
            name = f"{schema}.{table}"
            if name not in NOT_REPLAYED:
                rows = con.execute(f"select * from {name} order by all").fetchall()
                out[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def said(result: subprocess.CompletedProcess[str]) -> str:
    # Prefect logs the failed flow run, with its traceback, on stderr for operators; the
    # CLI's own word is on stdout.
    return " ".join(result.stdout[result.stdout.rindex("netzero run:") :].split())


def test_a_lost_warehouse_stops_the_run_and_is_rebuilt_from_the_archive(
    province: Province, prefect_api_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(province.reference, data, symlinks=True)
    before, kept = province.expected, records(data)
    outbox, published = tree(data / "outbox"), tree(data / "published")
    warehouse = data / "warehouse" / "netzero.duckdb"

    # Deleted, with one new file in the inbox: it used to publish the month from that one line.
    tax = sorted((data / "register" / "enterprises.csv").read_text().splitlines())[0][:10]
    new = data / "inbox" / "late.csv"
    new.write_text(
        "tax_code,period,revision,activity_code,quantity,unit,note\n"
        f"{tax},2026-10,7,ELEC_GRID,100,MWh,\n"
    )
    warehouse.unlink()
    lost = netzero(data, "run", api_url=prefect_api_url)
    assert lost.returncode == 1
    assert "Không tìm thấy kho dữ liệu" in said(lost) and "netzero rebuild" in said(lost)
    assert "The warehouse is missing although files were landed before" in said(lost)
    assert "Traceback" not in said(lost)
    assert tree(data / "outbox") == outbox and tree(data / "published") == published
    assert new.exists() and not warehouse.exists()

    # Truncated: it used to end in a raw DuckDB traceback.
    late = new.read_bytes()
    new.unlink()
    warehouse.write_bytes(b"DUCK" + b"\0" * 4000)
    damaged = netzero(data, "run", api_url=prefect_api_url)
    assert damaged.returncode == 1
    assert "The warehouse cannot be read" in said(damaged) and "Traceback" not in said(damaged)
    assert tree(data / "outbox") == outbox

    rebuilt = netzero(data, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert list(warehouse.parent.glob("netzero.duckdb.damaged-*")), "the damaged file is kept"
    assert records(data) == kept
    assert run(data, api_url=prefect_api_url) == 0
    assert fingerprint(data) == before, "the same tables and byte-identical reports"

    # A run killed after landing a file but before exporting its records: the file comes
    # back from the archive, with its arrival time, and lands once.
    new.write_bytes(late)
    os.utime(new, (1_790_000_000, 1_790_000_000))
    assert run(data, "ledger.exported", prefect_api_url) == -9
    warehouse.unlink()
    again = netzero(data, "rebuild")
    assert again.returncode == 0
    out = " ".join(again.stdout.split())
    assert "1 tệp trả lại hộp thư đến" in out and "1 files back in the inbox" in out
    assert run(data, api_url=prefect_api_url) == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        landed = con.execute(
            "select count(*), min(epoch(received_at)) from raw.submission_files where sha256 = ?",
            [hashlib.sha256(late).hexdigest()],
        ).fetchone()
    assert landed == (1, 1_790_000_000)
    shutil.rmtree(data / "prefect", ignore_errors=True)


def test_a_month_is_never_published_again_from_fewer_files_without_saying_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check the cycle makes before rendering: the last publication of the period
    recorded how many files the warehouse held; fewer now stops the run, in both languages,
    unless the operator says fewer is right."""
    from flows import warehouse as wh
    from flows.publish import LessData, refuse_less_data
    from flows.settings import Settings

    settings = Settings(data_dir=tmp_path / "data")
    with wh.connect(settings.warehouse):
        pass  # an empty warehouse: 0 landed files
    refuse_less_data(settings, "2026-10")  # never published: nothing to compare with
    (settings.outbox / "2026-10").mkdir(parents=True)
    (settings.outbox / "2026-10" / "manifest.json").write_text('{"landed_files": 3}')
    with pytest.raises(LessData) as raised:
        refuse_less_data(settings, "2026-10")
    assert "fewer than the 3 of the last publication of 2026-10" in raised.value.reason_en
    assert "ít hơn 3 tệp của lần công bố trước" in raised.value.reason_vi
    monkeypatch.setenv("NETZERO_ACCEPT_LESS_DATA", "1")
    refuse_less_data(settings, "2026-10")
