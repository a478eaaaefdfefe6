"""A roll-up's long lists (every enterprise of a park or of the province; the province's
enterprises over the GHG-inventory threshold), when too long for the report: documents of
their own, in parts. Pure: rows in, dicts out.

WeasyPrint lays out one document's pages one after another in one process. At 10,000
enterprises the province's list alone was about 670 pages: 354 s and about 5.5 GB in one
worker (``bench.province``, 6 Dec 2026), the month's longest job and its largest process. In
parts of at most ``ROWS_PER_PART`` rows the report keeps its few pages, the parts are rendered
side by side like the enterprise reports, and a worker's memory is bounded by one part."""

from __future__ import annotations

from report_templates.contexts.attachments import enterprise_rows
from report_templates.contexts.common import Row
from report_templates.contexts.labels import N_, SUMMARIES, TITLES

# A roll-up whose list is in parts names at most this many enterprises in each of page
# one's lists, the largest emitters: at 10,000 enterprises "behind the path" alone named about
# 2,500 (some 50 pages). The PDF attaches every name (actions.csv), each part of the list shows
# every enterprise's submission and progress, and the period's index names them all.
NAMED_ON_PAGE_ONE = 20

# About 20 pages at 9 pt (13 rows a page), a few seconds to lay out; the demo's lists (at
# most 120 enterprises) stay in their report's annex. NETZERO_LIST_ROWS_PER_PART.
ROWS_PER_PART = 250


# The lists a roll-up issues in parts when long: the context key that holds the rows, and the
# part's summary. "enterprises": every enterprise, largest emitter first; "obligated": the
# enterprises over the Decree 06/2022 GHG-inventory threshold (the province), in its table's
# order (park, name).
LISTS = {
    "enterprises": ("members", SUMMARIES["member_list"]),
    "obligated": ("obligated", SUMMARIES["obligated_list"]),
}


def member_parts(members: list[Row], most: int, name: str, kind: str = "enterprises") -> list[Row]:
    """The parts of ``members`` (in their order) when there are more than ``most``, else
    none: the fewest parts of at most ``most`` rows, their sizes within one of each other.
    ``name`` is the report's file name without extension; a part's is ``{name}_{kind}-N``
    in the same folder. The list of every enterprise (largest emitter first) gives each part's
    range of emissions."""
    if len(members) <= most:
        return []
    count = -(-len(members) // most)
    size, longer = divmod(len(members), count)
    ranged = kind == "enterprises"
    parts: list[Row] = []
    first = 0
    for number in range(1, count + 1):
        rows = members[first : first + size + (number <= longer)]
        parts.append(
            {
                "kind": kind,
                "number": number,
                "of": count,
                "first": first + 1,
                "last": first + len(rows),
                "total": len(members),
                "file": f"{name}_{kind}-{number}",
                "previous": f"{name}_{kind}-{number - 1}" if number > 1 else None,
                "next": f"{name}_{kind}-{number + 1}" if number < count else None,
                "ranged": ranged,
                # Largest emitter first: the part's range; unknown emissions come last.
                "emissions_from": rows[0].get("emissions_tco2e") if ranged else None,
                "emissions_to": rows[-1].get("emissions_tco2e") if ranged else None,
            }
        )
        first += len(rows)
    return parts


def member_files(members: list[Row], parts: list[Row]) -> dict[str, str]:
    """Which part's file holds each enterprise's row (tax code → file name); empty when the
    list is in the report itself. Page one's action lists link to the row through it."""
    return {
        m["tax_code"]: part["file"]
        for part in parts
        for m in members[part["first"] - 1 : part["last"]]
    }


def without_listed_rows(report: Row) -> Row:
    """``report``'s context without the rows its parts hold: the report itself names only
    how many there are (``part.total``). At 20,000 enterprises the lists were 40 of the 57 MB
    of the province's context, pickled to its worker, and the worker that unpickled it held
    479 MiB with it."""
    listed = {
        LISTS[parts[0]["kind"]][0]
        for key in ("member_parts", "obligated_parts")
        if (parts := report.get(key))
    }
    return {key: value for key, value in report.items() if key not in listed}


def member_list_context(common: Row, report: Row, part: Row, report_file: str) -> Row:
    """Context of one part of one of ``report``'s lists (a park's or the province's context
    with ``member_parts`` or ``obligated_parts``); ``common`` is what ``report`` was made
    from."""
    key, summary = LISTS[part["kind"]]
    members = report[key][part["first"] - 1 : part["last"]]
    return common | {
        "title": TITLES["member_list"],
        "summary": summary,
        "report_kind": "members",
        "list_of": report["report_kind"],
        "subject": report["subject"],
        "report_summary": report["summary"],
        "report_file": report_file,
        "part": part,
        "members": members,
        "data_files": [
            (
                "enterprises",
                N_("The enterprises of this part of the list, one row each"),
                enterprise_rows(members),
            )
        ],
    }
