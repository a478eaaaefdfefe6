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
server's start-up and the flow and task bookkeeping. The no-change rerun's share = its wall ÷
the full run's wall. Writes bench/results/cycle.json and .md.
Usage: python -m bench.cycle [--enterprises 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.validation import RESULTS

ROOT = Path(__file__).resolve().parent.parent
NETZERO = [str(Path(sys.executable).parent / "netzero")]


def timed_process(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


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
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    from demo.generate import DemoSpec, generate_demo

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        generate_demo(data, DemoSpec(enterprises=args.enterprises, months=2))
        env = {
            **os.environ,
            "NETZERO_DATA_DIR": str(data),
            "NETZERO_NO_PROGRESS": "1",
            "PREFECT_HOME": str(Path(tmp) / "prefect"),
        }
        full_wall = timed_process([*NETZERO, "run"], env)
        full = last_run(data)
        peak_rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        imports_s = timed_process(
            [sys.executable, "-c", "import flows.cli, flows.monthly_cycle"], env
        )
        rerun_wall = timed_process([*NETZERO, "run"], env)
        rerun = last_run(data)

    other = full_wall - full["stages_total_s"] - imports_s
    result = {
        "enterprises": args.enterprises,
        "machine": {
            "cpus": len(os.sched_getaffinity(0)),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "full_run": {"wall_s": round(full_wall, 1), **full},
        "imports_s": round(imports_s, 2),
        "prefect_and_other_s": round(other, 1),
        "prefect_share": round(max(0.0, other) / full_wall, 3),
        "render_s_per_report_on_all_cores": round(
            full["stages_s"]["render"] / max(1, full["reports_rendered"]), 3
        ),
        "peak_rss_mib_largest_process": round(peak_rss_mib),
        "no_change_rerun": {"wall_s": round(rerun_wall, 1), **rerun},
        "no_change_rerun_share": round(rerun_wall / full_wall, 3),
        "no_change_rerun_share_of_stages": round(
            rerun["stages_total_s"] / full["stages_total_s"], 3
        ),
    }
    (RESULTS / "cycle.json").write_text(json.dumps(result, indent=2) + "\n")
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
        ("peak RSS, largest process MiB", result["peak_rss_mib_largest_process"]),
        ("no-change rerun: wall s", result["no_change_rerun"]["wall_s"]),
        ("no-change rerun: reports rendered", rerun["reports_rendered"]),
        ("no-change rerun ÷ full run (wall)", result["no_change_rerun_share"]),
        ("no-change rerun ÷ full run (Σ stages)", result["no_change_rerun_share_of_stages"]),
    ]  # fmt: skip
    (RESULTS / "cycle.md").write_text(
        f"# Monthly cycle, {args.enterprises} enterprises (`netzero run`, then again with "
        f"nothing new)\n\n{result['machine']}\n\n| measure | value |\n|---|---|\n"
        + "\n".join(f"| {k} | {v} |" for k, v in rows)
        + "\n"
    )
    print(json.dumps(result, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
