"""Typed writers for the run's own records (ops.*): the one place their SQL lives."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from flows.warehouse.core import connect, table_exists

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
    # one insert from a frame: row by row, DuckDB took 6 ms a message (44 s for 6,901);
    # each keeps the time it was queued at, the order they are sent in
    frame = pl.DataFrame(
        [[r.message_id, r.kind, r.about, r.recipients, r.subject, r.eml_path, r.files,
          r.in_reply_to, _now()] for r in rows],
        schema={"message_id": pl.String, "kind": pl.String, "about": pl.String,
                "recipients": pl.List(pl.String), "subject": pl.String, "eml_path": pl.String,
                "files": pl.List(pl.String), "in_reply_to": pl.String,
                "queued_at": pl.Datetime("us")},
        orient="row",
    )  # fmt: skip
    with connect(warehouse) as con:
        con.register("_queued", frame.to_arrow())
        con.execute(
            "insert into ops.outgoing_mail (message_id, kind, about, recipients, subject, "
            "eml_path, files, in_reply_to, status, attempts, queued_at, run_id) "
            "select message_id, kind, about, recipients, subject, eml_path, files, "
            "in_reply_to, ?, 0, queued_at, ? from _queued on conflict do nothing",
            [status, run_id],
        )
        con.unregister("_queued")


def mail_abouts(warehouse: Path, kind: str) -> set[str]:
    """What the messages of one kind already written are about."""
    with connect(warehouse) as con:
        rows = con.execute("select about from ops.outgoing_mail where kind = ?", [kind])
        return {about for (about,) in rows.fetchall()}


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


@dataclass(frozen=True)
class IncomingRow:
    """A message the mail intake handled (ops.incoming_mail)."""

    message_key: str
    message_id: str | None
    sender: str | None
    subject: str | None
    sent_at: datetime | None
    received_at: datetime | None
    size_bytes: int
    eml_path: str | None
    status: str  # taken | refused
    rule: str | None
    reason_vi: str | None
    reason_en: str | None
    files: list[str]


@dataclass(frozen=True)
class IncomingFile:
    """An attachment a message brought into the inbox (ops.incoming_mail_files)."""

    file_name: str
    attachment_name: str
    sha256: str


def incoming_handled(warehouse: Path) -> dict[str, tuple[str, str | None]]:
    """Every message already handled: its status, and the folder it was moved to (None
    until the move)."""
    with connect(warehouse) as con:
        rows = con.execute("select message_key, status, moved_to from ops.incoming_mail").fetchall()
    return {key: (status, moved) for key, status, moved in rows}


def record_incoming(
    warehouse: Path, row: IncomingRow, files: list[IncomingFile], run_id: str
) -> None:
    """Record a handled message and the files it brought, together (one transaction)."""
    with connect(warehouse) as con:
        con.begin()
        con.execute(
            "insert into ops.incoming_mail (message_key, message_id, sender, subject, sent_at, "
            "received_at, size_bytes, eml_path, status, rule, reason_vi, reason_en, files, "
            "taken_at, run_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "on conflict do nothing",
            [row.message_key, row.message_id, row.sender, row.subject, row.sent_at,
             row.received_at, row.size_bytes, row.eml_path, row.status, row.rule, row.reason_vi,
             row.reason_en, row.files, _now(), run_id],
        )  # fmt: skip
        if files:
            con.executemany(
                "insert into ops.incoming_mail_files (message_key, file_name, attachment_name, "
                "sha256, sender, received_at) values (?, ?, ?, ?, ?, ?) on conflict do nothing",
                [[row.message_key, f.file_name, f.attachment_name, f.sha256, row.sender,
                  row.received_at] for f in files],
            )  # fmt: skip
        con.commit()


def mark_moved(warehouse: Path, message_key: str, folder: str) -> None:
    with connect(warehouse) as con:
        con.execute(
            "update ops.incoming_mail set moved_to = ?, moved_at = ? where message_key = ?",
            [folder, _now(), message_key],
        )


def registered_senders(
    warehouse: Path, con: duckdb.DuckDBPyConnection | None = None
) -> dict[str, set[str]]:
    """Each registered address and the tax codes it may submit for
    (register/enterprise_contacts.csv, loaded as reference.ref_enterprise_contacts)."""
    if con is None:
        with connect(warehouse, read_only=True) as own:
            return registered_senders(warehouse, own)
    if not table_exists(con, "reference.ref_enterprise_contacts"):
        return {}
    rows = con.execute(
        "select email, list(tax_code) from reference.ref_enterprise_contacts group by email"
    ).fetchall()
    return {email: set(codes) for email, codes in rows}


def enterprise_addresses(warehouse: Path) -> dict[str, list[str]]:
    """Each enterprise's registered addresses, in order (register/enterprise_contacts.csv)."""
    with connect(warehouse, read_only=True) as con:
        if not table_exists(con, "reference.ref_enterprise_contacts"):
            return {}
        rows = con.execute(
            "select tax_code, list(email order by email) from reference.ref_enterprise_contacts "
            "group by tax_code"
        ).fetchall()
    return {tax_code: list(emails) for tax_code, emails in rows}


def mail_origins(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str | None, str | None]]:
    """For each file that came by mail (sha256): its sender, the message's Message-ID and
    subject; the earliest message when the same bytes came twice."""
    rows = con.execute(
        "select f.sha256, arg_min(f.sender, m.taken_at), arg_min(m.message_id, m.taken_at), "
        "arg_min(m.subject, m.taken_at) from ops.incoming_mail_files f "
        "join ops.incoming_mail m using (message_key) group by f.sha256"
    ).fetchall()
    return {sha: (sender, mid, subject) for sha, sender, mid, subject in rows}


__all__ = [
    "RUN_FIGURES",
    "IncomingFile",
    "IncomingRow",
    "MailRow",
    "enterprise_addresses",
    "incoming_handled",
    "mail_origins",
    "mark_moved",
    "record_incoming",
    "registered_senders",
    "mail_abouts",
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
