"""Render every report of a period (HTML + PDF) from the report tables, over processes."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from prefect import task

from flows import report_data
from flows import warehouse as wh
from flows.settings import Settings
from report_templates import contexts
from report_templates.render import render_to_files

Job = tuple[str, dict[str, Any], Path, Path]


@task
def render_reports(settings: Settings, period: str, run_id: str) -> Path:
    """Write the period's reports into a staging folder; publish() swaps it in."""
    staging = settings.outbox / f".staging-{period}"
    shutil.rmtree(staging, ignore_errors=True)
    with wh.connect(settings.warehouse) as con:
        data = report_data.load(con, settings, period, run_id)
    jobs: list[Job] = [
        (
            "province_monthly",
            contexts.province_context(
                data.common,
                data.province,
                data.parks,
                data.enterprises,
                data.quality,
                data.duplicates,
                data.restatements,
                data.warnings,
            ),
            staging / f"province_{period}.html",
            staging / f"province_{period}.pdf",
        )
    ]
    for park in data.parks:
        members = [e for e in data.enterprises if e["park_code"] == park["park_code"]]
        name = f"parks/{park['park_code']}_{period}"
        jobs.append(
            (
                "park_monthly",
                contexts.park_context(data.common, park, members),
                staging / f"{name}.html",
                staging / f"{name}.pdf",
            )
        )
    for ent in data.enterprises:
        name = f"enterprises/{ent['tax_code']}_{period}"
        context = contexts.enterprise_context(
            contexts.for_enterprise(data.common, ent["tax_code"], data.factor_users),
            ent,
            data.trends.get(ent["tax_code"], []),
            [q for q in data.quality if q["tax_code"] == ent["tax_code"]],
            [r for r in data.restatements if r["tax_code"] == ent["tax_code"]],
            [w for w in data.warnings if w["tax_code"] == ent["tax_code"]],
        )
        jobs.append(
            ("enterprise_monthly", context, staging / f"{name}.html", staging / f"{name}.pdf")
        )
    _render_all(jobs)
    return staging


def _render_all(jobs: list[Job]) -> None:
    """WeasyPrint holds the GIL: one worker process per core, never threads."""
    workers = max(1, min(os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        for job in jobs:
            render_to_files(*job)
        return
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        for future in [pool.submit(render_to_files, *job) for job in jobs]:
            future.result()
