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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
from prefect import task

from expectations import station_readings as suites
from flows import suite_process
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
# A transaction takes files until it holds this many lines (or files): large enough that a
# month of a province (≈ 450,000 files) lands in a few dozen commits and the GX suites' fixed
# cost is paid a few dozen times, small enough that a batch stays a few hundred megabytes.
BATCH_LINES = 60_000
BATCH_FILES = 10_000
DUCKDB_MEMORY_MB = 256


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
    # each line's cells, then its file's sha256 and its line number: one frame per batch
    lines: list[list[object]] = field(default_factory=list)
    lab_lines: list[list[object]] = field(default_factory=list)
    quarantine: list[dict[str, object]] = field(default_factory=list)
    moves: list[tuple[Path, Path, bytes, tuple[int, int, int]]] = field(default_factory=list)
    aside: list[tuple[Path, Path]] = field(default_factory=list)  # refused entries, moved whole
    names: dict[str, str] = field(default_factory=dict)  # sha256 → file name, this batch


@task(**IO_RETRY)
def land_station_files(settings: Settings, run_id: str) -> StationResult:
    """Land every new file of the stations' drop folder, in batches (``BATCH_LINES``)."""
    result = StationResult()
    folder = settings.stations_inbox
    if not folder.is_dir():
        return result
    # (arrival, name): files land in the order they arrived
    entries = sorted(
        (e.stat(follow_symlinks=False).st_mtime_ns, e.name)
        for e in os.scandir(folder)
        if not in_progress(Path(e.path))
    )
    # One connection for the whole landing: opening the warehouse for each step of each
    # batch costs time and leaves memory behind at every opening.
    with wh.connect(settings.warehouse) as con:
        # DuckDB would keep every page it reads or appends (up to 80 % of the machine's
        # memory); a month of readings need not stay: pages beyond this go back to the file.
        con.execute(f"set memory_limit = '{DUCKDB_MEMORY_MB}MB'")
        _land(settings, con, folder, entries, run_id, result)
    return result


def _land(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    entries: list[tuple[int, str]],
    run_id: str,
    result: StationResult,
) -> None:
    register = wh.read_table(con, "reference.ref_monitoring_outlets")
    parameters = wh.read_table(con, "reference.ref_wastewater_parameters")
    outlet_parameters = wastewater.outlet_parameters(register.lazy()).collect()
    start = 0
    while start < len(entries):
        batch = _Batch(run_id, datetime.now(UTC).replace(tzinfo=None))
        reads: list[tuple[Path, Read, str]] = []
        lines = 0
        while start < len(entries) and lines < BATCH_LINES and len(reads) < BATCH_FILES:
            path = folder / entries[start][1]
            start += 1
            read = read_jailed(path)
            if isinstance(read, Refused):
                _refuse(batch, path, read.reason_vi, read.reason_en, settings)
                batch.aside.append(
                    (path, settings.data_dir / "rejected" / "stations" / f"{path.name}-{read.kind}")
                )
                result.files_rejected += 1
            elif read is not None:
                reads.append((path, read, hashlib.sha256(read.data).hexdigest()))
                lines += read.data.count(b"\n")
            failpoint("stations.read")
        landed = _landed(con, [sha for _, _, sha in reads])
        for path, read, sha in reads:
            result_of = _add(batch, path, read, sha, landed, settings)
            setattr(result, result_of, getattr(result, result_of) + 1)
        readings, problems, results = _check(
            batch.lines,
            suites.known_stations(outlet_parameters, parameters, batch.now),
            parameters,
            con,
        )
        lab, lab_problems, lab_checks = _check(
            batch.lab_lines,
            suites.known_stations(outlet_parameters, parameters, batch.now, lab=True),
            parameters,
            con,
            lab=True,
        )
        problems = pl.concat([problems, lab_problems], how="diagonal_relaxed")
        result.readings += readings.height
        result.lab_results += lab.height
        if not problems.is_empty():  # a batch of files all landed before has no lines
            result.lines_rejected += problems.select("sha256", "line_no").n_unique()
        checks = pl.concat([results, lab_checks], how="diagonal_relaxed")
        _commit(con, batch, readings, lab, problems, checks)
        _place(batch)


