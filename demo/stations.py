"""The demo's wastewater monitoring (issue 17): one outlet per park's central treatment plant
and one exempted enterprise, each with a fictional environmental permit, and a month of
station files, one per five-minute transmission (Circular 10/2021/TT-BTNMT, Art. 39), in
contract ``station-1``.

The permits are as fictional as the enterprises: their numbers, dates, columns, Kq and Kf
are the demo's, not any real plant's. The limits themselves come from the reference data
(QCVN 40:2011/BTNMT), and one permit sets its own COD limit, as a permit may. Deliberate
events, listed in ``demo_defects.json``: a three-day COD episode, a station outage (a gap)
with a daily calibration, an exempted enterprise whose pH dips below its range, and the
defects the intake must refuse (a wrong unit, a lost decimal point, a negative value, a
resent transmission, an unknown outlet, a file that is not a station file).
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
    intake = _intake_defects(folder, outlets, first)
    lab = _lab_results(folder, outlets, first, rng)
    return {
        "station_files": files + len(intake) + 1,
        "lab_exceedance": lab,
        "station_intake_defects": intake,
        "cod_episode": {"outlet_id": episode, "days": [f"{period}-08", f"{period}-10"]},
        "station_outage": {"outlet_id": outage, "days": [f"{period}-20", f"{period}-21"]},
        "ph_below_range": {"outlet_id": dipping, "day": f"{period}-14"},
    }


def _intake_defects(
    folder: Path, outlets: list[dict[str, object]], first: datetime
) -> dict[str, str]:
    """Files the intake must refuse, line by line or whole: each rewrites (or resends) one
    transmission, so the readings it held count as missing. Returns file → what is wrong."""
    header = "outlet_id,parameter,value,unit,measured_at,status"
    wrong: dict[str, str] = {}

    def rewrite(outlet: dict[str, object], at: datetime, parameter: str, value: str, unit: str,
                what: str) -> None:  # fmt: skip
        path = folder / f"{outlet['outlet_id']}_{at:%Y%m%d%H%M}.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if line.split(",")[1] == parameter:
                cells = line.split(",")
                cells[2], cells[3] = value, unit
                lines[i] = ",".join(cells)
        stat = path.stat()
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        wrong[path.name] = what

    rewrite(outlets[0], first + timedelta(days=4, hours=10), "COD", "0.041", "kg/m3", "unit")
    rewrite(outlets[1], first + timedelta(days=6, hours=14), "pH", "71", "pH", "pH 71 (7.1)")
    rewrite(outlets[3], first + timedelta(days=12, hours=9), "TSS", "-4.0", "mg/L", "negative")
    # a transmission resent after a network fault: every reading is one already received
    at = first + timedelta(days=2, hours=3)
    original = folder / f"{outlets[0]['outlet_id']}_{at:%Y%m%d%H%M}.csv"
    resent = folder / f"{outlets[0]['outlet_id']}_{at:%Y%m%d%H%M}_resent.csv"
    resent.write_text(
        original.read_text(encoding="utf-8").replace(",measuring", ",measuring ", 1),
        encoding="utf-8",
    )
    arrived = original.stat().st_mtime + 3600
    os.utime(resent, (arrived, arrived))
    wrong[resent.name] = "resent: duplicate readings"
    stamp = f"{first + timedelta(days=9):%Y-%m-%dT%H:%M:%S}+07:00"
    unknown = folder / f"WW-KCN-MOI_{first + timedelta(days=9):%Y%m%d%H%M}.csv"
    unknown.write_text(f"{header}\nWW-KCN-MOI,COD,35.2,mg/L,{stamp},measuring\n", "utf-8")
    wrong[unknown.name] = "outlet not in the register"
    export = folder / "bao_cao_thang_10.txt"
    export.write_text("Báo cáo tổng hợp quan trắc tháng 10\n", encoding="utf-8")
    wrong[export.name] = "not a station file"
    return wrong


# What the demo's laboratory tests in a periodic sample, with the method it names (the
# method codes are the demo's choice; the laboratory is fictional).
LAB_TESTS = {
    "pH": ("pH", "TCVN 6492:2011"),
    "COD": ("mg/L", "SMEWW 5220C:2017"),
    "BOD5": ("mg/L", "SMEWW 5210B:2017"),
    "TSS": ("mg/L", "SMEWW 2540D:2017"),
    "NH4_N": ("mg/L", "SMEWW 4500-NH3.F:2017"),
}
LAB_BASE = {"BOD5": 0.5}
BOD5_COLUMN_A = 30.0


def _lab_results(
    folder: Path, outlets: list[dict[str, object]], first: datetime, rng: random.Random
) -> dict[str, object]:
    """One laboratory file for the month (contract lab-1): two samples per outlet, on the
    7th and the 21st at 09:30; one outlet's BOD5, which its station does not measure, at
    about 1.4 × its limit on the 21st. Returns that exceedance."""
    lines = ["sample_id,outlet_id,sampled_at,parameter,value,unit,laboratory,method"]
    over = outlets[5]["outlet_id"]
    for outlet in outlets:
        outlet_id = str(outlet["outlet_id"])
        column = str(outlet["column_code"])
        for day in (7, 21):
            at = first.replace(day=day, hour=9, minute=30)
            sample = f"{outlet_id}-{at:%Y%m%d}"
            for parameter, (unit, method) in LAB_TESTS.items():
                if parameter == "BOD5":
                    limit = BOD5_COLUMN_A * (50 / 30 if column == "B" else 1)
                    share = 1.4 if outlet_id == over and day == 21 else LAB_BASE["BOD5"]
                    value = round(limit * share * (1 + rng.gauss(0, 0.03)), 1)
                else:
                    value = _value(rng, parameter, at, column, 1.0)
                lines.append(
                    f"{sample},{outlet_id},{at:%Y-%m-%dT%H:%M:%S}+07:00,{parameter},{value},"
                    f"{unit},Phòng thí nghiệm Môi trường Sông Bé (demo),{method}"
                )
    path = folder / f"ket_qua_phan_tich_{first:%Y-%m}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    arrived = (first + timedelta(days=25)).replace(tzinfo=UTC).timestamp()
    os.utime(path, (arrived, arrived))
    return {"outlet_id": over, "parameter": "BOD5", "day": f"{first:%Y-%m}-21"}
