"""The pieces crash safety rests on: failpoints kill where they say, and the outbox left
between publish()'s two renames is put back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flows.publish import recover_outbox
from flows.settings import settings_from_env

SCRIPT = (
    "from flows.failpoints import failpoint\n"
    "for i in range(1, 4):\n"
    "    failpoint('other'); failpoint('here'); print(i, flush=True)\n"
)


def reach(wanted: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NETZERO_FAILPOINT"}
    if wanted:
        env["NETZERO_FAILPOINT"] = wanted
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=False
    )


def test_a_failpoint_kills_the_nth_time_it_is_reached_and_only_then() -> None:
    second = reach("here:2")
    assert (second.returncode, second.stdout) == (-9, "1\n")
    first = reach("here")
    assert (first.returncode, first.stdout) == (-9, "")
    unset = reach(None)
    assert (unset.returncode, unset.stdout) == (0, "1\n2\n3\n")
    never = reach("here:4")
    assert (never.returncode, never.stdout) == (0, "1\n2\n3\n")


def test_recover_outbox_puts_the_previous_publication_back(tmp_path: Path) -> None:
    settings = settings_from_env(tmp_path)
    outbox = settings.outbox
    # Killed between the renames: 2026-10 is aside, not back.
    (outbox / ".previous-2026-10").mkdir(parents=True)
    (outbox / ".previous-2026-10" / "SHA256SUMS").write_text("october\n")
    # Killed after both renames, before removing the old folder: the new one stays.
    (outbox / "2026-09").mkdir()
    (outbox / "2026-09" / "SHA256SUMS").write_text("september, new\n")
    (outbox / ".previous-2026-09").mkdir()
    (outbox / ".previous-2026-09" / "SHA256SUMS").write_text("september, old\n")

    assert recover_outbox(settings) == ["2026-10"]

    assert (outbox / "2026-10" / "SHA256SUMS").read_text() == "october\n"
    assert (outbox / "2026-09" / "SHA256SUMS").read_text() == "september, new\n"
    assert sorted(p.name for p in outbox.iterdir()) == ["2026-09", "2026-10"]
    assert recover_outbox(settings) == []
