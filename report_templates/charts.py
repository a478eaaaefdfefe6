"""Charts as inline SVG: a trend against a path, a scope split, a ranked comparison and a
long-range pathway. Pure: numbers and labels in, SVG markup out.

Four small, tested templates instead of a plotting library: the charts are simple, the
output is deterministic (same numbers → same bytes, which PDF/A byte-identity needs), text
stays text (searchable, in the shipped font, ``font-family`` set on every ``<text>``, as
WeasyPrint needs), and nothing but markup enters the report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = "'Noto Sans', 'DejaVu Sans', sans-serif"
INK = "#1d2a24"
MUTED = "#5b6b63"
GRID = "#dfe7e2"
ACTUAL = "#8cc1a5"
PATH = "#b4472d"
DOT = "#1f6f4a"
PALETTE = ("#1f6f4a", "#7fb89a", "#3a6ea5", "#a9c7e6", "#c98b2b", "#8c6bb1")

Number = float | int | None
Fmt = Callable[[float], str]


@dataclass(frozen=True)
class Frame:
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def inner_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def inner_height(self) -> float:
        return self.height - self.top - self.bottom


def nice_ticks(maximum: float, count: int = 4) -> list[float]:
    """0 and round steps (1, 2, 2.5, 5 × 10ⁿ) that reach at least ``maximum``."""
    if not maximum or maximum <= 0 or not math.isfinite(maximum):
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    top = math.ceil(maximum / step - 1e-9) * step
    return [round(i * step, 10) for i in range(round(top / step) + 1)]


def _f(value: float) -> str:
    """Coordinates with 0.1 precision: small files, stable bytes."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(
    x: float, y: float, content: str, anchor: str = "start", size: float = 8, fill: str = INK
) -> str:
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-family="{FONT}" font-size="{_f(size)}" '
        f'fill="{fill}" text-anchor="{anchor}">{escape(content)}</text>'
    )


