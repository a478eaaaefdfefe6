"""Validation of N submission lines: the GX suite against a Polars-only floor, same run.

Synthetic lines look like landed ones (text columns, the register's tax codes, the contract's
activities and units) with about 0.1 % deliberately bad. Writes bench/results/validation.json
and .md. Usage: python -m bench.validation [--lines 1000000]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import time
from pathlib import Path

import polars as pl

from expectations import run_suite
from expectations import submission_lines as lines_suite
from transforms import REFERENCE_DIR

RESULTS = Path(__file__).parent / "results"


def synthetic_lines(n: int, seed: int = 2050) -> tuple[pl.DataFrame, lines_suite.KnownCodes]:
    units = pl.read_csv(REFERENCE_DIR / "ref_activity_units.csv")
    pairs = units.select("activity_code", "unit_code")
    tax_codes = [f"37{i:08d}" for i in range(10_000)]
    index = pl.int_range(0, n, eager=True)
    frame = pl.DataFrame(
        {
            "sha256": (index // 10).cast(pl.String),
            "file_name": (index // 10).cast(pl.String) + ".csv",
            "line_no": (index % 10 + 2).cast(pl.Int32),
            # one enterprise and one month per file of 10 lines, as the contract says
            "tax_code": pl.Series(tax_codes).gather((index // 10) % len(tax_codes)),
            "period": ["2026-10"] * n,
            "revision": ["1"] * n,
            "activity_code": pairs["activity_code"].gather(index % pairs.height),
            "unit": pairs["unit_code"].gather(index % pairs.height),
            "quantity": ((index * 7919) % 100_000).cast(pl.String),
            "note": ["Theo hóa đơn"] * n,
        }
    )
    bad = index % 1000 == 0  # 0.1 %: negative quantities
    frame = frame.with_columns(
        quantity=pl.when(bad).then(pl.lit("-5")).otherwise(pl.col("quantity")),
        file_tax_code=pl.col("tax_code"),
        file_period=pl.col("period"),
        revision_is_newer=pl.lit(True),
    )
    known = lines_suite.KnownCodes(
        tax_codes=tax_codes,
        activity_codes=units["activity_code"].unique().to_list(),
        unit_codes=units["unit_code"].unique().to_list(),
        activity_units=(units["activity_code"] + "|" + units["unit_code"]).to_list(),
        latest_period_index=2026 * 12 + 10,
        first_factor_year=2014,
    )
    return frame, known


def polars_floor(prepared: pl.DataFrame, known: lines_suite.KnownCodes) -> int:
    """The same rules as boolean masks in Polars alone: the floor GX is measured against."""
    masks = prepared.select(
        bad=pl.any_horizontal(
            pl.col("tax_code").is_null() | ~pl.col("tax_code").is_in(known.tax_codes),
            ~pl.col("period").str.contains(lines_suite.PERIOD_PATTERN),
            pl.col("period_index") > known.latest_period_index,
            pl.col("period_index") < known.first_factor_year * 12,
            *(pl.col(f"{f}_odd_character").is_not_null() for f in lines_suite.PLAIN_FIELDS),
            ~pl.col("activity_code").is_in(known.activity_codes),
            ~pl.col("unit").is_in(known.unit_codes),
            pl.col("activity_unit").is_not_null()
            & ~pl.col("activity_unit").is_in(known.activity_units),
            pl.col("quantity_parse") != "ok",
            pl.col("quantity_value") < 0,
            pl.col("quantity_value") > lines_suite.MAX_QUANTITY,
            pl.col("note").str.len_chars() > lines_suite.MAX_NOTE,
            ~pl.col("names_file_enterprise"),
            ~pl.col("names_file_month"),
            ~pl.col("revision_is_newer"),
        )
    )
    return int(masks["bad"].sum())


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)

    start = time.perf_counter()
    frame, known = synthetic_lines(args.lines)
    generated = time.perf_counter() - start

    start = time.perf_counter()
    prepared = lines_suite.prepared_lines(frame, known)
    prepare_s = time.perf_counter() - start

    start = time.perf_counter()
    floor_bad = polars_floor(prepared, known)
    floor_s = time.perf_counter() - start

    run_suite(prepared.head(100), lines_suite.suite(known))  # GX import and context: once
    start = time.perf_counter()
    outcome = run_suite(prepared, lines_suite.suite(known))
    gx_s = time.perf_counter() - start
    gx_bad = outcome.failures["row_key"].n_unique()

    result = {
        "lines": args.lines,
        "machine": {
            "cpus": len(__import__("os").sched_getaffinity(0)),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "generate_s": round(generated, 2),
        "prepare_s": round(prepare_s, 2),
        "polars_floor_s": round(floor_s, 3),
        "gx_suite_s": round(gx_s, 2),
        "gx_over_floor": round(gx_s / (prepare_s + floor_s), 1),
        "lines_per_s_gx": round(args.lines / (prepare_s + gx_s)),
        "rejected_lines_floor": floor_bad,
        "rejected_lines_gx": gx_bad,
        "peak_rss_mib": round(peak_rss_mib()),
    }
    assert floor_bad == gx_bad, "GX and the Polars floor disagree"
    (RESULTS / "validation.json").write_text(json.dumps(result, indent=2) + "\n")
    table = "\n".join(f"| {k} | {v} |" for k, v in result.items() if k != "machine")
    header = f"# Validation benchmark\n\n{result['machine']}\n\n| measure | value |\n|---|---|\n"
    (RESULTS / "validation.md").write_text(header + table + "\n")
    print(json.dumps(result, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
