"""Report context in, HTML out (pure), then PDF/A (the edge). Templates, catalogs and
editions live here.

Words come from the gettext catalogs (``locale/<lang>/LC_MESSAGES/messages.po``, English
msgids) through Jinja2's i18n extension: templates write ``{{ _("Scope 1") }}``. What ``_``
returns depends on the *edition*:

- ``bilingual`` (the standard edition): Vietnamese first, English beside or under it
  (``<span lang="vi">…</span><span lang="en">…</span>``; CSS places the English);
  numbers and dates in Vietnamese notation (``1.234,5``, ``dd/MM/yyyy``), as an agency
  files them;
- ``vi``: Vietnamese only, Vietnamese notation;
- ``en``: English only, English notation (``1,234.5``, ``22 Nov 2026``).

A msgid the Vietnamese catalog lacks stops the rendering (``MissingTranslation``); it never
falls back to English silently.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any, Literal

from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from report_templates import charts
from report_templates.units import SYMBOLS, UNIT_MSGIDS

HERE = Path(__file__).parent
LOCALE = HERE / "locale"
REPORTS = ("enterprise_monthly", "park_monthly", "province_monthly", "method_annex")
Edition = Literal["bilingual", "vi", "en"]
EDITIONS: tuple[Edition, ...] = ("bilingual", "vi", "en")
NUMBER_LOCALES = {"bilingual": "vi_VN", "vi": "vi_VN", "en": "en_US"}
DATE_FORMATS = {"bilingual": "dd/MM/yyyy", "vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
HTML_LANG = {"bilingual": "vi", "vi": "vi", "en": "en"}


def file_suffix(edition: str) -> str:
    """What an edition adds to a report's file name: nothing for the standard bilingual
    edition, ".vi" / ".en" otherwise (``province_2026-10.en.pdf``)."""
    return "" if edition == "bilingual" else f".{edition}"


class MissingTranslation(KeyError):
    pass


def catalog_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "messages.po"


@cache
def catalog(lang: str) -> dict[str, str]:
    """msgid → msgstr (NFC) of one language's catalog, translated entries only."""
    with catalog_path(lang).open("rb") as handle:
        messages = read_po(handle, locale=lang)
    return {
        str(m.id): unicodedata.normalize("NFC", str(m.string))
        for m in messages
        if m.id and isinstance(m.id, str) and m.string
    }


def vietnamese() -> dict[str, str]:
    return catalog("vi")


def vi(msgid: str) -> str:
    try:
        return catalog("vi")[msgid]
    except KeyError:
        raise MissingTranslation(f"no Vietnamese translation for {msgid!r}") from None


def en(msgid: str) -> str:
    """English wording: the en catalog may reword a msgid; otherwise the msgid is the text."""
    return catalog("en").get(msgid, msgid)


# How a bilingual text opens each language (report_templates/pdf.py lays the PDF out without
# the ``lang``, which only the HTML's readers use).
SPAN_VI = '<span class="vi" lang="vi">'
SPAN_EN = '<span class="en" lang="en">'


def bilingual_html(vi_text: str, en_text: str) -> Markup:
    return Markup(f"{SPAN_VI}{{}}</span>{SPAN_EN}{{}}</span>").format(vi_text, en_text)


def translate(edition: Edition, msgid: str) -> Markup:
    """The msgid as this edition shows it, escaped."""
    if edition == "en":
        return escape(en(msgid))
    if edition == "vi":
        return escape(vi(msgid))
    return bilingual_html(vi(msgid), en(msgid))


def plain(edition: Edition, msgid: str) -> str:
    """Text without markup, for <title>, metadata, chart labels and CSS strings."""
    if edition == "en":
        return en(msgid)
    if edition == "vi":
        return vi(msgid)
    return f"{vi(msgid)} / {en(msgid)}"


def pair(edition: Edition, vi_text: object, en_text: object) -> Markup:
    """A value the data holds in both languages (a name, a reason)."""
    vi_s = str(vi_text or "")
    en_s = str(en_text or "") or vi_s
    if edition == "en":
        return escape(en_s)
    # A name the Vietnamese already carries ("KCN Việt Nam – Singapore (VSIP I)" / "VSIP I")
    # is said once.
    if edition == "vi" or en_s in vi_s:
        return escape(vi_s)
    return bilingual_html(vi_s, en_s)


