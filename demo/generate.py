"""Generate the embedded default's inputs: a register and an inbox of monthly submissions.

Deterministic: the same seed and sizes give the same files, byte for byte. A handful of
deliberate defects is written too, and listed in ``demo_defects.json`` so that anyone
(and the tests) can check that the pipeline catches each one.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from demo import stations
from demo.register import PARKS, Enterprise, make_enterprises
from demo.submissions import Line, Profile, month_lines, profile
from demo.writers import WRITERS
from transforms.periods import periods_ending

DEFAULT_SEED = 2050
DEFAULT_ENTERPRISES = 120
DEFAULT_LAST_PERIOD = "2026-10"
DEFAULT_MONTHS = 24
MARKER = ".demo-generated"
DEFECT_KINDS = 9


@dataclass(frozen=True)
class DemoSpec:
    seed: int = DEFAULT_SEED
    enterprises: int = DEFAULT_ENTERPRISES
    last_period: str = DEFAULT_LAST_PERIOD
    months: int = DEFAULT_MONTHS
    # wastewater monitoring (issue 17): outlets in the register and a month of station files
    # (about 71,000 five-minute files); the CLI's demo writes them, the tests ask for them
    stations: bool = False


def _write_register(
    folder: Path, enterprises: list[Enterprise], profiles: dict[str, Profile]
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "industrial_parks.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "park_code",
                "name_vi",
                "name_en",
                "locality_vi",
                "province_vi",
                "province_en",
                "former_province_vi",
            ]
        )
        for p in PARKS:
            writer.writerow(
                [
                    p.park_code,
                    p.name_vi,
                    p.name_en,
                    p.locality_vi,
                    "Thành phố Hồ Chí Minh",
                    "Ho Chi Minh City",
                    "Bình Dương",
                ]
            )
    skip = {"size", "submission_format"}
    fields = [f.name for f in dataclasses.fields(Enterprise) if f.name not in skip]
    with (folder / "enterprises.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([*fields, "rooftop_solar_kwp", "is_fictional"])
        for e in enterprises:
            prof = profiles[e.tax_code]
            kwp = prof.solar_kwp if prof.solar_from else ""
            writer.writerow([*(getattr(e, name) for name in fields), kwp, "true"])


def _write_contacts(folder: Path, enterprises: list[Enterprise]) -> None:
    """Who writes for each enterprise (issue 18): an environment officer's address at a
    fictional domain under the reserved .example name, and for every third enterprise its
    accountant's too; every address fictional."""
    with (folder / "enterprise_contacts.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["tax_code", "email", "contact_name"])
        for i, e in enumerate(enterprises):
            domain = f"dn{e.tax_code}.example"
            writer.writerow([e.tax_code, f"moitruong@{domain}", "Phòng Môi trường"])
            if i % 3 == 0:
                writer.writerow([e.tax_code, f"ketoan@{domain}", "Kế toán trưởng"])


CONTRACT_FIELDS = (
    "contract_id",
    "tax_code",
    "instrument",
    "model",
    "generator_vi",
    "generator_en",
    "technology",
    "supplier_ef_tco2_per_mwh",
    "valid_from",
    "valid_to",
    "evidence",
    "is_fictional",
)


def _write_contracts(folder: Path, contracts: list[tuple[Enterprise, str]]) -> None:
    """The DPPA contracts the agency has on file: fictional solar farms; the last one's
    seller has not yet supplied its factor (the market-based figure then falls back)."""
    with (folder / "electricity_contracts.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CONTRACT_FIELDS)
        for i, (ent, start) in enumerate(contracts, 1):
            pending = i == len(contracts) and i > 1
            writer.writerow(
                [
                    f"DPPA-DEMO-{i:03d}",
                    ent.tax_code,
                    "DPPA",
                    "grid_connected",
                    f"Nhà máy điện {'gió' if pending else 'mặt trời'} Demo {i}",
                    f"Demo {'wind' if pending else 'solar'} farm {i}",
                    "wind" if pending else "solar_pv",
                    "" if pending else "0",
                    start,
                    "",
                    "Chưa cung cấp / not yet supplied"
                    if pending
                    else "Giấy xác nhận của bên bán (demo) / seller's statement (demo)",
                    "true",
                ]
            )


def _slips(lines: list[Line], ent: Enterprise, **who: Enterprise) -> list[Line]:
    """The last month's deliberate mistakes, each made by its own enterprise."""
    grid = next(ln for ln in lines if ln.activity_code == "ELEC_GRID")
    if ent is who["neg"]:
        return _replace(lines, "ELEC_GRID", quantity=-grid.quantity)
    if ent is who["jump"]:
        # A typing slip: the bill's kWh with an extra digit's worth of growth.
        return _replace(lines, "ELEC_GRID", quantity=round(grid.quantity * 3.5))
    if ent is who["gallon"]:
        return _replace(lines, "DIESEL_STATIONARY", unit="gallon")
    if ent is who["litre"]:
        return _replace(
            lines, "LPG_STATIONARY", quantity=1850.0, unit="L", note="Khí hóa lỏng ghi theo lít"
        )
    return lines


def _arrived(path: Path, period: str, rng: random.Random, later: bool = False) -> None:
    """Date the file as the day it reached the inbox: most within the first two weeks of the
    next month, about one in ten after the 15th (late), revisions a little later; all by the
    21st, so the last demo month (2026-10) has fully arrived by the time it is reported on."""
    year, month = int(period[:4]), int(period[5:7])
    first = dt.datetime(year + month // 12, month % 12 + 1, 1, 9, 0, tzinfo=dt.UTC)
    days = (
        rng.uniform(17, 20)
        if later
        else rng.choice([rng.uniform(2, 13)] * 9 + [rng.uniform(15, 19)])
    )
    stamp = (first + dt.timedelta(days=days)).timestamp()
    os.utime(path, (stamp, stamp))


def _replace(lines: list[Line], code: str, **changes: object) -> list[Line]:
    found = [ln for ln in lines if ln.activity_code == code]
    base = found[0] if found else Line(code, 250.0, "L")
    rest = [ln for ln in lines if ln.activity_code != code]
    return [dataclasses.replace(base, **changes), *rest]  # type: ignore[arg-type]


def _corrected(lines: list[Line]) -> list[Line]:
    """The month sent again: the grid line corrected from a supplementary EVN bill."""
    grid = next(ln for ln in lines if ln.activity_code == "ELEC_GRID")
    return _replace(
        lines,
        "ELEC_GRID",
        quantity=round(grid.quantity * 1.06),
        note="Điều chỉnh theo hóa đơn EVN bổ sung",
    )


def _defects(picks: list[Enterprise], periods: list[str]) -> dict[str, object]:
    """Where each deliberate defect is, for the tests and the README."""
    (neg, unknown_unit, misfit, missing, revised, duplicate, cp1258, restated, jump) = picks
    last, previous = periods[-1], periods[-2]
    return {
        "periods": [periods[0], last],
        "negative_quantity": {
            "tax_code": neg.tax_code,
            "period": last,
            "activity_code": "ELEC_GRID",
        },
        "unknown_unit": {"tax_code": unknown_unit.tax_code, "period": last, "unit": "gallon"},
        "unit_not_fitting": {
            "tax_code": misfit.tax_code,
            "period": last,
            "activity_code": "LPG_STATIONARY",
            "unit": "L",
        },
        "missing_month": {"tax_code": missing.tax_code, "period": last},
        "month_on_month_jump": {
            "tax_code": jump.tax_code,
            "period": last,
            "activity_code": "ELEC_GRID",
        },
        "revised_resubmission": {"tax_code": revised.tax_code, "period": last},
        "restated_previous_month": {"tax_code": restated.tax_code, "period": previous},
        "duplicate_file": {"tax_code": duplicate.tax_code, "period": last},
        "windows_1258_csv": {"tax_code": cp1258.tax_code},
    }


def generate_demo(data_dir: Path, spec: DemoSpec = DemoSpec()) -> dict[str, object]:
    """Write register/, inbox/ and demo_defects.json under ``data_dir``."""
    rng = random.Random(spec.seed)
    enterprises = make_enterprises(rng, spec.enterprises)
    periods = periods_ending(spec.last_period, spec.months)
    last, previous = periods[-1], periods[-2]
    if len(enterprises) < DEFECT_KINDS or spec.months < 2:
        raise ValueError(
            f"the demo needs at least {DEFECT_KINDS} enterprises and 2 months "
            "(one enterprise per deliberate defect)"
        )
    picks = rng.sample(enterprises, DEFECT_KINDS)
    (neg, unknown_unit, misfit, missing, revised, duplicate, cp1258, restated, jump) = picks
    inbox = data_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    profiles = {ent.tax_code: profile(ent, spec.seed, periods) for ent in enterprises}
    _write_register(data_dir / "register", enterprises, profiles)

    files = 0
    contracts = []
    for ent in enterprises:
        fmt = "csv" if ent is cp1258 else ent.submission_format
        write = WRITERS[fmt]
        prof = profiles[ent.tax_code]
        if prof.dppa_from:
            contracts.append((ent, prof.dppa_from))
        for period in periods:
            if ent is missing and period == last:
                continue
            lines = month_lines(ent, prof, period, spec.seed)
            if period == last:
                lines = _slips(lines, ent, neg=neg, jump=jump, gallon=unknown_unit, litre=misfit)
            path = inbox / f"{ent.tax_code}_{period}.{fmt}"
            kwargs = {"encoding": "cp1258"} if ent is cp1258 else {}
            write(path, ent.tax_code, period, 1, lines, **kwargs)
            _arrived(path, period, rng)
            files += 1
            if (ent is revised and period == last) or (ent is restated and period == previous):
                target = inbox / f"{ent.tax_code}_{period}_r2.{fmt}"
                write(target, ent.tax_code, period, 2, _corrected(lines), **kwargs)
                _arrived(target, period, rng, later=True)
                files += 1
            if ent is duplicate and period == last:
                # The same file sent again an hour later: same bytes, a later arrival.
                copy = inbox / f"{ent.tax_code}_{period} (copy).{fmt}"
                shutil.copy2(path, copy)
                arrived = path.stat().st_mtime + 3600
                os.utime(copy, (arrived, arrived))
                files += 1

    _write_contracts(data_dir / "register", contracts)
    _write_contacts(data_dir / "register", enterprises)
    defects = _defects(picks, periods)
    if spec.stations:
        outlets = stations.write_register(data_dir / "register", enterprises)
        defects["wastewater"] = stations.write_station_files(
            data_dir / "stations", outlets, last, spec.seed
        )
    summary = {
        "seed": spec.seed,
        "enterprises": len(enterprises),
        "files": files,
        "defects": defects,
    }
    (data_dir / "demo_defects.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (data_dir / MARKER).write_text(json.dumps(dataclasses.asdict(spec)) + "\n")
    return summary
