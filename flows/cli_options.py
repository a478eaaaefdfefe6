"""The CLI's options and help texts: every word from the gettext catalogs
(report_templates/words.py); the help's detail paragraphs are English only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from report_templates import words

DataDir = Annotated[
    Path,
    typer.Option(
        "--data-dir",
        envvar="NETZERO_DATA_DIR",
        metavar="FOLDER",
        help=words.both("data folder (inbox, warehouse, outbox)."),
    ),
]


def command_help(msgid: str, detail: str = "") -> str:
    """A command's help: its summary in both languages (the catalogs), then its detail."""
    return words.both(msgid) + (f"\n\n{detail}" if detail else "")


# The details of the commands' help (English only, as before: not yet in the catalogs).
RUN_DETAIL = "Ingest → validate → build → render → publish, in Prefect's embedded mode."


REBUILD_DETAIL = (
    "Restores the records exported after each run (archive/ledger/), keeps a damaged file "
    "aside, and puts back in the inbox any archived file the export does not know; then "
    "run `netzero run` to rebuild every layer and publish."
)


SERVE_DETAIL = (
    "Three deployments: netzero-monthly-close (NETZERO_CLOSE_CRON, default 07:00 the day "
    "after the due day), netzero-daily-intake (NETZERO_INTAKE_CRON, default 06:00) and "
    "netzero-reminders (NETZERO_REMIND_CRON, default 08:00 five days before the due day, on "
    "it and three days after it), all in Asia/Ho_Chi_Minh. Needs PREFECT_API_URL (start a "
    "server with `prefect server start`)."
)


CHECK_DETAIL = "Exit code 0: accepted; 1: lines or the file would be rejected."


PeriodOption = Annotated[
    str | None,
    typer.Option(
        metavar="YYYY-MM",
        help=words.both("reporting period.").removesuffix(".")
        + " ("
        + words.both("default: the latest month with data past its due day")
        + ").",
    ),
]


EditionOption = Annotated[
    list[str] | None,
    typer.Option(
        metavar="vi|en",
        help=words.both(
            "also write a monolingual edition, vi or en (repeatable); "
            "the bilingual edition is always written."
        ),
    ),
]


AcceptLessData = Annotated[
    bool,
    typer.Option(
        help=words.both(
            "publish even though the warehouse holds fewer landed files than the "
            "period's last publication."
        )
    ),
]


TaxCode = Annotated[str, typer.Option(metavar="MST", help=words.both("the enterprise's tax code."))]


RequiredPeriod = Annotated[
    str, typer.Option(metavar="YYYY-MM", help=words.both("reporting period."))
]


OutFile = Annotated[
    Path | None,
    typer.Option(metavar="FILE", help=words.both("file to write (default: <tax>_<period>.xlsx).")),
]


Revision = Annotated[int, typer.Option(metavar="N", help=words.both("revision (1, 2, …)."))]


SIGN_DETAIL = (
    "Signs every PDF of the period's outbox not signed yet, in place, as an incremental "
    "update that keeps PDF/A-3 (PAdES; with a timestamp when NETZERO_SIGN_TSA_URL is set). "
    "The key: NETZERO_SIGN_PKCS12 and NETZERO_SIGN_PASSPHRASE (or _PASSPHRASE_FILE), or a "
    "PKCS#11 token: NETZERO_SIGN_PKCS11_MODULE, _TOKEN, _KEY, _PIN. manifest.json records "
    "who signed each file and when."
)


VERIFY_DETAIL = (
    "Exit code 0: signed, intact, nothing added after the signature (and trusted, when "
    "--trust is given); 1 otherwise."
)
