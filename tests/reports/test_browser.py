"""The HTML reports opened in a real browser (Debian's chromium, driven by Playwright):
no console errors, no network request, something on screen, and the structure assistive
technology needs."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from report_templates.render import render_html
from tests.reports.fixtures import CONTEXTS

CHROMIUM = os.environ.get("NETZERO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Offline machine: no background services, no component updates (they would try the network).
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        f"chromium not found at {CHROMIUM}: `make test` installs Debian's chromium "
        "(apt-get install chromium)"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize(
    ("report", "edition"),
    [(r, "bilingual") for r in sorted(CONTEXTS)] + [("province_monthly", "en")],
)
def test_report_opens_offline_without_errors_and_shows_content(
    browser,
    tmp_path: Path,
    report: str,
    edition: str,  # type: ignore[no-untyped-def]
) -> None:
    """It loads from disk with no request but the file itself, logs no console error,
    and paints a page that is not blank."""
    page_file = tmp_path / f"{report}.{edition}.html"
    page_file.write_text(render_html(report, CONTEXTS[report](), edition), encoding="utf-8")  # type: ignore[arg-type]
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.goto(page_file.as_uri())
    page.wait_for_load_state("networkidle")
    shot = page.screenshot(full_page=True)
    Path(os.environ.get("NETZERO_SCREENSHOTS", tmp_path)).mkdir(parents=True, exist_ok=True)
    (Path(os.environ.get("NETZERO_SCREENSHOTS", tmp_path)) / f"{report}.{edition}.png").write_bytes(
        shot
    )

    assert requests == [page_file.as_uri()]
    assert problems == []
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    small = image.resize((image.width // 4, image.height // 4))
    raw = small.tobytes()
    pixels = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    inked = sum(1 for p in pixels if sum(p) < 690) / len(pixels)  # not near-white
    assert image.height >= 1400 and inked > 0.03, f"page looks blank ({inked:.1%} inked)"
    assert len(set(pixels)) > 50, "page has hardly any colours: charts or text missing"

    structure = page.evaluate(
        """() => ({
            lang: document.documentElement.lang,
            h1: document.querySelectorAll('h1').length,
            tablesWithoutHeaders: [...document.querySelectorAll('table')]
                .filter(t => !t.querySelector('thead th')).length,
            charts: document.querySelectorAll('svg[role=img]').length,
            chartsWithoutTitle: [...document.querySelectorAll('svg[role=img]')]
                .filter(s => !s.querySelector('title')?.textContent).length,
            chartTextFont: [...document.querySelectorAll('svg text')]
                .map(t => getComputedStyle(t).fontFamily)[0] ?? null,
        })"""
    )
    page.close()
    assert structure["lang"] == ("en" if edition == "en" else "vi")
    assert structure["h1"] == 1
    assert structure["tablesWithoutHeaders"] == 0
    assert structure["chartsWithoutTitle"] == 0
    if report not in ("method_annex", "member_list"):  # the annexes have no chart
        assert structure["charts"] >= 1
        assert "Noto Sans" in structure["chartTextFont"]
