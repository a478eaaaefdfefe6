"""The archive is the source of truth: a lost or damaged warehouse is rebuilt, never guessed.

Every landed file's bytes sit in ``archive/`` (named by their sha256), every refused one in
``rejected/``. After each run the warehouse's own records (every ``raw`` and ``ops`` table:
the lines as landed, the ledger, the quarantine with its reasons, the validations and the
runs) are exported beside them to ``archive/ledger/`` as Parquet. ``netzero rebuild``
restores those records into a fresh warehouse, puts back in the inbox any archived file the
export does not know (landed by a run killed before its export), and rebuilds every layer
built from them. A run that finds the warehouse missing or unreadable stops before it
touches anything, and says how to rebuild.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows import warehouse as wh
from flows.failpoints import failpoint
from flows.runs import RunStopped
from flows.settings import Settings
from flows.warehouse import ledger
from report_templates import words
from report_templates.words import Each


def ledger_dir(settings: Settings) -> Path:
    return settings.data_dir / "archive" / "ledger"


class WarehouseLost(RunStopped):
    def __init__(self, settings: Settings, what_vi: str, what_en: str) -> None:
        super().__init__(
            *words.pair(
                "{what}: the run stops and publishes nothing; every landed file is still in "
                "archive/: run `netzero rebuild` to rebuild the warehouse, then run again",
                what=Each(what_vi, what_en),
            ),
            f"warehouse: {settings.warehouse}",
        )


def guard(settings: Settings) -> None:
    """Stop (WarehouseLost) when the warehouse is missing although files were landed
    before, or when it cannot be read: a fresh one would publish from less data."""
    path = settings.warehouse
    if not path.exists():
        landed_before = ledger_dir(settings).exists() or any(
            p.is_file() and not p.name.startswith(".")
            for p in (settings.data_dir / "archive").glob("*")
        )
        if landed_before:
            raise WarehouseLost(
                settings,
                *words.pair("The warehouse is missing although files were landed before"),
            )
        return
    try:
        ledger.probe(path)
    except duckdb.Error as error:
        raise WarehouseLost(
            settings,
            *words.pair(
                "The warehouse cannot be read ({name}: {value})",
                name=type(error).__name__,
                value=str(error)[:200],
            ),
        ) from None


def export_ledger(settings: Settings, run_id: str) -> Path:
    """Write the warehouse's records (raw.*, ops.*) beside the archive, swapped in whole:
    a run killed half-way leaves the previous export in place."""
    target = ledger_dir(settings)
    partial = target.with_name(f".ledger-{run_id}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    counts = ledger.export(settings.warehouse, partial)
    (partial / "manifest.json").write_text(
        json.dumps({"run_id": run_id, "tables": counts}, indent=1, sort_keys=True) + "\n"
    )
    failpoint("ledger.exported")
    old = target.with_name(".ledger-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(partial, target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def _export(settings: Settings) -> Path | None:
    """The last complete export (a run killed between the two swaps left it as .ledger-old)."""
    for folder in (ledger_dir(settings), ledger_dir(settings).with_name(".ledger-old")):
        if (folder / "manifest.json").exists():
            return folder
    return None


def rebuild(settings: Settings) -> dict[str, object]:
    """A fresh warehouse from the archive; the old file, if any, is kept aside."""
    path = settings.warehouse
    kept = None
    if path.exists():
        try:
            guard(settings)
        except WarehouseLost:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            kept = path.with_name(f"{path.name}.damaged-{stamp}")
            os.replace(path, kept)
            path.with_name(path.name + ".wal").unlink(missing_ok=True)
        else:
            raise RunStopped(
                *words.pair("The warehouse reads normally: there is nothing to rebuild"),
            )
    export = _export(settings)
    restored: dict[str, int] = {}
    with wh.connect(path) as con:
        if export is not None:
            manifest = json.loads((export / "manifest.json").read_text())
            for name, rows in sorted(manifest["tables"].items()):
                restored[name] = rows
                if ledger.restore(con, export, name) != rows:
                    raise RunStopped(
                        *words.pair(
                            "The export of {name} in archive/ledger is incomplete", name=name
                        ),
                    )
        known = ledger.landed(con)
    requeued = _requeue(settings, known)
    return {
        "restored": restored,
        "requeued": requeued,
        "kept_aside": str(kept) if kept else None,
        "export": str(export) if export else None,
    }


def _requeue(settings: Settings, known: set[str]) -> list[str]:
    """Archived files the export does not know go back to the inbox, their arrival time
    kept: the next run lands them like any file (a rerun never duplicates)."""
    back = []
    for file in sorted((settings.data_dir / "archive").glob("*")):
        sha = file.name.split(".", 1)[0]
        if not file.is_file() or file.name.startswith(".") or sha in known:
            continue
        target = settings.inbox / file.name
        if not target.exists():
            shutil.copy2(file, target)
            back.append(file.name)
    return back
