"""What a render worker process runs: kept apart from flows/render_reports.py, whose import
brings Prefect (128 MiB at import against 23 here). While the task lived there, the month of
10,000 enterprises ran its workers at 420-590 MiB for the pair instead of 230-380."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from report_templates.pdf import render_to_files
from report_templates.render import Edition


def render_job(
    report: str, context: dict[str, Any], html: Path, pdf: Path, edition: Edition
) -> int:
    """One report written; returns the MiB the worker holds after it."""
    render_to_files(report, context, html, pdf, edition)
    return resident_mib()


def resident_mib() -> int:
    """This process's resident memory in MiB (Linux's /proc; 0 where there is none, and
    rounds then end by their number of reports alone)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return (pages * os.sysconf("SC_PAGE_SIZE")) >> 20
