"""Land the wastewater monitoring stations' files (issue 17): ``data/stations/``, one file
per transmission (transforms/station_contract.py), tens of thousands a month per park.

The same intake rules as the submissions: the inbox is a jail (flows/inbox.py), every file
is fingerprinted and lands once, every reading keeps its file and line, a rejected line or
file gets a row in ``ops.station_quarantine`` with its reason in both languages, nothing is
lost. Files land in batches (one transaction each): a batch's files leave the drop folder
only after its commit, so a crash leaves them for the next run, which finds their sha256
already landed and skips them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from prefect import task

from expectations import run_suite
from expectations import station_readings as suites
from flows import warehouse as wh
from flows.failpoints import failpoint
from flows.inbox import Read, Refused, in_progress, read_jailed, unchanged
from flows.parsers import text_rows
from flows.refusals import UnreadableFile
from flows.runs import IO_RETRY
from flows.settings import Settings
from report_templates import words
from transforms import station_contract as contract
from transforms import wastewater

log = logging.getLogger("netzero.stations")
# Files per transaction: large enough that a month lands in a few commits, small enough
# that a batch's lines stay well under a gigabyte.
BATCH_FILES = 2000


@dataclass
class StationResult:
    files_landed: int = 0
    files_rejected: int = 0
    files_skipped: int = 0
    readings: int = 0
    lab_results: int = 0
    lines_rejected: int = 0


@dataclass
class _Batch:
    run_id: str
    now: datetime
    files: list[dict[str, object]] = field(default_factory=list)
    lines: list[pl.DataFrame] = field(default_factory=list)
    lab_lines: list[pl.DataFrame] = field(default_factory=list)
    quarantine: list[dict[str, object]] = field(default_factory=list)
    moves: list[tuple[Path, Path, Path, tuple[int, int, int]]] = field(default_factory=list)
    aside: list[tuple[Path, Path]] = field(default_factory=list)  # refused entries, moved whole
    names: dict[str, str] = field(default_factory=dict)  # sha256 → file name, this batch


@task(**IO_RETRY)
def land_station_files(settings: Settings, run_id: str) -> StationResult:
    """Land every new file of the stations' drop folder, in batches of ``BATCH_FILES``."""
    result = StationResult()
    folder = settings.stations_inbox
    if not folder.is_dir():
        return result
    entries = sorted(
        (e for e in os.scandir(folder) if not in_progress(Path(e.path))),
        key=lambda e: (e.stat(follow_symlinks=False).st_mtime_ns, e.name),
    )
    with wh.connect(settings.warehouse) as con:
        landed = set(wh.query(con, "select sha256 from raw.station_files")["sha256"].to_list())
        register = wh.read_table(con, "reference.ref_monitoring_outlets")
        parameters = wh.read_table(con, "reference.ref_wastewater_parameters")
    outlet_parameters = wastewater.outlet_parameters(register.lazy()).collect()
    for start in range(0, len(entries), BATCH_FILES):
        batch = _Batch(run_id, datetime.now(UTC).replace(tzinfo=None))
        for entry in entries[start : start + BATCH_FILES]:
            path = Path(entry.path)
            read = read_jailed(path)
            if isinstance(read, Refused):
                _refuse(batch, path, read.reason_vi, read.reason_en, settings)
                batch.aside.append(
                    (path, settings.data_dir / "rejected" / "stations" / f"{path.name}-{read.kind}")
                )
                result.files_rejected += 1
            elif read is not None:
                result_of = _add(batch, path, read, landed, settings)
                setattr(result, result_of, getattr(result, result_of) + 1)
            failpoint("stations.read")
        readings, problems, results = _check(
            batch.lines,
            suites.known_stations(outlet_parameters, parameters, batch.now),
            parameters,
            settings,
        )
        lab, lab_problems, lab_checks = _check(
            batch.lab_lines,
            suites.known_stations(outlet_parameters, parameters, batch.now, lab=True),
            parameters,
            settings,
            lab=True,
        )
        problems = pl.concat([problems, lab_problems], how="diagonal_relaxed")
        result.readings += readings.height
        result.lab_results += lab.height
        if not problems.is_empty():  # a batch of files all landed before has no lines
            result.lines_rejected += problems.select("sha256", "line_no").n_unique()
        checks = pl.concat([results, lab_checks], how="diagonal_relaxed")
        _commit(settings, batch, readings, lab, problems, checks)
        _place(batch)
    return result


