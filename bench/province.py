"""The data path at province scale: N enterprises, the demo's mix of formats, timed per stage
against floors measured in the same run.

For each N: generate a demo province (2 months, as the demo needs a previous month for its
deliberate defects) and then, on separate copies of the same inbox,

1. floor: Polars/fastexcel alone read every file (no contract, no validation, no DuckDB);
2. the data path without Prefect: land → validate → build → warnings → report rows
   (the task functions called directly), timed per stage, with peak RSS of a child process;
3. the same data path as a Prefect flow of the same tasks (embedded Prefect): Prefect's share
   of the wall time = (flow − plain) ÷ flow.

4. the two longest reports of the month, each rendered (HTML + PDF/A-3b) in a fresh spawned
   worker on one core after the data path: the park with the most enterprises and the
   province (wall and CPU seconds, pages, the worker's peak RSS); and, when their lists are
   issued in parts, the largest part of each (and of the province's list of enterprises over
   the GHG-inventory threshold).

The enterprise report is measured by bench/render.py. Writes bench/results/province.json and
.md.
Usage: python -m bench.province [--enterprises 1000 10000]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.validation import RESULTS, peak_rss_mib


def read_floor(inbox: Path) -> tuple[int, float]:
    """Lines read from every file by Polars alone, and the seconds it took."""
    import json as json_lib

    import polars as pl

    start = time.perf_counter()
    lines = 0
    for path in sorted(inbox.iterdir()):
        if path.suffix == ".csv":
            try:
                frame = pl.read_csv(path, infer_schema=False)
            except pl.exceptions.ComputeError:
                frame = pl.read_csv(path, infer_schema=False, encoding="cp1258")
        elif path.suffix == ".xlsx":
            frame = pl.read_excel(path, sheet_id=1, infer_schema_length=0)
        else:
            frame = pl.DataFrame(json_lib.loads(path.read_text(encoding="utf-8"))["lines"])
        lines += frame.height
    return lines, time.perf_counter() - start


def plain_path(data: str, queue: Any) -> None:
    """The data path by direct calls (a child process: its own peak RSS)."""
    from flows import report_data, suite_process
    from flows import warehouse as wh
    from flows.build_warehouse import build_warehouse
    from flows.ingest import ingest_inbox
    from flows.reference import load_reference
    from flows.settings import settings_from_env
    from flows.validate import validate_submissions, validate_warnings

    settings = settings_from_env(Path(data))
    run_id = str(uuid.uuid4())
    stages: dict[str, float] = {}

    def timed(name: str, fn: Any, *args: Any) -> Any:
        start = time.perf_counter()
        result = fn(*args)
        stages[name] = round(time.perf_counter() - start, 2)
        return result

    landed = timed(
        "land", lambda: (load_reference.fn(settings), ingest_inbox.fn(settings, run_id))[1]
    )
    # As a run does (flows/stages.py): the suites run in a process of their own, started by
    # the first (its spawn and Great Expectations' import, ~2.5 s, are in this stage) and
    # ended before the build; the warnings' suite starts another.
    timed("validate", lambda: (validate_submissions.fn(settings, run_id), suite_process.close()))
    periods = timed("build", build_warehouse.fn, settings)
    timed("warnings", lambda: (validate_warnings.fn(settings, run_id), suite_process.close()))

    def rows() -> int:
        with wh.connect(settings.warehouse, read_only=True) as con:
            return len(report_data.load(con, settings, periods[-1]).enterprises)

    enterprises = timed("report_rows", rows)
    peak = round(peak_rss_mib())
    queue.put(
        {"stages": stages, "lines": landed.lines, "files": landed.landed,
         "enterprises": enterprises, "peak_rss_mib": peak,
         "long_reports": render_long_reports(settings, periods[-1])}
    )  # fmt: skip


def render_long_reports(settings: Any, period: str) -> dict[str, Any]:
    """The largest park's report and the province's, and the largest part of each one's list
    of enterprises (parts beyond ``list_rows_per_part`` rows), each in a fresh spawned worker
    (one core, as in the monthly cycle's pool): wall and CPU seconds, pages, the worker's peak
    RSS."""
    from flows import report_data
    from flows import warehouse as wh
    from flows.render_reports import summary_jobs

    with wh.connect(settings.warehouse, read_only=True) as con:
        loaded = report_data.load(con, settings, period)
    jobs = summary_jobs(
        loaded, period, settings.outbox / "bench", ("bilingual",), settings.list_rows_per_part
    )
    parks = [j for j in jobs if j[0] == "park_monthly"]
    largest = max(parks, key=lambda j: len(j[1]["members"]))
    (province,) = [j for j in jobs if j[0] == "province_monthly"]
    out = {}
    for name, job in (("largest_park", largest), ("province", province)):
        parts = job[1]["member_parts"]
        out[name] = {
            "enterprises_listed": len(job[1]["members"]),
            "parts": len(parts),
            "report": render_alone(job),
        }
        for key, kind in (("largest_part", "member_parts"), ("threshold_part", "obligated_parts")):
            if job[1].get(kind):
                # the parts' sizes differ by one row at most: the first is the largest
                first = job[1][kind][0]
                (part,) = [j for j in jobs if j[0] == "member_list" and j[2].stem == first["file"]]
                out[name][key] = {"rows": first["last"] - first["first"] + 1, **render_alone(part)}
    return out


def render_alone(job: tuple[Any, ...]) -> dict[str, Any]:
    """One job in a fresh spawned worker: wall and CPU seconds, pages, the worker's peak."""
    import subprocess
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        wall, cpu, peak = pool.submit(timed_render_with_peak, job).result()
    info = subprocess.run(["pdfinfo", str(job[3])], capture_output=True, text=True, check=True)
    pages = int(next(x for x in info.stdout.splitlines() if x.startswith("Pages:")).split()[1])
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "pages": pages,
            "worker_peak_rss_mib": peak}  # fmt: skip


