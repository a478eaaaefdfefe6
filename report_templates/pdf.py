"""Write a rendered report: self-contained HTML and PDF/A-3b with its data attached as CSV
(formula-safe, printable text), laid out with the collector held back."""

from __future__ import annotations

import csv
import gc
import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from report_templates.render import (
    CONTROL_CHARACTERS,
    HERE,
    SPAN_EN,
    SPAN_VI,
    Edition,
    plain,
    render_html,
)

# A text cell starting with one of these runs as a formula when a spreadsheet opens the CSV
# (OWASP, CSV injection): it gets a leading apostrophe, shown as text, never run.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Significant digits a float keeps in a CSV: far beyond any measurement, short of the
# binary tail a sum leaves (8.96727680000004 is 8.9672768).
CSV_SIGNIFICANT_DIGITS = 12


def neutralise(value: object) -> object:
    """A CSV cell as every CSV the project writes has it: text that cannot run as a formula
    and holds no control character; a float to 12 significant digits, written out in full
    (no exponent); integers and empty cells as they are."""
    if isinstance(value, float) and math.isfinite(value):
        return format(Decimal(f"{value:.{CSV_SIGNIFICANT_DIGITS}g}") + 0, "f")  # + 0: no -0
    if not isinstance(value, str):
        return value
    text = CONTROL_CHARACTERS.sub("\ufffd", value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV (UTF-8, comma, dot decimals): machine-readable, whatever the edition, and
    safe to open in a spreadsheet (``neutralise``)."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def as_utc(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


# One FontConfiguration per process, reused across reports (a new one costs ~0.16 s).
_fonts: Any = None

# Generation-0 threshold while WeasyPrint lays out a report. Laying out a report creates a
# great many short-lived objects (boxes, styles, Pango wrappers); at Python's default
# threshold of 700 the cyclic collector runs over and over during one report and rescans the
# survivors each time. Measured on the demo's enterprise reports (CPU time, 15 reports, one
# process): median 0.93–0.98 s at 700, 0.82–0.86 s at 100,000. Memory is returned all the
# same when the document is dropped; the threshold is restored afterwards.
LAYOUT_GC_THRESHOLD = 100_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    previous = gc.get_threshold()
    gc.set_threshold(LAYOUT_GC_THRESHOLD, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


# The language of each bilingual span, as ``bilingual_html`` writes it (SPAN_VI, SPAN_EN).
# The HTML a reader opens keeps it (a screen reader switches voice on it); the PDF's layout
# does not need it: WeasyPrint tags the PDF with the root's language only, no rule selects on
# ``:lang()``, and Pango breaks Vietnamese and English lines alike. Each span's own language
# costs a separate text style per span in layout: measured −0.05 s CPU of ~1.33 s per
# enterprise report.
SPAN_LANGUAGES = tuple((span, span.replace(' lang="vi"', "").replace(' lang="en"', ""))
                       for span in (SPAN_VI, SPAN_EN))  # fmt: skip


def for_layout(html: str) -> str:
    """The report's HTML as the PDF lays it out: the same, without each span's language."""
    for marked, bare in SPAN_LANGUAGES:
        html = html.replace(marked, bare)
    return html


def _prepared(html: str) -> tuple[Any, Any, Any]:
    """The report's document for WeasyPrint, the fonts' stylesheet and the fetcher that
    reads nothing but the package's own files and ``data:`` URLs."""
    global _fonts  # noqa: PLW0603 - one FontConfiguration per process, reused across reports
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    if _fonts is None:
        _fonts = FontConfiguration()
    fetcher = URLFetcher(allowed_protocols=["file", "data"])
    document = HTML(string=for_layout(html), base_url=str(HERE), url_fetcher=fetcher)
    fonts_css = CSS(filename=str(HERE / "fonts.css"), font_config=_fonts, url_fetcher=fetcher)
    return document, fonts_css, fetcher


def laid_out(html: str) -> Any:
    """The report laid out in pages as the PDF has them (WeasyPrint's ``Document``): for
    checks on the layout itself, such as every table fitting its page."""
    document, fonts_css, _ = _prepared(html)
    with fewer_collections():
        return document.render(stylesheets=[fonts_css], font_config=_fonts, pdf_tags=True)


def write_pdf(
    html: str, target: Path | io.BytesIO, attachments: Sequence[dict[str, Any]] = ()
) -> None:
    """Lay out and write a tagged PDF/A-3b: fonts from report_templates/fonts only, nothing fetched,
    the report's own data attached as CSV files (relationship "Data"), metadata from the
    HTML head. Attachment dates come from the HTML's ``dcterms.created``, so the same HTML
    gives the same bytes."""
    from weasyprint import Attachment

    document, fonts_css, fetcher = _prepared(html)
    files = [
        Attachment(
            string=a["content"].encode("utf-8"),
            name=a["name"],
            description=a["description"],
            created=a["created"],
            modified=a["created"],
            relationship="Data",
            url_fetcher=fetcher,
        )
        for a in attachments
    ]
    document.write_pdf(
        target,
        stylesheets=[fonts_css],
        font_config=_fonts,
        pdf_variant="pdf/a-3b",
        # Tagged (headings, lists, tables with their header cells, figures): a screen reader
        # reads the report in order. Measured +0.10 s per report (+12–16 %, fixtures, one core).
        pdf_tags=True,
        attachments=files,
        custom_metadata=True,
        uncompressed_pdf=False,
        finisher=one_entry_per_attachment,
    )


def one_entry_per_attachment(document: object, pdf: Any) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's associated files (/AF):
    once from the embedded-files name tree, once from the file specification itself. Keep
    each once, in order, before the PDF is written."""
    import pydyf  # type: ignore[import-untyped]

    listed = pdf.catalog.get("AF")
    if listed:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(listed))  # references, bytes


def render_to_files(
    report: str,
    context: dict[str, Any],
    html_path: Path,
    pdf_path: Path,
    edition: Edition = "bilingual",
) -> tuple[Path, Path]:
    """Write one report as self-contained HTML and as PDF/A-3b (one process's work)."""
    html, pdf = render_to_bytes(report, context, edition)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(html, encoding="utf-8")
    pdf_path.write_bytes(pdf)
    return html_path, pdf_path


def render_to_bytes(
    report: str, context: dict[str, Any], edition: Edition = "bilingual"
) -> tuple[str, bytes]:
    """One report as (HTML text, PDF bytes): what a remote worker sends back, so that a
    cluster needs no filesystem shared with the machine that publishes."""
    with fewer_collections():
        return _render_to_bytes(report, context, edition)


def _render_to_bytes(report: str, context: dict[str, Any], edition: Edition) -> tuple[str, bytes]:
    html = render_html(report, context, edition)
    created = as_utc(context["stamp"]["as_of"])
    attachments = [
        {
            "name": f"{name}.csv",
            "description": plain(edition, description),
            "content": csv_text(rows),
            "created": created,
        }
        for name, description, rows in context.get("data_files", [])
    ]
    buffer = io.BytesIO()
    write_pdf(html, buffer, attachments)
    return html, buffer.getvalue()
