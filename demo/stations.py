"""The demo's wastewater monitoring (issue 17): one outlet per park's central treatment plant
and one exempted enterprise, each with a fictional environmental permit, and a month of
station files, one per five-minute transmission (Circular 10/2021/TT-BTNMT, Art. 39), in
contract ``station-1``.

The permits are as fictional as the enterprises: their numbers, dates, columns, Kq and Kf
are the demo's, not any real plant's. The limits themselves come from the reference data
(QCVN 40:2011/BTNMT), and one permit sets its own COD limit, as a permit may. Deliberate
events, listed in ``demo_defects.json``: a three-day COD episode, a station outage (a gap)
with a daily calibration, and an exempted enterprise whose pH dips below its range.
"""

from __future__ import annotations

import csv
import math
import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from demo.register import PARKS, Enterprise
from transforms.periods import period_from_index, period_index

PARAMETERS = ("pH", "TEMP", "COD", "TSS", "NH4_N", "FLOW_OUT")
UNITS = {
    "pH": "pH",
    "TEMP": "°C",
    "COD": "mg/L",
    "TSS": "mg/L",
    "NH4_N": "mg/L",
    "FLOW_OUT": "m3/h",
}
# Typical effluent of a working plant (fraction of the column A limit, or the value)
BASE = {"pH": 7.2, "TEMP": 30.0, "COD": 0.55, "TSS": 0.45, "NH4_N": 0.4}
COLUMN_A = {"COD": 75.0, "TSS": 50.0, "NH4_N": 5.0}
INTERVAL = 5  # minutes between two transmissions


def _outlets(enterprises: list[Enterprise]) -> list[dict[str, object]]:
    outlets: list[dict[str, object]] = []
    for i, park in enumerate(PARKS):
        outlets.append(
            {
                "outlet_id": f"WW-{park.park_code}",
                "name_vi": f"Trạm xử lý nước thải tập trung {park.name_vi}",
                "name_en": f"Central wastewater treatment plant, {park.name_en}",
                "park_code": park.park_code,
                "tax_code": "",
                "permit_number": f"{100 + i}/GPMT-UBND (demo)",
                "permit_date": f"2024-0{1 + i % 9}-15",
                "standard": "QCVN 40:2011/BTNMT",
                "column_code": "A" if i % 3 else "B",
                "kq": "0.9" if i % 2 else "1.0",
                "kf": "1.0" if i < 4 else "0.9",
                "parameters": ";".join(PARAMETERS),
                "interval_minutes": str(INTERVAL),
                "design_flow_m3_per_day": str(2000 + 1000 * (i % 4)),
            }
        )
    exempted = enterprises[0]
    outlets.append(
        {
            "outlet_id": f"WW-{exempted.tax_code}",
            "name_vi": f"Trạm xử lý nước thải của {exempted.name_vi}",
            "name_en": f"Wastewater treatment plant of {exempted.name_en}",
            "park_code": "",
            "tax_code": exempted.tax_code,
            "permit_number": "215/GPMT-UBND (demo)",
            "permit_date": "2025-03-20",
            "standard": "QCVN 40:2011/BTNMT",
            "column_code": "B",
            "kq": "1.0",
            "kf": "1.1",
            "parameters": ";".join(PARAMETERS),
            "interval_minutes": str(INTERVAL),
            "design_flow_m3_per_day": "450",
        }
    )
    return outlets


def write_register(folder: Path, enterprises: list[Enterprise]) -> list[dict[str, object]]:
    outlets = _outlets(enterprises)
    with (folder / "monitoring_outlets.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(outlets[0]))
        writer.writeheader()
        writer.writerows(outlets)
    with (folder / "outlet_permit_limits.csv").open("w", newline="", encoding="utf-8") as f:
        limits = csv.writer(f)
        limits.writerow(["outlet_id", "parameter", "limit_min", "limit_max", "source"])
        # one permit sets its own, stricter COD limit
        limits.writerow([outlets[1]["outlet_id"], "COD", "", "60", outlets[1]["permit_number"]])
    return outlets


def _value(rng: random.Random, parameter: str, at: datetime, column: str, scale: float) -> float:
    """A plausible reading: a daily cycle and noise around the plant's usual level."""
    cycle = math.sin(2 * math.pi * (at.hour + at.minute / 60) / 24)
    if parameter == "pH":
        return round(BASE["pH"] + 0.2 * cycle + rng.gauss(0, 0.05), 2)
    if parameter == "TEMP":
        return round(BASE["TEMP"] + 1.5 * cycle + rng.gauss(0, 0.2), 1)
    if parameter == "FLOW_OUT":
        return round(scale * (1 + 0.3 * cycle) + rng.gauss(0, scale * 0.02), 1)
    limit = COLUMN_A[parameter] * (2 if column == "B" else 1)
    return round(
        max(0.0, limit * BASE[parameter] * (1 + 0.15 * cycle) + rng.gauss(0, limit * 0.03)), 2
    )


def write_station_files(
    folder: Path, outlets: list[dict[str, object]], period: str, seed: int
) -> dict[str, object]:
    """One file per outlet and five-minute transmission of ``period``, each file's time as
    its arrival time. Returns the deliberate events, for demo_defects.json."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    first = datetime.strptime(period, "%Y-%m")
    end = datetime.strptime(period_from_index(period_index(period) + 1), "%Y-%m")
    episode = outlets[2]["outlet_id"]  # COD at about 1.3 × its limit on days 8–10
    outage = outlets[4]["outlet_id"]  # silent on days 20–21; calibrates 08:00–08:15 daily
    dipping = outlets[-1]["outlet_id"]  # pH 5.0 on day 14
    steps = int((end - first) / timedelta(minutes=INTERVAL))
    files = 0
    for outlet in outlets:
        outlet_id = str(outlet["outlet_id"])
        scale = float(str(outlet["design_flow_m3_per_day"])) / 24
        column = str(outlet["column_code"])
        for step in range(steps):
            at = first + timedelta(minutes=INTERVAL * step)  # Viet Nam's clock
            if outlet_id == outage and at.day in (20, 21):
                continue
            status = "measuring"
            if outlet_id == outage and at.hour == 8 and at.minute < 15:
                status = "calibrating"
            stamp = at.strftime("%Y-%m-%dT%H:%M:%S+07:00")
            lines = ["outlet_id,parameter,value,unit,measured_at,status"]
            for parameter in PARAMETERS:
                value = _value(rng, parameter, at, column, scale)
                if outlet_id == episode and parameter == "COD" and 8 <= at.day <= 10:
                    value = round(value * 1.3 / BASE["COD"], 2)  # about 1.3 × the limit
                if outlet_id == dipping and parameter == "pH" and at.day == 14:
                    value = 5.0
                shown = "" if status != "measuring" and parameter != "FLOW_OUT" else value
                lines.append(
                    f"{outlet_id},{parameter},{shown},{UNITS[parameter]},{stamp},"
                    f"{status if parameter != 'FLOW_OUT' else 'measuring'}"
                )
            path = folder / f"{outlet_id}_{at:%Y%m%d%H%M}.csv"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            arrived = (at - timedelta(hours=7, minutes=-1)).replace(tzinfo=UTC).timestamp()
            os.utime(path, (arrived, arrived))
            files += 1
    return {
        "station_files": files,
        "cod_episode": {"outlet_id": episode, "days": [f"{period}-08", f"{period}-10"]},
        "station_outage": {"outlet_id": outage, "days": [f"{period}-20", f"{period}-21"]},
        "ph_below_range": {"outlet_id": dipping, "day": f"{period}-14"},
    }
