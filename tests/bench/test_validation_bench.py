"""The validation benchmark's floor checks the same rules as the GX suite (never timed here)."""

from bench.validation import polars_floor, synthetic_lines
from expectations import run_suite
from expectations import submission_lines as lines_suite


def test_floor_and_suite_reject_the_same_lines() -> None:
    """It finds the same 2 bad lines in 2,000 with Polars alone and with GX."""
    frame, known = synthetic_lines(2_000)
    prepared = lines_suite.prepared_lines(frame, known)
    outcome = run_suite(prepared, lines_suite.suite(known))
    assert polars_floor(prepared, known) == outcome.failures["row_key"].n_unique() == 2
