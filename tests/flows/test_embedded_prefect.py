"""`netzero run` without a Prefect server starts the embedded one itself, first thing, so it
comes up while the cycle is imported (flows/embedded_prefect.py, issue 19): the run is
recorded by that server as by Prefect's own temporary one, every log reaches it, and it
never outlives the command, even one killed outright."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.flows.conftest import Province
from tests.flows.test_crash_safety import ENV, NETZERO, stale_servers

pytestmark = pytest.mark.e2e


def flow_runs(data: Path) -> list[tuple[str, str]]:
    """The flow runs the embedded server of this data folder recorded (its database is
    made by its first start)."""
    with sqlite3.connect(data / "prefect" / "prefect.db") as db:
        try:
            return db.execute(
                "select f.name, r.state_type from flow_run r join flow f on f.id = r.flow_id "
                "order by r.start_time"
            ).fetchall()
        except sqlite3.OperationalError:  # no table yet
            return []


def test_a_run_without_a_server_is_recorded_by_the_embedded_one_which_then_stops(
    province: Province, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(province.reference, data)  # a rerun: nothing new
    before = flow_runs(data)
    done = subprocess.run(
        [NETZERO, "run", "--data-dir", str(data)],
        env=ENV, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Starting temporary server" not in output  # Prefect did not start one of its own
    assert "Error logging to API" not in output  # every log reached the server before it stopped
    assert flow_runs(data) == [*before, ("monthly-cycle", "COMPLETED")]
    assert stale_servers(data) == []


def test_a_run_killed_outright_takes_its_embedded_server_with_it(
    province: Province, tmp_path: Path
) -> None:
    """SIGKILL at a failpoint: no handler, no atexit; the kernel ends the server with its
    command (PR_SET_PDEATHSIG), before any next run could."""
    data = tmp_path / "data"
    shutil.copytree(province.source, data)
    done = subprocess.run(
        [NETZERO, "run", "--data-dir", str(data)],
        env=ENV | {"NETZERO_FAILPOINT": "cycle.landed"},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == -9, done.stdout + done.stderr
    assert stale_servers(data) == []


def test_a_port_taken_meanwhile_starts_the_server_on_another(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from flows import embedded_prefect

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        ports = iter([taken.getsockname()[1]])
        free = embedded_prefect._free_port
        monkeypatch.setattr(embedded_prefect, "_free_port", lambda: next(ports, None) or free())
        environment = dict(ENV) | {"PREFECT_HOME": str(tmp_path / "prefect")}
        server = embedded_prefect.EmbeddedServer(environment | {
            "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
        })  # fmt: skip
        try:
            first = server.url
            start = time.monotonic()
            server.wait_until_up(120)
            assert server.url != first
            assert time.monotonic() - start < 120
        finally:
            server.stop()
    assert server.process.poll() is not None
