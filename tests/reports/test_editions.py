"""Editions, catalogs, glossary and the golden HTML of every report in every edition.

Golden files live in tests/reports/golden/ and are reviewed like code. After an intended
change, rewrite them with ``NETZERO_UPDATE_GOLDEN=1 pytest tests/reports`` and read the diff.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from report_templates.catalog import missing_from, missing_msgids, used_msgids
from report_templates.render import EDITIONS, catalog_path, glossary, render_html, vietnamese
from tests.reports.fixtures import CONTEXTS

GOLDEN = Path(__file__).parent / "golden"
STYLE = re.compile(r"<style>.*?</style>", re.S)


def golden_text(html: str) -> str:
    """The HTML with the shared stylesheet left out (base.css is reviewed on its own)."""
    return STYLE.sub("<style>/* base.css */</style>", html)


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("report", sorted(CONTEXTS))
def test_report_html_matches_its_golden_file(report: str, edition: str) -> None:
    """It renders exactly the reviewed HTML for the fixture, per report and edition."""
    html = golden_text(render_html(report, CONTEXTS[report](), edition))  # type: ignore[arg-type]
    path = GOLDEN / f"{report}.{edition}.html"
    if os.environ.get("NETZERO_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(html, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with NETZERO_UPDATE_GOLDEN=1"
    assert html == path.read_text(encoding="utf-8"), f"{path.name} differs from the golden file"


def test_every_msgid_is_in_both_catalogs_and_translated_into_vietnamese() -> None:
    """It finds no msgid of the templates, contexts or charts missing a Vietnamese
    translation, and none absent from the English catalog."""
    assert len(used_msgids()) > 150
    assert missing_msgids() == []
    assert missing_from("en") == []
    assert missing_from("vi") == []


def test_catalogs_are_nfc_and_use_no_format_characters_jinja_would_misread() -> None:
    """It keeps every Vietnamese msgstr NFC, and no '%' in msgids or msgstrs (Jinja's
    new-style gettext formats every message with %)."""
    with catalog_path("vi").open("rb") as handle:
        entries = [m for m in read_po(handle, locale="vi") if m.id]
    for m in entries:
        assert unicodedata.is_normalized("NFC", str(m.string)), m.id
        assert "%" not in str(m.id) and "%" not in str(m.string), m.id


def test_official_terms_are_used_consistently() -> None:
    """Wherever an English msgid uses a glossary term (domain-facts §9), its Vietnamese
    translation uses the official Vietnamese term."""
    translations = vietnamese()
    offenders = []
    for term in glossary():
        english = term["match_en"].split("|")
        official = [v.lower() for v in term["match_vi"].split("|")]
        for msgid, msgstr in translations.items():
            lowered = msgid.lower()
            if any(re.search(rf"(?<![\w-]){re.escape(e)}(?![\w])", lowered) for e in english):
                if not any(v in msgstr.lower() for v in official):
                    offenders.append((term["term_en"], msgid, msgstr))
    assert offenders == []


def test_monolingual_editions_speak_one_language_in_their_own_notation() -> None:
    """It writes the English edition in English with English numbers and dates, the
    Vietnamese edition without English labels, the bilingual one with both."""
    context = CONTEXTS["enterprise_monthly"]()
    en = render_html("enterprise_monthly", context, "en")
    vi = render_html("enterprise_monthly", context, "vi")
    both = render_html("enterprise_monthly", context, "bilingual")
    assert '<html lang="en">' in en and '<html lang="vi">' in vi
    assert "Monthly emission-reduction progress report" in en
    assert "Báo cáo tiến độ giảm phát thải hằng tháng" not in en
    assert "1,001.3" in en and "15 Nov 2026" in en
    assert "Báo cáo tiến độ giảm phát thải hằng tháng" in vi
    assert "Monthly emission-reduction progress report" not in vi
    assert 'lang="en"' not in vi
    assert "1.001,3" in vi and "15/11/2026" in vi
    assert "Báo cáo tiến độ" in both and "Monthly emission-reduction" in both
    assert "1.001,3" in both


def test_glossary_rows_cite_a_source() -> None:
    """It gives every glossary term a Vietnamese form and the text it comes from."""
    rows = glossary()
    assert len(rows) >= 15
    assert all(r["term_vi"] and r["source"] and r["match_en"] for r in rows)
