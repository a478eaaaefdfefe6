"""Failpoints: named places where a crash test makes the run die as a power cut would.

``NETZERO_FAILPOINT=ingest.read:3`` kills the process with SIGKILL (no ``finally``, no
cleanup, no flush) the third time it reaches ``failpoint("ingest.read")``; without a count,
the first time. ``validate.lines:1:SIGTERM`` sends that signal instead, as a service manager
stopping netzero would (tests/flows/test_stop_signals.py). Unset, as in every real run, a
failpoint is one dictionary lookup. Tests kill only at failpoints: never by timing, never
by matching a log line.

The points are where a crash would leave a half-done state behind: while files are read
(nothing committed), while landed files leave the inbox (committed, not all moved), after
landing, between the tables of a build, after the build, while reports are written, after
rendering, between the two renames of the outbox swap, and between the warehouse snapshot
and its Parquet export. tests/flows/test_crash_safety.py kills at each
and checks that the next run ends as if nothing had happened.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

_reached: Counter[str] = Counter()


def failpoint(name: str) -> None:
    wanted = os.environ.get("NETZERO_FAILPOINT")
    if not wanted:
        return
    point, _, rest = wanted.partition(":")
    if point != name:
        return
    count, _, signal_name = rest.partition(":")
    _reached[name] += 1
    if _reached[name] >= int(count or 1):
        os.kill(os.getpid(), getattr(signal, signal_name or "SIGKILL"))
