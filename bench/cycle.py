"""The whole monthly cycle as an operator runs it: ``netzero run`` on a province of N
enterprises, every report rendered, then the same command again with nothing new.

For N (default 1,000; one month plus the previous one, the demo's mix of formats):

1. ``netzero run`` in a fresh process (embedded Prefect, one render worker per core): wall
   time, seconds per stage as recorded in ``ops.runs``, reports rendered, peak RSS of the
   largest process;
2. ``python -c "import flows.cli, flows.monthly_cycle"``: the interpreter start and imports
   that any way of running the cycle pays;
3. ``netzero run`` again with nothing new (the no-change rerun).

Prefect's share of the run = (wall − Σ stages − imports) ÷ wall: what is left is the embedded
server's start-up and the flow and task bookkeeping. The embedded server is a process of its
own whose CPU runs alongside the stages, so its share is also given in CPU: the server's
CPU-seconds ÷ the whole process tree's. The process tree is sampled every 0.25 s (psutil):
its peak RSS (the sum over its processes, render workers included) and each process's CPU.
The no-change rerun's share = its wall ÷ the full run's wall.
Writes bench/results/cycle.json and .md.

``make bench-month`` times one month in steady state at N = 10,000: the demo's 24 months are
generated, the 23 earlier ones landed by a daily intake that is not timed (as ``netzero
serve`` lands them during a month: their files, receipts and warehouse are the backlog of
past months; the intake renders no report, and the measured run renders only its own
period's), then the last month's files arrive and its ``netzero run`` is what is measured,
once, without the rerun:
``python -m bench.cycle --enterprises 10000 --months 24 --steady --once --name month`` →
bench/results/month.json and .md. Without ``--steady`` every month's files land in the one
timed run (a first run on a backlog). With ``--state DIR`` the backlog (generated, earlier
months landed: 34 minutes at 10,000 on 7 Dec) is kept in DIR and copied from there the next time;
``--prepare-only`` makes it and stops, so the two hours of the measured run can start on
their own (``make bench-month-prepare``, then ``make bench-month``). Making it is done in DIR
and can be stopped and started again: it goes on where it stopped.
Usage: python -m bench.cycle [--enterprises 1000] [--months 2] [--steady] [--once] [--name cycle]
       [--state DIR] [--prepare-only]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.validation import RESULTS

ROOT = Path(__file__).resolve().parent.parent
NETZERO = [str(Path(sys.executable).parent / "netzero")]


@dataclass
class Tree:
    """What a process tree used: wall, peak RSS of all its processes together, and the CPU of
    each kind of process (the last sample of each process, so one that ended counts too)."""

    wall_s: float = 0.0
    peak_rss_mib: float = 0.0
    largest_rss_mib: float = 0.0
    largest_role: str = ""
    # at the tree's peak: when (seconds into the run) and what each kind of process held
    peak_at_s: float = 0.0
    peak_by_role_mib: dict[str, float] = field(default_factory=dict)
    # every ~10 s: seconds into the run and each kind's RSS (MiB), to line up with the stages
    series: list[dict[str, float]] = field(default_factory=list)
    cpu_s: dict[str, float] = field(default_factory=dict)
    # Samples 0.25 s apart miss a spike shorter than that (the run's process reached 1,529
    # MiB in the build, sampled every 20 ms, where these saw 1,353). The kernel keeps each
    # process's own peak: the largest of them all (exact: the run's resource usage once
    # reaped), each kind's largest (VmHWM at its last sample), and an upper bound of the
    # tree's peak: the largest sum, over the samples, of the peaks of the processes alive.
    largest_exact_mib: float = 0.0
    exact_by_role_mib: dict[str, float] = field(default_factory=dict)
    peak_bound_mib: float = 0.0


def role(process: Any) -> str:
    """Which part of the run a process is, from its command line."""
    try:
        line = " ".join(process.cmdline())
    except Exception:  # noqa: BLE001 - a process that ended between two samples
        return "other"
    if "uvicorn" in line or "prefect.server" in line or "server start" in line:
        return "prefect_server"
    # Spawned: the render workers and their resource tracker, and, before rendering (it has
    # ended by then), the Great Expectations process (flows/suite_process.py), which the
    # command line cannot tell apart: a "render_workers" sample before the render stage is it.
    if "multiprocessing" in line:
        return "render_workers"
    return "main" if "netzero" in line else "other"


def high_water_mib(pid: int) -> float:
    """A process's peak RSS so far, from the kernel (VmHWM), in MiB; 0 if it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sample(
    tree: Tree, processes: list[Any], last: dict[int, tuple[str, float]], elapsed: float
) -> None:
    """One sample of the tree's processes, ``elapsed`` seconds into the run, into ``tree``;
    ``last`` keeps each process's kind and CPU seconds."""
    import psutil

    rss = 0
    bound = 0.0
    by_role: dict[str, float] = {}
    for process in processes:
        try:
            with process.oneshot():
                one = process.memory_info().rss
                times = process.cpu_times()
            high = high_water_mib(process.pid)
        except psutil.Error:
            continue
        kind = last[process.pid][0] if process.pid in last else role(process)
        # its own CPU: a reaped child's is counted as that child
        last[process.pid] = (kind, times.user + times.system)
        rss += one
        bound += high
        tree.exact_by_role_mib[kind] = max(tree.exact_by_role_mib.get(kind, 0.0), high)
        by_role[kind] = by_role.get(kind, 0.0) + one / 2**20
        if one / 2**20 > tree.largest_rss_mib:
            tree.largest_rss_mib, tree.largest_role = one / 2**20, kind
    tree.peak_bound_mib = max(tree.peak_bound_mib, bound)
    if rss / 2**20 > tree.peak_rss_mib:
        tree.peak_rss_mib = rss / 2**20
        tree.peak_at_s = round(elapsed, 1)
        tree.peak_by_role_mib = {k: round(v) for k, v in sorted(by_role.items())}
    if not tree.series or elapsed - tree.series[-1]["s"] >= 10:
        tree.series.append({"s": round(elapsed, 1)} | {k: round(v) for k, v in by_role.items()})