def _svg(frame: Frame, uid: str, title: str, desc: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {_f(frame.width)} '
        f'{_f(frame.height)}" width="{_f(frame.width)}" height="{_f(frame.height)}" '
        f'role="img" aria-labelledby="{uid}-t {uid}-d" font-family="{FONT}">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _y_axis(frame: Frame, ticks: list[float], fmt: Fmt, unit: str) -> list[str]:
    top = ticks[-1] or 1.0
    out = []
    for tick in ticks:
        y = frame.top + frame.inner_height * (1 - tick / top)
        out.append(
            f'<line x1="{_f(frame.left)}" x2="{_f(frame.width - frame.right)}" y1="{_f(y)}" '
            f'y2="{_f(y)}" stroke="{GRID}" stroke-width="0.6"/>'
        )
        out.append(_text(frame.left - 4, y + 2.8, fmt(tick), "end", 7))
    out.append(_text(frame.left - 4, frame.top - 6, unit, "end", 7))
    return out


def _item_width(label: str) -> float:
    """Room a legend item takes: swatch, gap, and ~0.6 em per character at 7.5 units."""
    return 24 + 4.5 * len(label)


def _legend_lines(items: Sequence[tuple[str, str, str]], x: float, width: float) -> int:
    lines, cursor = 1, x
    for _kind, _colour, label in items:
        if cursor + _item_width(label) > width and cursor > x:
            lines, cursor = lines + 1, x
        cursor += _item_width(label)
    return lines


def _legend(
    x: float, y: float, items: Sequence[tuple[str, str, str]], width: float = 1e9
) -> list[str]:
    """(kind, colour, label) with kind 'box', 'line', 'dot' or 'mark', left to right,
    wrapping to a new line (13 units down) when the next item would pass ``width``."""
    out = []
    start = x
    for kind, colour, label in items:
        if x + _item_width(label) > width and x > start:
            x, y = start, y + 13
        if kind == "box":
            out.append(f'<rect x="{_f(x)}" y="{_f(y - 7)}" width="9" height="9" fill="{colour}"/>')
        elif kind == "mark":
            out.append(_text(x + 4.5, y, "×", "middle", 8, MUTED))
        elif kind == "dot":
            out.append(f'<circle cx="{_f(x + 4.5)}" cy="{_f(y - 2.5)}" r="3" fill="{colour}"/>')
        else:
            out.append(
                f'<line x1="{_f(x)}" x2="{_f(x + 12)}" y1="{_f(y - 2.5)}" y2="{_f(y - 2.5)}" '
                f'stroke="{colour}" stroke-width="2" stroke-dasharray="4 2"/>'
            )
        out.append(_text(x + 15, y, label, "start", 7.5))
        x += _item_width(label)
    return out


def trend_vs_path(
    months: Sequence[str],
    actual: Sequence[Number],
    path: Sequence[Number],
    *,
    uid: str,
    title: str,
    labels: dict[str, str],
    fmt: Fmt,
    unit: str = "tCO₂e",
    width: float = 480,
    height: float = 210,
) -> Markup:
    """Monthly bars of what was emitted, a dashed line of the path; a month with no data has
    no bar and a small mark on the axis, never a zero bar."""
    legend = [("box", ACTUAL, labels["actual"]), ("line", PATH, labels["path"])]
    if None in actual:
        legend.append(("mark", MUTED, labels["missing"]))
    extra = 13 * (_legend_lines(legend, 52, width) - 1)
    height += extra
    frame = Frame(width, height, left=52, right=10, top=26, bottom=40 + extra)
    values = [v for v in [*actual, *path] if v is not None]
    ticks = nice_ticks(max(values, default=0.0))
    top = ticks[-1] or 1.0
    slot = frame.inner_width / max(len(months), 1)
    base = frame.top + frame.inner_height
    body = _y_axis(frame, ticks, fmt, unit)
    for i, (month, value) in enumerate(zip(months, actual, strict=True)):
        x = frame.left + i * slot
        if value is None:
            body.append(_text(x + slot / 2, base - 2, "×", "middle", 8, MUTED))
        else:
            h = frame.inner_height * value / top
            body.append(
                f'<rect x="{_f(x + slot * 0.15)}" y="{_f(base - h)}" width="{_f(slot * 0.7)}" '
                f'height="{_f(h)}" fill="{ACTUAL}"><title>{escape(month)}: '
                f"{escape(fmt(value))} {escape(unit)}</title></rect>"
            )
        if i % 3 == len(months) % 3 or len(months) <= 12:
            body.append(_text(x + slot / 2, base + 11, f"{month[5:7]}/{month[2:4]}", "middle", 7))
    for points in _path_segments(path, frame, slot, top):
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{PATH}" '
            'stroke-width="2.2" stroke-dasharray="5 3"/>'
        )
    body.append(
        f'<line x1="{_f(frame.left)}" x2="{_f(width - frame.right)}" y1="{_f(base)}" '
        f'y2="{_f(base)}" stroke="{INK}" stroke-width="0.8"/>'
    )
    body += _legend(frame.left, height - 8 - extra, legend, width)
    return _svg(frame, uid, title, labels.get("desc", title), body)


def _path_segments(
    path: Sequence[Number], frame: Frame, slot: float, top: float
) -> list[list[str]]:
    """The path's points as polyline segments, broken where the path is unknown."""
    base = frame.top + frame.inner_height
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, value in enumerate(path):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        x = frame.left + (i + 0.5) * slot
        segment.append(f"{_f(x)},{_f(base - frame.inner_height * value / top)}")
    if segment:
        segments.append(segment)
    return segments


