"""A park's or the province's list of enterprises beyond a bounded length: documents of their
own, in parts, that the report names and links, every enterprise in exactly one of them."""

from __future__ import annotations

import re

from report_templates import contexts
from report_templates.contexts.member_list import member_files, member_parts
from report_templates.render import render_html
from tests.reports import fixtures


def rows(emissions: list[float | None]) -> list[fixtures.Row]:
    return [{"tax_code": f"37{i:08d}", "emissions_tco2e": e} for i, e in enumerate(emissions)]


def test_a_list_that_fits_stays_in_the_report() -> None:
    members = rows([5.0, 4.0, 3.0])
    assert member_parts(members, 3, "parks/X_2026-10") == []
    assert member_files(members, []) == {}


def test_the_fewest_parts_of_sizes_within_one_in_the_list_order() -> None:
    """11 rows, at most 4 a part: 3 parts (⌈11 / 4⌉ = 3); 11 = 3 × 3 + 2, so the first two
    parts have 4 rows and the last 3."""
    members = rows([9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, None, None])
    parts = member_parts(members, 4, "VSIP1_2026-10")
    assert [(p["first"], p["last"]) for p in parts] == [(1, 4), (5, 8), (9, 11)]
    assert [(p["number"], p["of"], p["total"]) for p in parts] == [(n, 3, 11) for n in (1, 2, 3)]
    assert [p["file"] for p in parts] == [f"VSIP1_2026-10_enterprises-{n}" for n in (1, 2, 3)]
    assert [(p["previous"], p["next"]) for p in parts] == [
        (None, "VSIP1_2026-10_enterprises-2"),
        ("VSIP1_2026-10_enterprises-1", "VSIP1_2026-10_enterprises-3"),
        ("VSIP1_2026-10_enterprises-2", None),
    ]
    # the range each part covers, largest first; unknown emissions are never a number
    assert [(p["emissions_from"], p["emissions_to"]) for p in parts] == [
        (9.0, 6.0),
        (5.0, 2.0),
        (1.0, None),
    ]
    # 250 at most a part: 1,001 rows are 5 parts of 201, 200, 200, 200, 200
    sizes = [p["last"] - p["first"] + 1 for p in member_parts(rows([1.0] * 1001), 250, "p")]
    assert sizes == [201, 200, 200, 200, 200]
    files = member_files(members, parts)
    assert list(files) == [m["tax_code"] for m in members]
    assert [files[m["tax_code"]][-1] for m in members] == list("11112222333")


def test_the_report_names_its_parts_and_its_actions_link_into_them() -> None:
    """The province's report with one row a part: no list of its own, a table of the three
    parts with their files, and page one's names linking to the part that holds the row."""
    report = fixtures.province(rows_per_part=1)
    html = render_html("province_monthly", report)
    assert '<table class="members' not in html and 'id="ent-' not in html
    for n in (1, 2, 3):
        assert f'href="province_2026-10_enterprises-{n}.pdf"' in html
    named = re.findall(r'<li><a href="([^"]*)#ent-(\d+)"', html)
    assert named and all(f == f"{report['member_files'][tax]}.html" for f, tax in named)
    assert "chưa biết" in html  # the part whose emissions are unknown says so
    english = render_html("province_monthly", report, "en")
    assert 'href="province_2026-10_enterprises-1.en.pdf"' in english
    # as before when the list fits: the rows in the annex, page one linking within the page
    inline = render_html("province_monthly", fixtures.province())
    assert inline.count('<tr id="ent-') == 3 and "_enterprises-" not in inline


def test_every_enterprise_is_in_exactly_one_part_in_the_order_of_the_list() -> None:
    report = fixtures.province(rows_per_part=2)
    parts = report["member_parts"]
    assert [(p["first"], p["last"]) for p in parts] == [(1, 2), (3, 3)]
    listed = []
    for part in parts:
        context = contexts.member_list_context(fixtures.COMMON, report, part, "province_2026-10")
        html = render_html("member_list", context)
        listed += re.findall(r'<tr id="ent-(\d+)"', html)
        assert f"<strong>{part['number']} / 2</strong>" in html
        assert 'href="province_2026-10.pdf"' in html
        ((_, _, csv_rows),) = context["data_files"]
        assert [r["tax_code"] for r in csv_rows] == re.findall(r'<tr id="ent-(\d+)"', html)
    assert listed == [m["tax_code"] for m in report["members"]]


def test_a_park_part_has_the_park_columns() -> None:
    report = fixtures.park()
    park = contexts.park_context(
        fixtures.COMMON, fixtures.PARK, [fixtures.ENTERPRISE, fixtures.LATE], rows_per_part=1
    )
    assert report["member_parts"] == [] and len(park["member_parts"]) == 2
    first = park["member_parts"][0]
    part = contexts.member_list_context(fixtures.COMMON, park, first, "VSIP1_2026-10")
    html = render_html("member_list", part)
    assert "park-members" in html and "Tỷ trọng trong khu công nghiệp" in html
    assert 'href="VSIP1_2026-10_enterprises-2.html"' in html


