#!/usr/bin/python3
"""Regenerate tests/flows/fixtures/libreoffice/: a submission template filled in and saved by
LibreOffice Calc, as .xlsx and as its CSV export, beside the figures typed into it.

The test (tests/flows/test_template_and_check.py) lands both and compares what lands with
the typed figures. Run with Debian's Python, which has LibreOffice's UNO bridge:

    apt-get install libreoffice-calc-nogui python3-uno
    /usr/bin/python3 scripts/libreoffice_roundtrip.py

It writes the template with the project's own command (`netzero template`), starts Calc
headless, types each line into the cells as a user would (text cells as text, quantities as
numbers), and saves with Calc's own filters. Not run by `make test`: the fixtures are
committed, and this script says how they were made.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "flows" / "fixtures" / "libreoffice"
TAX_CODE = "3717888069"  # the first enterprise of every demo register
PERIOD = "2026-10"
# What a user types, row by row: activity, quantity (as a number), unit, note.
LINES = [
    ("ELEC_GRID", 125000, "kWh", "Hóa đơn EVN tháng 10"),
    ("ELEC_SOLAR_SELF", 12.5, "MWh", ""),
    ("LPG_STATIONARY", 1234.567, "kg", "Bình gas 45 kg"),
    ("DIESEL_STATIONARY", 850.25, "L", ""),
    ("WATER_SUPPLY", 4321, "m3", ""),
    ("WASTE_GENERATED", 0.75, "t", "Chất thải rắn công nghiệp"),
    ("PRODUCTION_OUTPUT", 15000, "pcs", ""),
    ("REVENUE", 12.345, "bnVND", "Doanh thu tháng"),
]


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="netzero-lo-"))
    template = work / "template.xlsx"
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "netzero"),
            "template",
            "--tax-code",
            TAX_CODE,
            "--period",
            PERIOD,
            "--out",
            str(template),
        ],
        check=True,
    )
    pipe = f"netzero{int(time.time())}"
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            f"-env:UserInstallation=file://{work}/profile",
            f"--accept=pipe,name={pipe};urp;",
        ]
    )
    try:
        resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext()
        )
        for _ in range(60):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 (not up yet)
                time.sleep(1)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(str(template)), "_blank", 0, (prop("Hidden", True),)
        )
        sheet = document.Sheets.getByName("Số liệu")
        for row, (activity, quantity, unit, note) in enumerate(LINES, start=1):
            sheet.getCellByPosition(3, row).setString(activity)
            sheet.getCellByPosition(4, row).setValue(quantity)
            sheet.getCellByPosition(5, row).setString(unit)
            if note:
                sheet.getCellByPosition(6, row).setString(note)
        document.CurrentController.setActiveSheet(sheet)
        OUT.mkdir(parents=True, exist_ok=True)
        xlsx = OUT / f"{TAX_CODE}_{PERIOD}.xlsx"
        csv = OUT / f"{TAX_CODE}_{PERIOD}.csv"
        document.storeToURL(
            uno.systemPathToFileUrl(str(xlsx)), (prop("FilterName", "Calc MS Excel 2007 XML"),)
        )
        # Comma, double quotes, UTF-8 (76), from line 1: the sheet that is active.
        document.storeToURL(
            uno.systemPathToFileUrl(str(csv)),
            (
                prop("FilterName", "Text - txt - csv (StarCalc)"),
                prop("FilterOptions", "44,34,76,1"),
            ),
        )
        document.close(True)
        version = subprocess.run(
            ["soffice", "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
        expected = {
            "made_by": version,
            "tax_code": TAX_CODE,
            "period": PERIOD,
            "lines": [
                {"activity_code": a, "quantity": q, "unit": u, "note": n or None}
                for a, q, u, n in LINES
            ],
        }
        (OUT / "typed.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    finally:
        office.terminate()
        office.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