def split_bar(
    parts: Sequence[tuple[str, Number]],
    *,
    uid: str,
    title: str,
    fmt: Fmt,
    unit: str = "tCO₂e",
    width: float = 480,
    height: float = 64,
) -> Markup:
    """One horizontal bar split into its parts (e.g. Scope 1 stationary, mobile, Scope 2),
    each labelled with its value and share."""
    known = [(label, float(v)) for label, v in parts if v]
    height = height + 13 * max(len(known) - 1, 0)
    frame = Frame(width, height, left=0, right=0, top=4, bottom=30)
    total = sum(v for _, v in known)
    body: list[str] = []
    x = 0.0
    legend = []
    for i, (label, value) in enumerate(known):
        colour = PALETTE[i % len(PALETTE)]
        w = frame.inner_width * value / total if total else 0
        body.append(
            f'<rect x="{_f(x)}" y="{_f(frame.top)}" width="{_f(w)}" height="22" fill="{colour}">'
            f"<title>{escape(label)}: {escape(fmt(value))} {escape(unit)}</title></rect>"
        )
        if w > 40:
            share = f"{round(100 * value / total)} %"
            body.append(
                f'<text x="{_f(x + w / 2)}" y="{_f(frame.top + 14.5)}" font-family="{FONT}" '
                f'font-size="8" fill="#ffffff" text-anchor="middle">{escape(share)}</text>'
            )
        x += w
        legend.append(("box", colour, f"{label}: {fmt(value)} {unit}"))
    for i, item in enumerate(legend):  # one line each: bilingual labels are long
        body += _legend(0, frame.top + 22 + 14 + 13 * i, [item])
    return _svg(frame, uid, title, title, body)


def ranked_bars(
    items: Sequence[tuple[str, Number, str]],
    *,
    uid: str,
    title: str,
    fmt: Fmt,
    unit: str = "tCO₂e",
    width: float = 480,
    label_width: float = 190,
) -> Markup:
    """Horizontal bars, one per item (label, value, note), in the order given."""
    row = 17.0
    frame = Frame(width, 18 + row * len(items) + 6, left=label_width, right=80, top=14, bottom=6)
    values = [float(v) for _, v, _ in items if v is not None]
    ticks = nice_ticks(max(values, default=0.0))
    top = ticks[-1] or 1.0
    body = [_text(frame.left, 9, unit, "start", 7)]
    for i, (label, value, note) in enumerate(items):
        y = frame.top + i * row
        body.append(_text(frame.left - 6, y + 11, label, "end", 7.5))
        if value is not None:
            w = frame.inner_width * float(value) / top
            body.append(
                f'<rect x="{_f(frame.left)}" y="{_f(y + 2)}" width="{_f(w)}" '
                f'height="{_f(row - 5)}" fill="{PALETTE[0]}"/>'
            )
            body.append(
                _text(frame.left + w + 4, y + 11, f"{fmt(float(value))} {note}".strip(), "start", 7)
            )
        else:
            body.append(_text(frame.left + 4, y + 11, f"– {note}".strip(), "start", 7))
    return _svg(frame, uid, title, title, body)


def pathway(
    years: Sequence[int],
    path: Sequence[Number],
    actual: Sequence[tuple[int, float, str]],
    *,
    uid: str,
    title: str,
    labels: dict[str, str],
    fmt: Fmt,
    unit: str = "tCO₂e",
    width: float = 480,
    height: float = 220,
) -> Markup:
    """The long path to net zero by year (dashed line) and the actual annual points (dots,
    each with its label: a calendar year or 'last 12 months')."""
    legend = [("line", PATH, labels["path"]), ("dot", DOT, labels["actual"])]
    extra = 13 * (_legend_lines(legend, 56, width) - 1)
    height += extra
    frame = Frame(width, height, left=56, right=12, top=26, bottom=40 + extra)
    values = [v for v in path if v is not None] + [v for _, v, _ in actual]
    ticks = nice_ticks(max(values, default=0.0))
    top = ticks[-1] or 1.0
    first, last = (years[0], years[-1]) if years else (0, 1)
    span = max(last - first, 1)
    base = frame.top + frame.inner_height

    def x_of(year: float) -> float:
        return frame.left + frame.inner_width * (year - first) / span

    def y_of(value: float) -> float:
        return base - frame.inner_height * value / top

    body = _y_axis(frame, ticks, fmt, unit)
    step = 5 if span > 15 else 1
    for year in years:
        on_step = year % step == 0
        near_step = any((year + d) % step == 0 for d in range(-2, 3) if d)
        if on_step or (year in (first, last) and not near_step):
            body.append(_text(x_of(year), base + 11, str(year), "middle", 7))
    points = [
        f"{_f(x_of(y))},{_f(y_of(float(v)))}"
        for y, v in zip(years, path, strict=True)
        if v is not None
    ]
    if points:
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{PATH}" '
            'stroke-width="1.8" stroke-dasharray="5 3"/>'
        )
    for year, value, note in actual:
        body.append(
            f'<circle cx="{_f(x_of(year))}" cy="{_f(y_of(value))}" r="3.2" fill="{DOT}">'
            f"<title>{escape(note)}: {escape(fmt(value))} {escape(unit)}</title></circle>"
        )
    body.append(
        f'<line x1="{_f(frame.left)}" x2="{_f(width - frame.right)}" y1="{_f(base)}" '
        f'y2="{_f(base)}" stroke="{INK}" stroke-width="0.8"/>'
    )
    body += _legend(frame.left, height - 8 - extra, legend, width)
    return _svg(frame, uid, title, labels.get("desc", title), body)


