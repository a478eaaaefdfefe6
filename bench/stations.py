"""Wastewater stations at province scale (issue 17): O outlets × 6 parameters × one month of
five-minute transmissions, one file each (50 outlets: 446,400 files, ≈ 2.68 M readings),
through netzero's intake, validation and compliance, against the floor of reading the same
files with DuckDB or Polars alone, in the same run.

1. generate the files (a drop folder in contract station-1) and the register;
2. floor, in its own process: DuckDB ``read_csv`` of every file into one table, and Polars
   ``scan_csv`` of the same glob; the faster is the floor;
3. netzero, in its own process: ``land_station_files`` (read, fingerprint, both GX suites,
   commit, archive) then ``build_warehouse`` (every model; the wastewater marts are the
   work here: hourly and daily averages, compliance, episodes, completeness, gaps, loads);
4. each process's peak RSS.

Writes bench/results/stations.json and .md. Usage: python -m bench.stations [--outlets 50]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.validation import RESULTS
from flows import JEMALLOC_CONF

PARAMETERS = {"pH": "pH", "TEMP": "°C", "COD": "mg/L", "TSS": "mg/L", "NH4_N": "mg/L",
              "FLOW_OUT": "m3/h"}  # fmt: skip
LEVEL = {"pH": 7.2, "TEMP": 30.0, "COD": 41.0, "TSS": 22.0, "NH4_N": 2.0, "FLOW_OUT": 120.0}
HEADER = "outlet_id,parameter,value,unit,measured_at,status\n"


def generate(data: Path, outlets: int, period: str = "2026-10") -> int:
    """The demo's register (9 enterprises) with ``outlets`` central-plant outlets over its
    parks, and a month of their five-minute files. Returns the files written."""
    from demo.generate import DemoSpec, generate_demo

    generate_demo(data, DemoSpec(enterprises=9, months=2, last_period=period))
    parks = [
        line.split(",")[0]
        for line in (data / "register" / "industrial_parks.csv").read_text().splitlines()[1:]
    ]
    rows = [
        f"WW-{i:03d},Trạm {i},Plant {i},{parks[i % len(parks)]},,{i}/GPMT (bench),2024-01-01,"
        f"QCVN 40:2011/BTNMT,A,0.9,1.0,{';'.join(PARAMETERS)},5,3000"
        for i in range(outlets)
    ]
    (data / "register" / "monitoring_outlets.csv").write_text(
        "outlet_id,name_vi,name_en,park_code,tax_code,permit_number,permit_date,standard,"
        "column_code,kq,kf,parameters,interval_minutes,design_flow_m3_per_day\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    folder = data / "stations"
    folder.mkdir()
    rng = random.Random(2050)
    first = datetime.strptime(period, "%Y-%m")
    steps = 31 * 288
    files = 0
    for i in range(outlets):
        outlet = f"WW-{i:03d}"
        for step in range(steps):
            at = first + timedelta(minutes=5 * step)
            stamp = at.strftime("%Y-%m-%dT%H:%M:%S+07:00")
            body = "".join(
                f"{outlet},{p},{LEVEL[p] * (1 + rng.uniform(-0.1, 0.1)):.2f},{u},{stamp},"
                "measuring\n"
                for p, u in PARAMETERS.items()
            )
            (folder / f"{outlet}_{at:%Y%m%d%H%M}.csv").write_text(HEADER + body)
            files += 1
    return files


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor(data: Path) -> dict[str, float]:
    """DuckDB and Polars alone, reading every station file into one table."""
    import duckdb
    import polars as pl

    glob = str(data / "stations" / "*.csv")
    start = time.perf_counter()
    with duckdb.connect() as con:
        rows = con.execute(
            f"create table t as select * from read_csv('{glob}', header=true, "
            "columns={'outlet_id':'VARCHAR','parameter':'VARCHAR','value':'DOUBLE',"
            "'unit':'VARCHAR','measured_at':'VARCHAR','status':'VARCHAR'}); "
            "select count(*) from t"
        ).fetchone()[0]  # type: ignore[index]
    duck = time.perf_counter() - start
    start = time.perf_counter()
    frame = pl.scan_csv(glob, schema_overrides={"value": pl.Float64}).collect()
    polars = time.perf_counter() - start
    assert frame.height == rows
    return {"duckdb_s": duck, "polars_s": polars, "readings": rows, "peak_rss_mib": peak_rss_mib()}


def netzero(data: Path) -> dict[str, float]:
    """Landing then building, each with the process's peak memory after it."""
    from flows.build_warehouse import build_warehouse
    from flows.reference import load_reference
    from flows.settings import settings_from_env
    from flows.stations import land_station_files

    settings = settings_from_env(data)
    load_reference.fn(settings)
    start = time.perf_counter()
    landed = land_station_files.fn(settings, "bench")
    land = time.perf_counter() - start
    land_peak = peak_rss_mib()
    start = time.perf_counter()
    build_warehouse.fn(settings)
    build = time.perf_counter() - start
    return {
        "land_s": land,
        "build_s": build,
        "readings": landed.readings,
        "files_landed": landed.files_landed,
        "land_peak_rss_mib": land_peak,
        "peak_rss_mib": peak_rss_mib(),
    }


def _phase(phase: str, data: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.stations", "--phase", phase, "--data", str(data)],
        check=True,
        capture_output=True,
        text=True,
        # as `netzero` starts (flows/__init__.py), though bench.validation loads Polars first
        env=os.environ | {"NETZERO_NO_PROGRESS": "1", "_RJEM_MALLOC_CONF": JEMALLOC_CONF},
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--outlets", type=int, default=50)
    parser.add_argument("--phase", choices=("floor", "netzero"))
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    if args.phase:
        result = floor(args.data) if args.phase == "floor" else netzero(args.data)
        print(json.dumps(result))  # noqa: T201
        return
    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="netzero-bench-stations-") as tmp:
        data = Path(tmp) / "data"
        start = time.perf_counter()
        files = generate(data, args.outlets)
        generated = time.perf_counter() - start
        base = _phase("floor", data)
        ours = _phase("netzero", data)
    floor_s = min(base["duckdb_s"], base["polars_s"])
    ours_s = ours["land_s"] + ours["build_s"]
    result = {
        "outlets": args.outlets,
        "files": files,
        "readings": ours["readings"],
        "machine": {
            "cpus": len(os.sched_getaffinity(0)),
            "load_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
        },
        "generate_s": round(generated, 1),
        "floor_duckdb_s": round(base["duckdb_s"], 1),
        "floor_polars_s": round(base["polars_s"], 1),
        "floor_s": round(floor_s, 1),
        "netzero_land_s": round(ours["land_s"], 1),
        "netzero_build_s": round(ours["build_s"], 1),
        "netzero_s": round(ours_s, 1),
        "netzero_over_floor": round(ours_s / floor_s, 2),
        "goal_over_floor": 3.0,
        "floor_peak_rss_mib": round(base["peak_rss_mib"]),
        "netzero_land_peak_rss_mib": round(ours["land_peak_rss_mib"]),
        "netzero_peak_rss_mib": round(ours["peak_rss_mib"]),
        "goal_peak_rss_mib": 1024,
    }
    assert ours["readings"] == base["readings"], "netzero landed another number of readings"
    (RESULTS / "stations.json").write_text(json.dumps(result, indent=2) + "\n")
    table = "\n".join(f"| {k} | {v} |" for k, v in result.items() if k != "machine")
    header = f"# Stations benchmark\n\n{result['machine']}\n\n| measure | value |\n|---|---|\n"
    (RESULTS / "stations.md").write_text(header + table + "\n")
    print(json.dumps(result, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
