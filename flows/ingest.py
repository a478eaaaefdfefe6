"""Land new inbox files into raw.*: fingerprint, parse, append, then archive the file."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from prefect import task

from flows import warehouse as wh
from flows.failpoints import failpoint
from flows.inbox import Read, Refused, in_progress, read_jailed, unchanged
from flows.parsers import (
    file_format,
    parse_submission,
)
from flows.refusals import IntakeLimits, UnreadableFile, failed_to_read
from flows.runs import IO_RETRY
from flows.settings import Settings
from flows.warehouse import ops
from report_templates import words

log = logging.getLogger("netzero.intake")


@dataclass(frozen=True)
class IngestResult:
    landed: int
    rejected: int
    skipped: int
    lines: int


def _arrival_order(entry: os.DirEntry[str]) -> tuple[int, str]:
    try:
        return entry.stat(follow_symlinks=False).st_mtime_ns, entry.name
    except OSError:  # gone meanwhile: read_jailed says so
        return 0, entry.name


@task(**IO_RETRY)
def ingest_inbox(settings: Settings, run_id: str) -> IngestResult:
    """Land every new file in the inbox; a file already landed is skipped, not duplicated.

    The inbox is a jail: links, folders, pipes and devices are refused and never followed,
    a file is opened without following links, and it is landed only if it did not change
    while it was read; the bytes read are the bytes archived."""
    # In order of arrival (then name): of two files with the same bytes, the one that
    # arrived first lands and the later one is the duplicate.
    entries = sorted(
        (e for e in os.scandir(settings.inbox) if not in_progress(Path(e.path))),
        key=_arrival_order,
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    for folder in ("archive", "rejected"):  # copies a killed run wrote and never placed
        for stale in (settings.data_dir / folder).glob(".incoming-*"):
            stale.unlink(missing_ok=True)
    with wh.connect(settings.warehouse) as con:
        landed_names = dict(wh.query(con, wh.sql("landed_files")).rows())
        batch = _Batch(run_id, now, settings.data_dir, settings.limits)
        # files that came by mail: their sender may submit only for its registered tax codes
        batch.senders = {sha: sender for sha, (sender, _, _) in ops.mail_origins(con).items()}
        batch.registered = ops.registered_senders(settings.warehouse, con)
        for entry in entries:
            read = read_jailed(Path(entry.path))
            if isinstance(read, Refused):
                batch.refuse(Path(entry.path), read)
            elif read is not None:
                batch.add(Path(entry.path), read, landed_names)
            failpoint("ingest.read")
        con.begin()
        wh.append_rows(con, batch.frame("files"), "raw.submission_files")
        wh.append_rows(con, batch.frame("lines"), "raw.submission_lines")
        wh.append_rows(con, batch.frame("ledger"), "ops.file_ledger")
        wh.append_rows(con, batch.frame("quarantine"), "ops.quarantine")
        con.commit()
    # Only after the commit: a crash before this line leaves the files for the next run,
    # which finds their sha256 already landed and skips them.
    _place(batch.moves)
    return IngestResult(batch.landed, batch.rejected, batch.skipped, batch.line_count)


Move = tuple[Path, Path, Path | None, tuple[int, int, int] | None]


def _place(moves: list[Move]) -> None:
    """After the commit: each copy of the bytes read takes its place in archive/ or
    rejected/, and each inbox entry leaves the inbox if it is still the one that was read."""
    for path, target, copy, signature in moves:
        target.parent.mkdir(parents=True, exist_ok=True)
        if copy is not None:
            if target.exists():
                copy.unlink(missing_ok=True)
            else:
                os.replace(copy, target)
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            path.unlink(missing_ok=True)  # a link or a special file holds no data of its own
        elif not unchanged(path, signature):
            log.warning("%s changed after it was read: left for the next run", path.name)
        elif copy is None and not target.exists():
            os.replace(path, target)  # a refused folder or unreadable file, moved aside whole
        else:
            path.unlink(missing_ok=True)
        failpoint("ingest.moved")


# A file's lines are a small frame of their own, and a frame costs about 3 KB besides its
# data (measured: 20,000 frames of 9 lines, 60 MB): a landing of 230,000 files (a backlog of
# 23 months at 10,000 enterprises) would hold 0.7 GB of them and concatenate 230,000 chunks.
# Every this many files, their frames become one.
GATHER_EVERY = 500


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
        self.lines: list[pl.DataFrame] = []  # one frame a file, the latest
        self.gathered: list[pl.DataFrame] = []  # the earlier ones, GATHER_EVERY in one
        # (inbox entry, where it goes, the copy of the bytes read that goes there, and the
        # entry's signature when read: it leaves the inbox only if it is still that file)
        self.moves: list[Move] = []
        self.landed = self.rejected = self.skipped = self.line_count = 0
        self.signature: tuple[int, int, int] | None = None  # of the file being added
        self.senders: dict[str, str] = {}  # sha256 → the address that mailed it
        self.registered: dict[str, set[str]] = {}  # address → the tax codes it may send for

    def add(self, path: Path, read: Read, landed_names: dict[str, str]) -> None:
        data, received_at, self.signature = read.data, read.received_at, read.signature
        sha = hashlib.sha256(data).hexdigest()
        archive = self.archive
        if sha in landed_names:
            same = landed_names[sha] == path.name
            reasons = words.pair("Same content as {name}", name=landed_names[sha])
            self._ledger(
                path.name,
                sha,
                "already_landed" if same else "duplicate",
                *((None, None) if same else reasons),
            )
            self.skipped += 1
            self._keep(path, data, archive / f"{sha}{path.suffix.lower()}")
            return
        try:
            parsed = parse_submission(path.name, data, self.limits)
        except UnreadableFile as error:
            self._reject(path, data, sha, error.reason_vi, error.reason_en)
            return
        except Exception as error:  # noqa: BLE001 - no file may stop the province's run
            log.error("%s could not be parsed:\n%s", path.name, traceback.format_exc())
            refusal = failed_to_read(error)
            self._reject(path, data, sha, refusal.reason_vi, refusal.reason_en)
            return
        if not_theirs := self._not_theirs(sha, parsed.lines):
            self._reject(path, data, sha, *not_theirs)
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
        if len(self.lines) == GATHER_EVERY:
            self.gathered.append(pl.concat(self.lines, rechunk=True))
            self.lines = []
        self._ledger(path.name, sha, "landed", None, None)
        self.landed += 1
        self.line_count += parsed.lines.height
        self._keep(path, data, archive / f"{sha}{path.suffix.lower()}")

    def _not_theirs(self, sha: str, lines: pl.DataFrame) -> tuple[str, str] | None:
        """A file that came by mail names only tax codes its sender is registered for."""
        sender = self.senders.get(sha)
        if sender is None or "tax_code" not in lines.columns:
            return None
        named = {str(t).strip() for t in lines["tax_code"].drop_nulls() if str(t).strip()}
        foreign = sorted(named - self.registered.get(sender, set()))
        if not foreign:
            return None
        return words.pair(
            "The file was sent by {sender}, an address not registered for the tax code "
            "{tax_code}: send it from an address registered for that enterprise, or ask the "
            "agency to register this one",
            sender=sender,
            tax_code=", ".join(foreign),
        )

    def _keep(self, path: Path, data: bytes, target: Path) -> None:
        """Write the bytes read beside ``target`` now; they replace it after the commit. The
        archive then holds exactly what was hashed and parsed, whatever the inbox does."""
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=target.parent, prefix=".incoming-", delete=False
        ) as handle:
            handle.write(data)
        if self.signature is not None:  # the arrival time travels with the bytes (rebuild)
            os.utime(handle.name, ns=(self.signature[2], self.signature[2]))
        self.moves.append((path, target, Path(handle.name), self.signature))

    def refuse(self, path: Path, refused: Refused) -> None:
        """An inbox entry that is not a readable regular file: answered, never followed."""
        sha = hashlib.sha256(f"{refused.kind}:{path.name}:{self.now}".encode()).hexdigest()
        self._ledger(path.name, sha, "rejected", refused.reason_vi, refused.reason_en)
        self._quarantine(path, sha, refused.reason_vi, refused.reason_en)
        self.rejected += 1
        self.moves.append((path, self.rejected_dir / f"{sha}-{refused.kind}", None, None))

    def _reject(self, path: Path, data: bytes, sha: str, vi: str, en: str) -> None:
        self._ledger(path.name, sha, "rejected", vi, en)
        self._quarantine(path, sha, vi, en)
        self.rejected += 1
        # Kept, not deleted: the rejected bytes stay available for the enterprise and us.
        self._keep(path, data, self.rejected_dir / f"{sha}{path.suffix.lower()}")

    def _quarantine(self, path: Path, sha: str, vi: str, en: str) -> None:
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
                "reason_vi": vi,
                "reason_en": en,
                "suite_version": None,
                "quarantined_at": self.now,
            }
        )

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
            frames = self.gathered + self.lines
            return pl.concat(frames, rechunk=True) if frames else pl.DataFrame()
        return pl.DataFrame(self.rows[kind], infer_schema_length=None)
