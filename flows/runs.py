"""The run's own bookkeeping: one run per warehouse at a time, and the ops.runs row."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from flows import warehouse as wh
from flows.settings import Settings


class RunInProgress(RuntimeError):
    pass


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    period: str
    files_landed: int
    files_rejected: int
    files_skipped: int
    lines_landed: int
    lines_quarantined: int
    reports_written: int
    outbox: str
    warehouse: str


@contextmanager
def exclusive(settings: Settings) -> Iterator[None]:
    """Hold the warehouse lock for the whole run; a second run is told, not queued."""
    lock_path = settings.warehouse.with_suffix(".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(
                f"Một lượt chạy khác đang dùng kho dữ liệu {settings.warehouse} / "
                f"Another run is using the warehouse {settings.warehouse}; try again later"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield


def start(settings: Settings, run_id: str, period: str | None) -> None:
    with wh.connect(settings.warehouse) as con:
        con.execute(
            "insert into ops.runs (run_id, period, started_at, status) values (?, ?, ?, 'running')",
            [run_id, period, datetime.now(UTC).replace(tzinfo=None)],
        )


def latest(periods: list[str]) -> str:
    if not periods:
        raise LookupError(
            "Chưa có số liệu nào được chấp nhận / No accepted data yet: "
            "put submission files in the inbox first"
        )
    return periods[-1]


def set_period(settings: Settings, run_id: str, period: str) -> None:
    with wh.connect(settings.warehouse) as con:
        con.execute("update ops.runs set period = ? where run_id = ?", [period, run_id])


def finish(settings: Settings, summary: RunSummary) -> None:
    values = asdict(summary)
    with wh.connect(settings.warehouse) as con:
        con.execute(
            """
            update ops.runs set period = ?, finished_at = ?, status = 'completed',
                files_landed = ?, files_rejected = ?, files_skipped = ?, lines_landed = ?,
                lines_quarantined = ?, reports_written = ?, outbox = ?
            where run_id = ?""",
            [
                values["period"],
                datetime.now(UTC).replace(tzinfo=None),
                values["files_landed"],
                values["files_rejected"],
                values["files_skipped"],
                values["lines_landed"],
                values["lines_quarantined"],
                values["reports_written"],
                values["outbox"],
                values["run_id"],
            ],
        )


def count_reports(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.pdf"))
