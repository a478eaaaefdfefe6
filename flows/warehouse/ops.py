"""Typed writers for the run's own records (ops.*): the one place their SQL lives."""

from __future__ import annotations

import json
from collections.abc import Mapping
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


__all__ = [
    "RUN_FIGURES",
    "add_run_stage",
    "complete_intake",
    "complete_run",
    "mark_receipts_written",
    "set_run_period",
    "start_run",
    "stop_run",
]
