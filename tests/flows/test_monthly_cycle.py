"""The monthly cycle end to end on a small generated province, through Prefect."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import duckdb
import psutil
import pytest

from demo.generate import DemoSpec, generate_demo

pytestmark = pytest.mark.e2e
SPEC = DemoSpec(enterprises=12, months=3, last_period="2026-10")


@pytest.fixture(scope="module")
def province(
    tmp_path_factory: pytest.TempPathFactory, prefect_server: None
) -> tuple[Path, dict, object]:
    """A generated inbox run once through monthly_cycle."""
    from flows.monthly_cycle import monthly_cycle

    data = tmp_path_factory.mktemp("province") / "data"
    demo = generate_demo(data, SPEC)
    with pytest.MonkeyPatch.context() as patch:
        _watch_the_suites_process(patch)
        summary = monthly_cycle(data_dir=str(data))
    return data, demo, summary


# The processes the run's suites ran in, and at the start of rendering, which still lived.
SUITE_PIDS: set[int] = set()
ALIVE_AT_RENDER: list[set[int]] = []


def _watch_the_suites_process(patch: pytest.MonkeyPatch) -> None:
    from flows import monthly_cycle as cycle
    from flows import suite_process

    outcome, render = suite_process.outcome, cycle.render_reports

    def watched_outcome(*args: object, **kwargs: object) -> object:
        result = outcome(*args, **kwargs)  # type: ignore[arg-type]
        SUITE_PIDS.update(suite_process._held.pool._processes)  # type: ignore[union-attr]
        return result

    def watched_render(*args: object, **kwargs: object) -> object:
        ALIVE_AT_RENDER.append({pid for pid in SUITE_PIDS if psutil.pid_exists(pid)})
        return render(*args, **kwargs)

    patch.setattr(suite_process, "outcome", watched_outcome)
    patch.setattr(cycle, "render_reports", watched_render)


def test_the_suites_ran_apart_and_their_process_ended_before_rendering(province) -> None:
    """Great Expectations (about 210 MiB imported, more once it has checked the marts) runs
    in a process of its own that has ended when the hour of rendering begins."""
    assert SUITE_PIDS and os.getpid() not in SUITE_PIDS
    assert ALIVE_AT_RENDER == [set()]


def sql(data: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        return con.execute(query).fetchall()


def test_every_file_is_landed_once_with_lineage(province) -> None:
    """It lands every distinct file into raw with its sha256 and skips the duplicate."""
    data, demo, summary = province
    assert summary.files_landed == demo["files"] - 1
    assert summary.files_skipped == 1
    assert sql(data, "select count(*) from raw.submission_files")[0][0] == demo["files"] - 1
    statuses = dict(sql(data, "select status, count(*) from ops.file_ledger group by 1"))
    assert statuses == {"landed": demo["files"] - 1, "duplicate": 1}
    assert not any((data / "inbox").iterdir()), "landed files leave the inbox"
    assert len([p for p in (data / "archive").iterdir() if p.is_file()]) == demo["files"] - 1


def test_defects_are_quarantined_with_bilingual_reasons(province) -> None:
    """It quarantines the negative quantity, the unknown unit and the misfit unit, saying why."""
    data, demo, _ = province
    rows = sql(
        data,
        "select f.tax_code, q.rule, q.value, q.reason_vi, q.reason_en "
        "from ops.quarantine q join raw.submission_files rf using (sha256) "
        "join staging.stg_submissions__files f using (sha256) order by 2",
    )
    found = {(tax, rule) for tax, rule, *_ in rows}
    d = demo["defects"]
    assert (d["negative_quantity"]["tax_code"], "quantity_non_negative") in found
    assert (d["unknown_unit"]["tax_code"], "known_unit") in found
    assert (d["unit_not_fitting"]["tax_code"], "unit_fits_activity") in found
    assert all(vi and en for *_, vi, en in rows)
    assert sql(data, "select count(*) from ops.validation_results where not success")[0][0] >= 3


def test_latest_revision_wins_and_missing_month_is_reported(province) -> None:
    """It stages revision 2 of a resubmitted month and marks the missing month missing."""
    data, demo, _ = province
    d = demo["defects"]
    revised = d["revised_resubmission"]["tax_code"]
    assert sql(
        data,
        "select distinct revision from staging.stg_submissions__accepted_lines "
        f"where tax_code = '{revised}' and period = '2026-10' and is_current",
    ) == [(2,)]
    status = dict(
        sql(
            data,
            "select tax_code, submission_status from "
            "marts.fct_submission_status where period = '2026-10'",
        )
    )
    assert status[d["missing_month"]["tax_code"]] == "missing"
    assert status[revised] == "revised"


def test_the_actions_name_exactly_the_enterprises_the_marts_say(province) -> None:
    """reports.rpt_action_items (what page one and the index will name) agrees with the
    marts, enterprise by enterprise: missing, rejected lines, flagged figures, late,
    behind the path."""
    data, demo, _ = province

    def named(action: str) -> set[str]:
        return {
            r[0]
            for r in sql(
                data,
                "select tax_code from reports.rpt_action_items "
                f"where period = '2026-10' and action = '{action}'",
            )
        }

    def marts(query: str) -> set[str]:
        return {r[0] for r in sql(data, query)}

    month = "period = '2026-10'"
    assert (
        named("submit_missing")
        == marts(
            f"select tax_code from marts.fct_submission_status where {month} "
            "and submission_status = 'missing'"
        )
        == {demo["defects"]["missing_month"]["tax_code"]}
    )
    assert named("correct_rejected_lines") == marts(
        f"select tax_code from staging.stg_submissions__rejected_lines where {month} and is_current"
    )
    assert named("confirm_flagged_figures") == marts(
        f"select tax_code from marts.fct_data_quality_warnings where {month}"
    )
    assert named("noted_late") == marts(
        f"select tax_code from marts.fct_submission_status where {month} and is_late"
    )
    assert named("behind_path") == marts(
        f"select tax_code from marts.fct_enterprise_progress where {month} "
        "and progress_status = 'behind'"
    )
    assert named("correct_rejected_lines") and named("confirm_flagged_figures")


def named_on_page_one(html: Path) -> dict[str, set[str]]:
    """Action → the tax codes a report's page one names under it (their annex links)."""
    named: dict[str, set[str]] = {}
    for action, block in re.findall(
        r'<div class="action" data-action="([a-z_0-9]+)">(.*?)</div>', html.read_text("utf-8"), re.S
    ):
        named[action] = set(re.findall(r'href="#ent-(\d+)"', block))
    return named


