"""The demo generator is deterministic and writes the defects it claims."""

import hashlib
import json
from pathlib import Path

from demo.generate import DemoSpec, generate_demo

SMALL = DemoSpec(enterprises=12, months=3, last_period="2026-10")


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    """It writes byte-identical files for the same seed and sizes."""
    generate_demo(tmp_path / "a", SMALL)
    generate_demo(tmp_path / "b", SMALL)
    assert fingerprint(tmp_path / "a") == fingerprint(tmp_path / "b")


def test_defects_are_in_the_inbox(tmp_path: Path) -> None:
    """It writes the missing month, the revision, the duplicate and the cp1258 CSV."""
    summary = generate_demo(tmp_path, SMALL)
    defects = summary["defects"]
    inbox = {p.name for p in (tmp_path / "inbox").iterdir()}
    missing = defects["missing_month"]
    assert f"{missing['tax_code']}_2026-10" not in {n.rsplit(".", 1)[0] for n in inbox}
    revised = defects["revised_resubmission"]["tax_code"]
    assert any(n.startswith(f"{revised}_2026-10_r2.") for n in inbox)
    duplicate = defects["duplicate_file"]["tax_code"]
    copies = sorted((tmp_path / "inbox").glob(f"{duplicate}_2026-10*"))
    assert len(copies) == 2 and copies[0].read_bytes() == copies[1].read_bytes()
    cp1258 = next((tmp_path / "inbox").glob(f"{defects['windows_1258_csv']['tax_code']}_*.csv"))
    raw = cp1258.read_bytes()
    try:
        raw.decode("utf-8")
        decodes_as_utf8 = True
    except UnicodeDecodeError:
        decodes_as_utf8 = False
    assert not decodes_as_utf8
    assert json.loads((tmp_path / "demo_defects.json").read_text())["files"] == len(inbox)


def test_register_names_are_fictional_and_parks_real(tmp_path: Path) -> None:
    """It marks every enterprise fictional and uses former Binh Duong parks, VSIP 3 among them."""
    generate_demo(tmp_path, SMALL)
    enterprises = (tmp_path / "register" / "enterprises.csv").read_text(encoding="utf-8")
    assert all(line.endswith(",true") for line in enterprises.splitlines()[1:])
    parks = (tmp_path / "register" / "industrial_parks.csv").read_text(encoding="utf-8")
    assert "VSIP3" in parks and len(parks.splitlines()) - 1 >= 6


def test_the_tax_codes_the_docs_print_are_in_the_default_demo(tmp_path: Path) -> None:
    """The README's template example and the lineage query's example name an enterprise the
    default demo has (the lineage example used to name one it has not: no rows)."""
    import re

    generate_demo(tmp_path, DemoSpec(months=2))
    register = (tmp_path / "register" / "enterprises.csv").read_text(encoding="utf-8")
    root = Path(__file__).parents[2]
    printed = set(re.findall(r"\b37\d{8}\b", (root / "README.md").read_text(encoding="utf-8")))
    printed |= set(
        re.findall(
            r"\b37\d{8}\b", (root / "docs" / "queries" / "lineage_of_a_figure.sql").read_text()
        )
    )
    assert printed
    for tax in printed:
        assert f"\n{tax}," in register, tax
