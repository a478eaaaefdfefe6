"""The PDFs as a reader and an archivist see them: text layer, fonts, PDF/A-3b metadata,
the data attached as CSV, and the same bytes on every render."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from report_templates.pdf import laid_out, render_to_files
from report_templates.render import render_html
from tests.reports.fixtures import CONTEXTS

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils not installed (make test sets it up)"
)

# Per report: Vietnamese words that must come out of the text layer with their diacritics,
# and the key figures in Vietnamese notation.
EXPECTED = {
    "enterprise_monthly": (
        [
            "Tiến độ giảm phát thải hằng tháng của doanh nghiệp",
            "Công ty TNHH Giày Bình Dương <Demo>",
            "Việc cần thực hiện",
            "Phát thải KNK trực tiếp (phạm vi 1)",
            "Sáng kiến xanh",
            "Số lượng không được âm",
            "Quantity must not be negative",
            "hệ số phát thải lưới điện",
            "Chưa xác định được",
            "chưa nộp số liệu tháng",
            "có dòng số liệu bị từ chối",
        ],
        ["97,0", "1.001,3", "at least 1.310,0", "0,6592", "74.100"],
    ),
    "park_monthly": (
        [
            "Tiến độ hướng tới phát thải ròng bằng “0” hằng tháng của khu công nghiệp",
            "Chỉ số khu công nghiệp sinh thái",
            "Công ty Cổ phần Điện tử Đồng Nai",
        ],
        ["3.497,0", "20,0 %", "25,0 %"],
    ),
    "province_monthly": (
        [
            "Lộ trình đến phát thải ròng bằng “0” năm 2050",
            "Những việc cần thực hiện",
            "Thay đổi lớn nhất so với tháng trước",
            "Công ty Cổ phần Điện tử Đồng Nai",
        ],
        ["3.497,0", "3.400,0", "400,0"],
    ),
    "method_annex": (
        ["Phương pháp, hệ số phát thải và thuật ngữ của các báo cáo trong tháng", "khí nhà kính"],
        ["0,6592"],
    ),
    "member_list": (
        [
            "Danh sách doanh nghiệp của báo cáo tháng, chia thành nhiều phần",
            "Công ty TNHH Giày Bình Dương <Demo>",
            "Phần trước",
            "Đúng hạn",
        ],
        ["2 / 3", "97,0", "1.310,0"],
    ),
}
# Decree 30/2020/NĐ-CP, Art. 8: the components every report carries (the demo's agency file).
FRAME = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH",
    "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    "Số: …/BC-SNNMT",
    "Thành phố Hồ Chí Minh, ngày …… tháng …… năm 2026",
    "BÁO CÁO",
    "Nơi nhận:",
    "- Lưu: VT.",
    "GIÁM ĐỐC",
    "Nguyễn Văn A",
]


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    for report, context in CONTEXTS.items():
        render_to_files(report, context(), out / f"{report}.html", out / f"{report}.pdf")
    return {report: out / f"{report}.pdf" for report in CONTEXTS}


@pytest.mark.parametrize("report", sorted(EXPECTED))
def test_text_layer_keeps_vietnamese_and_the_key_figures(
    pdfs: dict[str, Path], report: str
) -> None:
    """It extracts the Vietnamese words with diacritics intact, and the figures."""
    text = " ".join(run("pdftotext", "-enc", "UTF-8", str(pdfs[report]), "-").split())
    words, figures = EXPECTED[report]
    for expected in [*words, *figures]:
        assert expected in text, expected


@pytest.mark.parametrize("report", sorted(EXPECTED))
def test_every_report_carries_every_component_of_the_official_frame(
    pdfs: dict[str, Path], report: str
) -> None:
    """National title and motto, agency, number and symbol, place and date, type, the
    recipients and the signature block; no page number on page 1, "2" atop page 2."""
    text = run("pdftotext", "-enc", "UTF-8", str(pdfs[report]), "-")
    flat = " ".join(text.split())
    for part in FRAME:
        assert part in flat, part
    pages = text.split("\f")
    assert pages[0].split()[0] != "1"
    if len(pages) > 2:
        assert pages[1].split()[0] == "2"


@pytest.mark.parametrize("report", sorted(EXPECTED))
def test_every_font_is_embedded_and_is_the_shipped_one(pdfs: dict[str, Path], report: str) -> None:
    """It embeds (subsets of) the shipped Liberation Serif (the text) and Noto Sans (the
    charts) and nothing else, so no reader substitutes."""
    lines = run("pdffonts", str(pdfs[report])).splitlines()[2:]
    assert lines
    assert any("Liberation-Serif" in line for line in lines)
    for line in lines:
        name, *_rest = line.split()
        assert "Liberation-Serif" in name or "Noto-Sans" in name, line
        assert line.split()[-5:-2] == ["yes", "yes", "yes"], line  # emb sub uni


@pytest.mark.parametrize("report", sorted(EXPECTED))
def test_the_pdf_is_tagged_for_a_screen_reader(pdfs: dict[str, Path], report: str) -> None:
    """Tagged with PDF/A-3b kept: the document title, headings, and every table with its
    header cells in the structure tree, in reading order."""
    assert "Tagged:          yes" in run("pdfinfo", str(pdfs[report]))
    tags = [
        line.strip().split(" ")[0]
        for line in run("pdfinfo", "-struct", str(pdfs[report])).splitlines()
    ]
    assert {"H1", "H2", "Table", "TH", "TD:", "P"} <= set(tags), sorted(set(tags))
    assert tags.index("H1") < tags.index("Table")


@pytest.mark.parametrize("report", sorted(EXPECTED))
def test_pdf_a_3b_with_document_metadata(pdfs: dict[str, Path], report: str) -> None:
    """It declares PDF/A-3b in XMP and carries title, author, dates from the data, and the
    period, edition and factor version as document properties."""
    meta = run("pdfinfo", "-meta", str(pdfs[report]))
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
    assert "<xmp:CreateDate>2026-11-15T03:00:00Z</xmp:CreateDate>" in meta
    assert "PDF version:     1.7" in run("pdfinfo", str(pdfs[report]))
    info = dict(
        (key.strip(), value.strip())
        for key, _, value in (
            line.partition(":")
            for line in run("pdfinfo", "-custom", str(pdfs[report])).splitlines()
        )
    )
    assert info["Author"] == "Sở Nông nghiệp và Môi trường Thành phố Hồ Chí Minh"
    assert info["netzeroperiod"] == "2026-10"
    assert info["netzerofactorversion"] == "2026.11.1"
    assert info["netzeroedition"] == "bilingual"
    assert info["netzerogwp"] == "AR5"


def test_the_report_data_is_attached_as_csv(pdfs: dict[str, Path], tmp_path: Path) -> None:
    """It attaches the enterprise report's own figures; the CSV equals the context."""
    listing = run("pdfdetach", "-list", str(pdfs["enterprise_monthly"]))
    assert {"indicators.csv", "trend.csv", "factors.csv"} <= {
        line.split(": ", 1)[1] for line in listing.splitlines()[1:]
    }
    run("pdfdetach", "-saveall", "-o", str(tmp_path), str(pdfs["enterprise_monthly"]))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "indicators.csv").read_text("utf-8"))))
    total = next(r for r in rows if r["indicator"] == "Total emissions (Scope 1 + 2)")
    # March is missing: no year-to-date total; the market-based total waits for its I-REC line.
    assert (float(total["this_month"]), total["year_to_date"]) == (97.0, "")
    market = next(r for r in rows if r["indicator"].startswith("Total emissions, market-based"))
    assert (market["this_month"], market["this_month_unknown_reason"]) == ("", "line_rejected")
    trend = list(csv.DictReader(io.StringIO((tmp_path / "trend.csv").read_text("utf-8"))))
    assert len(trend) == 24 and trend[-1]["period"] == "2026-10"