def test_page_one_names_exactly_the_enterprises_the_marts_say(province) -> None:
    """The province report's action lists, read from the published HTML, name the
    enterprises the marts hold missing, with rejected lines, with flagged figures, late and
    behind their path; each name points to a row of the enterprise annex. An enterprise's
    own report opens with its actions."""
    data, _, _ = province
    month = "period = '2026-10'"

    def marts(query: str) -> set[str]:
        return {r[0] for r in sql(data, query)}

    expected = {
        "submit_missing": marts(
            f"select tax_code from marts.fct_submission_status where {month} "
            "and submission_status = 'missing'"
        ),
        "correct_rejected_lines": marts(
            "select tax_code from staging.stg_submissions__rejected_lines "
            f"where {month} and is_current"
        ),
        "confirm_flagged_figures": marts(
            f"select tax_code from marts.fct_data_quality_warnings where {month}"
        ),
        "noted_late": marts(
            f"select tax_code from marts.fct_submission_status where {month} and is_late"
        ),
        "behind_path": marts(
            f"select tax_code from marts.fct_enterprise_progress where {month} "
            "and progress_status = 'behind'"
        ),
    }
    folder = data / "outbox" / "2026-10"
    html = folder / "province_2026-10.html"
    named = named_on_page_one(html)
    for action, codes in expected.items():
        assert named.get(action, set()) == codes, action
    annex = set(re.findall(r'<tr id="ent-(\d+)"', html.read_text("utf-8")))
    assert set().union(*named.values()) <= annex
    for code in expected["correct_rejected_lines"]:
        own = named_on_page_one(folder / "enterprises" / f"{code}_2026-10.html")
        assert "correct_rejected_lines" in own


def test_the_month_on_month_change_compares_like_for_like(province) -> None:
    """The trend sentence's figures: only enterprises known in both months, recomputed here
    from the marts' monthly rows (not from the report table that sums them)."""
    data, _, _ = province
    rows = sql(
        data,
        "select tax_code, period, emissions_tco2e from marts.fct_enterprise_monthly "
        "where period in ('2026-09', '2026-10')",
    )
    months: dict[str, dict[str, float | None]] = {}
    for code, period, value in rows:
        months.setdefault(code, {})[period] = value
    both = {
        code: m
        for code, m in months.items()
        if m.get("2026-09") is not None and m.get("2026-10") is not None
    }
    (got,) = sql(
        data,
        "select enterprises_comparable, comparable_prior_tco2e, comparable_tco2e, "
        "comparable_change_pct from reports.rpt_province_monthly where period = '2026-10'",
    )
    prior = sum(m["2026-09"] for m in both.values())  # type: ignore[misc]
    now = sum(m["2026-10"] for m in both.values())  # type: ignore[misc]
    assert got[0] == len(both) < len(months)
    assert got[1] == pytest.approx(prior) and got[2] == pytest.approx(now)
    assert got[3] == pytest.approx((now / prior - 1) * 100)


def test_restatement_keeps_what_was_reported_and_is_named_next_month(province) -> None:
    """It keeps revision 1's figures next to revision 2's, and names the September revision
    landed in the October run as a restatement for October; the October revision is not."""
    data, demo, _ = province
    d = demo["defects"]
    rows = sql(
        data,
        "select tax_code, period, previous_revision, revision, named_in_period, is_restatement,"
        " grid_electricity_mwh / previous_grid_electricity_mwh from marts.fct_restatements"
        " order by period",
    )
    restated, revised = d["restated_previous_month"]["tax_code"], d["revised_resubmission"]
    assert [r[:6] for r in rows] == [
        (restated, "2026-09", 1, 2, "2026-10", True),
        (revised["tax_code"], "2026-10", 1, 2, "2026-10", False),
    ]
    # The demo's revision raises the grid electricity by 6 %.
    assert [r[6] for r in rows] == pytest.approx([1.06, 1.06], rel=1e-3)


QUERIES = Path(__file__).parents[2] / "docs" / "queries"