def timed_render_with_peak(job: tuple[Any, ...]) -> tuple[float, float, int]:
    from bench.render import timed_render

    _, wall, cpu = timed_render(job)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a spawned worker
    # would report its parent's peak when that is larger.
    status = Path("/proc/self/status").read_text().splitlines()
    peak_kib = int(next(x for x in status if x.startswith("VmHWM:")).split()[1])
    return wall, cpu, round(peak_kib / 1024)


def prefect_path(data: str, queue: Any) -> None:
    """The same stages as a Prefect flow of the same tasks (embedded Prefect)."""
    import os

    os.environ["PREFECT_HOME"] = str(Path(data).parent / "prefect")
    from prefect import flow

    from flows import report_data, suite_process
    from flows import warehouse as wh
    from flows.build_warehouse import build_warehouse
    from flows.ingest import ingest_inbox
    from flows.reference import load_reference
    from flows.settings import settings_from_env
    from flows.validate import validate_submissions, validate_warnings

    @flow(name="bench-data-path")
    def data_path() -> float:
        start = time.perf_counter()
        settings = settings_from_env(Path(data))
        run_id = str(uuid.uuid4())
        load_reference(settings)
        ingest_inbox(settings, run_id)
        validate_submissions(settings, run_id)
        suite_process.close()
        periods = build_warehouse(settings)
        validate_warnings(settings, run_id)
        suite_process.close()
        with wh.connect(settings.warehouse, read_only=True) as con:
            report_data.load(con, settings, periods[-1])
        return time.perf_counter() - start

    start = time.perf_counter()
    inside = data_path()
    queue.put(
        {"flow_wall_s": round(time.perf_counter() - start, 2), "inside_flow_s": round(inside, 2)}
    )


def in_child(target: Any, data: Path) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(str(data), queue))
    process.start()
    result: dict[str, Any] = queue.get()
    process.join()
    return result


def measure(n: int, root: Path) -> dict[str, Any]:
    from demo.generate import DemoSpec, generate_demo

    source = root / f"n{n}" / "source"
    start = time.perf_counter()
    demo = generate_demo(source, DemoSpec(enterprises=n, months=2))
    generate_s = time.perf_counter() - start
    lines, floor_s = read_floor(source / "inbox")
    runs = {}
    for variant in ("plain", "prefect"):
        data = root / f"n{n}" / variant / "data"
        shutil.copytree(source, data)
        runs[variant] = in_child(plain_path if variant == "plain" else prefect_path, data)
    plain = runs["plain"]
    total = round(sum(plain["stages"].values()), 2)
    return {
        "enterprises": n,
        "files": demo["files"],
        "lines_read_by_floor": lines,
        "lines_landed": plain["lines"],
        "generate_s": round(generate_s, 1),
        "floor_read_s": round(floor_s, 2),
        "data_path_stages_s": plain["stages"],
        "data_path_s": total,
        "data_path_over_floor": round(total / floor_s, 2),
        "data_path_peak_rss_mib": plain["peak_rss_mib"],
        "largest_park_report_s": plain["long_reports"]["largest_park"]["report"]["wall_s"],
        "largest_park_report": plain["long_reports"]["largest_park"],
        "province_report_s": plain["long_reports"]["province"]["report"]["wall_s"],
        "province_report": plain["long_reports"]["province"],
        "prefect_flow_wall_s": runs["prefect"]["flow_wall_s"],
        # Share of the wall time Prefect adds, embedded server start-up included ...
        "prefect_share": round(
            max(0.0, runs["prefect"]["flow_wall_s"] - total) / runs["prefect"]["flow_wall_s"], 3
        ),
        # ... and once the flow is running (task orchestration only).
        "prefect_share_in_flow": round(
            max(0.0, runs["prefect"]["inside_flow_s"] - total) / runs["prefect"]["inside_flow_s"], 3
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    load_at_start = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.enterprises:
            results.append(measure(n, Path(tmp)))
            print(json.dumps(results[-1], indent=2), flush=True)  # noqa: T201
    machine = {
        "cpus": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in load_at_start],
    }
    (RESULTS / "province.json").write_text(
        json.dumps({"machine": machine, "results": results}, indent=2) + "\n"
    )
    keys = [
        "files", "lines_landed", "floor_read_s", "data_path_s", "data_path_over_floor",
        "data_path_peak_rss_mib", "prefect_flow_wall_s",
        "prefect_share", "prefect_share_in_flow",
        "largest_park_report", "province_report",
    ]  # fmt: skip
    header = "| measure | " + " | ".join(f"N = {r['enterprises']}" for r in results) + " |"
    lines = [header, "|---|" + "---|" * len(results)]
    lines += [f"| {k} | " + " | ".join(str(r[k]) for r in results) + " |" for k in keys]
    stages = sorted({s for r in results for s in r["data_path_stages_s"]})
    lines += [
        f"| stage: {s} (s) | "
        + " | ".join(str(r["data_path_stages_s"].get(s)) for r in results)
        + " |"
        for s in stages
    ]
    (RESULTS / "province.md").write_text(
        f"# Province-scale data path\n\n{machine}\n\n" + "\n".join(lines) + "\n"
    )


if __name__ == "__main__":
    main()