def _add(batch: _Batch, path: Path, read: Read, landed: set[str], settings: Settings) -> str:
    """Parse one file into the batch; returns which count it adds to."""
    sha = hashlib.sha256(read.data).hexdigest()
    target = settings.archive / "stations" / f"{sha}.csv"
    if sha in landed or sha in batch.names:
        _keep(batch, path, read, target)  # the same bytes again: nothing new to land
        return "files_skipped"
    try:
        rows = text_rows(read.data)
        header = tuple(cell.strip().lower() for cell in rows[0]) if rows else ()
        if header not in (contract.COLUMNS, contract.LAB_COLUMNS):
            raise UnreadableFile(
                *words.pair(
                    "This is not a station file ({version}) or a laboratory's results "
                    "({lab_version}): its first line must be {header} or {lab_header}",
                    version=contract.CONTRACT_VERSION,
                    header=",".join(contract.COLUMNS),
                    lab_version=contract.LAB_CONTRACT_VERSION,
                    lab_header=",".join(contract.LAB_COLUMNS),
                )
            )
    except UnreadableFile as error:
        _refuse(batch, path, error.reason_vi, error.reason_en, settings, read, sha)
        return "files_rejected"
    columns = header
    width = len(columns)
    body = [(row + [""] * width)[:width] for row in rows[1:] if any(c.strip() for c in row)]
    lines = pl.DataFrame(body, schema=dict.fromkeys(columns, pl.String), orient="row")
    lines = lines.with_columns(
        sha256=pl.lit(sha), line_no=pl.int_range(2, len(body) + 2, dtype=pl.Int32)
    )
    lab = columns == contract.LAB_COLUMNS
    (batch.lab_lines if lab else batch.lines).append(lines)
    batch.names[sha] = path.name
    batch.files.append(
        {
            "sha256": sha,
            "file_name": path.name,
            "contract_version": contract.LAB_CONTRACT_VERSION if lab else contract.CONTRACT_VERSION,
            "size_bytes": len(read.data),
            "line_count": len(body),
            "received_at": read.received_at,
            "landed_at": batch.now,
            "run_id": batch.run_id,
        }
    )
    landed.add(sha)
    _keep(batch, path, read, target)
    return "files_landed"


