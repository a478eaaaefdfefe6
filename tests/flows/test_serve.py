"""Scheduling against a real Prefect server on loopback: `netzero serve` registers the
monthly close and the daily intake; a run triggered through the API completes."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

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


ROOT = Path(__file__).resolve().parents[2]


def readme_operations() -> list[str]:
    """The README's commands for running against a Prefect server, as printed."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("**Scheduled, against a Prefect server.**")
    begin = text.index("```sh\n", start) + len("```sh\n")
    block = text[begin : text.index("```", begin)]
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


class Checkout(NamedTuple):
    """A folder laid out as the repository after `make run`: .venv, scripts/ with the
    server settings (on a free port, the change the README describes), data/."""

    root: Path
    url: str
    env: dict[str, str]
    commands: list[str]

    def shell(self, command: str) -> list[str]:
        """``command`` as a user types it, in a terminal where the settings were loaded."""
        return ["bash", "-c", f"{self.commands[0]}\n{command}"]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checkout]:
    """The README's `prefect server start`, with its own Prefect home and database."""
    root = tmp_path_factory.mktemp("checkout")
    (root / ".venv").symlink_to(ROOT / ".venv")
    port = free_port()
    settings = (ROOT / "scripts" / "prefect-server.env").read_text(encoding="utf-8")
    assert "PREFECT_SERVER_API_PORT=4200\n" in settings
    (root / "scripts").mkdir()
    (root / "scripts" / "prefect-server.env").write_text(
        settings.replace("PREFECT_SERVER_API_PORT=4200", f"PREFECT_SERVER_API_PORT={port}"),
        encoding="utf-8",
    )
    # Nothing of ours: the settings file must bring telemetry off and the API URL itself.
    ours = ("PREFECT_", "DO_NOT_TRACK", "GX_ANALYTICS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)} | {
        "PREFECT_HOME": str(root / "prefect-home"),
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",  # the served runner picks a run up sooner
    }
    commands = readme_operations()
    assert commands[0].startswith("set -a; . scripts/prefect-server.env")
    (server_command,) = [c for c in commands if " server start" in c]
    url = f"http://127.0.0.1:{port}/api"
    log = (root / "server.log").open("w")
    proc = subprocess.Popen(
        ["bash", "-c", f"{commands[0]}\nexec {server_command}"],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: httpx.get(f"{url}/health").status_code == 200, 180, "the Prefect server")
        yield Checkout(root, url, env, commands)
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


