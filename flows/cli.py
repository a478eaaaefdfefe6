"""netzero command line: generate the demo province, run the monthly cycle, document it."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.cli_options import (
    CHECK_DETAIL,
    REBUILD_DETAIL,
    RUN_DETAIL,
    SERVE_DETAIL,
    SIGN_DETAIL,
    VERIFY_DETAIL,
    AcceptLessData,
    DataDir,
    EditionOption,
    OutFile,
    PeriodOption,
    RequiredPeriod,
    Revision,
    TaxCode,
    command_help,
)
from report_templates import words

if TYPE_CHECKING:
    from flows.embedded_prefect import EmbeddedServer
    from flows.runs import RunStopped
    from flows.summaries import RunSummary

app = typer.Typer(
    help=words.both("monthly net-zero progress reports."),
    no_args_is_help=True,
    add_completion=False,
    # Plain help: each value shown in the form the reader writes it (YYYY-MM, FOLDER), not as
    # a Python type name (<path>, <list[str]>), which rich help adds beside every option.
    rich_markup_mode=None,
)
console = Console()


def _quiet_defaults(data_dir: Path) -> None:
    """No telemetry; Prefect keeps its embedded database under the data folder."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("PREFECT_HOME", str((data_dir / "prefect").resolve()))
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _say_stopped(command: str, stop: RunStopped) -> None:
    """Why a command stopped on purpose, in both languages, and what to correct: no traceback."""
    console.print(f"[bold red]netzero {command}:[/] {stop.reason_vi}\n  {stop.reason_en}")
    if stop.detail:
        console.print(stop.detail, markup=False, highlight=False, soft_wrap=True)


@app.command(help=command_help("generate the demo province (register + inbox), if absent."))
def demo(
    data_dir: DataDir = Path("data"),
    force: Annotated[
        bool, typer.Option(help=words.both("generate again even if present."))
    ] = False,
) -> None:
    """Generate the demo province (register + inbox), if absent."""
    from demo.generate import MARKER, DemoSpec, generate_demo

    if (data_dir / MARKER).exists() and not force:
        console.print(words.both("demo data already in {data_dir}", data_dir=data_dir))
        return
    summary = generate_demo(data_dir, DemoSpec(stations=True))
    console.print(
        words.both(
            "demo: {files} files for {enterprises} enterprises in {inbox}",
            files=summary["files"],
            enterprises=summary["enterprises"],
            inbox=data_dir / "inbox",
        )
    )


@app.command(help=command_help("run the monthly cycle.", RUN_DETAIL))
def run(
    period: PeriodOption = None,
    data_dir: DataDir = Path("data"),
    edition: EditionOption = None,
    accept_less_data: AcceptLessData = False,
) -> None:
    """Run the monthly cycle."""
    _quiet_defaults(data_dir)
    if edition:
        os.environ["NETZERO_REPORT_EDITIONS"] = ",".join(edition)
    if accept_less_data:
        os.environ["NETZERO_ACCEPT_LESS_DATA"] = "1"
    from flows.embedded_prefect import start_embedded_prefect_server

    # Without a Prefect server, the embedded one starts now, while the cycle is imported.
    server = start_embedded_prefect_server()
    console.print(summary_table(_run_cycle(period, data_dir, server)))


def _run_cycle(period: str | None, data_dir: Path, server: EmbeddedServer | None) -> RunSummary:
    """The monthly cycle; a stop, a signal or a full disk ends the command with its exit
    code and its reason in both languages, no traceback."""
    from flows.embedded_prefect import ready
    from flows.monthly_cycle import monthly_cycle
    from flows.report_data import NoDataForPeriod
    from flows.runs import (
        RunInProgress,
        RunStopped,
        Terminated,
        disk_full,
        require_free_space,
        stop_on_signals,
        terminated,
    )

    try:
        require_free_space(data_dir)
        with stop_on_signals():
            try:
                ready(server)
                return monthly_cycle(period=period, data_dir=str(data_dir))
            except Exception as error:
                stop = terminated() or disk_full(error)
                if stop is None:
                    raise
                raise stop from error
    except KeyboardInterrupt:  # Ctrl-C: Prefect marks the run crashed and stops its server
        _say_stopped("run", Terminated(signal.SIGINT))
        raise typer.Exit(130) from None
    except RunStopped as stop:
        _say_stopped("run", stop)
        raise typer.Exit(128 + stop.signum if isinstance(stop, Terminated) else 1) from None
    except (LookupError, NoDataForPeriod, ValueError, RunInProgress) as exc:
        # Nothing to report on, a bad period, or the warehouse busy with another run: say
        # so plainly, no traceback.
        console.print(f"[bold red]netzero run:[/] {exc}")
        raise typer.Exit(1) from None


