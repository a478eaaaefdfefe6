"""The CLI says plainly what is wrong, in both languages, without a traceback."""

from __future__ import annotations

import os
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


def test_a_second_run_on_a_busy_warehouse_is_told_and_touches_nothing(
    tmp_path: Path, prefect_server: None
) -> None:
    """While another run holds the warehouse, `netzero run` exits 1 saying so in both
    languages, before landing a file or opening the warehouse."""
    from demo.generate import DemoSpec, generate_demo
    from flows import runs
    from flows.settings import settings_from_env

    data = tmp_path / "data"
    generate_demo(data, DemoSpec(enterprises=9, months=2))
    settings = settings_from_env(data)
    inbox = sorted(p.name for p in (data / "inbox").iterdir())
    with runs.exclusive(settings):  # the other run
        result = CliRunner().invoke(app, ["run", "--data-dir", str(data)])
    assert result.exit_code == 1
    ours = " ".join(result.output[result.output.rindex("netzero run:") :].split())
    assert "Một lượt chạy khác đang dùng kho dữ liệu" in ours
    assert "Another run is using the warehouse" in ours
    assert "Traceback" not in ours
    assert sorted(p.name for p in (data / "inbox").iterdir()) == inbox
    assert not settings.warehouse.exists()


def test_help_names_values_as_a_reader_writes_them() -> None:
    """`--help` used to print Python type names (`<list[str]>`, `<str>`, `<path>`) where
    the reader needs the form of the value (YYYY-MM, FOLDER, vi|en)."""
    runner = CliRunner()
    for command in ("run", "check", "template", "rebuild", "dictionary", "demo"):
        shown = runner.invoke(app, [command, "--help"], env={"COLUMNS": "120"}).output
        options = shown[shown.index("Options:") :]  # check's FILE argument still says <path>
        for python_type in ("<list[str]>", "<str>", "<path>", "<int>", "<bool>"):
            assert python_type not in options, (command, python_type)
    assert "YYYY-MM" in runner.invoke(app, ["run", "--help"], env={"COLUMNS": "120"}).output


def test_an_early_file_for_next_month_does_not_move_the_default_period(
    tmp_path: Path, prefect_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One enterprise sends November before October is even due (demo: September and
    October): `netzero run` still reports on the latest month past its due day, October,
    and its summary says which month and why (transforms/periods.py has the cases)."""
    from rich.console import Console

    from demo.generate import DemoSpec, generate_demo
    from flows import cli

    monkeypatch.setattr(cli, "console", Console(width=400))  # the summary on one line a row
    data = tmp_path / "data"
    generate_demo(data, DemoSpec(enterprises=9, months=2, last_period="2026-10"))
    early = next((data / "inbox").glob("*_2026-10*.csv"), None) or next(
        (data / "inbox").glob("*.csv")
    )
    tax = early.name[:10]
    (data / "inbox" / f"{tax}_2026-11.csv").write_text(
        "Mã số thuế / Tax code,Kỳ báo cáo / Period,Lần nộp / Revision,"
        "Mã hoạt động / Activity code,Số lượng / Quantity,Đơn vị / Unit,Ghi chú / Note\n"
        f"{tax},2026-11,1,ELEC_GRID,100000,kWh,\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["run", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "Kỳ báo cáo / reporting period │ 2026-10" in said
    assert "the latest month with data past its due day (15/11/2026)" in said
    assert "2026-11 not due yet, not reported" in said
    assert (data / "outbox" / "2026-10" / "province_2026-10.pdf").exists()
    assert not (data / "outbox" / "2026-11").exists()


def test_the_run_summary_wraps_a_long_outbox_path_on_an_80_column_terminal() -> None:
    """The summary used to cut the outbox path at 80 columns ("…"): it wraps in its cell."""
    from rich.console import Console

    from flows.cli import summary_table
    from flows.summaries import RunSummary

    outbox = "/srv/netzero/so-nong-nghiep-va-moi-truong/du-lieu/outbox/2026-10"
    summary = RunSummary(
        run_id="r",
        period="2026-10",
        files_landed=1,
        files_rejected=0,
        files_skipped=0,
        lines_landed=1,
        lines_quarantined=0,
        warnings=0,
        reports_written=1,
        reports_rendered=1,
        outbox=outbox,
        warehouse="w",
        published=f"{outbox}/../../published",
        stage_seconds={"render": 1.0},
    )
    console = Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(summary_table(summary))
    text = console.export_text()
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    values = "".join(
        line.split("│")[2].strip() for line in text.splitlines() if line.count("│") == 3
    )
    assert outbox in values
