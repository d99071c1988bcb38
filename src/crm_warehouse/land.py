"""Landing the ingested raw tables as Parquet, for engines that read files (Spark).

Ingestion has one path: exports -> DuckDB (``crm ingest``). ``land(database, out_dir)``
then writes each table dbt reads as a source (``raw.<export>`` and the ingestion
bookkeeping ``audit.ingest_runs``, ``audit.load_manifest``, ``audit.rejected_rows``)
to ``<out_dir>/<schema>/<table>/data.parquet`` with DuckDB's COPY: the same rows, the
same column names and types. On Spark the on-run-start macro
``register_landed_sources`` (macros/cross_db/spark_sources.sql) declares each folder
an external Parquet table.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from crm_warehouse.contract import EXPORTS
from crm_warehouse.ingest.manifest import raw_table

AUDIT_SOURCE_TABLES: tuple[str, ...] = (
    "audit.ingest_runs",
    "audit.load_manifest",
    "audit.rejected_rows",
)


@dataclass(frozen=True)
class LandedTable:
    table: str
    rows: int
    path: Path


def source_tables() -> list[str]:
    """Every table dbt reads with source(): one raw table per export, then audit's."""
    return [raw_table(export) for export in EXPORTS] + list(AUDIT_SOURCE_TABLES)


def land(database: Path, out_dir: Path) -> list[LandedTable]:
    """Write every source table of `database` to Parquet under `out_dir` (replaced)."""
    if not database.exists():
        raise FileNotFoundError(f"{database}: no such database; run `crm ingest` first")
    con = duckdb.connect(str(database), read_only=True)
    landed = []
    try:
        for table in source_tables():
            schema, name = table.split(".")
            folder = out_dir / schema / name
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            path = folder / "data.parquet"
            con.execute(f"copy (select * from {table}) to '{path}' (format parquet)").fetchall()
            rows = con.execute(f"select count(*) from {table}").fetchall()[0][0]
            landed.append(LandedTable(table, rows, path))
    finally:
        con.close()
    return landed