def test_page_one_names_the_largest_twenty_when_the_list_is_in_parts() -> None:
    """25 enterprises behind their path in a province whose list is in parts: page one
    names the 20 largest emitters, counts all 25 and says where the other 5 are; the PDF's
    actions.csv has all 25. With the list in the report, page one names all 25."""
    behind = [
        fixtures.action(
            fixtures.ENTERPRISE | {"tax_code": f"38{i:08d}", "emissions_tco2e": i}, "behind_path"
        )
        for i in range(25)
    ]
    for rows_per_part, named in ((1, 20), (contexts.ROWS_PER_PART, 25)):
        report = contexts.province_context(
            fixtures.COMMON, fixtures.PROVINCE, [fixtures.PARK],
            [fixtures.ENTERPRISE, fixtures.LATE], [], [], [],
            actions=behind, rows_per_part=rows_per_part,
        )  # fmt: skip
        html = render_html("province_monthly", report)
        listed = re.findall(r'#ent-(38\d+)">', html)
        assert listed == [f"38{i:08d}" for i in range(24, 24 - named, -1)]
        assert "(25)" in html
        assert ("… và</span>" in html) == (named < 25)
        if named < 25:
            assert "<strong>5</strong>" in html.split("… và</span>")[1][:200]
        (csv_rows,) = [rows for name, _, rows in report["data_files"] if name == "actions"]
        assert sorted(r["tax_code"] for r in csv_rows) == sorted(a["tax_code"] for a in behind)


def test_the_list_over_the_inventory_threshold_is_issued_in_parts_too() -> None:
    """Three enterprises over the Decree 06/2022 threshold, at most 2 rows a list: the
    province's annex names 2 parts (no range of emissions: that list is in its table's
    order), each part prints its rows in the threshold table with the decree's note."""
    over = [
        fixtures.Row(e, ghg_inventory_rolling="over")
        for e in (fixtures.ENTERPRISE, fixtures.LATE, fixtures.MISSING)
    ]
    report = contexts.province_context(
        fixtures.COMMON, fixtures.PROVINCE, [fixtures.PARK], over, [], [], [], rows_per_part=2
    )
    parts = report["obligated_parts"]
    assert [(p["file"], p["first"], p["last"]) for p in parts] == [
        ("province_2026-10_obligated-1", 1, 2),
        ("province_2026-10_obligated-2", 3, 3),
    ]
    html = render_html("province_monthly", report)
    annex = html[html.index('id="annex-4"') :]
    assert 'href="province_2026-10_obligated-2.pdf"' in annex
    assert "<caption>" not in annex.split("Doanh nghiệp thuộc diện kiểm kê khí nhà kính")[1][:50]
    listed = []
    for part in parts:
        page = render_html(
            "member_list",
            contexts.member_list_context(fixtures.COMMON, report, part, "province_2026-10"),
        )
        assert "Nghị định 06/2022/NĐ-CP" in page and "kiểm kê khí nhà kính" in page
        listed += re.findall(r"<td>(\d{10})</td>", page)
    assert listed == [e["tax_code"] for e in over]


def test_a_report_in_parts_is_sent_without_the_rows_its_parts_hold_and_reads_the_same() -> None:
    """What a render worker is sent for a roll-up whose lists are in parts: not the lists'
    rows (at 20,000 enterprises 40 of the province's 57 MB), and the same page to the byte.
    A list that fits stays in the report's context: its annex shows it."""
    over = fixtures.Row(fixtures.LATE, tax_code="3700000009", name_en="Another emitter")
    enterprises = [fixtures.ENTERPRISE, fixtures.LATE, over, fixtures.MISSING]
    province = contexts.province_context(
        fixtures.COMMON, fixtures.PROVINCE, [fixtures.PARK], enterprises, [], [], [], [],
        [], [], [], rows_per_part=1,
    )  # fmt: skip
    sent = contexts.without_listed_rows(province)
    assert len(province["obligated_parts"]) == 2 and len(province["member_parts"]) == 4
    assert "members" not in sent and "obligated" not in sent
    assert render_html("province_monthly", sent) == render_html("province_monthly", province)
    park = contexts.park_context(
        fixtures.COMMON, fixtures.PARK, enterprises, [], rows_per_part=1
    )  # fmt: skip
    sent = contexts.without_listed_rows(park)
    assert len(park["member_parts"]) == 4 and "members" not in sent
    assert render_html("park_monthly", sent) == render_html("park_monthly", park)
    whole = fixtures.province()
    assert not whole["member_parts"] and contexts.without_listed_rows(whole) == whole
