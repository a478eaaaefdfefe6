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

Job = tuple[str, dict[str, Any], Path, Path, str]


def suffix(edition: str) -> str:
    """File name suffix: none for the standard bilingual edition, ".vi" / ".en" otherwise."""
    return "" if edition == "bilingual" else f".{edition}"


@task
def render_reports(settings: Settings, period: str) -> Path:
    """Write the period's reports into a staging folder; publish() swaps it in."""
    staging = settings.outbox / f".staging-{period}"
    shutil.rmtree(staging, ignore_errors=True)
    with wh.connect(settings.warehouse) as con:
        data = report_data.load(con, settings, period)
    render_all(report_jobs(data, period, staging, settings.editions))
    return staging


def report_jobs(
    data: report_data.ReportData, period: str, folder: Path, editions: tuple[str, ...]
) -> list[Job]:
    """Every report of the period, in every edition: (template, context, html, pdf, edition)."""
    reports: list[tuple[str, dict[str, Any], str]] = [
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
                data.province_trend,
                data.pathway,
                data.annual,
            ),
            f"province_{period}",
        )
    ]
    for park in data.parks:
        members = [e for e in data.enterprises if e["park_code"] == park["park_code"]]
        reports.append(
            (
                "park_monthly",
                contexts.park_context(
                    data.common, park, members, data.park_trends.get(park["park_code"], [])
                ),
                f"parks/{park['park_code']}_{period}",
            )
        )
    for ent in data.enterprises:
        context = contexts.enterprise_context(
            contexts.for_enterprise(data.common, ent["tax_code"], data.factor_users),
            ent,
            data.trends.get(ent["tax_code"], []),
            [q for q in data.quality if q["tax_code"] == ent["tax_code"]],
            [r for r in data.restatements if r["tax_code"] == ent["tax_code"]],
            [w for w in data.warnings if w["tax_code"] == ent["tax_code"]],
        )
        reports.append(("enterprise_monthly", context, f"enterprises/{ent['tax_code']}_{period}"))
    return [
        (
            report,
            context,
            folder / f"{name}{suffix(edition)}.html",
            folder / f"{name}{suffix(edition)}.pdf",
            edition,
        )
        for report, context, name in reports
        for edition in editions
    ]


def render_all(jobs: list[Job], workers: int | None = None) -> None:
    """WeasyPrint holds the GIL: one worker process per core, never threads."""
    workers = workers or max(1, min(os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        for job in jobs:
            render_to_files(*job)  # type: ignore[arg-type]
        return
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        for future in [pool.submit(render_to_files, *job) for job in jobs]:  # type: ignore[arg-type]
            future.result()