def daily_against_limit(
    days: Sequence[str],
    values: Sequence[Number],
    exceeded: Sequence[bool],
    limits: tuple[Number, Number],
    *,
    uid: str,
    title: str,
    labels: dict[str, str],
    fmt: Fmt,
    unit: str,
    width: float = 480,
    height: float = 170,
) -> Markup:
    """A month of daily averages as bars against the permitted limit (a dashed line; for
    pH its minimum too): a day over the limit in the warning colour, a day not judged (too
    few valid hours) or without readings as a mark on the axis, never a bar."""
    low, high = limits
    legend = [("box", ACTUAL, labels["judged"]), ("box", PATH, labels["exceeded"])]
    legend.append(("line", INK, labels["limit"]))
    if None in values:
        legend.append(("mark", MUTED, labels["missing"]))
    extra = 13 * (_legend_lines(legend, 52, width) - 1)
    height += extra
    frame = Frame(width, height, left=52, right=10, top=22, bottom=36 + extra)
    known = [v for v in values if v is not None] + [v for v in (low, high) if v is not None]
    ticks = nice_ticks(max(known, default=0.0) * 1.05)
    top = ticks[-1] or 1.0
    slot = frame.inner_width / max(len(days), 1)
    base = frame.top + frame.inner_height
    body = _y_axis(frame, ticks, fmt, unit)
    for i, (day, value, over) in enumerate(zip(days, values, exceeded, strict=True)):
        x = frame.left + i * slot
        if value is None:
            body.append(_text(x + slot / 2, base - 2, "×", "middle", 8, MUTED))
        else:
            h = frame.inner_height * value / top
            body.append(
                f'<rect x="{_f(x + slot * 0.15)}" y="{_f(base - h)}" width="{_f(slot * 0.7)}" '
                f'height="{_f(h)}" fill="{PATH if over else ACTUAL}"><title>{escape(day)}: '
                f"{escape(fmt(value))} {escape(unit)}</title></rect>"
            )
        if i % 5 == 0 or i == len(days) - 1:
            body.append(_text(x + slot / 2, base + 11, day, "middle", 7))
    for limit in (low, high):
        if limit is not None:
            y = base - frame.inner_height * limit / top
            body.append(
                f'<line x1="{_f(frame.left)}" x2="{_f(width - frame.right)}" y1="{_f(y)}" '
                f'y2="{_f(y)}" stroke="{INK}" stroke-width="1.4" stroke-dasharray="5 3"/>'
            )
    body.append(
        f'<line x1="{_f(frame.left)}" x2="{_f(width - frame.right)}" y1="{_f(base)}" '
        f'y2="{_f(base)}" stroke="{INK}" stroke-width="0.8"/>'
    )
    body += _legend(frame.left, height - 8 - extra, legend, width)
    return _svg(frame, uid, title, labels.get("desc", title), body)
