"""Publish a period's reports: a manifest with every file's sha256, then an atomic swap."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from prefect import task

from flows import warehouse as wh
from flows.failpoints import failpoint
from flows.render_reports import Rendered
from flows.runs import IO_RETRY, RunStopped
from flows.settings import Settings
from report_templates import words


def manifest(
    folder: Path,
    period: str,
    run_id: str,
    rendered: Rendered | None = None,
    landed_files: int | None = None,
    signatures: dict[str, dict[str, str]] | None = None,
) -> dict[str, object]:
    """Every file with its sha256; which reports this run rendered and which it kept
    unchanged (and the fingerprints the next run compares with); who signed which PDF and
    when, for each signature that still matches its file."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    listed = [
        {
            "path": p.relative_to(folder).as_posix(),
            "bytes": p.stat().st_size,
            "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
        }
        for p in files
    ]
    sha = {f["path"]: f["sha256"] for f in listed}
    kept = {
        path: signature
        for path, signature in sorted((signatures or {}).items())
        if sha.get(path) == signature["sha256"]
    }
    changes = (
        {
            "rendered": sorted(rendered.rendered),
            "unchanged": sorted(rendered.reused),
            "fingerprints": dict(sorted(rendered.fingerprints.items())),
        }
        if rendered
        else {}
    )
    return {
        "period": period,
        "run_id": run_id,
        "landed_files": landed_files,
        **changes,
        **({"signatures": kept} if kept else {}),
        "files": listed,
    }


@task(**IO_RETRY)
def publish(
    settings: Settings,
    period: str,
    rendered: Rendered,
    run_id: str,
    signed: dict[str, dict[str, str]] | None = None,
) -> Path:
    """Write manifest.json and SHA256SUMS, then swap the folder in as outbox/<period>. The
    signatures recorded are this run's (``signed``) and the published ones whose file was
    kept unchanged."""
    staging = rendered.staging
    signatures = previous_signatures(settings.outbox / period) | (signed or {})
    content = manifest(staging, period, run_id, rendered, landed_files(settings), signatures)
    (staging / "manifest.json").write_text(
        json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    sums = "".join(f"{f['sha256']}  {f['path']}\n" for f in content["files"])  # type: ignore[attr-defined]
    (staging / "SHA256SUMS").write_text(sums, encoding="utf-8")
    final = settings.outbox / period
    previous = settings.outbox / f".previous-{period}"
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        os.replace(final, previous)
        failpoint("publish.swap")
    os.replace(staging, final)
    shutil.rmtree(previous, ignore_errors=True)
    return final


def previous_signatures(published: Path) -> dict[str, dict[str, str]]:
    try:
        before = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return dict(before.get("signatures", {}))


def landed_files(settings: Settings) -> int:
    with wh.connect(settings.warehouse, read_only=True) as con:
        return wh.count_rows(con, "raw.submission_files")


class LessData(RunStopped):
    pass


def refuse_less_data(settings: Settings, period: str) -> None:
    """A month is never published again from fewer landed files than its last publication
    without saying so: the run stops unless NETZERO_ACCEPT_LESS_DATA=1 (`--accept-less-data`)."""
    previous = settings.outbox / period / "manifest.json"
    if not previous.exists() or os.environ.get("NETZERO_ACCEPT_LESS_DATA") == "1":
        return
    before = json.loads(previous.read_text(encoding="utf-8")).get("landed_files")
    now = landed_files(settings)
    if isinstance(before, int) and now < before:
        raise LessData(
            *words.pair(
                "The warehouse holds {now} landed files, fewer than the {before} of the "
                "last publication of {period}: nothing is published over it; rebuild from "
                "the archive (`netzero rebuild`) or, if fewer is right, run with "
                "--accept-less-data",
                now=now,
                before=before,
                period=period,
            ),
        )


def recover_outbox(settings: Settings) -> list[str]:
    """Finish what a killed publish() left: between its two renames the period's previous
    folder is ``outbox/.previous-<period>`` and ``outbox/<period>`` is missing. Put the
    previous publication back (before the run compares fingerprints with it); drop a
    leftover whose swap did complete. Returns the periods put back."""
    restored = []
    for previous in sorted(settings.outbox.glob(".previous-*")):
        final = settings.outbox / previous.name.removeprefix(".previous-")
        if final.exists():
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.replace(previous, final)
            restored.append(final.name)
    return restored


PARQUET_SCHEMAS = ("marts", "reports", "reference")


@task(**IO_RETRY)
def publish_warehouse(settings: Settings, run_id: str) -> Path:
    """What analysts read: ``published/netzero.duckdb``, a read-only snapshot swapped in
    atomically, and ``published/parquet/`` (marts, reports, reference as Parquet), a symlink
    swapped to a new folder (left as it is when the snapshot's contents did not change).
    Readers keep the version they opened; nothing is rewritten under them."""
    root = settings.published
    database = root / "netzero.duckdb"
    unchanged = wh.snapshot(settings.warehouse, database)
    failpoint("snapshot.parquet")
    link = root / "parquet"
    if unchanged and link.is_symlink() and link.resolve().is_dir():
        # The marts, reports and reference are those of the folder the link names.
        return root
    folder = root / f"parquet-{run_id}"
    shutil.rmtree(folder, ignore_errors=True)
    wh.export_parquet(database, folder, PARQUET_SCHEMAS)
    if link.is_dir() and not link.is_symlink():
        # A copy of the data folder that followed the link (cp -rL, a restored backup) left
        # a plain folder: set aside like a previous export (readers may be in it), so the
        # link can take its place; the clean-up below removes it in time.
        link.rename(root / f"parquet-copied-{run_id}")
    partial = root / f".parquet-{run_id}.link"
    partial.unlink(missing_ok=True)
    partial.symlink_to(folder.name)
    os.replace(partial, link)
    # Keep the folder just replaced for readers still in it; older ones go.
    keep = {folder.name}
    folders = sorted(
        (p for p in root.glob("parquet-*") if p.is_dir() and p.name not in keep),
        key=lambda p: p.stat().st_mtime,
    )
    for old in folders[:-1]:
        shutil.rmtree(old, ignore_errors=True)
    return root