def _landed(con: duckdb.DuckDBPyConnection, shas: list[str]) -> set[str]:
    """Which of these files landed before (a rerun's, or the same bytes sent again)."""
    if not shas:
        return set()
    con.register("_batch", pl.DataFrame({"sha256": shas}).to_arrow())
    found = wh.query(con, "select sha256 from raw.station_files join _batch using (sha256)")
    con.unregister("_batch")
    return set(found["sha256"].to_list())


def _add(
    batch: _Batch, path: Path, read: Read, sha: str, landed: set[str], settings: Settings
) -> str:
    """Parse one file into the batch; returns which count it adds to."""
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
    width = len(header)
    lab = header == contract.LAB_COLUMNS
    body = batch.lab_lines if lab else batch.lines
    count = 0
    for line_no, row in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in row):
            body.append([*(row + [""] * width)[:width], sha, line_no])
            count += 1
    batch.names[sha] = path.name
    batch.files.append(
        {
            "sha256": sha,
            "file_name": path.name,
            "contract_version": contract.LAB_CONTRACT_VERSION if lab else contract.CONTRACT_VERSION,
            "size_bytes": len(read.data),
            "line_count": count,
            "received_at": read.received_at,
            "landed_at": batch.now,
            "run_id": batch.run_id,
        }
    )
    landed.add(sha)
    _keep(batch, path, read, target)
    return "files_landed"


def _check(
    body: list[list[object]],
    known: suites.KnownStations,
    parameters: pl.DataFrame,
    con: duckdb.DuckDBPyConnection,
    lab: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The batch's readings (or, ``lab``, laboratory results) that pass both suites, one
    problem row per line and rule broken, and the suites' results (ops.validation_results)."""
    if not body:
        return pl.DataFrame(), pl.DataFrame(), pl.DataFrame()
    columns = contract.LAB_COLUMNS if lab else contract.COLUMNS
    schema = dict.fromkeys(columns, pl.String) | {"sha256": pl.String, "line_no": pl.Int32}
    prepare = suites.prepared_lab if lab else suites.prepared
    lines = prepare(pl.DataFrame(body, schema=schema, orient="row"), known, parameters)
    shape = suite_process.outcome(
        lines.select(suites.LAB_CHECKED if lab else suites.CHECKED), suites.suite, known, lab
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
    # Only the batch's own keys are looked up: what landed before for them, nothing more
    # (a window of time would bring back every outlet's month when files arrive outlet by
    # outlet).
    con.register("_keys", passed.select(key).unique().to_arrow())
    landed = wh.query(
        con, f"select {', '.join(key)} from {table} semi join _keys using ({', '.join(key)})"
    )
    con.unregister("_keys")
    marked = suites.with_repeats(passed, landed, key)
    unique = suite_process.outcome(marked.select("row_key", "is_repeat"), suites.unique_suite, lab)
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
    con: duckdb.DuckDBPyConnection,
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
    """The file goes to ``target`` after the commit: renamed there while it is still the
    one that was read, else (it changed since) the bytes read are written there."""
    batch.moves.append((path, target, read.data, read.signature))


def _place(batch: _Batch) -> None:
    """After the commit: each file leaves the drop folder for its place (renamed if it is
    still the one that was read; if it changed, the bytes read are kept and the file is left
    for the next run); a refused entry (a link, a folder) is moved aside whole, a link
    removed (it holds no data of its own)."""
    for path, target in batch.aside:
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            path.unlink(missing_ok=True)
        elif path.exists() and not target.exists():
            os.replace(path, target)
    folders: set[Path] = set()
    for path, target, data, signature in batch.moves:
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        still = unchanged(path, signature)
        if target.exists():
            if still:
                path.unlink(missing_ok=True)  # the same bytes are there already
        elif still:
            _rename_or_copy(path, target, data)
        else:
            _write(target, data, signature)
            log.warning("%s changed after it was read: left for the next run", path.name)
        failpoint("stations.moved")


def _rename_or_copy(path: Path, target: Path, data: bytes) -> None:
    try:
        os.replace(path, target)
    except OSError:  # another file system: write the bytes read, then let the file go
        _write(target, data, None)
        path.unlink(missing_ok=True)


def _write(target: Path, data: bytes, signature: tuple[int, int, int] | None) -> None:
    """The bytes, written whole beside ``target`` then renamed onto it."""
    partial = target.with_name(f".incoming-{target.name}")
    with partial.open("wb") as handle:
        handle.write(data)
    if signature is not None:
        os.utime(partial, ns=(signature[2], signature[2]))
    os.replace(partial, target)