def test_the_readme_settings_reach_every_prefect_command(checkout: Checkout) -> None:
    """After the README's first line, Prefect sees the server's URL, telemetry off and no
    promotional content, from the settings file alone."""
    done = subprocess.run(
        checkout.shell(".venv/bin/prefect config view --show-sources"),
        cwd=checkout.root,
        env=checkout.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    view = done.stdout.lower()
    assert f"prefect_api_url='{checkout.url}' (from env)" in view
    assert "prefect_server_analytics_enabled='false' (from env)" in view
    assert "prefect_server_ui_show_promotional_content='false' (from env)" in view


def run_close_as_printed(checkout: Checkout, api: httpx.Client, deployment_id: str) -> dict:
    """The README's last command, in a third terminal: the flow run it created."""
    (run_command,) = [c for c in checkout.commands if "deployment run" in c]
    done = subprocess.run(
        checkout.shell(run_command),
        cwd=checkout.root,
        env=checkout.env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Against the server, not a temporary one of its own (that took ~57 s and failed).
    assert "temporary server" not in done.stdout + done.stderr
    # It prints the flow run it created ("UUID: …"); the schedule's own runs are others.
    (run_id,) = re.findall(r"UUID: ([0-9a-f-]{36})", done.stdout)
    run = api.get(f"/flow_runs/{run_id}").json()
    assert run["deployment_id"] == deployment_id
    assert run["parameters"]["period"] == "2026-10"
    return dict(run)


def late_file(data: Path) -> str:
    """A revision of October that reaches the inbox after the close; its tax code."""
    tax = sorted((data / "archive").glob("*.csv"))[0].read_text().splitlines()[1][:10]
    (data / "inbox" / f"{tax}_2026-10_r5.csv").write_text(
        "Mã số thuế / Tax code,Kỳ báo cáo / Period,Lần nộp / Revision,"
        "Mã hoạt động / Activity code,Số lượng / Quantity,Đơn vị / Unit,Ghi chú / Note\n"
        f"{tax},2026-10,5,ELEC_GRID,100000,kWh,\n",
        encoding="utf-8",
    )
    return tax


def post(api: httpx.Client, path: str, payload: dict) -> httpx.Response:
    """A POST as Prefect's own client makes it: a 503 (the server's SQLite database busy for
    a moment) is tried again, up to 5 times with a growing wait, before it counts."""
    for attempt in range(5):
        response = api.post(path, json=payload)
        if response.status_code != 503:
            return response
        time.sleep(2**attempt)
    return response


def artifact(api: httpx.Client, key: str) -> str:
    """The markdown of the one artifact with ``key``, as the UI shows it."""
    (summary,) = post(api, "/artifacts/filter", {"artifacts": {"key": {"any_": [key]}}}).json()
    assert summary["type"] == "markdown"
    return str(summary["data"])


def assert_second_notices(data: Path) -> None:
    """A second notice to each enterprise the warehouse says owes October, and the list."""
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        owing = con.execute(
            "select list(tax_code order by tax_code) from marts.fct_submission_status "
            "where period = '2026-10' and submission_status in ('missing', 'rejected')"
        ).fetchone()[0]  # type: ignore[index]
        reminded = con.execute(
            "select list(split_part(about, '/', 3) order by about) from ops.outgoing_mail "
            "where kind = 'reminder'"
        ).fetchone()[0]  # type: ignore[index]
        lists = con.execute(
            "select count(*) from ops.outgoing_mail where kind = 'owing_list'"
        ).fetchone()[0]  # type: ignore[index]
    assert owing and reminded == owing and lists == 1


def trigger(api: httpx.Client, deployment_id: str, parameters: dict) -> dict:
    """A run of a deployment, created through the API as the UI's "Run" does."""
    response = post(
        api, f"/deployments/{deployment_id}/create_flow_run", {"parameters": parameters}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def served_deployments(api: httpx.Client) -> tuple[dict, dict, dict]:
    """The three deployments `netzero serve` registers, once they are there, with their
    schedules (cron from the due day, Asia/Ho_Chi_Minh)."""

    def deployment(name: str) -> dict | None:
        response = api.get(f"/deployments/name/{name}")
        return response.json() if response.status_code == 200 else None

    close = wait_for(
        lambda: deployment("monthly-close/netzero-monthly-close"), 120, "the deployment"
    )
    intake = wait_for(lambda: deployment("daily-intake/netzero-daily-intake"), 60, "the intake")
    remind = wait_for(lambda: deployment("reminders/netzero-reminders"), 60, "the reminders")
    schedules = {d["name"]: d["schedules"][0]["schedule"] for d in (close, intake, remind)}
    assert schedules["netzero-monthly-close"]["cron"] == "0 7 16 * *"
    assert schedules["netzero-daily-intake"]["cron"] == "0 6 * * *"
    # 5 days before the due day, on it, and 3 days after it (the defaults)
    assert schedules["netzero-reminders"]["cron"] == "0 8 10,15,18 * *"
    assert {s["timezone"] for s in schedules.values()} == {"Asia/Ho_Chi_Minh"}
    return close, intake, remind


def test_the_readme_commands_serve_both_schedules_and_run_a_close(
    checkout: Checkout, tmp_path: Path
) -> None:
    """The README's commands, as printed: `netzero serve` registers netzero-monthly-close
    (cron from the due day, Asia/Ho_Chi_Minh), netzero-daily-intake and netzero-reminders;
    `prefect deployment run … -p period=2026-10` closes October, and the close publishes;
    an intake and the reminders triggered through the API complete."""
    url, env = checkout.url, checkout.env
    data = checkout.root / "data"
    generate_demo(data, DemoSpec(enterprises=9, months=2, last_period="2026-10"))
    (serve_command,) = [c for c in checkout.commands if "netzero serve" in c]
    log = (tmp_path / "serve.log").open("w")
    serving = subprocess.Popen(
        checkout.shell(f"exec {serve_command}"),
        cwd=checkout.root,
        env=env | {"NETZERO_DUE_DAY": "15"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with httpx.Client(base_url=url, timeout=30) as api:
            close, intake, remind = served_deployments(api)

            run = run_close_as_printed(checkout, api, close["id"])

            def finished() -> dict | None:
                state = api.get(f"/flow_runs/{run['id']}").json()["state"]
                return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED") else None

            state = wait_for(finished, 600, "the triggered monthly close")
            assert state["type"] == "COMPLETED", (tmp_path / "serve.log").read_text()[-3000:]
            # The run summary, as operators see it in the UI: a markdown table artifact.
            table = artifact(api, "netzero-run-summary")
            assert "| Mục / item | Giá trị / value |" in table
            assert "| Kỳ báo cáo / reporting period | 2026-10 |" in table
            assert "| Tệp đã nhận / files landed | 19 |" in table
            assert "Thời gian / seconds: render" in table

            # The daily intake: a file that arrives after the close is landed and answered.
            tax = late_file(data)
            run = trigger(api, intake["id"], {"data_dir": str(data)})
            intake_state = wait_for(finished, 300, "the triggered daily intake")
            intake_summary = artifact(api, "netzero-intake-summary")

            # The reminders, as their schedule would run them three days after the due day.
            run = trigger(api, remind["id"], {"data_dir": str(data), "today": "2026-11-18"})
            remind_state = wait_for(finished, 300, "the triggered reminders")
    finally:
        serving.terminate()
        serving.wait(timeout=60)
        log.close()
    assert intake_state["type"] == "COMPLETED", (tmp_path / "serve.log").read_text()[-3000:]
    assert remind_state["type"] == "COMPLETED", (tmp_path / "serve.log").read_text()[-3000:]
    # The intake's own summary, as the operator sees it in the UI.
    assert "| Tệp đã nhận / files landed | 1 |" in intake_summary, intake_summary
    assert "| Dòng đã nhận / lines landed | 1 |" in intake_summary
    assert "Thời gian / seconds: receipts" in intake_summary
    assert "| Biên nhận / receipts | " in intake_summary
    assert (data / "outbox" / "2026-10" / "province_2026-10.pdf").exists()
    assert not any((data / "inbox").iterdir()), "the intake landed the late file"
    receipts = list((data / "outbox" / "receipts").rglob(f"*{tax}_2026-10_r5.csv.html"))
    assert len(receipts) == 1
    with duckdb.connect(str(data / "published" / "netzero.duckdb"), read_only=True) as con:
        # The close runs the monthly cycle as a subflow: one completed run for October.
        assert con.execute("select status, period from ops.runs").fetchall() == [
            ("completed", "2026-10")
        ]
    assert_second_notices(data)
