"""Publish a period's reports: a manifest with every file's sha256, then an atomic swap."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from prefect import task

from flows.settings import Settings


def manifest(folder: Path, period: str, run_id: str) -> dict[str, object]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {
        "period": period,
        "run_id": run_id,
        "files": [
            {
                "path": p.relative_to(folder).as_posix(),
                "bytes": p.stat().st_size,
                "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
            }
            for p in files
        ],
    }


@task(retries=2, retry_delay_seconds=[2, 10])
def publish(settings: Settings, period: str, staging: Path, run_id: str) -> Path:
    """Write manifest.json and SHA256SUMS, then swap the folder in as outbox/<period>."""
    content = manifest(staging, period, run_id)
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
    os.replace(staging, final)
    shutil.rmtree(previous, ignore_errors=True)
    return final
