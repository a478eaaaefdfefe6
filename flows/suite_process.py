"""Great Expectations in a process of its own, for the length of a run's checks.

Imported, Great Expectations takes about 210 MiB; checking the marts of 10,000 enterprises
× 24 months (pandas copies of the frames) left the run's process another 285 MiB it never
gave back. Both stayed in the process that then renders for an hour. Here the suites run in
one spawned process, started when a suite first has to run (a run whose tables were all
checked before starts none) and ended by ``close()`` before the build (the data path's
largest) and once the run's checks are done: what Great Expectations held goes with it.
The frames go over as Arrow data; the outcomes are small."""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.util
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl

from expectations import SuiteRun, run_suite, suite_columns
from flows.memory import resident_mib


class _Held:
    pool: ProcessPoolExecutor | None = None
    on_exit: multiprocessing.util.Finalize | None = None


_held = _Held()

# The suites' process ends after a suite that left it holding more than this; the next suite
# starts another (~3 s: Great Expectations' import). Imported, it holds ~290 MiB; each frame
# checked leaves it larger (pandas' copies, the allocator's fragments). At 20,000
# enterprises × 24 months it reached 1,203 MiB over the six marts, against at most 856 for
# one mart in a process of its own.
RETIRE_AT_MIB = 500


def outcome(
    frame: pl.DataFrame, make_suite: Callable[..., Any], *args: Any, key: str = "row_key"
) -> SuiteRun:
    """``run_suite(frame, make_suite(*args), key)``, in the suites' process. ``make_suite``
    is a module-level function (it is named to the process, not sent)."""
    return _retiring(_process().submit(_outcome, frame, make_suite, args, key).result())


def outcome_of_file(
    path: Path, make_suite: Callable[..., Any], *args: Any, rows: pl.Expr, key: str = "row_key"
) -> SuiteRun:
    """``outcome`` of the rows ``rows`` keeps of the Parquet file at ``path``, numbered in
    their order as ``key`` (an Int64 from 0), read in the suites' process. This one never
    holds the frame: at 10,000 enterprises × 24 months the marts' largest frame, read here
    and sent over, took the run's process from ~130 to ~660 MiB while the suites' process held
    its pandas copy (a copy from DuckDB, one for the filter, one for the pipe)."""
    return _retiring(
        _process().submit(_outcome_of_file, path, make_suite, args, rows, key).result()
    )


def columns(make_suite: Callable[..., Any], *args: Any) -> set[str] | None:
    """``suite_columns(make_suite(*args))``, in the suites' process: the columns to read."""
    return _process().submit(_columns, make_suite, args).result()


def close() -> None:
    """End the suites' process, if one was started (the next suite starts another)."""
    pool, _held.pool = _held.pool, None
    on_exit, _held.on_exit = _held.on_exit, None
    if on_exit is not None:
        on_exit.cancel()
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _retiring(done: tuple[SuiteRun, int]) -> SuiteRun:
    """The outcome; the process is ended if the suite left it over ``RETIRE_AT_MIB``."""
    run, held_mib = done
    if held_mib > RETIRE_AT_MIB:
        close()
    return run


def _process() -> ProcessPoolExecutor:
    if _held.pool is None:
        spawn = multiprocessing.get_context("spawn")
        _held.pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=spawn,
            initializer=_started,
            initargs=(os.getpid(),),
        )
        # A caller that never closes it (the benchmarks' spawned data path, a command that
        # lands station files) must still end. In the main process the pool is shut by
        # concurrent.futures' exit hook; but a process started by multiprocessing joins its
        # children *before* its interpreter's exit hooks run, and the worker, waiting for
        # work, never ended (the process hung). multiprocessing's own finalizers run before
        # that join; this one runs before those of the pool's queues (priority 10), while
        # they can still carry the workers' signal to stop.
        _held.on_exit = multiprocessing.util.Finalize(None, close, exitpriority=100)
    return _held.pool


def _started(parent: int) -> None:
    """In the suites' process, once: end with the run's process, and end at once."""
    _end_with_parent(parent)
    atexit.register(_exit_at_once)


def _exit_at_once() -> None:
    """In the suites' process, the first thing its interpreter does on the way out: end it
    there. Tearing down what Great Expectations imported (pandas, SciPy, SQLAlchemy, Altair)
    took 0.9 s of every ``close()``, twice a run, with the run waiting (measured: 0.04 s
    now). Nothing is lost: the pool's results go through a pipe written as they are sent,
    and Great Expectations keeps no files open (its temporary folder is gone with its
    context)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _end_with_parent(parent: int) -> None:
    """In the suites' process: end when the run's process is gone. A run killed outright
    (SIGKILL, out of memory) cannot close it, and the pool's queues, whose both ends the
    process holds, would never tell it; an orphan would keep the run's output pipes open.
    Not PR_SET_PDEATHSIG: it fires when the thread that started the process ends, and a
    task's thread may end before the run does."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def _outcome(
    frame: pl.DataFrame, make_suite: Callable[..., Any], args: tuple[Any, ...], key: str
) -> tuple[SuiteRun, int]:
    return run_suite(frame, make_suite(*args), key), resident_mib()


def _columns(make_suite: Callable[..., Any], args: tuple[Any, ...]) -> set[str] | None:
    return suite_columns(make_suite(*args))


def _outcome_of_file(
    path: Path, make_suite: Callable[..., Any], args: tuple[Any, ...], rows: pl.Expr, key: str
) -> tuple[SuiteRun, int]:
    frame = pl.read_parquet(path).filter(rows).with_row_index(key)
    frame = frame.with_columns(pl.col(key).cast(pl.Int64))
    return _outcome(frame, make_suite, args, key)
