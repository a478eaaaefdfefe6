"""A run stopped from outside (issue 13): SIGTERM and a full disk end with a bilingual
message, the embedded Prefect server stopped and nothing half-written; the next run ends as
an uninterrupted one would. Through the real CLI; the full disk is a real tmpfs (root only)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.flows.conftest import Province
from tests.flows.test_crash_safety import ENV, NETZERO, fingerprint, run, stale_servers

pytestmark = pytest.mark.e2e


def stdout_of(log: Path) -> str:
    return " ".join(log.read_text().split())


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_stop_signal_ends_the_run_plainly_and_the_rerun_completes_it(
    province: Province, prefect_api_url: str, tmp_path: Path, name: str, code: int
) -> None:
    """SIGTERM used to leave the embedded server running, print no word of its own and
    exit by the signal; Ctrl-C (SIGINT) printed no word of its own either."""
    data = tmp_path / "data"
    shutil.copytree(province.source, data)
    log = tmp_path / "run.log"
    # The signal arrives while the lines are validated, at a failpoint (no timing).
    failpoint = {"NETZERO_FAILPOINT": f"validate.lines:1:{name}"}
    with log.open("w") as out:
        done = subprocess.run(
            [NETZERO, "run", "--data-dir", str(data)],
            env=ENV | failpoint,
            stdout=out,
            stderr=out,
            timeout=600,
            check=False,
        )
    assert done.returncode == code
    said = stdout_of(log)
    assert f"Lượt chạy bị dừng theo yêu cầu ({name})" in said
    assert f"The run was stopped on request ({name}): nothing is half-written" in said
    assert stale_servers(data) == [], "the embedded Prefect server is stopped"
    if name == "SIGINT":
        return  # the same rerun as after SIGTERM: checked once
    assert run(data, api_url=prefect_api_url) == 0
    assert fingerprint(data) == province.expected


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_a_full_disk_stops_the_run_plainly_and_the_rerun_completes_it(
    province: Province, prefect_api_url: str, tmp_path: Path
) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160m", "tmpfs", str(disk)], check=True)
    try:
        data = disk / "data"
        shutil.copytree(province.source, data)
        filler = disk / "filler"

        def leave_free(kib: int) -> None:
            filler.unlink(missing_ok=True)
            free = shutil.disk_usage(disk).free // 1024
            with filler.open("wb") as handle:
                handle.truncate(0)
                handle.write(b"\0" * ((free - kib) * 1024))

        # Too little to start: refused before anything, in both languages.
        leave_free(3 * 1024)
        refused = subprocess.run(
            [NETZERO, "run", "--data-dir", str(data)],
            env=ENV,
            capture_output=True,
            text=True,
            check=False,
        )
        assert refused.returncode == 1
        said = " ".join(refused.stdout.split())
        assert "Ổ đĩa đã đầy" in said and "The disk is full" in said and "needs 100 MB" in said

        # Full in the middle of the run (Prefect's own database is the test server's, on
        # another disk, so that the run itself meets the full disk): stopped with the same
        # words.
        env = ENV | {"NETZERO_MIN_FREE_MB": "0", "PREFECT_API_URL": prefect_api_url}
        full = subprocess.run(
            [NETZERO, "run", "--data-dir", str(data)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert full.returncode == 1, full.stdout
        said = " ".join(full.stdout.split())
        assert "The disk is full: the run stopped, nothing is half-written" in said
        assert "No space left on device" in said
        assert "Traceback" not in full.stdout

        filler.unlink()
        assert run(data, api_url=prefect_api_url) == 0
        assert fingerprint(data) == province.expected
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
