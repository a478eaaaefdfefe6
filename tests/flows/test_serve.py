"""Scheduling against a real Prefect server on loopback: `netzero serve` registers the
monthly close and the daily intake; a run triggered through the API completes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import httpx
import pytest

from demo.generate import DemoSpec, generate_demo
from flows.schedule import month_to_close

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except httpx.HTTPError:
            result = None
        if result:
            return result
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """`prefect server start` on a free loopback port, with its own home and database."""
    home = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "GX_ANALYTICS_ENABLED": "False",
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        "PREFECT_API_URL": url,
    }
    log = (home / "server.log").open("w")
    proc = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: httpx.get(f"{url}/health").status_code == 200, 180, "the Prefect server")
        yield url, env
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_month_to_close_is_the_previous_month_in_vietnam() -> None:
    """It closes October on 16 November, and December across the year boundary, in local time."""
    assert month_to_close(datetime(2026, 11, 16, 0, 30, tzinfo=UTC)) == "2026-10"
    assert month_to_close(datetime(2027, 1, 1, 0, 30, tzinfo=UTC)) == "2026-12"
    # 31 Oct 20:00 UTC is already 1 Nov 03:00 in Ho Chi Minh City.
    assert month_to_close(datetime(2026, 10, 31, 20, 0, tzinfo=UTC)) == "2026-10"


def test_serve_registers_both_schedules_and_runs_the_close_through_the_api(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    """It serves netzero-monthly-close (cron from the due day, Asia/Ho_Chi_Minh) and
    netzero-daily-intake; a close triggered through the API completes and publishes."""
    url, env = server
    data = tmp_path / "data"
    generate_demo(data, DemoSpec(enterprises=9, months=2, last_period="2026-10"))
    log = (tmp_path / "serve.log").open("w")
    serving = subprocess.Popen(
        [str(BIN / "netzero"), "serve", "--data-dir", str(data)],
        env=env | {"NETZERO_DUE_DAY": "15"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with httpx.Client(base_url=url, timeout=30) as api:

            def deployment(name: str) -> dict | None:
                response = api.get(f"/deployments/name/{name}")
                return response.json() if response.status_code == 200 else None

            close = wait_for(
                lambda: deployment("monthly-close/netzero-monthly-close"), 120, "the deployment"
            )
            intake = wait_for(
                lambda: deployment("daily-intake/netzero-daily-intake"), 60, "the intake"
            )
            schedules = {d["name"]: d["schedules"][0]["schedule"] for d in (close, intake)}
            assert schedules["netzero-monthly-close"]["cron"] == "0 7 16 * *"
            assert schedules["netzero-daily-intake"]["cron"] == "0 6 * * *"
            assert {s["timezone"] for s in schedules.values()} == {"Asia/Ho_Chi_Minh"}

            def trigger() -> dict | None:
                # A server busy registering the deployments answers 503 for a moment.
                response = api.post(
                    f"/deployments/{close['id']}/create_flow_run",
                    json={"parameters": {"data_dir": str(data), "period": "2026-10"}},
                )
                assert response.status_code in (201, 503), response.text
                return response.json() if response.status_code == 201 else None

            run = wait_for(trigger, 60, "the server to accept the flow run")

            def finished() -> dict | None:
                state = api.get(f"/flow_runs/{run['id']}").json()["state"]
                return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED") else None

            state = wait_for(finished, 600, "the triggered monthly close")
            assert state["type"] == "COMPLETED", (tmp_path / "serve.log").read_text()[-3000:]
            # The run summary, as operators see it in the UI: a markdown table artifact.
            (summary,) = api.post(
                "/artifacts/filter", json={"artifacts": {"key": {"any_": ["netzero-run-summary"]}}}
            ).json()
            assert summary["type"] == "markdown"
            table = summary["data"]
            assert "| Mục / item | Giá trị / value |" in table
            assert "| Kỳ báo cáo / period | 2026-10 |" in table
            assert "| Tệp đã nhận / files landed | 19 |" in table
            assert "Thời gian / seconds: render" in table

            # The daily intake: a file that arrives after the close is landed and answered.
            tax = sorted((data / "archive").glob("*.csv"))[0].read_text().splitlines()[1][:10]
            (data / "inbox" / f"{tax}_2026-10_r5.csv").write_text(
                "Mã số thuế / Tax code,Kỳ báo cáo / Period,Lần nộp / Revision,"
                "Mã hoạt động / Activity code,Số lượng / Quantity,Đơn vị / Unit,Ghi chú / Note\n"
                f"{tax},2026-10,5,ELEC_GRID,100000,kWh,\n",
                encoding="utf-8",
            )
            response = api.post(
                f"/deployments/{intake['id']}/create_flow_run",
                json={"parameters": {"data_dir": str(data)}},
            )
            assert response.status_code == 201, response.text
            run = response.json()
            intake_state = wait_for(finished, 300, "the triggered daily intake")
    finally:
        serving.terminate()
        serving.wait(timeout=60)
        log.close()
    assert intake_state["type"] == "COMPLETED", (tmp_path / "serve.log").read_text()[-3000:]
    assert (data / "outbox" / "2026-10" / "province_2026-10.pdf").exists()
    assert not any((data / "inbox").iterdir()), "the intake landed the late file"
    receipts = list((data / "outbox" / "receipts").rglob(f"*{tax}_2026-10_r5.csv.html"))
    assert len(receipts) == 1
    with duckdb.connect(str(data / "published" / "netzero.duckdb"), read_only=True) as con:
        # The close runs the monthly cycle as a subflow: one completed run for October.
        assert con.execute("select status, period from ops.runs").fetchall() == [
            ("completed", "2026-10")
        ]