def half_up(value: float | int | Decimal, digits: int) -> Decimal:
    """Round as a reader expects (1.25 → 1.3), not to even: from the shortest decimal form
    of the float, so 1001.25 is 1001.25 and not 1001.2499…"""
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def local(edition: Edition, row: Any, field: str) -> str:
    """One language of a value the data holds in both (``name`` → ``name_vi`` / ``name_en``):
    English in the English edition when there is one, Vietnamese otherwise."""

    def get(key: str) -> Any:
        return row.get(key) if isinstance(row, dict) else getattr(row, key, None)

    if edition == "en" and get(f"{field}_en"):
        return str(get(f"{field}_en"))
    return str(get(f"{field}_vi") or "")


def num(value: float | int | Decimal | None, digits: int = 1, locale: str = "vi_VN") -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(half_up(value, digits), format=pattern, locale=locale)


def signed(value: float | int | None, digits: int = 1, locale: str = "vi_VN") -> str:
    """A change with its sign: "+1,2", "-0,8", and "0,0" for what rounds to nothing (never
    "-0,0")."""
    if value is None:
        return "–"
    rounded = half_up(value, digits)
    text = num(abs(rounded), digits, locale)
    return text if rounded == 0 else ("+" if rounded > 0 else "-") + text


def pct(value: float | None, digits: int = 1, locale: str = "vi_VN") -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    return format_percent(half_up(value * 100, digits) / 100, format=pattern, locale=locale)


def change(value: float | int | None, digits: int = 1, locale: str = "vi_VN") -> str:
    """A change in per cent, signed ("+2,3 %", "−11,0 %"); "–" alone when unknown, never
    "– %"."""
    if value is None:
        return "–"
    return f"{signed(value, digits, locale)} %"


def unit_symbol(edition: Edition, unit: str | None) -> str:
    """A unit as this edition prints it (units.UNIT_MSGIDS); empty stays empty."""
    if not unit:
        return ""
    msgid = UNIT_MSGIDS.get(unit)
    if msgid is None:
        return SYMBOLS.get(unit, unit)
    return en(msgid) if edition == "en" else vi(msgid)


def period_label(period: str) -> str:
    return f"{period[5:7]}/{period[:4]}"


def day(value: date | datetime, fmt: str = "dd/MM/yyyy", locale: str = "vi_VN") -> str:
    return format_date(value, fmt, locale=locale)


VIETNAM = timezone(timedelta(hours=7), "UTC+7")  # Asia/Ho_Chi_Minh: no daylight saving


def moment(value: datetime | str, fmt: str = "dd/MM/yyyy", locale: str = "vi_VN") -> str:
    """A moment as a reader in Viet Nam reads it: the edition's date, the time in UTC+7
    (Asia/Ho_Chi_Minh). A naive datetime or an ISO text without offset is UTC."""
    when = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    local_time = when.astimezone(VIETNAM)
    return f"{format_date(local_time, fmt, locale=locale)} {local_time:%H:%M} (UTC+7)"


