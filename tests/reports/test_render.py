"""Catalog completeness and the HTML the templates produce."""

import unicodedata

from report_templates import contexts
from report_templates.catalog import missing_msgids, used_msgids
from report_templates.render import render_html
from tests.reports import fixtures

ENTERPRISE = fixtures.Row(
    fixtures.ENTERPRISE,
    name_vi="Công ty TNHH <script>alert(1)</script> Giày",
    emissions_tco2e=1234.5678,
)
COMMON = fixtures.COMMON


def test_every_msgid_has_a_vietnamese_translation() -> None:
    """It finds no template or context msgid missing from the Vietnamese catalog."""
    assert len(used_msgids()) > 50
    assert missing_msgids() == []


def test_enterprise_report_is_bilingual_nfc_and_escaped() -> None:
    """It renders Vietnamese then English, NFC, Vietnamese numbers, and escapes names."""
    html = render_html(
        "enterprise_monthly", contexts.enterprise_context(COMMON, ENTERPRISE, [], [], [])
    )
    assert unicodedata.is_normalized("NFC", html)
    assert "Báo cáo tiến độ giảm phát thải hằng tháng" in html
    assert "Monthly emission-reduction progress report" in html
    assert "1.234,6" in html  # vi_VN: '.' groups thousands, ',' marks decimals
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'lang="vi"' in html and "http://" not in html and "https://" not in html


def test_shipped_font_covers_every_character_of_the_reports() -> None:
    """It uses only characters the shipped Liberation Serif has (the text's font; the charts'
    Noto Sans covers their own few words), so nothing falls back."""
    import html as html_lib
    import re

    from fontTools.ttLib import TTFont

    from report_templates.render import HERE, vietnamese

    cmap = TTFont(HERE / "fonts" / "LiberationSerif-Regular.ttf").getBestCmap()
    page = render_html(
        "enterprise_monthly", contexts.enterprise_context(COMMON, ENTERPRISE, [], [], [])
    )
    body = page.split("</style>", 1)[1]
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", body))
    catalog_text = " ".join(vietnamese().values())
    missing = {c for c in text + catalog_text if not c.isspace() and ord(c) not in cmap}
    assert missing == set()


def test_an_enterprise_report_lists_only_its_own_factors() -> None:
    """It keeps another enterprise's DPPA contract out of this one's method table, and keeps
    rules that apply to everyone."""
    common = {
        "method": {
            "factors": [
                {"factor_id": "GRID-VN-2023"},
                {"factor_id": "DPPA-DEMO-001"},
                {"factor_id": "SCOPE2-RESIDUAL-GRID-FALLBACK"},
            ]
        }
    }
    users = {"GRID-VN-2023": {"E1", "E2"}, "DPPA-DEMO-001": {"E2"}}
    mine = contexts.for_enterprise(common, "E1", users)["method"]["factors"]
    assert [f["factor_id"] for f in mine] == ["GRID-VN-2023", "SCOPE2-RESIDUAL-GRID-FALLBACK"]


def test_every_reason_code_has_words_in_both_languages() -> None:
    """It can say every reason transforms/unknowns.py gives a figure, in Vietnamese too."""
    from report_templates.render import en, vi
    from transforms.unknowns import REASONS

    assert set(contexts.REASON_MSGIDS) == set(REASONS)
    for msgid in contexts.REASON_MSGIDS.values():
        assert vi(msgid) != en(msgid)
