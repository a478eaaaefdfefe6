"""The warehouse edge: the only package that opens DuckDB, reads or writes its tables.

``core`` connects (bringing the schema up to date, ``migrations``), reads and writes tables
and runs the read queries of ``queries/*.sql``; ``published`` writes what analysts open.
"""

from flows.warehouse.core import (
    append_rows,
    build_sql_model,
    comment_columns,
    connect,
    count_rows,
    file_keys,
    limit_pages,
    load_csv,
    query,
    read_periods,
    read_periods_frame,
    read_table,
    replace_table,
    rows,
    scalar,
    scan_table,
    sql,
    sql_string,
    table_digest,
    table_exists,
    write_table_parquet,
)
from flows.warehouse.migrations import migrate
from flows.warehouse.published import SNAPSHOT_STORAGE_VERSION, export_parquet, snapshot

__all__ = [
    "SNAPSHOT_STORAGE_VERSION",
    "append_rows",
    "build_sql_model",
    "comment_columns",
    "connect",
    "count_rows",
    "export_parquet",
    "file_keys",
    "limit_pages",
    "load_csv",
    "migrate",
    "query",
    "read_periods",
    "read_periods_frame",
    "read_table",
    "scan_table",
    "replace_table",
    "rows",
    "scalar",
    "snapshot",
    "sql",
    "sql_string",
    "table_digest",
    "table_exists",
    "write_table_parquet",
]