@pytest.mark.parametrize("report", sorted(EXPECTED))
def test_each_attachment_is_listed_once_in_the_catalog(pdfs: dict[str, Path], report: str) -> None:
    """The catalog's associated files (/AF, PDF/A-3) name each attached file once, as the
    embedded-files name tree does."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    with pdfs[report].open("rb") as handle:
        root = PdfFileReader(handle).root
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
        associated = root["/AF"]
        refs = [associated.raw_get(i).idnum for i in range(len(associated))]
        embedded = [names.raw_get(i).idnum for i in range(1, len(names), 2)]
    assert sorted(refs) == sorted(embedded) and len(set(refs)) == len(refs)


def test_the_same_report_renders_to_the_same_bytes(tmp_path: Path) -> None:
    """It is reproducible: dates come from the data, chart and font subsets are stable."""
    digests = set()
    for i in range(2):
        pdf = tmp_path / f"{i}.pdf"
        render_to_files(
            "province_monthly", CONTEXTS["province_monthly"](), tmp_path / f"{i}.html", pdf
        )
        digests.add(hashlib.sha256(pdf.read_bytes()).hexdigest())
    assert len(digests) == 1


def test_monolingual_pdf_editions(tmp_path: Path) -> None:
    """It writes an English-only PDF with English numbers and a Vietnamese-only one."""
    context = CONTEXTS["enterprise_monthly"]()
    for edition in ("en", "vi"):
        render_to_files(
            "enterprise_monthly",
            context,
            tmp_path / f"{edition}.html",
            tmp_path / f"{edition}.pdf",
            edition,
        )
    en = " ".join(run("pdftotext", str(tmp_path / "en.pdf"), "-").split())
    vi = " ".join(run("pdftotext", str(tmp_path / "vi.pdf"), "-").split())
    title_en = "Report on an enterprise's monthly progress in reducing emissions"
    title_vi = "Tiến độ giảm phát thải hằng tháng của doanh nghiệp"
    assert title_en in en and "1,001.3" in en and "SOCIALIST REPUBLIC OF VIET NAM" in en
    assert title_vi not in en and "CỘNG HÒA" not in en
    assert title_vi in vi and "1.001,3" in vi and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in vi
    assert title_en not in vi and "SOCIALIST" not in vi


def boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


@pytest.mark.parametrize("report", sorted(CONTEXTS))
def test_every_table_fits_its_page(report: str) -> None:
    """On paper the long and the repeated tables have set column widths (base.css, @media
    print): set too wide, with each cell's padding on top, a table runs off the page's right
    edge and its last column is cut. Every table and every cell ends inside the page's text
    area; and a browser still reads the language of each bilingual span."""
    html = render_html(report, CONTEXTS[report]())
    assert '<span class="en" lang="en">' in html
    tables = 0
    for page in laid_out(html).pages:
        area = page._page_box  # noqa: SLF001 - WeasyPrint's page box: where the text area ends
        right = area.content_box_x() + area.width
        for box in boxes(area):
            if type(box).__name__ in ("TableBox", "TableCellBox"):
                tables += box.element_tag == "table"
                end = box.border_box_x() + box.border_width()
                past = end - right
                assert past <= 0.5, f"{report}: a {box.element_tag} ends {past:.1f} px too far"
    assert tables
