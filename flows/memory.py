"""How much memory this process holds: what a worker reports back, so that the process that
gave it work can end it once it has grown (render workers, the suites' process)."""

from __future__ import annotations

import os
from pathlib import Path


def resident_mib() -> int:
    """This process's resident memory in MiB (Linux's /proc; 0 where there is none, and
    nothing is ended for its size then)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return (pages * os.sysconf("SC_PAGE_SIZE")) >> 20
