"""The CLI says plainly what is wrong, in both languages, without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

pytestmark = pytest.mark.e2e


def test_run_with_nothing_accepted_says_so_and_fails(tmp_path: Path, prefect_server: None) -> None:
    """It exits 1 with the bilingual 'no accepted data' message when the inbox is empty."""
    from demo.generate import DemoSpec, generate_demo

    data = tmp_path / "data"
    generate_demo(data, DemoSpec(enterprises=9, months=2))
    for path in (data / "inbox").iterdir():
        path.unlink()
    result = CliRunner().invoke(app, ["run", "--data-dir", str(data)])
    assert result.exit_code == 1
    # Prefect logs the failed flow run (with its traceback) for operators; the CLI's own
    # last word is the plain bilingual message.
    ours = result.output[result.output.rindex("netzero run:") :]
    assert "Chưa có số liệu nào được chấp nhận / No accepted data yet" in " ".join(ours.split())
    assert "Traceback" not in ours


def test_run_rejects_a_malformed_period(tmp_path: Path, prefect_server: None) -> None:
    """It refuses a period that is not YYYY-MM, in both languages."""
    result = CliRunner().invoke(app, ["run", "--period", "2026-13", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "period must be YYYY-MM" in " ".join(result.output.split())
