"""Reporting periods ("YYYY-MM"): small pure helpers."""

from __future__ import annotations


def period_index(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def period_from_index(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def periods_between(first: str, last: str) -> list[str]:
    """Every period from ``first`` to ``last``, both included."""
    return [period_from_index(i) for i in range(period_index(first), period_index(last) + 1)]
