"""One uninterrupted demo run per session, shared by the tests that stop runs from outside
(crash safety, signals, rebuild): each starts from a copy and compares with it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from demo.generate import DemoSpec, generate_demo


class Province(NamedTuple):
    source: Path  # as generated, the inbox full, with Prefect's database already created
    expected: dict[str, str]  # the fingerprint of an uninterrupted run over it
    files: int  # files the demo put in the inbox
    reference: Path  # the data folder after that run


@pytest.fixture(scope="session")
def province(tmp_path_factory: pytest.TempPathFactory, prefect_api_url: str) -> Province:
    from tests.flows.test_crash_safety import fingerprint, run

    source = tmp_path_factory.mktemp("crash") / "source"
    demo = generate_demo(source, DemoSpec(enterprises=9, months=2, last_period="2026-10"))
    add_station(source)
    reference = source.parent / "reference"
    shutil.copytree(source, reference)
    assert run(reference, api_url=prefect_api_url) == 0
    # Every copy starts with Prefect's database already created (saves its migrations, ~5 s
    # a run); the warehouse, outbox and inbox are as generated.
    shutil.copytree(reference / "prefect", source / "prefect")
    return Province(source, fingerprint(reference), int(demo["files"]), reference)  # type: ignore[call-overload]


STATION_HEADER = "outlet_id,parameter,value,unit,measured_at,status\n"


def add_station(data: Path) -> str:
    """A central plant's station for the first park (COD limit 75 × 0.9 × 1.0 = 67.5 mg/L)
    and two days of its five-minute readings, one file an hour: 1 October at 60 mg/L, 2
    October at 81 mg/L (an exceedance); a laboratory's file with a COD sample over the limit;
    a file with a reading of an unknown parameter. Returns the outlet's id."""
    from datetime import datetime, timedelta

    parks = (data / "register" / "industrial_parks.csv").read_text(encoding="utf-8")
    park_code = parks.splitlines()[1].split(",")[0]
    outlet = f"WW-{park_code}"
    (data / "register" / "monitoring_outlets.csv").write_text(
        "outlet_id,name_vi,name_en,park_code,tax_code,permit_number,permit_date,standard,"
        "column_code,kq,kf,parameters,interval_minutes,design_flow_m3_per_day\n"
        f"{outlet},Trạm xử lý nước thải tập trung thử nghiệm,Test central wastewater plant,"
        f"{park_code},,12/GPMT-UBND (test),2024-05-10,QCVN 40:2011/BTNMT,A,0.9,1.0,"
        "pH;COD;FLOW_OUT,5,4000\n",
        encoding="utf-8",
    )
    folder = data / "stations"
    folder.mkdir()
    start = datetime(2026, 10, 1)  # Viet Nam's midnight
    for hour in range(48):
        lines = []
        for step in range(12):
            at = start + timedelta(hours=hour, minutes=5 * step)
            stamp = at.strftime("%Y-%m-%dT%H:%M:%S+07:00")
            cod = 60.0 if at.day == 1 else 81.0
            lines += [
                f"{outlet},COD,{cod},mg/L,{stamp},measuring",
                f"{outlet},pH,7.1,pH,{stamp},measuring",
                f"{outlet},FLOW_OUT,150,m3/h,{stamp},measuring",
            ]
        path = folder / f"{outlet}_{start + timedelta(hours=hour):%Y%m%d%H}.csv"
        path.write_text(STATION_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
        arrived = (start + timedelta(hours=hour - 6)).timestamp()
        os.utime(path, (arrived, arrived))
    (folder / "lab_2026-10.csv").write_text(
        "sample_id,outlet_id,sampled_at,parameter,value,unit,laboratory,method\n"
        f"S-02,{outlet},2026-10-02T09:30:00+07:00,COD,88.0,mg/L,Lab (test),SMEWW 5220C\n",
        encoding="utf-8",
    )
    (folder / "bad.csv").write_text(
        STATION_HEADER + f"{outlet},TSS,12,mg/L,2026-10-02T10:00:00+07:00,measuring\n",
        encoding="utf-8",
    )
    return outlet
