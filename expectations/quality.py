"""Warning suite: accepted lines worth a second look (marts.int_quality_checks masks).

Warnings never reject a line: they are shown in receipts and in the reports' data-quality
sections. The masks are computed in Polars (transforms/quality.py); GX reports on them.
"""

from __future__ import annotations

from typing import Any

from expectations import Rule, meta

SUITE_NAME = "marts.int_quality_checks.warning"
SUITE_VERSION = "2026.11.1"

RULES = (
    Rule(
        "mom_change",
        "quantity",
        "warning",
        "Thay đổi lớn so với tháng trước: vui lòng kiểm tra lại số liệu và đơn vị",
        "Large change from the previous month: please confirm the figure and its unit",
    ),
    Rule(
        "far_from_history",
        "quantity",
        "warning",
        "Khác xa số liệu 12 tháng trước của chính doanh nghiệp: vui lòng kiểm tra lại",
        "Far from the enterprise's own previous 12 months: please confirm",
    ),
    Rule(
        "solar_implausible",
        "quantity",
        "warning",
        "Sản lượng điện mặt trời vượt mức có thể với công suất lắp đặt đã đăng ký",
        "Solar generation beyond what the registered installed capacity can produce",
    ),
    Rule(
        "zero_electricity",
        "quantity",
        "warning",
        "Điện mua bằng 0 trong tháng có sản lượng sản xuất: vui lòng kiểm tra lại",
        "Zero grid electricity in a month with production output: please confirm",
    ),
)
COLUMNS = {
    rule.name: column
    for rule, column in zip(
        RULES,
        ("mom_change", "far_from_history", "solar_implausible", "zero_electricity"),
        strict=True,
    )
}


def suite() -> Any:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name=SUITE_NAME,
        expectations=[
            gxe.ExpectColumnValuesToBeInSet(
                column=COLUMNS[rule.name], value_set=[False], meta=meta(rule)
            )
            for rule in RULES
        ],
        meta={"suite_version": SUITE_VERSION},
    )