def query_file(data: Path, name: str, **variables: str) -> list[dict]:
    """Run one of the documented analyst queries as an analyst would, read-only."""
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        for key, value in variables.items():
            con.execute(f"set variable {key} = ?", [value])
        result = con.execute((QUERIES / f"{name}.sql").read_text())
        names = [c[0] for c in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def test_analyst_queries_run_and_agree_with_the_marts(province) -> None:
    """It runs every documented query; each agrees with the table it summarises."""
    data, _, _ = province
    assert {p.stem for p in QUERIES.glob("*.sql")} == {
        "province_emissions_by_scope",
        "top_emitters_rolling_12m",
        "obligations_crossed",
        "behind_their_path",
        "market_vs_location_by_park",
        "lineage_of_a_figure",
    }
    scopes = query_file(data, "province_emissions_by_scope")
    assert [r["period"] for r in scopes] == ["2026-10", "2026-09", "2026-08"]
    s1 = sql(
        data, "select sum(scope1_tco2e) from marts.fct_enterprise_monthly where period = '2026-10'"
    )[0][0]
    assert scopes[0]["scope1_tco2e"] == pytest.approx(s1, abs=0.05)

    top = query_file(data, "top_emitters_rolling_12m")
    assert len(top) == 10
    assert [r["rolling_12m_tco2e_at_least"] for r in top] == sorted(
        (r["rolling_12m_tco2e_at_least"] for r in top), reverse=True
    )
    # Three months on record: no 12-month total is known, so none is given.
    assert all(r["rolling_12m_tco2e"] is None for r in top)
    over = query_file(data, "obligations_crossed")
    assert all(r["over_by_emissions"] or r["over_by_energy"] for r in over)
    assert all(r["ytd_vs_path_pct"] > 0 for r in query_file(data, "behind_their_path"))
    parks = query_file(data, "market_vs_location_by_park")
    assert all(r["instruments_effect_tco2e"] >= 0 for r in parks)

    tax_code, period, total = sql(
        data,
        "select tax_code, period, emissions_tco2e + scope2_market_tco2e "
        "from marts.fct_enterprise_monthly where emissions_tco2e is not null "
        "order by tax_code, period limit 1",
    )[0]
    lineage = query_file(data, "lineage_of_a_figure", tax_code=tax_code, period=period)
    assert sum(r["emissions_tco2e"] for r in lineage) == pytest.approx(total, abs=1e-4)
    assert all(r["file_name"] and r["factor_id"] for r in lineage)


def test_every_modelled_column_is_documented_and_the_dictionary_is_current(province) -> None:
    """It finds a comment on every column of every layer, and the committed
    docs/data-dictionary.md equals what `netzero dictionary` writes from the warehouse."""
    from flows.dictionary import render

    data, _, _ = province
    undocumented = sql(
        data,
        "select schema_name || '.' || table_name || '.' || column_name from duckdb_columns() "
        "where schema_name in ('raw', 'reference', 'staging', 'marts', 'reports', 'ops') "
        "and comment is null",
    )
    assert undocumented == []
    committed = (QUERIES.parent / "data-dictionary.md").read_text(encoding="utf-8")
    assert render(data / "warehouse" / "netzero.duckdb") + "\n" == committed


def test_every_file_seen_gets_a_bilingual_receipt(province) -> None:
    """It writes one receipt per file seen (the duplicate too), with the rejected rows as CSV
    and the reason in both languages."""
    data, demo, _ = province
    folders = list((data / "outbox" / "receipts").iterdir())
    assert len(folders) == 1
    receipts = sorted(folders[0].glob("*.html"))
    assert len(receipts) == demo["files"]
    neg = demo["defects"]["negative_quantity"]
    sha = sql(
        data,
        "select sha256 from staging.stg_submissions__files "
        f"where tax_code = '{neg['tax_code']}' and period = '{neg['period']}'",
    )[0][0]
    html = next(p for p in receipts if p.name.startswith(sha[:12])).read_text(encoding="utf-8")
    assert "Chấp nhận một phần" in html and "Accepted in part" in html
    assert "Số lượng không được âm" in html and "Quantity must not be negative" in html
    rejected = next(folders[0].glob(f"{sha[:12]}_*.rejected.csv"))
    rows = rejected.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "line_no,field,value,rule,reason_vi,reason_en"
    assert any(",quantity_non_negative," in r for r in rows[1:])
    # The copy and the original share content: the file that arrived first (the correctly
    # named one) lands, the copy an hour later is the duplicate.
    copy = next(p for p in receipts if "_copy_" in p.name)
    pair = [p for p in receipts if p.name[:12] == copy.name[:12]]
    assert len(pair) == 2
    assert "Already received" in copy.read_text(encoding="utf-8")
    (original,) = [p for p in pair if p != copy]
    assert "Already received" not in original.read_text(encoding="utf-8")
    landed = sql(
        data, f"select file_name from raw.submission_files where sha256 like '{sha_of(copy)}%'"
    )
    assert [name for (name,) in landed] == [original.name.split("_", 1)[1].removesuffix(".html")]
    # Each receipt names its enterprise and the month's status as the warehouse records it
    # (the same mart the report prints).
    statuses = dict(
        sql(
            data,
            "select f.sha256, s.submission_status from staging.stg_submissions__files f "
            "join marts.fct_submission_status s using (tax_code, period)",
        )
    )
    names = dict(sql(data, "select tax_code, name_vi from marts.dim_enterprises"))
    month_words = {"on_time": "Đúng hạn", "late": "Nộp muộn", "revised": "Đã nộp bổ sung"}
    checked = 0
    for receipt in receipts:
        text = receipt.read_text(encoding="utf-8")
        sha = next((s for s in statuses if s.startswith(sha_of(receipt))), None)
        if sha is None or statuses[sha] not in month_words:
            continue
        tax = sql(
            data, f"select tax_code from staging.stg_submissions__files where sha256 = '{sha}'"
        )[0][0]
        assert names[tax] in text, receipt.name
        assert month_words[statuses[sha]] in text, (receipt.name, statuses[sha])
        checked += 1
    assert checked > 10
    assert all(
        "http://" not in p.read_text() and "https://" not in p.read_text() for p in receipts[:20]
    )


def sha_of(receipt: Path) -> str:
    """The sha256 prefix a receipt's file name starts with."""
    return receipt.name[:12]


def test_an_unusual_figure_is_accepted_with_a_warning_everywhere(province) -> None:
    """It accepts the demo's ×3.5 grid electricity, flags it as a month-on-month change, says
    so in the receipt and in the enterprise and province reports."""
    data, demo, _ = province
    jump = demo["defects"]["month_on_month_jump"]
    rules = sql(
        data,
        "select rule from marts.fct_data_quality_warnings where activity_code = 'ELEC_GRID' "
        f"and tax_code = '{jump['tax_code']}' and period = '{jump['period']}'",
    )
    assert ("mom_change",) in rules
    assert (
        sql(
            data,
            "select count(*) from ops.validation_results "
            "where suite_name = 'marts.int_quality_checks.warning'",
        )[0][0]
        == 4
    )
    sha = sql(
        data,
        "select sha256 from staging.stg_submissions__files "
        f"where tax_code = '{jump['tax_code']}' and period = '{jump['period']}'",
    )[0][0]
    receipt = next((data / "outbox" / "receipts").glob(f"*/{sha[:12]}_*.html"))
    assert "Được chấp nhận, có số liệu cần xác nhận" in receipt.read_text(encoding="utf-8")
    outbox = data / "outbox" / "2026-10"
    text = subprocess.run(
        ["pdftotext", "-layout", str(outbox / "province_2026-10.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Số liệu cần xác nhận" in text and "Figures to confirm" in text
    page = (outbox / "enterprises" / f"{jump['tax_code']}_2026-10.html").read_text()
    assert "Thay đổi lớn so với tháng trước" in page


def test_completeness_knows_on_time_late_revised_and_missing(province) -> None:
    """It judges each month by when its first file reached the inbox (the demo dates its
    files), with revised and missing taking precedence, and prints the matrix."""
    data, demo, _ = province
    rows = sql(
        data,
        "select tax_code, submission_status, is_late, first_received_at < due_at "
        "from marts.fct_submission_status where period = '2026-10'",
    )
    status = {tax: s for tax, s, *_ in rows}
    d = demo["defects"]
    assert status[d["missing_month"]["tax_code"]] == "missing"
    assert status[d["revised_resubmission"]["tax_code"]] == "revised"
    assert all(
        (s == "late") == (late and s != "revised")
        for _, s, late, _ in rows
        if s in {"on_time", "late"}
    )
    assert all(on_time is not None for _, s, _, on_time in rows if s != "missing")
    over_all = {
        s
        for (s,) in sql(data, "select distinct submission_status from marts.fct_submission_status")
    }
    assert {"on_time", "late", "revised", "missing"} <= over_all
    html = (data / "outbox" / "2026-10" / "province_2026-10.html").read_text(encoding="utf-8")
    assert 'class="completeness"' in html and "Đúng hạn" in html and "Nộp muộn" in html
    text = subprocess.run(
        ["pdftotext", str(data / "outbox" / "2026-10" / "province_2026-10.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "due by the due day of the following month" in " ".join(text.split())


def test_the_run_leaves_a_validation_page_for_analysts(province) -> None:
    """It writes one offline page per run with every suite and rule, rows checked and flagged."""
    data, _, summary = province
    page = data / "outbox" / "validation" / f"{summary.run_id}.html"
    html = page.read_text(encoding="utf-8")
    for suite in (
        "raw.submission_lines.error",
        "marts.int_quality_checks.warning",
        "reports.rpt_rollup_reconciliation.critical",
    ):
        assert suite in html
    assert "Kết quả kiểm tra số liệu" in html and "quantity_non_negative" in html
    assert "http" not in html


def test_cp1258_submission_lands_as_nfc_vietnamese(province) -> None:
    """It lands the Windows-1258 CSV's notes as proper NFC Vietnamese."""
    data, demo, _ = province
    tax = demo["defects"]["windows_1258_csv"]["tax_code"]
    notes = sql(
        data,
        "select distinct l.note, f.encoding from raw.submission_lines l join "
        "raw.submission_files f using (sha256) where l.tax_code = "
        f"'{tax}' and l.activity_code = 'ELEC_GRID'",
    )
    assert notes == [("Theo hóa đơn tiền điện EVN", "cp1258")]


def test_outbox_has_every_report_and_a_true_manifest(province) -> None:
    """It publishes province, park and enterprise reports (PDF + HTML) with sha256s."""
    data, _, summary = province
    outbox = data / "outbox" / "2026-10"
    manifest = json.loads((outbox / "manifest.json").read_text())
    paths = {f["path"] for f in manifest["files"]}
    assert {"province_2026-10.pdf", "province_2026-10.html"} <= paths
    assert len([p for p in paths if p.startswith("enterprises/") and p.endswith(".pdf")]) == 12
    parks = sql(data, "select count(distinct park_code) from marts.dim_enterprises")[0][0]
    assert len([p for p in paths if p.startswith("parks/") and p.endswith(".pdf")]) == parks
    for entry in manifest["files"]:
        assert hashlib.sha256((outbox / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    assert {"method_2026-10.pdf", "method_2026-10.html"} <= paths
    assert summary.reports_written == 12 + parks + 2  # and the province and the method annex


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_text_keeps_vietnamese_diacritics_and_fonts_are_embedded(province) -> None:
    """It writes PDFs whose text layer holds intact Vietnamese and whose fonts are embedded."""
    data, demo, _ = province
    tax = demo["defects"]["negative_quantity"]["tax_code"]
    pdf = data / "outbox" / "2026-10" / "enterprises" / f"{tax}_2026-10.pdf"
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in (
        "Tiến độ giảm phát thải hằng tháng của doanh nghiệp",
        "Phát thải KNK trực tiếp",
        "Số lượng không được âm",
        "Quantity must not be negative",
        "Điện mua từ lưới điện quốc gia",
    ):
        assert words in text, words
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(
        " yes " in line and ("Liberation-Serif" in line or "Noto" in line) for line in fonts
    )


def test_real_reports_show_the_warehouse_figures_and_attach_them(province, tmp_path) -> None:
    """It prints the province total from the warehouse in the PDF text layer (Vietnamese
    notation), attaches the same figure in CSV, and every report is PDF/A-3b."""
    from report_templates.render import num

    data, _, _ = province
    total = sql(
        data, "select emissions_tco2e from reports.rpt_province_monthly where period = '2026-10'"
    )[0][0]
    pdf = data / "outbox" / "2026-10" / "province_2026-10.pdf"
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert num(total) in text
    subprocess.run(["pdfdetach", "-saveall", "-o", str(tmp_path), str(pdf)], check=True)
    rows = list(csv.DictReader((tmp_path / "indicators.csv").open(encoding="utf-8")))
    attached = next(r for r in rows if r["indicator"] == "Total emissions (Scope 1 + 2)")
    assert float(attached["this_month"]) == pytest.approx(total, rel=1e-12)
    assert {p.name for p in tmp_path.iterdir()} >= {"parks.csv", "enterprises.csv", "pathway.csv"}
    for report in (data / "outbox" / "2026-10").rglob("*.pdf"):
        meta = subprocess.run(
            ["pdfinfo", "-meta", str(report)], capture_output=True, text=True, check=True
        ).stdout
        assert 'pdfaid:part="3" pdfaid:conformance="B"' in meta, report.name


def test_second_run_lands_nothing_and_duplicates_nothing(province, monkeypatch) -> None:
    """It skips a file already landed and leaves raw unchanged on a rerun; the same data
    gives byte-identical reports, and monolingual editions come on request."""
    from flows.monthly_cycle import monthly_cycle

    data, demo, _ = province
    outbox = data / "outbox" / "2026-10"
    before_files = {
        f["path"]: f["sha256"] for f in json.loads((outbox / "manifest.json").read_text())["files"]
    }
    before = sql(data, "select count(*) from raw.submission_lines")[0][0]
    archived = sorted((data / "archive").iterdir())[0]
    original = sql(
        data, f"select file_name from raw.submission_files where sha256 = '{archived.stem}'"
    )[0][0]
    shutil.copyfile(archived, data / "inbox" / original)  # the same file dropped again
    monkeypatch.setenv("NETZERO_REPORT_EDITIONS", "en")
    summary = monthly_cycle(data_dir=str(data))
    assert (summary.files_landed, summary.files_skipped) == (0, 1)
    assert sql(data, "select count(*) from raw.submission_lines")[0][0] == before
    assert sql(data, "select count(*) from raw.submission_files")[0][0] == demo["files"] - 1
    assert sql(data, f"select status from ops.file_ledger where run_id = '{summary.run_id}'") == [
        ("already_landed",)
    ]
    after = {
        f["path"]: f["sha256"] for f in json.loads((outbox / "manifest.json").read_text())["files"]
    }
    changed = [p for p, digest in before_files.items() if after.get(p) != digest]
    assert changed == [], "same data, same reports, byte for byte"
    manifest = json.loads((outbox / "manifest.json").read_text())
    assert manifest["rendered"] and all(stem.endswith(".en") for stem in manifest["rendered"])
    assert len(manifest["unchanged"]) == len(manifest["rendered"]), "nothing else re-rendered"
    english = {p for p in after if p.endswith(".en.pdf") or p.endswith(".en.html")}
    assert len(english) == 2 * len([p for p in before_files if p.endswith(".pdf")])
    assert "province_2026-10.en.pdf" in english
    text = subprocess.run(
        ["pdftotext", str(outbox / "province_2026-10.en.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    assert "Report summing up the industrial parks' monthly progress towards net zero" in flat
    assert "Tổng hợp tiến độ" not in flat


def test_a_late_submission_re_renders_only_what_it_touches(province, tmp_path) -> None:
    """It re-renders the enterprise's report, its park's and the province's, and takes every
    other report unchanged from the published folder; the manifest says which."""
    from flows.monthly_cycle import monthly_cycle

    data, _, _ = province
    tax, park = sql(
        data,
        "select f.tax_code, d.park_code from staging.stg_submissions__files f "
        "join marts.dim_enterprises d using (tax_code) "
        "where f.period = '2026-10' and f.is_current and f.file_format = 'csv' "
        "order by f.tax_code limit 1",
    )[0]
    late = data / "inbox" / f"{tax}_2026-10_r9.csv"
    late.write_text(
        "Mã số thuế / Tax code,Kỳ báo cáo / Period,Lần nộp / Revision,Mã hoạt động / Activity code,"
        "Số lượng / Quantity,Đơn vị / Unit,Ghi chú / Note\n"
        f"{tax},2026-10,9,ELEC_GRID,123456,kWh,Hóa đơn điều chỉnh\n",
        encoding="utf-8",
    )
    summary = monthly_cycle(data_dir=str(data))
    manifest = json.loads((data / "outbox" / "2026-10" / "manifest.json").read_text())
    rendered = {stem for stem in manifest["rendered"] if not stem.endswith(".en")}
    # The method annex is dated with the province's report, whose data changed.
    assert rendered == {
        f"enterprises/{tax}_2026-10",
        f"parks/{park}_2026-10",
        "province_2026-10",
        "method_2026-10",
    }
    assert summary.reports_rendered == len(manifest["rendered"])
    assert len(manifest["unchanged"]) == len(manifest["fingerprints"]) - len(manifest["rendered"])


def test_analysts_read_a_published_snapshot_and_parquet(province) -> None:
    """It publishes a read-only copy of the warehouse and Parquet of marts and reports that
    agree with the working warehouse, and records the run's stages in ops.runs."""
    data, _, _ = province
    published = data / "published"
    with duckdb.connect(str(published / "netzero.duckdb"), read_only=True) as con:
        snapshot_total = con.execute(
            "select sum(emissions_tco2e) from marts.fct_enterprise_monthly"
        ).fetchall()[0][0]
        parquet_total = con.execute(
            "select sum(emissions_tco2e) from read_parquet(?)",
            [str(published / "parquet" / "marts" / "fct_enterprise_monthly.parquet")],
        ).fetchall()[0][0]
    working = sql(data, "select sum(emissions_tco2e) from marts.fct_enterprise_monthly")[0][0]
    assert snapshot_total == working == parquet_total
    assert (published / "parquet").is_symlink()
    stages, duration, rendered = sql(
        data,
        "select stage_seconds, duration_s, reports_rendered from ops.runs "
        "where status = 'completed' order by started_at limit 1",
    )[0]
    assert list(json.loads(stages)) == [
        "land",
        "validate",
        "build",
        "receipts",
        "period",
        "check",
        "render",
        "publish",
        "mail",
        "snapshot",
    ]
    assert duration > 0 and rendered > 0


def test_a_data_folder_copied_with_its_links_followed_still_publishes(province, tmp_path) -> None:
    """A copy that follows links (``cp -rL``, a backup restored) turns ``published/parquet``
    into a plain folder: the next snapshot takes its place again, as a link, and keeps it
    aside for readers, instead of failing on it run after run."""
    from flows.publish import publish_warehouse
    from flows.settings import settings_from_env

    data = tmp_path / "data"
    shutil.copytree(province[0] / "warehouse", data / "warehouse")
    shutil.copytree(province[0] / "published", data / "published")  # links followed
    assert not (data / "published" / "parquet").is_symlink()
    publish_warehouse.fn(settings_from_env(data), "after-restore")
    link = data / "published" / "parquet"
    assert link.is_symlink() and link.resolve().name == "parquet-after-restore"
    assert (link / "marts" / "fct_enterprise_monthly.parquet").is_file()


READER = """
import pathlib, sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
stop = pathlib.Path(sys.argv[2])
query = "select count(*), sum(emissions_tco2e) from marts.fct_enterprise_monthly"
first = con.execute(query).fetchall()[0]
print("ready", flush=True)
seen, reads = set(), 0
while not stop.exists():  # reads all through the run, every 20 ms
    seen.add(con.execute(query).fetchall()[0])
    reads += 1
    time.sleep(0.02)
print(repr((first, sorted(seen), reads)), flush=True)
"""


def test_a_reader_holding_the_snapshot_keeps_consistent_data_during_a_run(province) -> None:
    """It swaps the published snapshot in under an open reader: the reader keeps reading
    the version it opened, without error, while a run lands new data; a new reader sees it."""
    import sys

    from flows.monthly_cycle import monthly_cycle

    data, _, _ = province
    snapshot = data / "published" / "netzero.duckdb"
    stop = data / "reader.stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(snapshot), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None
    assert reader.stdout.readline().strip() == "ready"
    tax = sql(data, "select tax_code from marts.dim_enterprises order by tax_code limit 1")[0][0]
    (data / "inbox" / f"{tax}_2026-10_r11.csv").write_text(
        "Mã số thuế / Tax code,Kỳ báo cáo / Period,Lần nộp / Revision,Mã hoạt động / Activity code,"
        "Số lượng / Quantity,Đơn vị / Unit,Ghi chú / Note\n"
        f"{tax},2026-10,11,ELEC_GRID,7654321,kWh,Đọc lại công tơ\n",
        encoding="utf-8",
    )
    monthly_cycle(data_dir=str(data))
    stop.touch()
    out, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0
    first, seen, reads = eval(out.strip())  # noqa: S307 - our own child's repr of tuples
    assert reads > 20, "the reader was reading while the run went on"
    assert seen == [first], "the open snapshot never changed under the reader"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        now = con.execute(
            "select count(*), sum(emissions_tco2e) from marts.fct_enterprise_monthly"
        ).fetchall()[0]
    assert now != first, "a new reader sees the new run's data"


# What must never reach a reader: development notes, table names, Python's None, float
# representation tails (376.42571355000007), and moments in ISO form (dates are the
# edition's, times Viet Nam's).
INTERNAL_MARKERS = re.compile(
    r"domain-facts|§|UNVERIFIED|seed data|public projects|excerpt|\breference\."
    r"|\b(?:ref|rpt|fct|stg|dim|int)_[a-z]"
    r"|\bNone\b|\bnan\b|\d\.\d*(?:00000|99999)\d"
)
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
RAW_CODE = re.compile(r"\b[A-Z]{2,}(?:_[A-Z0-9]+)+\b")  # ELEC_GRID, not GRID-VN-2023


def reader_text(page: Path) -> tuple[str, str]:
    """The text a reader sees in an HTML page (no style, script or metadata), whole and
    without the English translation (the record's Vietnamese)."""
    import tinyhtml5

    everything: list[str] = []
    vietnamese: list[str] = []

    def walk(node, english: bool) -> None:
        tag = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
        if tag in {"style", "script", "head"}:
            english_here = True
            skip = True
        else:
            english_here = english or "en" in (node.get("class") or "").split()
            skip = False
        if not skip:
            for text in (node.text,):
                if text:
                    everything.append(text)
                    (None if english_here else vietnamese.append(text))
            for child in node:
                walk(child, english_here)
        if node.tail:
            everything.append(node.tail)
            (None if english else vietnamese.append(node.tail))

    walk(tinyhtml5.parse(page.read_text(encoding="utf-8")), False)
    return " ".join(everything), " ".join(vietnamese)


def test_no_reader_facing_text_holds_internal_markers(province, tmp_path) -> None:
    """Every report, the method annex and every receipt, and every CSV attached to a PDF
    or written beside a receipt: no development note, table name, None, float tail, ISO
    moment or raw activity code; the Vietnamese text spells the unit one way (tCO₂tđ)."""
    data, _, _ = province
    outbox = data / "outbox"
    # validation/ is the analysts' page of the run's checks: it names the tables it checked
    pages = sorted(p for p in outbox.rglob("*.html") if p.parts[-2] != "validation")
    assert len(pages) > 20
    for page in pages:
        whole, vietnamese = reader_text(page)
        where = page.relative_to(outbox)
        assert not INTERNAL_MARKERS.search(whole), (where, INTERNAL_MARKERS.search(whole))
        assert not ISO_MOMENT.search(whole), (where, ISO_MOMENT.search(whole))
        assert not RAW_CODE.search(whole), (where, RAW_CODE.search(whole))
        assert "tCO₂e" not in vietnamese and "tấn CO₂tđ" not in vietnamese, where
    attached = tmp_path / "attached"
    for pdf in sorted((outbox / "2026-10").rglob("*.pdf")):
        folder = attached / pdf.stem
        folder.mkdir(parents=True)
        subprocess.run(["pdfdetach", "-saveall", "-o", str(folder), str(pdf)], check=True)
    tables = sorted(attached.rglob("*.csv")) + sorted(outbox.rglob("*.csv"))
    assert len(tables) > 20
    for table in tables:
        text = table.read_text(encoding="utf-8")
        assert not INTERNAL_MARKERS.search(text), (table.name, INTERNAL_MARKERS.search(text))


def test_the_period_index_opens_offline_sorts_filters_and_every_link_resolves(province) -> None:
    """index.html in Chromium from file://: no request beyond the folder, no console error;
    the action lists name what the marts say; every link lands on a file of the outbox;
    sorting and filtering work without a network."""
    from playwright.sync_api import sync_playwright

    from tests.reports.test_browser import ARGS, CHROMIUM

    data, _, _ = province
    folder = data / "outbox" / "2026-10"
    index = folder / "index.html"
    assert index.exists()
    marts = {
        (action, tax)
        for action, tax in sql(
            data, "select action, tax_code from reports.rpt_action_items where period = '2026-10'"
        )
    }
    enterprises = sql(
        data,
        "select tax_code, emissions_tco2e, submission_status from reports.rpt_enterprise_monthly "
        "where period = '2026-10'",
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        requests: list[str] = []
        problems: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(index.as_uri())
        assert requests == [index.as_uri()] and problems == []
        named = {
            (group.get_attribute("data-action"), href.removeprefix("#ent-"))
            for group in page.query_selector_all("div.action")
            for href in [a.get_attribute("href") for a in group.query_selector_all("a")]
        }
        assert named == marts
        hrefs = [a.get_attribute("href") for a in page.query_selector_all("a[href]")]
        files = [h for h in hrefs if not h.startswith("#")]
        assert len(files) >= 2 * len(enterprises) + 4
        for href in files:
            assert (folder / href).resolve().is_file(), href
        for href in {h for h in hrefs if h.startswith("#")}:
            assert page.query_selector(href) is not None, href
        receipts = [h for h in files if h.startswith("../receipts/")]
        assert len(receipts) >= len([e for e in enterprises if e[2] != "missing"])

        # largest emitter first, unknown emissions last
        first = _column(page, 6)
        assert _known(first) == sorted(_known(first), reverse=True)
        assert first[len(_known(first)) :] == [""] * (len(first) - len(_known(first)))
        page.click("#enterprises th button[data-col='6']")  # ascending
        ascending = _column(page, 6)
        assert _known(ascending) == sorted(_known(ascending))
        assert ascending[len(_known(ascending)) :] == [""] * (len(first) - len(_known(first)))
        missing = [tax for tax, _, status in enterprises if status == "missing"]
        page.select_option("#filter-status", "missing")
        shown = page.eval_on_selector_all(
            "#enterprises tbody tr:not([hidden])", "rows => rows.map(r => r.id)"
        )
        assert sorted(shown) == sorted(f"ent-{tax}" for tax in missing)
        page.select_option("#filter-status", "")
        first_name = "select name_vi from marts.dim_enterprises order by tax_code limit 1"
        name = sql(data, first_name)[0][0]
        bare = (
            "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
            .replace("đ", "d")
            .replace("Đ", "D")
        )
        page.fill("#filter-text", bare.lower())
        assert page.inner_text("#shown") == "1"
        browser.close()


def _column(page, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """The sort values of column ``n`` of the index's shown rows, in order."""
    return page.eval_on_selector_all(
        "#enterprises tbody tr:not([hidden])",
        f"rows => rows.map(r => r.cells[{n}].getAttribute('data-sort'))",
    )


def _known(values: list[str]) -> list[float]:
    return [float(v) for v in values if v]


def test_the_index_and_the_reports_read_on_a_phone(province) -> None:
    """390 px wide (a phone): no sideways scrolling, on the index and on a report of each
    kind; no chart text under 9 px."""
    from playwright.sync_api import sync_playwright

    from tests.reports.test_browser import ARGS, CHROMIUM

    data, _, _ = province
    folder = data / "outbox" / "2026-10"
    pages = [
        folder / "index.html",
        folder / "province_2026-10.html",
        folder / "method_2026-10.html",
        next((folder / "parks").glob("*.html")),
        next((folder / "enterprises").glob("*.html")),
    ]
    smallest_text = (
        "Math.min(...Array.from(document.querySelectorAll('svg.chart text'))"
        ".map(t => parseFloat(t.getAttribute('font-size')) * "
        "(t.ownerSVGElement.getBoundingClientRect().width / "
        "t.ownerSVGElement.viewBox.baseVal.width)))"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width in (390, 1000):
            view = browser.new_page(viewport={"width": width, "height": 844})
            for html in pages:
                view.goto(html.as_uri())
                scroll = view.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, (html.name, width, scroll)
                charts = view.evaluate("document.querySelectorAll('svg.chart text').length")
                if charts:
                    smallest = view.evaluate(smallest_text)
                    assert smallest >= 9, (html.name, width, smallest)
        browser.close()


def test_the_close_writes_each_enterprise_its_report_and_the_agency_its_pack(province) -> None:
    """No SMTP (the embedded default): every enterprise report with a registered address is
    an .eml in the outbox (the report's HTML as the body, its PDF attached, byte for byte);
    the agency's recipients get one message with the province, park and method PDFs."""
    import email
    from email.policy import default

    from flows.settings import load_agency

    data, _, summary = province
    folder = data / "outbox" / summary.period
    addresses = dict(
        sql(
            data,
            "select tax_code, list(email order by email) from "
            "reference.ref_enterprise_contacts group by tax_code",
        )
    )
    pdfs = {p.name.split("_")[0]: p for p in (folder / "enterprises").glob("*.pdf")}
    expected = {tax for tax in pdfs if tax in addresses}
    assert expected, "the demo registers addresses for its enterprises"
    # the latest per enterprise: a test here that reruns a month sends a revised report
    rows = sql(
        data,
        "select arg_max(about, queued_at), arg_max(recipients, queued_at), "
        "arg_max(status, queued_at), arg_max(eml_path, queued_at) from ops.outgoing_mail "
        "where kind = 'report' group by split_part(about, '/', 2)",
    )
    assert {about.split("/")[1] for about, *_ in rows} == expected
    for about, recipients, status, eml in rows:
        tax = about.split("/")[1]
        assert (sorted(recipients), status) == (addresses[tax], "written")
        message = email.message_from_bytes((data / "outbox" / eml).read_bytes(), policy=default)
        (pdf,) = message.iter_attachments()
        assert pdf.get_filename() == pdfs[tax].name
        assert pdf.get_content() == pdfs[tax].read_bytes()
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        page = pdfs[tax].with_suffix(".html").read_text(encoding="utf-8")
        assert html.replace("\r\n", "\n").rstrip("\n") == page.rstrip("\n")  # CRLF in mail
    ((recipients, eml),) = sql(
        data,
        "select recipients, eml_path from ops.outgoing_mail where kind = 'pack' "
        "order by queued_at desc limit 1",
    )
    assert tuple(recipients) == load_agency().mail_recipients
    pack = email.message_from_bytes((data / "outbox" / eml).read_bytes(), policy=default)
    parks = sorted(p.name for p in (folder / "parks").glob("*.pdf"))
    names = [a.get_filename() for a in pack.iter_attachments()]
    assert names == [f"province_{summary.period}.pdf", *parks, f"method_{summary.period}.pdf"]
    # first, what the agency acts on: who has not sent the month, as the marts count it
    ((expected_n, owing),) = sql(
        data,
        "select count(*), count(*) filter (where submission_status in ('missing', "
        f"'rejected')) from marts.fct_submission_status where period = '{summary.period}'",
    )
    month = f"{summary.period[5:7]}/{summary.period[:4]}"
    text = pack.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"Of {expected_n} enterprises, {owing} have not sent the data for {month}" in text


def test_a_long_list_of_enterprises_is_issued_in_parts_beside_its_report(
    province, tmp_path, monkeypatch
) -> None:
    """With at most 5 rows a list (NETZERO_LIST_ROWS_PER_PART), the province's 12
    enterprises come as 3 documents of 4 beside its report: every enterprise in exactly one,
    in the report's order (largest emitter first), every link of the report and the parts
    landing on a published file; the pack names the parts; a rerun renders nothing again."""
    import email
    from email.policy import default

    from flows.monthly_cycle import monthly_cycle

    data = tmp_path / "data"
    shutil.copytree(province[0], data, symlinks=True)  # published/parquet is a link
    monkeypatch.setenv("NETZERO_LIST_ROWS_PER_PART", "5")
    summary = monthly_cycle(data_dir=str(data))
    folder = data / "outbox" / summary.period
    manifest = json.loads((folder / "manifest.json").read_text())
    stems = set(manifest["fingerprints"])
    parts = sorted(s for s in stems if s.startswith("province_") and "_enterprises-" in s)
    assert parts == [f"province_{summary.period}_enterprises-{n}" for n in (1, 2, 3)]
    assert set(parts) <= set(manifest["rendered"])
    report = (folder / f"province_{summary.period}.html").read_text(encoding="utf-8")
    assert '<table class="members' not in report
    listed = []
    for stem in parts:
        page = (folder / f"{stem}.html").read_text(encoding="utf-8")
        rows = re.findall(r'<tr id="ent-(\d+)"', page)
        assert len(rows) == 4
        listed += rows
        assert (folder / f"{stem}.pdf").exists()
    order = sql(
        data,
        "select tax_code from reports.rpt_enterprise_monthly where period = "
        f"'{summary.period}' order by emissions_tco2e is null, emissions_tco2e desc, name_vi, "
        "tax_code",
    )
    assert listed == [tax for (tax,) in order]
    pages = [folder / f"province_{summary.period}.html"] + [folder / f"{s}.html" for s in parts]
    pages += sorted((folder / "parks").glob(f"*_{summary.period}*.html"))
    for page in pages:
        for href in re.findall(r'href="([^"#]+)', page.read_text(encoding="utf-8")):
            assert (page.parent / href).is_file(), f"{page.name}: {href}"
    text = subprocess.run(
        ["pdftotext", str(folder / f"{parts[1]}.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Danh sách doanh nghiệp" in " ".join(text.split()) and "2 / 3" in text
    ((eml,),) = sql(
        data,
        "select eml_path from ops.outgoing_mail where kind = 'pack' "
        "order by queued_at desc limit 1",
    )
    pack = email.message_from_bytes((data / "outbox" / eml).read_bytes(), policy=default)
    names = [a.get_filename() for a in pack.iter_attachments()]
    assert not [n for n in names if "_enterprises-" in n]
    body = " ".join(pack.get_body(("plain",)).get_content().split())  # type: ignore[union-attr]
    every_part = [p for p in stems if "_enterprises-" in p or "_obligated-" in p]
    assert f"({len(every_part)} parts, not attached;" in body
    again = monthly_cycle(data_dir=str(data))
    assert again.reports_rendered == 0


def test_each_report_message_is_composed_only_when_the_outbox_takes_it(
    province, tmp_path, monkeypatch
) -> None:
    """The reports' messages (each with its PDF and HTML) are never held together: at
    10,000 enterprises holding them took the run to 4.6 GB. Each is composed when the
    outbox takes it, so the n-th message taken is the n-th composed."""
    import shutil

    from flows import delivery, mail
    from flows.settings import settings_from_env

    data, _, summary = province
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    with duckdb.connect(str(copy / "warehouse" / "netzero.duckdb")) as con:
        con.execute("delete from ops.outgoing_mail where kind in ('report', 'pack')")
    composed = 0
    real_compose, real_queue = mail.compose, mail.queue

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal composed
        composed += 1
        return real_compose(*args, **kwargs)

    taken: list[int] = []

    def watching(warehouse, outbox, messages, run_id=None, send=True):  # type: ignore[no-untyped-def]
        def each():  # type: ignore[no-untyped-def]
            for item in messages:
                taken.append(composed)  # how many were composed when this one is taken
                yield item

        return real_queue(warehouse, outbox, each(), run_id, send)

    monkeypatch.setattr(mail, "compose", counting)
    monkeypatch.setattr(mail, "queue", watching)
    folder = copy / "outbox" / summary.period
    delivered = delivery.deliver_reports.fn(
        settings_from_env(copy), summary.period, folder, "test-run"
    )
    assert delivered.enterprises >= 2
    assert delivered.pack == 1
    assert taken == list(range(1, delivered.enterprises + 2))  # the reports, then the pack
