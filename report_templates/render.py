"""Report context in, HTML out (pure), then PDF (the edge). Templates and catalogs live here.

The standard edition is bilingual: every label shows Vietnamese first and English under
it. Words come from the gettext catalog (English msgids, ``locale/vi/.../messages.po``);
numbers are formatted by Babel in Vietnamese style (``1.234,5``), as an agency files them.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

HERE = Path(__file__).parent
CATALOG = HERE / "locale" / "vi" / "LC_MESSAGES" / "messages.po"
REPORTS = ("enterprise_monthly", "park_monthly", "province_monthly")
NUMBER_LOCALE = "vi_VN"


class MissingTranslation(KeyError):
    pass


@cache
def vietnamese() -> dict[str, str]:
    """msgid → Vietnamese msgstr, NFC, from the committed .po file."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    return {
        str(m.id): unicodedata.normalize("NFC", str(m.string)) for m in catalog if m.id and m.string
    }


def vi(msgid: str) -> str:
    try:
        return vietnamese()[msgid]
    except KeyError:
        raise MissingTranslation(f"no Vietnamese translation for {msgid!r}") from None


def bi(msgid: str) -> Markup:
    """A label in both languages: Vietnamese, then English."""
    return Markup(
        '<span class="vi" lang="vi">{}</span><span class="en" lang="en">{}</span>'
    ).format(vi(msgid), msgid)


def num(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=NUMBER_LOCALE)


def pct(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    return format_percent(value, format=pattern, locale=NUMBER_LOCALE)


def period_label(period: str) -> str:
    return f"{period[5:7]}/{period[:4]}"


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE),
        autoescape=select_autoescape(["j2", "html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(bi=bi, vi=vi)
    env.filters.update(
        num=num,
        pct=pct,
        period=period_label,
        day=day,
        nfc=lambda s: escape(unicodedata.normalize("NFC", str(s))),
    )
    return env


def render_html(report: str, context: dict[str, Any]) -> str:
    """Same context gives the same HTML: it is what the golden tests pin."""
    css = (HERE / "base.css").read_text(encoding="utf-8")
    template = environment().get_template(f"{report}/report.html.j2")
    return template.render(css=Markup(css), **context)


_fonts: Any = None


def write_pdf(html: str, target: Path) -> None:
    """Lay out and write the PDF; fonts come from report_templates/fonts only."""
    global _fonts  # noqa: PLW0603 - one FontConfiguration per process, reused across reports
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    if _fonts is None:
        _fonts = FontConfiguration()
    # Rendering fetches nothing from the network: local files and data: URLs only.
    fetcher = URLFetcher(allowed_protocols=["file", "data"])
    document = HTML(string=html, base_url=str(HERE), url_fetcher=fetcher)
    fonts_css = CSS(filename=str(HERE / "fonts.css"), font_config=_fonts, url_fetcher=fetcher)
    document.write_pdf(target, stylesheets=[fonts_css], font_config=_fonts, pdf_variant="pdf/a-3u")


def render_to_files(
    report: str, context: dict[str, Any], html_path: Path, pdf_path: Path
) -> tuple[Path, Path]:
    """Write one report as self-contained HTML and as PDF/A-3u (one process's work)."""
    html = render_html(report, context)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(html, encoding="utf-8")
    write_pdf(html, pdf_path)
    return html_path, pdf_path
