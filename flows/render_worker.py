"""What a render worker process runs: kept apart from flows/render_reports.py, whose import
brings Prefect (128 MiB at import against 23 here). While the task lived there, the month of
10,000 enterprises ran its workers at 420-590 MiB for the pair instead of 230-380."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flows.memory import resident_mib
from report_templates.pdf import render_to_files
from report_templates.render import Edition


def render_job(
    report: str, context: dict[str, Any], html: Path, pdf: Path, edition: Edition
) -> int:
    """One report written; returns the MiB the worker holds after it."""
    render_to_files(report, context, html, pdf, edition)
    return resident_mib()
