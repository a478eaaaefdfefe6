"""Land new inbox files into raw.*: fingerprint, parse, append, then archive the file."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from prefect import task

from flows import warehouse as wh
from flows.failpoints import failpoint
from flows.parsers import IntakeLimits, UnreadableFile, file_format, parse_submission
from flows.runs import IO_RETRY
from flows.settings import Settings
from transforms import REFERENCE_DIR, register
from transforms.dictionary import REFERENCE_TABLES


@dataclass(frozen=True)
class IngestResult:
    landed: int
    rejected: int
    skipped: int
    lines: int


@task(**IO_RETRY)
def load_reference(settings: Settings) -> int:
    """Replace reference.* from the versioned CSVs and the register: returns tables loaded."""
    with wh.connect(settings.warehouse) as con:
        sources = sorted(REFERENCE_DIR.glob("ref_*.csv"))
        for csv in sources:
            wh.load_csv(con, csv, f"reference.{csv.stem}", comment=REFERENCE_TABLES[csv.stem])
        for name, schema in register.FILES.items():
            csv = settings.register / f"{name}.csv"
            table = f"reference.ref_{name}"
            if csv.exists() or name not in register.OPTIONAL:
                wh.load_csv(con, csv, table, schema, comment=REFERENCE_TABLES[f"ref_{name}"])
            else:
                comment = REFERENCE_TABLES[f"ref_{name}"] + " (none on file)"
                wh.replace_table(con, pl.DataFrame(schema=schema), table, comment=comment)
    return len(sources) + len(register.FILES)


@task(**IO_RETRY)
def ingest_inbox(settings: Settings, run_id: str) -> IngestResult:
    """Land every new file in the inbox; a file already landed is skipped, not duplicated."""
    paths = sorted(p for p in settings.inbox.glob("*") if p.is_file() and not _in_progress(p))
    now = datetime.now(UTC).replace(tzinfo=None)
    with wh.connect(settings.warehouse) as con:
        landed_names = dict(
            con.execute("select sha256, file_name from raw.submission_files").fetchall()
        )
        batch = _Batch(run_id, now, settings.data_dir, settings.limits)
        for path in paths:
            batch.add(path, path.read_bytes(), landed_names, _received_at(path))
            failpoint("ingest.read")
        con.begin()
        wh.append_rows(con, batch.frame("files"), "raw.submission_files")
        wh.append_rows(con, batch.frame("lines"), "raw.submission_lines")
        wh.append_rows(con, batch.frame("ledger"), "ops.file_ledger")
        wh.append_rows(con, batch.frame("quarantine"), "ops.quarantine")
        con.commit()
    # Only after the commit: a crash before this line leaves the files for the next run,
    # which finds their sha256 already landed and skips them.
    for path, target in batch.moves:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            path.unlink()
        else:
            os.replace(path, target)
        failpoint("ingest.moved")
    return IngestResult(batch.landed, batch.rejected, batch.skipped, batch.line_count)


# Editors' lock files and partial uploads: someone is still working on them. Everything
# else in the inbox is read, and answered (landed, duplicate or rejected with a reason).
IN_PROGRESS_PREFIXES = (".~lock.", "~$")
IN_PROGRESS_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload")


def _received_at(path: Path) -> datetime:
    """When the file reached the inbox: its modification time (UTC, naive)."""
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


def _in_progress(path: Path) -> bool:
    name = path.name
    return (
        name.startswith(IN_PROGRESS_PREFIXES)
        or name.lower().endswith(IN_PROGRESS_SUFFIXES)
        or name == ".DS_Store"
    )


class _Batch:
    """The rows one ingest run appends, and the file moves that follow the commit."""

    def __init__(self, run_id: str, now: datetime, data_dir: Path, limits: IntakeLimits) -> None:
        self.run_id, self.now, self.limits = run_id, now, limits
        self.archive, self.rejected_dir = data_dir / "archive", data_dir / "rejected"
        self.rows: dict[str, list[dict[str, object]]] = {
            "files": [],
            "ledger": [],
            "quarantine": [],
        }
        self.lines: list[pl.DataFrame] = []
        self.moves: list[tuple[Path, Path]] = []
        self.landed = self.rejected = self.skipped = self.line_count = 0

    def add(
        self, path: Path, data: bytes, landed_names: dict[str, str], received_at: datetime
    ) -> None:
        sha = hashlib.sha256(data).hexdigest()
        archive = self.archive
        if sha in landed_names:
            same = landed_names[sha] == path.name
            self._ledger(
                path.name,
                sha,
                "already_landed" if same else "duplicate",
                None if same else f"Trùng nội dung với tệp {landed_names[sha]}",
                None if same else f"Same content as {landed_names[sha]}",
            )
            self.skipped += 1
            self.moves.append((path, archive / f"{sha}{path.suffix.lower()}"))
            return
        try:
            parsed = parse_submission(path.name, data, self.limits)
        except UnreadableFile as error:
            self._reject(path, sha, error)
            return
        landed_names[sha] = path.name
        self.rows["files"].append(
            {
                "sha256": sha,
                "file_name": path.name,
                "file_format": parsed.file_format,
                "encoding": parsed.encoding,
                "size_bytes": len(data),
                "line_count": parsed.lines.height,
                "landed_at": self.now,
                "run_id": self.run_id,
                "received_at": received_at,
            }
        )
        self.lines.append(parsed.lines.with_columns(sha256=pl.lit(sha)))
        self._ledger(path.name, sha, "landed", None, None)
        self.landed += 1
        self.line_count += parsed.lines.height
        self.moves.append((path, archive / f"{sha}{path.suffix.lower()}"))

    def _reject(self, path: Path, sha: str, error: UnreadableFile) -> None:
        self._ledger(path.name, sha, "rejected", error.reason_vi, error.reason_en)
        self.rows["quarantine"].append(
            {
                "run_id": self.run_id,
                "sha256": sha,
                "file_name": path.name,
                "line_no": None,
                "field": "file",
                "value": file_format(path.name),
                "rule": "file_readable",
                "severity": "error",
                "reason_vi": error.reason_vi,
                "reason_en": error.reason_en,
                "suite_version": None,
                "quarantined_at": self.now,
            }
        )
        self.rejected += 1
        # Kept, not deleted: the rejected bytes stay available for the enterprise and us.
        rejected = self.rejected_dir / f"{sha}{path.suffix.lower()}"
        self.moves.append((path, rejected))

    def _ledger(self, name: str, sha: str, status: str, vi: str | None, en: str | None) -> None:
        self.rows["ledger"].append(
            {
                "run_id": self.run_id,
                "file_name": name,
                "sha256": sha,
                "status": status,
                "reason_vi": vi,
                "reason_en": en,
                "seen_at": self.now,
            }
        )

    def frame(self, kind: str) -> pl.DataFrame:
        if kind == "lines":
            return pl.concat(self.lines) if self.lines else pl.DataFrame()
        return pl.DataFrame(self.rows[kind], infer_schema_length=None)