def _check(
    chunks: list[pl.DataFrame],
    known: suites.KnownStations,
    parameters: pl.DataFrame,
    settings: Settings,
    lab: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The batch's readings (or, ``lab``, laboratory results) that pass both suites, one
    problem row per line and rule broken, and the suites' results (ops.validation_results)."""
    if not chunks:
        return pl.DataFrame(), pl.DataFrame(), pl.DataFrame()
    prepare = suites.prepared_lab if lab else suites.prepared
    lines = prepare(pl.concat(chunks), known, parameters)
    shape = run_suite(
        lines.select(suites.LAB_CHECKED if lab else suites.CHECKED), suites.suite(known, lab)
    )
    failed = shape.failures.select("row_key", "rule", "field").unique()
    passed = lines.join(failed.select("row_key").unique(), on="row_key", how="anti").select(
        "row_key",
        "sha256",
        "line_no",
        *(("sample_id",) if lab else ()),
        "outlet_id",
        "parameter",
        pl.col("time").alias("sampled_at" if lab else "measured_at"),
        pl.col("number").alias("value"),
        pl.col("expected").alias("unit"),
        *(("laboratory", "method") if lab else ("status",)),
    )
    key = contract.LAB_KEY if lab else contract.KEY
    table = "raw.lab_results" if lab else "raw.station_readings"
    with wh.connect(settings.warehouse, read_only=True) as con:
        if lab:
            landed = wh.query(con, f"select {', '.join(key)} from {table}")
        else:
            bounds = passed.select(
                low=pl.col("measured_at").min(), high=pl.col("measured_at").max()
            ).row(0)
            landed = wh.query(
                con,
                f"select {', '.join(key)} from {table} where measured_at between ? and ?",
                list(bounds),
            )
    marked = suites.with_repeats(passed, landed, key)
    unique = run_suite(marked.select("row_key", "is_repeat"), suites.unique_suite(lab))
    repeats = unique.failures.select("row_key", "rule", "field")
    readings = marked.join(repeats, on="row_key", how="anti").drop("row_key", "is_repeat")
    said = {
        field: pl.when(pl.col("field") == field).then(pl.col(field))
        for field in ("sample_id", "laboratory", "outlet_id", "parameter", "status", "unit",
                      "value", "measured_at")
        if field in lines.columns
    }  # fmt: skip
    problems = (
        pl.concat([failed, repeats])
        .join(lines, on="row_key")
        .select(
            "sha256",
            "line_no",
            "rule",
            # a lab's time is its sampling time
            field=pl.col("field").replace("measured_at", "sampled_at") if lab else pl.col("field"),
            value=pl.coalesce(
                pl.when(pl.col("rule") == "duplicate_reading").then(
                    pl.col("time").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
                ),
                *said.values(),
            ),
            expected=pl.col("expected"),
            low=pl.col("low"),
            high=pl.col("high"),
        )
        .sort("sha256", "line_no", "rule")
    )
    results = pl.concat([shape.results, unique.results]).with_columns(
        suite_name=pl.Series([shape.suite_name] * shape.results.height
                             + [unique.suite_name] * unique.results.height),
        suite_version=pl.lit(suites.SUITE_VERSION),
    )  # fmt: skip
    return readings, problems, results


def _reason(row: dict[str, object]) -> tuple[str, str]:
    return suites.reason(
        str(row["rule"]), row.get("expected"), row.get("low"), row.get("high"), row["field"]
    )


def _commit(
    settings: Settings,
    batch: _Batch,
    readings: pl.DataFrame,
    lab: pl.DataFrame,
    problems: pl.DataFrame,
    results: pl.DataFrame,
) -> None:
    rejected: dict[str, int] = {}
    for row in problems.to_dicts():
        vi, en = _reason(row)
        sha = str(row["sha256"])
        batch.quarantine.append(
            {
                "run_id": batch.run_id,
                "sha256": sha,
                "file_name": batch.names[sha],
                "line_no": row["line_no"],
                "field": row["field"],
                "value": row["value"],
                "rule": row["rule"],
                "reason_vi": vi,
                "reason_en": en,
                "quarantined_at": batch.now,
            }
        )
    if not problems.is_empty():
        per_file = problems.group_by("sha256").agg(pl.col("line_no").n_unique())
        rejected = dict(per_file.iter_rows())
    kept = {
        sha: n
        for frame in (readings, lab)
        if not frame.is_empty()
        for sha, n in frame.group_by("sha256").len().iter_rows()
    }
    files = pl.DataFrame(
        [
            f
            | {
                "readings": kept.get(str(f["sha256"]), 0),
                "rejected_lines": rejected.get(str(f["sha256"]), 0),
            }
            for f in batch.files
        ]
    )
    with wh.connect(settings.warehouse) as con:
        con.begin()
        wh.append_rows(con, files, "raw.station_files")
        if not readings.is_empty():
            wh.append_rows(
                con,
                readings.select(
                    "sha256", "line_no", "outlet_id", "parameter", "measured_at", "value",
                    "unit", "status",
                ),
                "raw.station_readings",
            )  # fmt: skip
        if not lab.is_empty():
            wh.append_rows(con, lab, "raw.lab_results")
        wh.append_rows(con, pl.DataFrame(batch.quarantine), "ops.station_quarantine")
        if not results.is_empty():
            wh.append_rows(
                con,
                results.with_columns(run_id=pl.lit(batch.run_id), validated_at=pl.lit(batch.now)),
                "ops.validation_results",
            )
        con.commit()
    failpoint("stations.committed")


def _refuse(
    batch: _Batch,
    path: Path,
    vi: str,
    en: str,
    settings: Settings,
    read: Read | None = None,
    sha: str | None = None,
) -> None:
    """A whole file refused: a quarantine row (no line), the bytes kept in rejected/."""
    sha = sha or hashlib.sha256(f"{path.name}:{batch.now}".encode()).hexdigest()
    batch.names[sha] = path.name
    batch.quarantine.append(
        {
            "run_id": batch.run_id,
            "sha256": sha,
            "file_name": path.name,
            "line_no": None,
            "field": "file",
            "value": None,
            "rule": "station_file_readable",
            "reason_vi": vi,
            "reason_en": en,
            "quarantined_at": batch.now,
        }
    )
    if read is not None:
        _keep(batch, path, read, settings.data_dir / "rejected" / "stations" / f"{sha}.csv")


def _keep(batch: _Batch, path: Path, read: Read, target: Path) -> None:
    """The bytes read, written beside ``target`` now; they take its place after the commit."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".incoming-", delete=False) as f:
        f.write(read.data)
    os.utime(f.name, ns=(read.signature[2], read.signature[2]))
    batch.moves.append((path, target, Path(f.name), read.signature))


def _place(batch: _Batch) -> None:
    """After the commit: each copy takes its place, each file leaves the drop folder if it
    is still the one that was read; a refused entry (a link, a folder) is moved aside whole,
    a link removed (it holds no data of its own)."""
    for path, target in batch.aside:
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            path.unlink(missing_ok=True)
        elif path.exists() and not target.exists():
            os.replace(path, target)
    for path, target, copy, signature in batch.moves:
        if target.exists():
            copy.unlink(missing_ok=True)
        else:
            os.replace(copy, target)
        if unchanged(path, signature):
            path.unlink(missing_ok=True)
        else:
            log.warning("%s changed after it was read: left for the next run", path.name)
        failpoint("stations.moved")
