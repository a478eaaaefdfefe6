"""Typed writers for the run's own records (ops.*): the one place their SQL lives."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from flows.warehouse.core import connect

# The figures a completed run records, in ops.runs' column names.
RUN_FIGURES = (
    "files_landed",
    "files_rejected",
    "files_skipped",
    "lines_landed",
    "lines_quarantined",
    "warnings",
    "reports_written",
    "reports_rendered",
    "outbox",
)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def start_run(warehouse: Path, run_id: str, period: str | None) -> None:
    """Record a run as running; a run still 'running' is one that was killed (the caller
    holds the lock): it is closed as interrupted."""
    now = _now()
    with connect(warehouse) as con:
        con.execute(
            "update ops.runs set status = 'interrupted', finished_at = ? where status = 'running'",
            [now],
        )
        con.execute(
            "insert into ops.runs (run_id, period, started_at, status) values (?, ?, ?, 'running')",
            [run_id, period, now],
        )


def set_run_period(warehouse: Path, run_id: str, period: str) -> None:
    with connect(warehouse) as con:
        con.execute("update ops.runs set period = ? where run_id = ?", [period, run_id])


def complete_run(
    warehouse: Path,
    run_id: str,
    period: str | None,
    figures: Mapping[str, int | str],
    stage_seconds: Mapping[str, float],
) -> None:
    """Close a run as completed with what it did (``RUN_FIGURES``) and its stage times."""
    assignments = ", ".join(f"{column} = ?" for column in RUN_FIGURES)
    with connect(warehouse) as con:
        con.execute(
            f"update ops.runs set period = ?, finished_at = ?, status = 'completed', "
            f"{assignments}, stage_seconds = ?, duration_s = ? where run_id = ?",
            [
                period,
                _now(),
                *(figures[column] for column in RUN_FIGURES),
                json.dumps(dict(stage_seconds)),
                round(sum(stage_seconds.values()), 2),
                run_id,
            ],
        )


def add_run_stage(warehouse: Path, run_id: str, stage: str, seconds: float) -> None:
    """Add a stage that ran after the run was recorded (the analysts' snapshot)."""
    with connect(warehouse) as con:
        row = con.execute(
            "select stage_seconds from ops.runs where run_id = ?", [run_id]
        ).fetchall()
        stages = json.loads(row[0][0]) if row and row[0][0] else {}
        stages[stage] = seconds
        con.execute(
            "update ops.runs set stage_seconds = ?, duration_s = ? where run_id = ?",
            [json.dumps(stages), round(sum(stages.values()), 2), run_id],
        )


def complete_intake(warehouse: Path, run_id: str, files_landed: int, quarantined: int) -> None:
    """Close the row of a daily intake (no period, no reports)."""
    with connect(warehouse) as con:
        con.execute(
            "update ops.runs set finished_at = ?, status = 'completed', files_landed = ?, "
            "lines_quarantined = ?, reports_written = 0, reports_rendered = 0 where run_id = ?",
            [_now(), files_landed, quarantined, run_id],
        )


def stop_run(warehouse: Path, run_id: str, reason: str) -> None:
    """Close a run as stopped on purpose, with its reason."""
    with connect(warehouse) as con:
        con.execute(
            "update ops.runs set status = 'stopped', finished_at = ?, stopped_reason = ? "
            "where run_id = ?",
            [_now(), reason[:2000], run_id],
        )


def mark_receipts_written(warehouse: Path, seen: list[tuple[str, str, datetime]]) -> None:
    """Record that the receipts of these ledger rows (sha256, file name, seen at) are out:
    no longer owed."""
    written = pl.DataFrame(
        seen,
        schema={"sha256": pl.String, "file_name": pl.String, "seen_at": pl.Datetime("us")},
        orient="row",
    )
    with connect(warehouse) as con:
        con.register("_written", written.to_arrow())
        con.execute(
            "update ops.file_ledger as ledger set receipt_written_at = ? from _written "
            "where ledger.receipt_written_at is null and ledger.sha256 = _written.sha256 "
            "and ledger.file_name = _written.file_name and ledger.seen_at = _written.seen_at",
            [_now()],
        )
        con.unregister("_written")


@dataclass(frozen=True)
class MailRow:
    """What ops.outgoing_mail records of a message when it is queued."""

    message_id: str
    kind: str
    about: str
    recipients: list[str]
    subject: str
    eml_path: str
    files: list[str]
    in_reply_to: str | None


def mail_ids(warehouse: Path) -> set[str]:
    """Every message already recorded."""
    with connect(warehouse) as con:
        return {
            mid for (mid,) in con.execute("select message_id from ops.outgoing_mail").fetchall()
        }


def record_mail(
    warehouse: Path, rows: list[MailRow], run_id: str | None, status: str = "queued"
) -> None:
    """Record messages just written to the outbox: queued (to send) or written (no SMTP
    server configured: the .eml file is the output)."""
    if not rows:
        return
    with connect(warehouse) as con:
        con.executemany(
            "insert into ops.outgoing_mail (message_id, kind, about, recipients, subject, "
            "eml_path, files, in_reply_to, status, attempts, queued_at, run_id) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) on conflict do nothing",
            [
                [r.message_id, r.kind, r.about, r.recipients, r.subject, r.eml_path, r.files,
                 r.in_reply_to, status, _now(), run_id]
                for r in rows
            ],
        )  # fmt: skip


def mail_to_send(warehouse: Path) -> tuple[list[tuple[str, str, list[str]]], int]:
    """Messages a crash left mid-send become uncertain (never sent again); returns the
    queued ones (message id, .eml path, recipients) in order, and how many are uncertain."""
    with connect(warehouse) as con:
        con.execute(
            "update ops.outgoing_mail set status = 'uncertain', last_error = "
            "'a run stopped while sending: it may have been sent, so it is never sent again' "
            "where status = 'sending'"
        )
        queued = con.execute(
            "select message_id, eml_path, recipients from ops.outgoing_mail "
            "where status = 'queued' order by queued_at, message_id"
        ).fetchall()
        (uncertain,) = con.execute(
            "select count(*) from ops.outgoing_mail where status = 'uncertain'"
        ).fetchone() or (0,)
    return [(m, e, list(r)) for m, e, r in queued], int(uncertain)


def mark_mail(warehouse: Path, message_id: str, status: str, error: str | None = None) -> None:
    """sending (an attempt begins: counted), queued again with the error, or sent."""
    with connect(warehouse) as con:
        if status == "sending":
            con.execute(
                "update ops.outgoing_mail set status = 'sending', attempts = attempts + 1 "
                "where message_id = ?",
                [message_id],
            )
        else:
            con.execute(
                "update ops.outgoing_mail set status = ?, last_error = ?, "
                "sent_at = case when ? = 'sent' then ? else sent_at end where message_id = ?",
                [status, error, status, _now(), message_id],
            )


__all__ = [
    "RUN_FIGURES",
    "MailRow",
    "mail_ids",
    "mail_to_send",
    "mark_mail",
    "record_mail",
    "add_run_stage",
    "complete_intake",
    "complete_run",
    "mark_receipts_written",
    "set_run_period",
    "start_run",
    "stop_run",
]
