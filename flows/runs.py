"""The run's own bookkeeping: one run per warehouse at a time, and the ops.runs row."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
from prefect.tasks import exponential_backoff

from flows.settings import Settings
from flows.warehouse import ops
from report_templates import words

log = logging.getLogger("netzero.run")


class RunStopped(RuntimeError):
    """The run stops on purpose, before it could publish anything wrong, and says why in
    both languages (``detail``: what to correct, line by line). Not a crash: no traceback."""

    def __init__(self, reason_vi: str, reason_en: str, detail: str = "") -> None:
        super().__init__(f"{reason_vi} / {reason_en}" + (f"\n{detail}" if detail else ""))
        self.reason_vi = reason_vi
        self.reason_en = reason_en
        self.detail = detail


def _retry_unless_stopped(task: object, task_run: object, state: Any) -> bool:
    """A run stopped on purpose (RunStopped) is not retried: the same input stops it again."""
    return not isinstance(getattr(state, "data", None), RunStopped)


# Tasks that only move files or rows (land, receipts, publish) retry with exponential
# back-off (2, 4, 8 s, with jitter): a full disk or a locked file can clear. Computation
# (validate, build, render) does not: the same input fails the same way.
IO_RETRY: dict[str, Any] = {
    "retries": 3,
    "retry_delay_seconds": exponential_backoff(backoff_factor=2),
    "retry_jitter_factor": 0.5,
    "retry_condition_fn": _retry_unless_stopped,
}


class RunInProgress(RuntimeError):
    pass


class Terminated(RunStopped):
    def __init__(self, signum: int) -> None:
        self.signum = signum
        name = signal.Signals(signum).name
        super().__init__(
            *words.pair(
                "The run was stopped on request ({name}): nothing is half-written; run "
                "again to continue",
                name=name,
            ),
        )


class DiskFull(RunStopped):
    def __init__(self, where: str) -> None:
        super().__init__(
            *words.pair(
                "The disk is full: the run stopped, nothing is half-written; free some "
                "space and run again"
            ),
            where,
        )


def require_free_space(folder: Path) -> None:
    """Refuse to start with less free space on the data disk than NETZERO_MIN_FREE_MB
    (default 100): a run that starts is one that can finish (the embedded Prefect server's
    own database lives there too, and fails with nothing but a timeout)."""
    wanted = int(os.environ.get("NETZERO_MIN_FREE_MB", "100"))
    probe = folder if folder.exists() else folder.parent
    free = shutil.disk_usage(probe).free // (1024 * 1024)
    if free < wanted:
        raise DiskFull(f"{free} MB free on the disk of {folder}; netzero needs {wanted} MB")


def disk_full(error: BaseException) -> DiskFull | None:
    """The DiskFull a failure amounts to, if it (or what caused it) is a full disk: an
    OSError ENOSPC from a file write, or DuckDB's own words for it."""
    seen: BaseException | None = error
    visited: set[int] = set()
    while seen is not None and id(seen) not in visited:
        visited.add(id(seen))
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return DiskFull(str(seen))
        if isinstance(seen, duckdb.Error) and "No space left on device" in str(seen):
            return DiskFull(str(seen).splitlines()[0][:300])
        seen = seen.__cause__ or seen.__context__
    return None


_SIGNALS: list[int] = []  # the termination signals this process received


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM (a service manager stopping netzero, a container shut down) or Ctrl-C ends
    the run as an exception, not a kill: the flow's own cleanup runs, the embedded Prefect
    server and the render workers are stopped, and the operator is told in both languages.
    Installed by the CLI and again inside the flow, over Prefect's own handlers (whose
    exceptions DuckDB would turn into a bare "Query interrupted"); the signal is remembered
    (``terminated``) so that whatever error it surfaces as, it is reported as the stop it is."""

    def stop(signum: int, frame: object) -> None:
        _SIGNALS.append(signum)
        raise Terminated(signum)

    stops = (signal.SIGTERM, signal.SIGINT)  # Ctrl-C too: DuckDB swallows KeyboardInterrupt
    previous = {signum: signal.signal(signum, stop) for signum in stops}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def terminated() -> Terminated | None:
    """The stop a received SIGTERM amounts to, if one was received."""
    return Terminated(_SIGNALS[-1]) if _SIGNALS else None


@contextmanager
def stops_recorded(settings: Settings, run_id: str) -> Iterator[None]:
    """A RunStopped inside closes this run's ops.runs row as stopped, with its reason."""
    try:
        yield
    except RunStopped as stop:
        stopped(settings, run_id, str(stop))
        raise
    except Exception as error:
        signalled = terminated()
        if signalled is None:
            raise
        stopped(settings, run_id, str(signalled))
        raise signalled from error


def stopped(settings: Settings, run_id: str, reason: str) -> None:
    """Close this run's row as stopped, with the reason (the warehouse may be what failed)."""
    try:
        ops.stop_run(settings.warehouse, run_id, reason)
    except (duckdb.Error, OSError):
        log.warning("the stopped run %s could not be recorded", run_id)


@contextmanager
def exclusive(settings: Settings) -> Iterator[None]:
    """Hold the warehouse lock for the whole run; a second run is told, not queued."""
    lock_path = settings.warehouse.with_suffix(".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(
                words.both(
                    "Another run is using the warehouse {warehouse}; try again later",
                    warehouse=settings.warehouse,
                )
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield


def stop_stale_prefect_servers() -> list[int]:
    """Stop what killed runs left behind: their embedded Prefect servers and render workers.
    Without a server, Prefect runs a temporary one as a child process (marked
    ``PREFECT__SERVER_EPHEMERAL=1``) and stops it at the end, and the render pool stops its
    worker processes; a run killed outright (SIGKILL, out of memory, power) can do neither,
    and the orphans, adopted by init, keep running for ever. Called while holding the run
    lock: such a process with this run's ``PREFECT_HOME`` whose parent is no longer a Python
    process belongs to a dead run. Linux (/proc); elsewhere a no-op."""
    home = os.environ.get("PREFECT_HOME", "")
    proc = Path("/proc")
    if not home or not proc.is_dir():
        return []
    ours = f"PREFECT_HOME={home}".encode()
    stopped = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = set((entry / "environ").read_bytes().split(b"\0"))
            server = b"PREFECT__SERVER_EPHEMERAL=1" in environ
            worker = b"from multiprocessing" in (entry / "cmdline").read_bytes()
            if ours not in environ or not (server or worker):
                continue
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            parent_cmd = (proc / str(parent) / "cmdline").read_bytes() if parent > 1 else b""
            if b"python" in parent_cmd:
                continue  # a live run's own server or worker
            os.kill(int(entry.name), signal.SIGTERM)
            stopped.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile, or not ours to read
    return stopped
