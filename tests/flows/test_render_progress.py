"""Rendering says how far it is, where no progress bar can be seen."""

from __future__ import annotations

import logging

import pytest

# At import, not inside the test: importing Prefect sets up logging, which replaces the
# root's handlers (pytest's capture among them).
from flows.render_reports import progress


def test_rendering_progress_is_logged_outside_a_terminal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Rendering ran for minutes with no output outside a terminal (cron, CI, the Prefect
    UI): it logs the count at the start, every tenth of the way and at the end."""
    with caplog.at_level(logging.INFO, logger="netzero.render"):
        with progress(25, "rendering") as advance:
            for _ in range(25):
                advance()
    lines = [r.getMessage() for r in caplog.records if r.name == "netzero.render"]
    assert lines[0] == "rendering: 25"
    assert lines[1:] == [
        f"rendering: {n}/25" for n in (2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 25)
    ]