def summary_table(summary: RunSummary) -> Table:
    """The run summary as the terminal shows it: a long value (the outbox path) wraps
    inside its cell, never cut with "…", whatever the terminal's width."""
    table = Table(title=f"netzero — {summary.period}", show_header=False)
    table.add_column("label")
    table.add_column("value", overflow="fold")
    for label, value in summary.rows():
        table.add_row(label, value)
    return table


@app.command(
    help=command_help("rebuild a lost or damaged warehouse from archive/.", REBUILD_DETAIL)
)
def rebuild(data_dir: DataDir = Path("data")) -> None:
    """Rebuild a lost or damaged warehouse from archive/."""
    _quiet_defaults(data_dir)
    from flows import runs
    from flows.rebuild import rebuild as rebuild_warehouse
    from flows.settings import settings_from_env

    settings = settings_from_env(data_dir)
    try:
        with runs.exclusive(settings):
            done = rebuild_warehouse(settings)
    except (runs.RunStopped, runs.RunInProgress) as stop:
        console.print("[bold red]netzero rebuild:[/]", end=" ")
        console.print(str(stop), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    restored = done["restored"]
    assert isinstance(restored, dict)
    requeued = done["requeued"]
    assert isinstance(requeued, list)
    console.print(
        words.both(
            "rebuild: {rows} rows restored in {tables} tables from {export}; "
            "{requeued} files back in the inbox",
            rows=sum(restored.values()),
            tables=len(restored),
            export=done["export"],
            requeued=len(requeued),
        )
    )
    if done["kept_aside"]:
        console.print(
            words.both("damaged warehouse kept at {kept_aside}", kept_aside=done["kept_aside"])
        )
    console.print(words.both("next: netzero run"))


@app.command(help=command_help("sign the period's PDFs with the agency's key.", SIGN_DETAIL))
def sign(period: RequiredPeriod, data_dir: DataDir = Path("data")) -> None:
    """Sign the period's PDFs with the agency's key."""
    from flows import runs
    from flows.settings import settings_from_env
    from flows.signing import SigningError, record_signatures, sign_folder

    settings = settings_from_env(data_dir)
    folder = settings.outbox / period
    if not (folder / "manifest.json").exists():
        console.print(
            "[bold red]netzero sign:[/] "
            + words.both(
                "no published reports for {period} in {folder}", period=period, folder=folder
            )
        )
        raise typer.Exit(1)
    if not settings.signing.configured:
        console.print(
            "[bold red]netzero sign:[/] "
            + words.both("no signing key: set NETZERO_SIGN_PKCS12 or NETZERO_SIGN_PKCS11_MODULE")
        )
        raise typer.Exit(1)
    try:
        with runs.exclusive(settings):
            signed = sign_folder(folder, settings.signing, settings.agency)
            record_signatures(folder, signed)
    except (SigningError, runs.RunInProgress) as error:
        console.print("[bold red]netzero sign:[/]", end=" ")
        console.print(str(error), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    console.print(words.both("sign: {n} files signed in {folder}", n=len(signed), folder=folder))


@app.command(help=command_help("verify a signed PDF.", VERIFY_DETAIL))
def verify(
    file: Annotated[Path, typer.Argument(metavar="FILE", help=words.both("the PDF to verify."))],
    trust: Annotated[
        list[Path] | None,
        typer.Option(metavar="CERT", help=words.both("a trusted root certificate (PEM or DER).")),
    ] = None,
) -> None:
    """Verify a signed PDF."""
    from flows.signing import verify as verify_file
    from report_templates.render import moment

    verdict = verify_file(file, list(trust or []))
    yes, no = words.both("yes"), words.both("no")
    table = Table(show_header=False)
    table.add_row(words.both("file"), str(file))
    table.add_row(words.both("signed"), yes if verdict.signed else no)
    if verdict.signed:
        table.add_row(words.both("intact"), yes if verdict.intact and verdict.valid else no)
        table.add_row(words.both("changed after signing"), no if verdict.covers_whole_file else yes)
        table.add_row(words.both("signer"), verdict.signer)
        table.add_row(
            words.both("signed at"),
            moment(verdict.signed_at) if verdict.signed_at else "–",
        )
        table.add_row(
            words.both("trusted"),
            words.both("not checked")
            if verdict.trusted is None
            else yes
            if verdict.trusted
            else no,
        )
    console.print(table)
    if not verdict.ok:
        raise typer.Exit(1)


@app.command(help=command_help("serve the scheduled runs against a Prefect server.", SERVE_DETAIL))
def serve(data_dir: DataDir = Path("data")) -> None:
    """Serve the scheduled runs against a Prefect server."""
    _quiet_defaults(data_dir)
    if not os.environ.get("PREFECT_API_URL"):
        console.print(
            words.both(
                "needs a Prefect server: set PREFECT_API_URL (e.g. "
                "http://127.0.0.1:4200/api after `prefect server start`)"
            )
        )
        raise typer.Exit(1)
    from flows.schedule import serve as serve_deployments

    serve_deployments(data_dir)


@app.command(help=command_help("write the Excel submission template for one month."))
def template(
    tax_code: TaxCode,
    period: RequiredPeriod,
    out: OutFile = None,
    revision: Revision = 1,
    data_dir: DataDir = Path("data"),
) -> None:
    """Write the Excel submission template for one month."""
    from flows.monthly_cycle import PERIOD
    from flows.reference import read_register
    from flows.runs import RunStopped
    from flows.settings import settings_from_env
    from report_templates.submission_template import Addressee, write_template
    from transforms.periods import due_label

    if not PERIOD.match(period):
        console.print(words.both("period must be YYYY-MM, not {period!r}", period=period))
        raise typer.Exit(2)
    target = out or Path(f"{tax_code}_{period}.xlsx")
    settings = settings_from_env(data_dir)
    register = settings.register / "enterprises.csv"
    try:
        enterprises = read_register(settings)["enterprises"]
    except RunStopped:
        enterprises = None
    names = (
        {}
        if enterprises is None
        else dict(zip(enterprises["tax_code"], enterprises["name_vi"], strict=True))
    )
    addressee = Addressee(
        enterprise_name=names.get(tax_code, ""),
        due_date=due_label(period, settings.due_day),
        agency_vi=settings.agency_vi,
        agency_en=settings.agency_en,
        contact=settings.agency_contact,
    )
    write_template(target, tax_code, period, revision, addressee=addressee)
    console.print(f"template → {target}")
    if enterprises is None:
        _note(
            words.both(
                "the enterprise register at {register} could not be read: "
                "the tax code was not checked",
                register=register,
            )
        )
    elif tax_code not in names:
        _note(
            words.both(
                "tax code {tax_code} is not in the enterprise register ({register}): a file "
                "sent from this template is refused until the enterprise is registered",
                tax_code=tax_code,
                register=register,
            )
        )


def _note(text: str) -> None:
    console.print("[yellow]" + words.both("note") + ":[/] " + text, soft_wrap=True)


@app.command(help=command_help("check one file without landing it.", CHECK_DETAIL))
def check(
    file: Annotated[Path, typer.Argument(metavar="FILE", help=words.both("the file to check."))],
    data_dir: DataDir = Path("data"),
) -> None:
    """Check one file without landing it."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    from flows.check import check_file
    from flows.runs import RunStopped
    from flows.settings import settings_from_env

    try:
        result = check_file(file, settings_from_env(data_dir))
    except RunStopped as stop:
        _say_stopped("check", stop)
        raise typer.Exit(2) from None
    if result.unreadable is not None:
        rejected = words.both("file rejected")
        console.print(f"[bold red]{rejected}:[/] {file.name}")
        console.print(f"  {result.unreadable.reason_vi}\n  {result.unreadable.reason_en}")
        raise typer.Exit(1)
    if result.accepted:
        lines = words.both("{lines} lines", lines=result.lines)
        accepted = words.both("file accepted")
        console.print(f"[bold green]{accepted}:[/] {file.name} — {lines}")
        return
    table = Table(title=words.both("rejected lines", name=file.name))
    for heading in (
        words.both("row"),
        words.both("field"),
        words.both("value"),
        words.both("reason"),
    ):
        table.add_column(heading)
    for row in result.rejected.iter_rows(named=True):
        table.add_row(
            str(row["line_no"]),
            row["field"],
            row["value"] or "–",
            f"{row['reason_vi']}\n{row['reason_en']}",
        )
    console.print(table)
    bad = result.rejected["line_no"].n_unique()
    console.print(
        words.both(
            "{bad} of {lines} lines would be rejected; correct and check again",
            bad=bad,
            lines=result.lines,
        )
    )
    raise typer.Exit(1)


@app.command(help=command_help("write the data dictionary and the submission contract docs."))
def dictionary(
    data_dir: DataDir = Path("data"),
    out: Annotated[
        Path, typer.Option(metavar="FILE", help=words.both("Markdown file to write."))
    ] = Path("docs/data-dictionary.md"),
) -> None:
    """Write the data dictionary and the submission contract docs."""
    from flows.dictionary import render
    from flows.settings import settings_from_env

    warehouse = settings_from_env(data_dir).warehouse
    if not warehouse.exists():
        console.print(
            words.both("no warehouse at {warehouse}: run `netzero run` first", warehouse=warehouse)
        )
        raise typer.Exit(1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(warehouse) + "\n", encoding="utf-8")
    console.print(f"dictionary → {out}")
    from flows import contract_doc

    contract = out.parent / "submission-contract.md"
    contract.write_text(contract_doc.render(), encoding="utf-8")
    console.print(f"contract → {contract}")


def main() -> None:
    app()
