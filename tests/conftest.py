"""Shared fixtures: the real reference tables, and one Prefect test server per session."""

from __future__ import annotations

import os
from collections.abc import Iterator

import polars as pl
import pytest

from transforms import REFERENCE_DIR

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


def reference(name: str) -> pl.LazyFrame:
    """A reference table as the warehouse loads it (code and id columns as text)."""
    path = REFERENCE_DIR / f"{name}.csv"
    header = pl.read_csv(path, n_rows=0).columns
    codes = {c: pl.String for c in header if c.endswith(("_code", "_id"))}
    return pl.read_csv(path, infer_schema_length=None, schema_overrides=codes).lazy()


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """A throwaway Prefect API for the end-to-end tests (about 15 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def prefect_api_url(prefect_server: None) -> str:
    """That server's API, for the `netzero run` subprocesses of the crash tests: each saves
    the ~3 s an embedded server takes to start and stop. The tests of what happens to an
    embedded server (stopped on a signal, an orphan stopped by the next run) keep theirs."""
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value())
