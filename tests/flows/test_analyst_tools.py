"""The published warehouse as analysts meet it: opened by the DuckDB CLI they can install
(1.5.6, which reads storage versions up to 1.5) and by an older client library (1.4.4) in an
environment of its own (`scripts/analyst-clients.txt`, installed by `make test`), and the
README's analyst commands run as printed, on a real run's published folder."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.flows.conftest import Province

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / ".tools" / "analyst-clients" / "bin"


def client(name: str) -> Path:
    path = CLIENTS / name
    assert path.exists(), f"{path} missing: `scripts/setup.sh --test` (make test) installs it"
    return path


def run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def readme_blocks(section: str, language: str) -> list[str]:
    """The ```language blocks of the README section whose heading or bold lead is ``section``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(section)
    end = text.find("\n## ", start + len(section))
    body = text[start : end if end > 0 else None]
    return re.findall(rf"```{language}\n(.*?)```", body, flags=re.S)


def analyst_folder(province: Province, tmp_path: Path) -> Path:
    """A working directory where ``data/`` is the reference run's data folder, as after
    ``make run`` in the repository."""
    (tmp_path / "data").symlink_to(province.reference)
    return tmp_path


def test_the_readme_analyst_commands_run_with_the_stable_duckdb_cli(
    province: Province, tmp_path: Path
) -> None:
    cwd = analyst_folder(province, tmp_path)
    lines = [
        line
        for block in readme_blocks("**How analysts connect.**", "sh")
        for line in block.splitlines()
        if line.startswith("duckdb ")
    ]
    assert len(lines) >= 3
    for line in lines:
        command = [str(client("duckdb")), "-json", *shlex.split(line)[1:]]
        done = run(command, cwd)
        assert done.returncode == 0, f"{line}\n{done.stderr}"
        rows = json.loads(done.stdout)
        assert rows, f"{line} returned no rows"


def test_the_readme_warehouse_query_runs_with_the_stable_duckdb_cli(
    province: Province, tmp_path: Path
) -> None:
    cwd = analyst_folder(province, tmp_path)
    (sql,) = readme_blocks("## Warehouse (for analysts)", "sql")
    database = "data/published/netzero.duckdb"
    done = run([str(client("duckdb")), "-readonly", "-json", database, "-c", sql], cwd)
    assert done.returncode == 0, done.stderr
    assert {row["period"] for row in json.loads(done.stdout)} == {"2026-09", "2026-10"}


OLDER_CLIENT = """
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.execute(
    "select schema_name, table_name from duckdb_tables() order by all").fetchall()
print(json.dumps({
    "version": duckdb.__version__,
    "rows": {f"{s}.{t}": con.execute(f"select count(*) from {s}.{t}").fetchone()[0]
             for s, t in tables},
    "comments": con.execute(
        "select count(comment) from duckdb_columns() where schema_name <> 'main'").fetchone()[0],
}))
"""


def test_an_older_client_library_reads_every_table_and_comment_of_the_snapshot(
    province: Province,
) -> None:
    snapshot = province.reference / "published" / "netzero.duckdb"
    done = run([str(client("python")), "-c", OLDER_CLIENT, str(snapshot)])
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["version"].startswith("1.4.")
    with duckdb.connect(str(province.reference / "warehouse" / "netzero.duckdb"), True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() order by all"
        ).fetchall()
        rows = {
            f"{s}.{t}": con.execute(f"select count(*) from {s}.{t}").fetchone()[0]  # type: ignore[index]
            for s, t in tables
        }
        (comments,) = con.execute(
            "select count(comment) from duckdb_columns() where schema_name <> 'main'"
        ).fetchone() or (0,)
    # the warehouse's every table, and what the snapshot was copied from (one row, commented)
    assert seen["rows"] == rows | {"meta.snapshot_of": 1}
    assert seen["comments"] == comments + 2 > 2


def test_a_snapshot_with_new_records_only_is_the_previous_one_with_them(
    province: Province, tmp_path: Path
) -> None:
    """A rerun with nothing new copies the previous snapshot and replaces its records (ops,
    meta) only; any change to the data, or to a table's definition, copies it all again.
    Either way the snapshot holds exactly the warehouse, and the older client reads it."""
    from flows.warehouse import snapshot
    from flows.warehouse.published import REPLACED_AT_MOST

    warehouse = tmp_path / "netzero.duckdb"
    warehouse.write_bytes((province.reference / "warehouse" / "netzero.duckdb").read_bytes())
    target = tmp_path / "published" / "netzero.duckdb"
    assert snapshot(warehouse, target) is False  # no snapshot yet: copied whole

    def same_as_the_warehouse() -> None:
        with duckdb.connect(str(target), read_only=True) as copy:
            copy.execute(f"attach '{warehouse}' as source (read_only)")
            for schema, table in copy.execute(
                "select schema_name, table_name from duckdb_tables() "
                "where database_name = 'source' order by all"
            ).fetchall():
                differ = copy.execute(
                    f"select count(*) from ((select * from source.{schema}.{table} except all "
                    f"select * from netzero.{schema}.{table}) union all (select * from "
                    f"netzero.{schema}.{table} except all select * from "
                    f"source.{schema}.{table}))"
                ).fetchone()
                assert differ == (0,), f"{schema}.{table}"
        done = run([str(client("python")), "-c", OLDER_CLIENT, str(target)])
        assert done.returncode == 0, done.stderr

    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into ops.validation_results select 'rerun', * exclude (run_id) "
            "from ops.validation_results"
        )
    assert snapshot(warehouse, target) is True
    same_as_the_warehouse()

    # the file grows a little each time: after REPLACED_AT_MOST such copies, a full one
    assert [snapshot(warehouse, target) for _ in range(REPLACED_AT_MOST)] == [True] * (
        REPLACED_AT_MOST - 1
    ) + [False]
    assert snapshot(warehouse, target) is True

    with duckdb.connect(str(warehouse)) as con:
        con.execute("update marts.dim_enterprises set name_en = name_en || ' (renamed)'")
    assert snapshot(warehouse, target) is False
    same_as_the_warehouse()

    with duckdb.connect(str(warehouse)) as con:  # a new comment: a definition changed
        con.execute("comment on table ops.runs is 'changed'")
    assert snapshot(warehouse, target) is False
    same_as_the_warehouse()


@pytest.mark.parametrize("schema", ["marts", "reports", "reference"])
def test_the_older_client_reads_the_parquet_exports(province: Province, schema: str) -> None:
    folder = province.reference / "published" / "parquet" / schema
    files = sorted(folder.glob("*.parquet"))
    assert files
    script = (
        "import duckdb, sys\n"
        "for f in sys.argv[1:]:\n"
        "    duckdb.sql(f\"select count(*) from '{f}'\").fetchall()\n"
    )
    done = run([str(client("python")), "-c", script, *map(str, files)])
    assert done.returncode == 0, done.stderr


def snapshot_columns(province: Province) -> list[tuple[str, str, str, str, str | None]]:
    snapshot = province.reference / "published" / "netzero.duckdb"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return con.execute(
            "select schema_name, table_name, column_name, data_type, comment "
            "from duckdb_columns() where schema_name in "
            "('raw', 'reference', 'staging', 'marts', 'reports', 'ops') order by all"
        ).fetchall()


def test_the_snapshot_speaks_to_bi_tools(province: Province) -> None:
    """Every column of every layer says what it is; no unsigned counts (JDBC and BI tools
    misread them); every report table of a period has a DATE for its month; money is
    exact."""
    columns = snapshot_columns(province)
    assert [c[:3] for c in columns if not c[4]] == []
    assert [c[:4] for c in columns if c[3].startswith("U")] == []
    report_tables = {t for s, t, c, *_ in columns if s == "reports" and c == "period"}
    assert len(report_tables) >= 14
    dated = {
        t for s, t, c, d, _ in columns if s == "reports" and (c, d) == ("reporting_month", "DATE")
    }
    assert dated == report_tables
    money = {d for _, _, c, d, _ in columns if c == "revenue_bn_vnd"}
    assert money == {"DECIMAL(18,6)"}
    timestamps = [(s, t, c, m) for s, t, c, d, m in columns if d.startswith("TIMESTAMP")]
    assert timestamps
    assert [x for x in timestamps if "UTC" not in (x[3] or "")] == []


def test_every_parquet_export_carries_its_table_and_column_comments(province: Province) -> None:
    columns = snapshot_columns(province)
    files = sorted((province.reference / "published" / "parquet").glob("*/*.parquet"))
    assert files
    with duckdb.connect() as con:
        for file in files:
            kv = {
                key.decode(): value.decode()
                for key, value in con.execute(
                    "select key, value from parquet_kv_metadata(?)", [str(file)]
                ).fetchall()
            }
            schema, table = file.parent.name, file.stem
            assert kv["table"] == f"{schema}.{table}"
            assert kv["comment"]
            expected = {c: m for s, t, c, _, m in columns if (s, t) == (schema, table)}
            assert json.loads(kv["column_comments"]) == expected
