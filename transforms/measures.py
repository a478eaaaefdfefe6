"""The measures: which activity fills which column of an enterprise-month, read from the
shipped activity list (reference/ref_activities.csv, its ``measure_column`` and
``category``), so that an activity, its column and its kind have one home.

Read once, at import: the same file the warehouse loads as reference.ref_activities.
"""

from __future__ import annotations

import csv

from transforms import REFERENCE_DIR

with (REFERENCE_DIR / "ref_activities.csv").open(encoding="utf-8", newline="") as _file:
    _ACTIVITIES = list(csv.DictReader(_file))

# Production output has its own unit per enterprise: summed apart (output_quantity).
OUTPUT_ACTIVITY = "PRODUCTION_OUTPUT"
# Activity code → the fct_enterprise_monthly column holding its canonical quantity.
ACTIVITY_COLUMNS: dict[str, str] = {
    a["activity_code"]: a["measure_column"]
    for a in _ACTIVITIES
    if a["activity_code"] != OUTPUT_ACTIVITY
}
FUEL_ACTIVITIES = [a["activity_code"] for a in _ACTIVITIES if a["category"] == "fuel"]
# What energy in TOE and GJ adds up: grid and self-consumed solar electricity, and fuels.
ENERGY_ACTIVITIES = ["ELEC_GRID", "ELEC_SOLAR_SELF", *FUEL_ACTIVITIES]
KNOWN_ACTIVITIES = [a["activity_code"] for a in _ACTIVITIES]
# A rejected line whose activity code could not be read might have been any activity.
UNREADABLE_ACTIVITY = "*"
# The figures of an enterprise-month that say why they are unknown: <figure>_unknown_reason.
REASONED_FIGURES = (
    "grid_electricity",
    "solar_self_consumed",
    "scope1",
    "scope2_location",
    "scope2_market",
    "electricity",
    "emissions",
    "emissions_market",
    "energy_gj",
    "energy_toe",
)
