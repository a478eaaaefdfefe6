"""Float sums that do not depend on row order."""

import random

import polars as pl

from transforms.sums import stable_mean, stable_sum


def test_the_same_values_in_any_order_sum_to_the_same_bits() -> None:
    """It gives bit-identical sums for every shuffle, in a group-by as a rebuild does, where
    a plain sum differs in the last bits (values chosen so that order matters)."""
    values = [0.41976, 11.745840000000001, 196.328234, 1e-9, 3.3e5, 0.1, 0.2, 0.3] * 50
    rng = random.Random(7)
    results = set()
    for _ in range(20):
        shuffled = values[:]
        rng.shuffle(shuffled)
        frame = pl.DataFrame({"g": [1] * len(shuffled), "v": shuffled}).lazy()
        results.add(frame.group_by("g").agg(stable_sum(pl.col("v"))).collect().item(0, 1))
    assert len(results) == 1
    assert results.pop() == sum(sorted(values))


def test_nulls_are_skipped_and_nothing_sums_to_zero() -> None:
    """It behaves like sum(): nulls skipped, an empty or all-null group gives 0."""
    frame = pl.DataFrame({"g": [1, 1, 2], "v": [1.5, None, None]})
    out = dict(frame.group_by("g").agg(stable_sum(pl.col("v"))).sort("g").iter_rows())
    assert out == {1: 1.5, 2: 0.0}


def test_a_mean_in_any_order_is_the_same_bits_and_nothing_averages_to_null() -> None:
    """The wastewater averages (hourly, daily) use it: a crash-and-rerun found a daily pH
    average that differed in its last bit (7.099999999999998 against …999)."""
    values = [7.1, 7.2, 7.05, 7.3, 7.15, 6.95] * 4
    rng = random.Random(3)
    results = set()
    for _ in range(20):
        shuffled = values[:]
        rng.shuffle(shuffled)
        frame = pl.DataFrame({"g": [1] * len(shuffled), "v": shuffled}).lazy()
        results.add(frame.group_by("g").agg(stable_mean(pl.col("v"))).collect().item(0, 1))
    assert results == {sum(sorted(values)) / len(values)}
    empty = pl.DataFrame({"g": [1, 2], "v": [None, 2.0]}, schema={"g": pl.Int64, "v": pl.Float64})
    out = dict(empty.group_by("g").agg(stable_mean(pl.col("v"))).sort("g").iter_rows())
    assert out == {1: None, 2: 2.0}
