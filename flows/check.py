"""`netzero check FILE`: what the intake would say about one file, without landing it.

The same parser and the same GX suite as the monthly cycle, against the reference data
shipped with netzero and the register in the data folder; nothing is written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from expectations import run_suite
from expectations import submission_lines as lines_suite
from flows import warehouse as wh
from flows.parsers import parse_submission
from flows.reference import read_register
from flows.refusals import UnreadableFile, failed_to_read
from flows.settings import Settings
from flows.validate import current_period_index, quarantine_rows
from transforms import REFERENCE_DIR


@dataclass(frozen=True)
class CheckResult:
    file_name: str
    lines: int
    rejected: pl.DataFrame  # one row per failing line and rule (quarantine shape)
    unreadable: UnreadableFile | None = None

    @property
    def accepted(self) -> bool:
        return self.unreadable is None and self.rejected.is_empty()


def known_codes(settings: Settings) -> lines_suite.KnownCodes:
    """What the register and the shipped reference data accept today (the intake's rule,
    expectations/submission_lines.py, on the register and CSVs instead of the warehouse)."""
    enterprises = read_register(settings)["enterprises"]  # RegisterInvalid names each mistake
    shipped = {
        name: pl.read_csv(REFERENCE_DIR / f"{name}.csv")
        for name in ("ref_activities", "ref_activity_units", "ref_grid_emission_factors")
    }
    return lines_suite.known_codes(
        enterprises,
        shipped["ref_activities"],
        shipped["ref_activity_units"],
        shipped["ref_grid_emission_factors"],
        current_period_index(),
    )


def check_file(path: Path, settings: Settings) -> CheckResult:
    """Parse and validate ``path`` as the intake would; land nothing."""
    try:
        parsed = parse_submission(path.name, path.read_bytes(), settings.limits)
    except UnreadableFile as error:
        return CheckResult(path.name, 0, pl.DataFrame(), error)
    except Exception as error:  # noqa: BLE001 - the intake refuses such a file, and says so
        return CheckResult(path.name, 0, pl.DataFrame(), failed_to_read(error))
    known = known_codes(settings)
    lines = parsed.lines.with_columns(sha256=pl.lit(""), file_name=pl.lit(path.name))
    keys = wh.file_keys(lines).select("sha256", file_tax_code="tax_code", file_period="period")
    # Other files of the month are the warehouse's to judge: a checked file is not landed.
    lines = lines.join(keys, on="sha256", how="left").with_columns(revision_is_newer=pl.lit(True))
    prepared = lines_suite.prepared_lines(lines, known)
    outcome = run_suite(prepared, lines_suite.suite(known))
    return CheckResult(path.name, lines.height, quarantine_rows(prepared, outcome.failures))
