"""netzero command line: generate the demo province, run the monthly cycle, document it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="netzero — báo cáo tiến độ phát thải ròng bằng “0” hằng tháng / "
    "monthly net-zero progress reports.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()

DataDir = Annotated[
    Path,
    typer.Option(
        "--data-dir",
        envvar="NETZERO_DATA_DIR",
        help="Thư mục dữ liệu / data folder (inbox, warehouse, outbox).",
    ),
]


def _quiet_defaults(data_dir: Path) -> None:
    """No telemetry; Prefect keeps its embedded database under the data folder."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("PREFECT_HOME", str((data_dir / "prefect").resolve()))
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


@app.command()
def demo(
    data_dir: DataDir = Path("data"),
    force: Annotated[
        bool, typer.Option(help="Tạo lại dù đã có / generate again even if present.")
    ] = False,
) -> None:
    """Tạo dữ liệu minh họa / generate the demo province (register + inbox), if absent."""
    from demo.generate import MARKER, generate_demo

    if (data_dir / MARKER).exists() and not force:
        console.print(f"demo: dữ liệu minh họa đã có / demo data already in {data_dir}")
        return
    summary = generate_demo(data_dir)
    console.print(
        f"demo: {summary['files']} tệp / files for {summary['enterprises']} "
        f"doanh nghiệp / enterprises → {data_dir / 'inbox'}"
    )


@app.command()
def run(
    period: Annotated[
        str | None,
        typer.Option(help="Kỳ báo cáo YYYY-MM / reporting period (mặc định / default: latest)."),
    ] = None,
    data_dir: DataDir = Path("data"),
) -> None:
    """Chạy chu trình hằng tháng / run the monthly cycle.

    Ingest → validate → build → render → publish, in Prefect's embedded mode.
    """
    _quiet_defaults(data_dir)
    from flows.monthly_cycle import monthly_cycle
    from flows.report_data import NoDataForPeriod

    try:
        summary = monthly_cycle(period=period, data_dir=str(data_dir))
    except (LookupError, NoDataForPeriod, ValueError) as exc:
        # Nothing to report on, or a bad period: say so plainly, no traceback.
        console.print(f"[bold red]netzero run:[/] {exc}")
        raise typer.Exit(1) from None
    table = Table(title=f"netzero — {summary.period}", show_header=False)
    for label, value in (
        ("Tệp đã nhận / files landed", summary.files_landed),
        ("Tệp bị từ chối / files rejected", summary.files_rejected),
        ("Tệp bỏ qua (đã có) / files skipped (already landed or duplicate)", summary.files_skipped),
        ("Dòng đã nhận / lines landed", summary.lines_landed),
        ("Dòng bị cách ly / lines quarantined", summary.lines_quarantined),
        ("Báo cáo PDF / PDF reports written", summary.reports_written),
        ("Hộp thư đi / outbox", summary.outbox),
        ("Kho dữ liệu / warehouse", summary.warehouse),
    ):
        table.add_row(label, str(value))
    console.print(table)


@app.command()
def dictionary(
    data_dir: DataDir = Path("data"),
    out: Annotated[Path, typer.Option(help="Tệp Markdown / Markdown file to write.")] = Path(
        "docs/data-dictionary.md"
    ),
) -> None:
    """Viết từ điển dữ liệu / write the data dictionary from the warehouse's comments."""
    from flows.dictionary import render
    from flows.settings import settings_from_env

    warehouse = settings_from_env(data_dir).warehouse
    if not warehouse.exists():
        console.print(
            f"Chưa có kho dữ liệu / no warehouse at {warehouse}: chạy / run `netzero run` first"
        )
        raise typer.Exit(1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(warehouse) + "\n", encoding="utf-8")
    console.print(f"dictionary → {out}")


def main() -> None:
    app()