@cache
def environment(edition: Edition = "bilingual") -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE),
        autoescape=select_autoescape(["j2", "html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        finalize=printable,
    )
    locale = NUMBER_LOCALES[edition]

    def gettext(msgid: str) -> str:
        return str(translate(edition, msgid))

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(_chart_globals(edition))
    env.globals.update(
        glossary=glossary(),
        edition=edition,
        html_lang=HTML_LANG[edition],
        file_suffix=file_suffix(edition),
        plain=partial(plain, edition),
        pair=partial(pair, edition),
        local=partial(local, edition),
    )
    env.filters.update(
        num=partial(num, locale=locale),
        pct=partial(pct, locale=locale),
        signed=partial(signed, locale=locale),
        change=partial(change, locale=locale),
        period=period_label,
        unit=partial(unit_symbol, edition),
        day=partial(day, fmt=DATE_FORMATS[edition], locale=locale),
        moment=partial(moment, fmt=DATE_FORMATS[edition], locale=locale),
    )
    return env


@cache
def glossary() -> list[dict[str, str]]:
    """The official terms (domain-facts §9) the reports use, one glossary for all."""
    with (HERE / "glossary.csv").open(encoding="utf-8", newline="") as handle:
        return [
            {k: unicodedata.normalize("NFC", v) for k, v in row.items()}
            for row in csv.DictReader(handle)
        ]


def _chart_globals(edition: Edition) -> dict[str, Callable[..., Markup]]:
    """Chart functions for templates, speaking this edition's language and notation."""
    text = partial(plain, edition)
    locale = NUMBER_LOCALES[edition]

    def fmt(value: float) -> str:
        return num(value, 0 if abs(value) >= 100 or value == int(value) else 1, locale)

    unit = unit_symbol(edition, "tCO₂e")
    trend_labels = {
        "actual": text("Emissions (Scope 1 + 2)"),
        "path": text("Path to the target"),
        "missing": text("No data"),
    }

    def chart_trend(data: dict[str, Any], uid: str, title: str) -> Markup:
        return charts.trend_vs_path(
            data["months"], data["actual"], data["path"],
            uid=uid, title=text(title), labels=trend_labels, fmt=fmt, unit=unit,
        )  # fmt: skip

    def chart_split(parts: list[tuple[str, Any]], uid: str, title: str) -> Markup:
        return charts.split_bar(
            [(text(label), value) for label, value in parts],
            uid=uid,
            title=text(title),
            fmt=fmt,
            unit=unit,
        )

    def chart_ranked(items: list[tuple[str, Any, Any]], uid: str, title: str) -> Markup:
        """(label, value, share): the share is printed in brackets after the value."""
        noted = [
            (label, value, f"({pct(share, 1, locale)})" if share is not None else "")
            for label, value, share in items
        ]
        return charts.ranked_bars(noted, uid=uid, title=text(title), fmt=fmt, unit=unit)

    def chart_pathway(data: dict[str, Any], uid: str, title: str) -> Markup:
        notes = {"calendar": "", "rolling_12m": text("Last 12 months")}
        return charts.pathway(
            data["years"],
            data["path"],
            [
                (year, value, f"{year} {notes[kind]}".strip())
                for year, value, kind in data["actual"]
            ],
            uid=uid,
            title=text(title),
            labels={
                "path": text("Path to net zero (sum of the enterprises' paths)"),
                "actual": text("Emissions: calendar years, and the last 12 months"),
            },
            fmt=fmt,
            unit=unit,
        )

    def chart_daily(data: dict[str, Any], uid: str, title: str) -> Markup:
        """A parameter's month, day by day, against its permitted limit (wastewater)."""
        return charts.daily_against_limit(
            data["days"],
            data["values"],
            data["exceeded"],
            (data["limit_min"], data["limit_max"]),
            uid=uid,
            title=title,
            labels={
                "judged": text("Daily average"),
                "exceeded": text("Above the permitted limit"),
                "limit": text("Permitted limit"),
                "missing": text("Day not judged"),
            },
            fmt=fmt,
            unit=unit_symbol(edition, data["unit"]),
        )

    return {
        "chart_daily": chart_daily,
        "chart_trend": chart_trend,
        "chart_split": chart_split,
        "chart_ranked": chart_ranked,
        "chart_pathway": chart_pathway,
    }


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(value: object) -> object:
    """Every value a template prints, without raw control characters (a NUL in a rejected
    line's text would otherwise reach the HTML and the PDF): each becomes U+FFFD."""
    if isinstance(value, Markup):
        return Markup(CONTROL_CHARACTERS.sub("\ufffd", str(value)))
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("\ufffd", value)
    return value


def render_html(report: str, context: dict[str, Any], edition: Edition = "bilingual") -> str:
    """Same context and edition give the same HTML: it is what the golden tests pin."""
    css = (HERE / "base.css").read_text(encoding="utf-8")
    template = environment(edition).get_template(f"{report}/report.html.j2")
    return unicodedata.normalize("NFC", template.render(css=Markup(css), **context))
