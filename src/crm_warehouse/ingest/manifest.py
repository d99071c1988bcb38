"""The ``raw`` and ``audit`` schemas: their DDL and the manifest of loaded files.

``audit.load_manifest`` holds one row per file version loaded (keyed by source file
and SHA-256). A file is loaded again only when its content differs from the latest
version loaded under the same name; that load is its next ``file_version`` and gets a
larger ``file_id`` than every file loaded before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from crm_warehouse.contract import EXPORTS, LINEAGE_COLUMNS, Export

from .errors import IngestError

#: Types of the lineage columns that follow the contract's columns in every raw table.
LINEAGE_TYPES = {
    "_source_file": "VARCHAR",  # path relative to raw_dir, forward slashes
    "_source_line": "BIGINT",  # 1-based line where the record starts
    "_file_id": "BIGINT",  # audit.load_manifest.file_id of the file version
    "_load_id": "VARCHAR",  # audit.ingest_runs.load_id
    "_loaded_at": "TIMESTAMP",  # UTC
}
#: Lineage columns in the contract's order.
RAW_LINEAGE_COLUMNS: tuple[str, ...] = tuple(LINEAGE_COLUMNS)
if set(RAW_LINEAGE_COLUMNS) != set(LINEAGE_TYPES):  # pragma: no cover - contract drift
    raise RuntimeError(f"ingestion knows lineage columns {sorted(LINEAGE_TYPES)} only")

AUDIT_DDL = """
CREATE SCHEMA IF NOT EXISTS audit;
CREATE TABLE IF NOT EXISTS audit.ingest_runs (
    load_id VARCHAR,
    raw_dir VARCHAR,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    files_seen INTEGER,
    files_loaded INTEGER,
    files_skipped INTEGER,
    rows_loaded BIGINT,
    rows_rejected BIGINT,
    status VARCHAR
);
CREATE TABLE IF NOT EXISTS audit.load_manifest (
    file_id BIGINT,
    load_id VARCHAR,
    export_name VARCHAR,
    source_file VARCHAR,
    file_version INTEGER,
    sha256 VARCHAR,
    size_bytes BIGINT,
    encoding VARCHAR,
    records_read BIGINT,
    rows_loaded BIGINT,
    rows_rejected BIGINT,
    blank_lines BIGINT,
    missing_columns VARCHAR[],
    extra_columns VARCHAR[],
    loaded_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS audit.rejected_rows (
    load_id VARCHAR,
    file_id BIGINT,
    export_name VARCHAR,
    source_file VARCHAR,
    line_number BIGINT,
    reason VARCHAR,
    raw_text VARCHAR
);
CREATE OR REPLACE VIEW audit.row_accounting AS
SELECT
    file_id,
    load_id,
    export_name,
    source_file,
    file_version,
    records_read,
    rows_loaded,
    rows_rejected,
    blank_lines,
    records_read = rows_loaded + rows_rejected AS is_balanced
FROM audit.load_manifest;
"""


def raw_table(export: Export) -> str:
    return f"raw.{export.name}"


def raw_table_ddl(export: Export) -> str:
    columns = [f'"{c}" VARCHAR' for c in export.columns]
    columns += [f'"{c}" {LINEAGE_TYPES[c]}' for c in RAW_LINEAGE_COLUMNS]
    return f"CREATE TABLE IF NOT EXISTS {raw_table(export)} ({', '.join(columns)})"


def create_schemas(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``raw`` tables (one per export, empty) and the ``audit`` objects.

    An existing raw table whose columns differ from the contract's is an error: the
    database was built by another version of the contract.
    """
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for export in EXPORTS:
        con.execute(raw_table_ddl(export))
    con.execute(AUDIT_DDL)
    rows = con.execute(
        "SELECT table_name, list(column_name ORDER BY ordinal_position) "
        "FROM information_schema.columns WHERE table_schema = 'raw' "
        "AND table_catalog = current_database() GROUP BY table_name"
    ).fetchall()
    actual = dict(rows)
    for export in EXPORTS:
        expected = [*export.columns, *RAW_LINEAGE_COLUMNS]
        if list(actual.get(export.name, [])) != expected:
            raise IngestError(
                f"table raw.{export.name} has columns {actual.get(export.name)}, but this "
                f"version of the contract expects {expected}; ingest into a new database "
                "file (or drop the raw and audit schemas) to rebuild it"
            )


@dataclass(frozen=True)
class LoadedVersion:
    """The latest loaded version of one source file."""

    file_version: int
    sha256: str


def manifest_exists(con: duckdb.DuckDBPyConnection) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'audit' "
        "AND table_name = 'load_manifest' AND table_catalog = current_database()"
    ).fetchall()
    return rows[0][0] > 0


def latest_versions(con: duckdb.DuckDBPyConnection) -> dict[str, LoadedVersion]:
    """Latest loaded version of every source file, by source file."""
    rows = con.execute(
        "SELECT source_file, max(file_version), arg_max(sha256, file_version) "
        "FROM audit.load_manifest GROUP BY source_file"
    ).fetchall()
    return {source: LoadedVersion(version, sha) for source, version, sha in rows}


def max_file_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(file_id), 0) FROM audit.load_manifest").fetchall()[0][0]


def loaded_any(con: duckdb.DuckDBPyConnection, export_names: tuple[str, ...]) -> bool:
    """Whether a file of any of these exports was ever loaded."""
    if not manifest_exists(con):
        return False
    placeholders = ", ".join("?" for _ in export_names)
    rows = con.execute(
        f"SELECT count(*) FROM audit.load_manifest WHERE export_name IN ({placeholders})",
        list(export_names),
    ).fetchall()
    return rows[0][0] > 0


def start_run(con: duckdb.DuckDBPyConnection, load_id: str, raw_dir: str, at: datetime) -> None:
    con.execute(
        "INSERT INTO audit.ingest_runs VALUES (?, ?, ?, NULL, 0, 0, 0, 0, 0, 'running')",
        [load_id, raw_dir, at],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    load_id: str,
    *,
    at: datetime,
    files_seen: int,
    files_loaded: int,
    files_skipped: int,
    rows_loaded: int,
    rows_rejected: int,
    status: str,
) -> None:
    con.execute(
        "UPDATE audit.ingest_runs SET finished_at = ?, files_seen = ?, files_loaded = ?, "
        "files_skipped = ?, rows_loaded = ?, rows_rejected = ?, status = ? WHERE load_id = ?",
        [at, files_seen, files_loaded, files_skipped, rows_loaded, rows_rejected, status, load_id],
    )


def record_file(
    con: duckdb.DuckDBPyConnection,
    *,
    file_id: int,
    load_id: str,
    export_name: str,
    source_file: str,
    file_version: int,
    sha256: str,
    size_bytes: int,
    encoding: str,
    records_read: int,
    rows_loaded: int,
    rows_rejected: int,
    blank_lines: int,
    missing_columns: list[str],
    extra_columns: list[str],
    loaded_at: datetime,
) -> None:
    con.execute(
        "INSERT INTO audit.load_manifest VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::VARCHAR[], ?::VARCHAR[], ?)",
        [
            file_id,
            load_id,
            export_name,
            source_file,
            file_version,
            sha256,
            size_bytes,
            encoding,
            records_read,
            rows_loaded,
            rows_rejected,
            blank_lines,
            missing_columns,
            extra_columns,
            loaded_at,
        ],
    )
