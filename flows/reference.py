"""Load what every run computes with: the reference CSVs shipped in transforms/reference/
and the agency's register, checked first (transforms/register.py): a mistake stops the run
before any file lands, each named by file, row and field."""

from __future__ import annotations

import polars as pl
from prefect import task

from flows import warehouse as wh
from flows.parsers import (
    text_rows,
)
from flows.refusals import UnreadableFile
from flows.runs import IO_RETRY, RunStopped
from flows.settings import Settings
from report_templates import words
from transforms import REFERENCE_DIR, register
from transforms.dictionary import REFERENCE_TABLES


class RegisterInvalid(RunStopped):
    """The agency's register has mistakes: the run stops before anything lands, naming each."""

    def __init__(self, problems: list[register.Problem]) -> None:
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  … {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(
            *words.pair(
                "The register has {problems_count} mistakes; correct them and run again "
                "(no file was landed)",
                problems_count=len(problems),
            ),
            f"{shown}{more}",
        )
        self.problems = problems


def read_register(settings: Settings) -> dict[str, pl.DataFrame]:
    """The register files as text frames, each mistake named (RegisterInvalid) before any
    table is replaced: a register re-saved by Excel (BOM, semicolons, Windows-1258) reads."""
    texts: dict[str, pl.DataFrame] = {}
    found: list[register.Problem] = []
    for name in register.FILES:
        path = settings.register / f"{name}.csv"
        if not path.exists():
            if name not in register.OPTIONAL:
                found.append(
                    register.Problem(
                        str(path.resolve()),
                        0,
                        "-",
                        None,
                        *words.pair("file not found (choose the data folder with --data-dir)"),
                    )
                )
            continue
        try:
            rows = text_rows(path.read_bytes())
        except UnreadableFile as error:
            found.append(
                register.Problem(path.name, 0, "-", None, error.reason_vi, error.reason_en)
            )
            continue
        header = [cell.strip() for cell in rows[0]] if rows else []
        body = [
            [(cell.strip() or None) for cell in row]
            for row in rows[1:]
            if any(c.strip() for c in row)
        ]
        texts[name] = pl.DataFrame(
            [(row + [None] * len(header))[: len(header)] for row in body],
            schema=dict.fromkeys(header, pl.String),
            orient="row",
        )
    keys = {
        "park_code": set(texts["industrial_parks"]["park_code"].drop_nulls())
        if "park_code" in texts.get("industrial_parks", pl.DataFrame()).columns
        else set(),
        "tax_code": set(texts["enterprises"]["tax_code"].drop_nulls())
        if "tax_code" in texts.get("enterprises", pl.DataFrame()).columns
        else set(),
    }
    keys["outlet_id"] = (
        set(texts["monitoring_outlets"]["outlet_id"].drop_nulls())
        if "outlet_id" in texts.get("monitoring_outlets", pl.DataFrame()).columns
        else set()
    )
    keys["parameter"] = set(
        pl.read_csv(REFERENCE_DIR / "ref_wastewater_parameters.csv")["parameter"]
    )
    refers = {
        "enterprises": ("park_code",),
        "electricity_contracts": ("tax_code",),
        "monitoring_outlets": ("park_code", "tax_code", "parameter"),
        "outlet_permit_limits": ("outlet_id", "parameter"),
        "enterprise_contacts": ("tax_code",),
    }
    for name, text in texts.items():
        known = {column: keys[column] for column in refers.get(name, ())}
        found += register.problems(name, text, known)
    if found:
        raise RegisterInvalid(found)
    if "enterprise_contacts" in texts:  # one address, however it was typed
        contacts = texts["enterprise_contacts"]
        texts["enterprise_contacts"] = contacts.with_columns(pl.col("email").str.to_lowercase())
    return texts


@task(**IO_RETRY)
def load_reference(settings: Settings) -> int:
    """Replace reference.* from the versioned CSVs and the register: returns tables loaded."""
    texts = read_register(settings)
    with wh.connect(settings.warehouse) as con:
        sources = sorted(REFERENCE_DIR.glob("ref_*.csv"))
        for csv in sources:
            wh.load_csv(con, csv, f"reference.{csv.stem}", comment=REFERENCE_TABLES[csv.stem])
        for name, schema in register.FILES.items():
            table = f"reference.ref_{name}"
            comment = REFERENCE_TABLES[f"ref_{name}"]
            if name in texts:
                wh.load_csv(con, texts[name], table, schema, comment=comment, source=f"{name}.csv")
            else:
                comment += " (none on file)"
                wh.replace_table(con, pl.DataFrame(schema=schema), table, comment=comment)
    return len(sources) + len(register.FILES)
