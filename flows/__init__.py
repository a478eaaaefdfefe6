"""Prefect flows and tasks, the CLI, and every IO edge.

Polars' allocator (jemalloc, configured by ``_RJEM_MALLOC_CONF`` when Polars loads) keeps
freed pages for ten seconds by default: a run that lands a month of station files batch after
batch then grows by ~20 MB a batch (2.7 M readings: 1.7 GB instead of under 1). Returned at
once instead; set before anything imports Polars, and an operator's own setting wins.
"""

import os

JEMALLOC_CONF = "dirty_decay_ms:0,muzzy_decay_ms:0"
os.environ.setdefault("_RJEM_MALLOC_CONF", JEMALLOC_CONF)
