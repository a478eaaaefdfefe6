"""The SVG chart templates: scales, gaps, escaping, well-formed and deterministic output."""

import re
import xml.etree.ElementTree as ET

import pytest

from report_templates import charts


def fmt(value: float) -> str:
    return f"{value:g}"


LABELS = {"actual": "Emissions", "path": "Path", "missing": "No data"}


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [
        (95.0, [0, 25, 50, 75, 100]),
        (100.0, [0, 25, 50, 75, 100]),
        (1234.0, [0, 500, 1000, 1500]),
        (0.8, [0, 0.2, 0.4, 0.6, 0.8]),
        (0.0, [0, 1]),
        (7.0, [0, 2, 4, 6, 8]),
    ],
)
def test_nice_ticks_are_round_and_reach_the_maximum(maximum: float, expected: list[float]) -> None:
    """It picks 1/2/2.5/5 × 10ⁿ steps from 0 to at least the maximum."""
    assert charts.nice_ticks(maximum) == expected


def test_trend_bars_scale_to_the_axis_and_a_missing_month_has_no_bar() -> None:
    """It draws a bar per known month, its height in proportion to the top tick (100 here),
    no bar but a mark for the missing month, and the path as a dashed line of 3 points."""
    svg = charts.trend_vs_path(
        ["2026-08", "2026-09", "2026-10"],
        [50.0, None, 100.0],
        [80.0, 80.0, 80.0],
        uid="t",
        title="Trend <script>",
        labels=LABELS,
        fmt=fmt,
    )
    root = ET.fromstring(str(svg))  # well-formed XML
    rects = [r for r in root.iter("rect") if r.get("fill") == charts.ACTUAL]
    assert len(rects) == 2 + 1  # two bars and the legend swatch
    heights = sorted(float(r.get("height", 0)) for r in rects if float(r.get("height", 0)) > 9)
    inner = 210 - 26 - 40
    assert heights == pytest.approx([inner * 0.5, inner * 1.0], abs=0.1)
    (line,) = root.iter("polyline")
    assert len(line.get("points", "").split()) == 3
    assert "×" in "".join(t.text or "" for t in root.iter("text"))
    assert "<script>" not in str(svg) and "&lt;script&gt;" in str(svg)
    assert root.get("role") == "img" and root.find("title") is not None


def test_path_gaps_split_the_line() -> None:
    """It never draws the path across a month where the path is unknown."""
    svg = charts.trend_vs_path(
        ["2026-01", "2026-02", "2026-03", "2026-04"],
        [1.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, None, 1.0],
        uid="g",
        title="t",
        labels=LABELS,
        fmt=fmt,
    )
    assert len(re.findall("<polyline", str(svg))) == 2


def test_split_bar_widths_are_shares_of_the_total() -> None:
    """It gives each part a width in proportion to its share; empty parts are left out."""
    svg = charts.split_bar(
        [("Scope 1", 25.0), ("Mobile", None), ("Scope 2", 75.0)], uid="s", title="t", fmt=fmt
    )
    root = ET.fromstring(str(svg))
    widths = [float(r.get("width", 0)) for r in root.iter("rect") if r.get("height") == "22"]
    whole = float(root.get("width", 0))
    assert widths == pytest.approx([0.25 * whole, 0.75 * whole])
    assert "Mobile" not in str(svg)


def test_pathway_puts_years_on_a_linear_axis() -> None:
    """It places 2020 at the left edge, 2050 at the right, and an actual point between."""
    svg = charts.pathway(
        list(range(2020, 2051)),
        [100.0 - (y - 2020) * 100 / 30 for y in range(2020, 2051)],
        [(2025, 90.0, "2025")],
        uid="p",
        title="t",
        labels={"path": "Path", "actual": "Actual"},
        fmt=fmt,
    )
    root = ET.fromstring(str(svg))
    (dot,) = [c for c in root.iter("circle") if c.find("title") is not None]
    left, right = 56.0, float(root.get("width", 0)) - 12
    assert float(dot.get("cx", 0)) == pytest.approx(left + (right - left) * 5 / 30, abs=0.1)


def test_same_numbers_give_the_same_bytes() -> None:
    """It is deterministic: PDF/A byte-identity depends on it."""
    args = (["2026-10"], [1.5], [2.0])
    one = charts.trend_vs_path(*args, uid="d", title="t", labels=LABELS, fmt=fmt)
    two = charts.trend_vs_path(*args, uid="d", title="t", labels=LABELS, fmt=fmt)
    assert one == two
