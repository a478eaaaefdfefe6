"""The context of a period's index page (``outbox/<period>/index.html``): every report of the
period with its park, status, completeness and flags, the links to its PDF, HTML and
receipts, and page one's action lists at the top. Pure: rows in, dicts out; every link is
relative to the period's folder, so the page works from ``file://``."""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict

from report_templates.contexts.common import Row, action_groups, report_file
from report_templates.contexts.labels import PROGRESS_MSGIDS, STATUS_MSGIDS, TITLES


def folded(*texts: object) -> str:
    """Text to search in, lower case and also without diacritics ("binh duong" finds
    "Bình Dương"): the page's filter folds what the reader types the same way."""
    joined = " ".join(str(t) for t in texts if t).casefold()
    bare = "".join(
        c for c in unicodedata.normalize("NFD", joined) if not unicodedata.combining(c)
    ).replace("đ", "d")
    return unicodedata.normalize("NFC", f"{joined} {bare}")


def index_context(
    common: Row,
    province: Row,
    parks: list[Row],
    enterprises: list[Row],
    warnings: list[Row],
    actions: list[Row],
    receipts: list[Row],
) -> Row:
    """``receipts`` carry ``href``, the receipt's path relative to the period's folder."""
    period = common["period"]
    flagged = Counter(w["tax_code"] for w in warnings)
    acting: dict[str, list[str]] = defaultdict(list)
    for a in actions:
        acting[a["tax_code"]].append(a["action"])
    by_enterprise: dict[str, list[Row]] = defaultdict(list)
    for r in receipts:
        by_enterprise[r["tax_code"]].append(r)
    rows = [
        {
            "tax_code": e["tax_code"],
            "name_vi": e["name_vi"],
            "name_en": e.get("name_en") or e["name_vi"],
            "park_code": e["park_code"],
            "park_name_vi": e.get("park_name_vi") or e["park_code"],
            "park_name_en": e.get("park_name_en") or e.get("park_name_vi") or e["park_code"],
            "status": e["submission_status"],
            "status_msgid": STATUS_MSGIDS[e["submission_status"]],
            "progress": e.get("progress_status") or "undetermined",
            "progress_msgid": PROGRESS_MSGIDS[e.get("progress_status")],
            "emissions_tco2e": e.get("emissions_tco2e"),
            "months_reported": e.get("months_reported_ytd"),
            "months_expected": e.get("months_expected_ytd"),
            "lines_rejected": e.get("lines_quarantined") or 0,
            "figures_flagged": flagged.get(e["tax_code"], 0),
            "actions": acting.get(e["tax_code"], []),
            "pdf": report_file("enterprise", period, e["tax_code"]) + ".pdf",
            "html": report_file("enterprise", period, e["tax_code"]) + ".html",
            "receipts": by_enterprise.get(e["tax_code"], []),
            "search": folded(e["tax_code"], e["name_vi"], e.get("name_en"), e.get("park_name_vi")),
        }
        for e in enterprises
    ]
    rows.sort(
        key=lambda r: (
            r["emissions_tco2e"] is None,
            -(r["emissions_tco2e"] or 0),
            r["name_vi"],
        )
    )
    park_rows = [
        p
        | {
            "pdf": report_file("park", period, p["park_code"]) + ".pdf",
            "html": report_file("park", period, p["park_code"]) + ".html",
        }
        for p in parks
    ]
    present = {r["status"] for r in rows}
    return common | {
        "title": TITLES["period_index"],
        "province": province,
        "parks": park_rows,
        "enterprises": rows,
        "action_groups": action_groups(actions),
        "statuses": [(s, msgid) for s, msgid in STATUS_MSGIDS.items() if s in present],
        "documents": [
            (TITLES["province_monthly"], report_file("province", period)),
            (TITLES["method_annex"], report_file("method", period)),
        ],
    }
