"""A report's fingerprint (flows/render_reports.py) decides whether it is rendered again: it
must stay the digest of its whole context, and making it must not hold that context's JSON
(the province's at 10,000 enterprises took 336 MiB for a moment of the month's run)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tracemalloc
from decimal import Decimal
from pathlib import Path

from flows.render_reports import code_fingerprint, fingerprint


def _as_before(job: tuple) -> str:
    """The fingerprint as it was first written: one JSON string of the whole job."""
    report, context, _html, _pdf, edition = job
    payload = json.dumps(
        [report, edition, context], sort_keys=True, default=str, ensure_ascii=False
    )
    return hashlib.sha256((code_fingerprint() + payload).encode()).hexdigest()


def _job(context: dict) -> tuple:
    return ("province_monthly", context, Path("p.html"), Path("p.pdf"), "vi")


def _members(n: int) -> list[dict]:
    return [
        {
            "tax_code": f"37{i:08d}",
            "name": f"Công ty TNHH Đồng Nai số {i}",
            "tco2e": i * 1.25 if i % 7 else None,
            "period": dt.date(2026, 10, 1),
            "share": Decimal("0.1") * i,
            "flags": ("late", "revised") if i % 3 == 0 else (),
            "by_month": {"2026-09": i, "2026-10": [i, None, {"z": 1, "a": "ạ"}]},
        }
        for i in range(n)
    ]


def test_the_fingerprint_is_the_digest_of_the_whole_job_as_before() -> None:
    contexts = [
        {},
        {"b": 1, "a": [], "c": {}},
        {"members": _members(3), "title": "Báo cáo", "empty": []},
        {"members": _members(2_000), "parts": [{"first": 1, "last": 250}] * 600, "n": 2.5},
        {"keys": {"1": "one", "two": 2}, "nan": float("nan"), "big": list(range(1_000))},
        {"ẩn": "ố", "a": {"ă": ["ơ"] * 300}},
    ]
    for context in contexts:
        assert fingerprint(_job(context)) == _as_before(_job(context))
    # and it still tells contexts apart
    assert fingerprint(_job({"a": [1, 2]})) != fingerprint(_job({"a": [2, 1]}))


def test_the_fingerprint_does_not_hold_the_context_s_json() -> None:
    job = _job({"members": _members(25_000), "title": "Tỉnh"})
    size = len(json.dumps(job[1], sort_keys=True, default=str, ensure_ascii=False).encode())
    code_fingerprint()  # cached: not part of what is measured
    tracemalloc.start()
    try:
        fingerprint(job)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 5_000_000
    assert peak < size / 4, f"{peak:,} bytes at once for a context of {size:,} bytes of JSON"