def timed_process(args: list[str], env: dict[str, str]) -> Tree:
    """Run ``args`` to the end, sampling its process tree every 0.25 s."""
    import psutil

    tree = Tree()
    last: dict[int, tuple[str, float]] = {}
    start = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own CLI
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(child.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    top = psutil.Process(child.pid)
    while True:
        # reaped here, for its resource usage: that of the run and of every process it reaped
        ended, status, usage = os.wait4(child.pid, os.WNOHANG)
        if ended:
            child.returncode = os.waitstatus_to_exitcode(status)
            # the largest peak of any process of the tree, the run's own included (KiB)
            tree.largest_exact_mib = usage.ru_maxrss / 1024
            break
        try:
            processes = [top, *top.children(recursive=True)]
        except psutil.Error:
            break
        sample(tree, processes, last, time.perf_counter() - start)
        time.sleep(0.25)
    reader.join()
    tree.wall_s = time.perf_counter() - start
    if child.returncode:
        sys.stderr.write(b"".join(output).decode(errors="replace")[-4000:])
        raise subprocess.CalledProcessError(child.returncode, args)
    for kind, seconds in last.values():
        tree.cpu_s[kind] = round(tree.cpu_s.get(kind, 0.0) + seconds, 1)
    return tree


def land_the_earlier_months(data: Path, last: str, env: dict[str, str]) -> float:
    """Every month before ``last`` landed by the daily intake (its wall seconds; it renders no
    report, and the monthly run renders its own period's only): the last month's files
    (named ``<tax code>_<period>…``) and the stations' files wait aside and arrive
    afterwards, as a new month's do. A full run here would also render the month before
    ``last``, which at N = 10,000 costs as long as the run that is measured. Stopped midway,
    it can be called again: what waits aside stays there, and the intake lands what is left
    (a rerun lands nothing twice)."""
    aside = data.parent / "next-month"
    aside.mkdir(exist_ok=True)
    for path in (data / "inbox").iterdir():
        if f"_{last}" in path.name:
            path.rename(aside / path.name)
    stations = data / "stations"
    if stations.exists():
        stations.rename(aside / "stations")
    start = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own flow
        [sys.executable, "-c", "from flows.schedule import daily_intake; daily_intake()"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    for path in list(aside.iterdir()):
        path.rename(stations if path.name == "stations" else data / "inbox" / path.name)
    aside.rmdir()
    return seconds


STATE_MARK = "prepared.json"
GENERATED_MARK = "generated.json"


def backlog_state(
    args: argparse.Namespace, tmp: Path, env: dict[str, str], last: str
) -> dict[str, Any]:
    """The data folder (and the Prefect home) as the measured run finds it, in ``tmp``: the
    demo generated and, with ``--steady``, its earlier months landed. With ``--state``, the
    backlog is made in that folder and kept (at N = 10,000, generating and landing the 23
    earlier months takes about an hour), then copied to ``tmp``. Its making can be stopped
    and started again: a finished generation is kept (``generated.json``) and the landing
    goes on where it stopped. What the backlog was and when it was made is returned and
    reported."""
    wanted = {"enterprises": args.enterprises, "months_of_history": args.months}
    if args.state is None:
        backlog = make_backlog(args, tmp, env, last)
    else:
        mark = args.state / STATE_MARK
        if not mark.exists():
            here = {
                **env,
                "NETZERO_DATA_DIR": str(args.state / "data"),
                "PREFECT_HOME": str(args.state / "prefect"),
            }
            made = make_backlog(args, args.state, here, last)
            made |= {
                "prepared_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "prepared_at_commit": git_commit(),
            }
            mark.write_text(json.dumps(made, indent=2) + "\n", encoding="utf-8")
        prepared = json.loads(mark.read_text(encoding="utf-8"))
        if {k: prepared.get(k) for k in wanted} != wanted:
            raise SystemExit(
                f"{args.state} holds a backlog of {prepared.get('enterprises')} enterprises and "
                f"{prepared.get('months_of_history')} months, not {wanted}: remove it or choose "
                "another --state"
            )
        if not args.prepare_only:  # the copy is the measured run's (12 GB at 10,000)
            for part in ("data", "prefect"):
                if (args.state / part).exists():
                    copy_tree(args.state / part, tmp / part)
        backlog = {**prepared, "reused_from": str(args.state)}
    return backlog


def make_backlog(
    args: argparse.Namespace, folder: Path, env: dict[str, str], last: str
) -> dict[str, Any]:
    """Generate the demo into ``folder``/data and, with ``--steady``, land its earlier
    months; a generation finished before (its mark, for the same size) is not made again."""
    from demo.generate import DemoSpec, generate_demo

    wanted = {"enterprises": args.enterprises, "months_of_history": args.months}
    generated = folder / GENERATED_MARK
    done = json.loads(generated.read_text(encoding="utf-8")) if generated.exists() else {}
    if {k: done.get(k) for k in wanted} != wanted:
        for part in ("data", "prefect", "next-month"):  # an unfinished generation
            shutil.rmtree(folder / part, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        generate_demo(folder / "data", DemoSpec(enterprises=args.enterprises, months=args.months))
        done = {**wanted, "generated_untimed_s": round(time.perf_counter() - start, 1)}
        generated.write_text(json.dumps(done, indent=2) + "\n", encoding="utf-8")
    backlog: dict[str, Any] = dict(done)
    if args.steady:  # resumed: the seconds of the call that finished it
        landed_s = land_the_earlier_months(folder / "data", last, env)
        backlog["landed_by_the_daily_intake_untimed_s"] = round(landed_s, 1)
    return backlog


def copy_tree(source: Path, target: Path) -> None:
    """A copy that keeps links as links (``published/parquet`` is one) and times."""
    subprocess.run(["cp", "-a", "--reflink=auto", str(source), str(target)], check=True)  # noqa: S603, S607


def git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
        check=False,
    )  # fmt: skip  # noqa: S603, S607
    return done.stdout.strip() or "unknown"


def last_run(data: Path) -> dict[str, Any]:
    from flows import warehouse as wh
    from flows.settings import settings_from_env

    settings = settings_from_env(data)
    with wh.connect(settings.warehouse, read_only=True) as con:
        (row,) = wh.query(
            con,
            "select stage_seconds, reports_rendered, reports_written, files_landed, "
            "lines_landed from ops.runs where status = 'completed' "
            "order by started_at desc limit 1",
        ).to_dicts()
    stages = json.loads(row["stage_seconds"])
    return {
        "stages_s": stages,
        "stages_total_s": round(sum(stages.values()), 2),
        "reports_rendered": row["reports_rendered"],
        "reports_written": row["reports_written"],
        "files_landed": row["files_landed"],
        "lines_landed": row["lines_landed"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--months", type=int, default=2, help="months of history generated")
    parser.add_argument("--once", action="store_true", help="no no-change rerun")
    parser.add_argument(
        "--steady", action="store_true", help="land the earlier months first, untimed"
    )
    parser.add_argument("--name", default="cycle", help="bench/results/<name>.json and .md")
    parser.add_argument(
        "--state",
        type=Path,
        help="with --steady: keep the landed backlog here and start from it next time",
    )
    parser.add_argument(
        "--prepare-only", action="store_true", help="with --state: prepare it, measure nothing"
    )
    args = parser.parse_args()
    if (args.state or args.prepare_only) and not args.steady:
        parser.error("--state and --prepare-only need --steady")
    if args.prepare_only and not args.state:
        parser.error("--prepare-only needs --state")
    RESULTS.mkdir(exist_ok=True)
    from demo.generate import DEFAULT_LAST_PERIOD

    load_at_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        env = {
            **os.environ,
            "NETZERO_DATA_DIR": str(data),
            "NETZERO_NO_PROGRESS": "1",
            "PREFECT_HOME": str(Path(tmp) / "prefect"),
        }
        backlog = backlog_state(args, Path(tmp), env, DEFAULT_LAST_PERIOD)
        if args.prepare_only:
            print(json.dumps(backlog, indent=2))  # noqa: T201
            return
        load_at_run = os.getloadavg()
        run = timed_process([*NETZERO, "run", "--period", DEFAULT_LAST_PERIOD], env)
        full = last_run(data)
        importing = "import flows.cli, flows.monthly_cycle"
        imports = timed_process([sys.executable, "-c", importing], env)
        if not args.once:
            rerun_tree = timed_process([*NETZERO, "run"], env)
            rerun = last_run(data)

    full_wall, imports_s = run.wall_s, imports.wall_s
    other = full_wall - full["stages_total_s"] - imports_s
    tree_cpu = sum(run.cpu_s.values())
    server_cpu = run.cpu_s.get("prefect_server", 0.0)
    result: dict[str, Any] = {
        "enterprises": args.enterprises,
        "months_of_history": args.months,
        "machine": {
            "cpus": len(os.sched_getaffinity(0)),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in load_at_start],
            "load_average_before_the_run": [round(x, 2) for x in load_at_run],
        },
        "steady_state": args.steady,
        **({"backlog": backlog} if args.steady else {}),
        "full_run": {"wall_s": round(full_wall, 1), **full},
        "imports_s": round(imports_s, 2),
        "prefect_and_other_s": round(other, 1),
        "prefect_share": round(max(0.0, other) / full_wall, 3),
        "cpu_s_by_process": run.cpu_s,
        "prefect_server_cpu_share": round(server_cpu / tree_cpu, 3) if tree_cpu else None,
        "render_s_per_report_on_all_cores": round(
            full["stages_s"]["render"] / max(1, full["reports_rendered"]), 3
        ),
        "peak_rss_mib_process_tree": round(run.peak_rss_mib),
        "peak_rss_mib_largest_process": round(run.largest_rss_mib),
        "largest_process": run.largest_role,
        "peak_rss_at_s": run.peak_at_s,
        "peak_rss_mib_by_process_kind": run.peak_by_role_mib,
        "exact_peak_rss_mib_largest_process": round(run.largest_exact_mib),
        "exact_peak_rss_mib_by_process_kind": {
            k: round(v) for k, v in sorted(run.exact_by_role_mib.items())
        },
        "peak_rss_mib_process_tree_upper_bound": round(run.peak_bound_mib),
        "rss_mib_every_10_s": run.series,
    }
    if not args.once:
        result["no_change_rerun"] = {"wall_s": round(rerun_tree.wall_s, 1), **rerun}
        result["no_change_rerun_share"] = round(rerun_tree.wall_s / full_wall, 3)
        result["no_change_rerun_share_of_stages"] = round(
            rerun["stages_total_s"] / full["stages_total_s"], 3
        )
    (RESULTS / f"{args.name}.json").write_text(json.dumps(result, indent=2) + "\n")
    rows = [
        ("full run: wall s", result["full_run"]["wall_s"]),
        ("full run: Σ stages s", full["stages_total_s"]),
        *((f"full run: stage {k} s", v) for k, v in full["stages_s"].items()),
        ("full run: reports rendered / written", f"{full['reports_rendered']} / "
         f"{full['reports_written']}"),
        ("rendering s per report (all cores)", result["render_s_per_report_on_all_cores"]),
        ("interpreter start + imports s", result["imports_s"]),
        ("Prefect (embedded server start-up, bookkeeping) s", result["prefect_and_other_s"]),
        ("Prefect's share of the wall time", result["prefect_share"]),
        *((f"CPU s: {k}", v) for k, v in sorted(run.cpu_s.items())),
        ("the Prefect server's share of the CPU", result["prefect_server_cpu_share"]),
        ("peak RSS, the whole process tree MiB", result["peak_rss_mib_process_tree"]),
        ("peak RSS, largest process MiB", result["peak_rss_mib_largest_process"]),
        ("largest process (kind)", result["largest_process"]),
        ("peak RSS of the tree: seconds into the run", result["peak_rss_at_s"]),
        *((f"peak RSS of the tree: {k} MiB", v)
          for k, v in result["peak_rss_mib_by_process_kind"].items()),
        ("exact peak RSS (kernel), largest process MiB",
         result["exact_peak_rss_mib_largest_process"]),
        *((f"exact peak RSS (kernel), largest {k} process MiB", v)
          for k, v in result["exact_peak_rss_mib_by_process_kind"].items()),
        ("peak RSS of the tree, upper bound (Σ peaks of the processes alive) MiB",
         result["peak_rss_mib_process_tree_upper_bound"]),
    ]  # fmt: skip
    if not args.once:
        rows += [
            ("no-change rerun: wall s", result["no_change_rerun"]["wall_s"]),
            ("no-change rerun: reports rendered", rerun["reports_rendered"]),
            ("no-change rerun ÷ full run (wall)", result["no_change_rerun_share"]),
            ("no-change rerun ÷ full run (Σ stages)", result["no_change_rerun_share_of_stages"]),
        ]
    (RESULTS / f"{args.name}.md").write_text(
        f"# Monthly cycle, {args.enterprises} enterprises, {args.months} months of history"
        f"{' (the earlier months landed first, untimed)' if args.steady else ''} "
        f"(`netzero run`{'' if args.once else ', then again with nothing new'})\n\n"
        f"{result['machine']}\n\n"
        + (f"Backlog: {backlog}\n\n" if args.steady else "")
        + "| measure | value |\n|---|---|\n"
        + "\n".join(f"| {k} | {v} |" for k, v in rows)
        + "\n"
    )
    print(json.dumps(result, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
