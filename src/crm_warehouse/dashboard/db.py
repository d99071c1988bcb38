"""Read-only access to the serving copy and the dashboard's customer filters."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

ENV_DASHBOARD_DATABASE = "CRM_DASHBOARD_DATABASE"


def serving_path(database: Path) -> Path:
    """The serving copy `crm refresh` / `crm publish` write beside a warehouse."""
    return database.with_name(database.stem + ".serving" + database.suffix)


def dashboard_database() -> Path:
    """The file the dashboard reads: env CRM_DASHBOARD_DATABASE (set by `crm dashboard`)."""
    configured = os.environ.get(ENV_DASHBOARD_DATABASE)
    if not configured:
        raise FileNotFoundError(
            f"{ENV_DASHBOARD_DATABASE} is not set: start the dashboard with `crm dashboard`"
        )
    path = Path(configured)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no such database; run `crm refresh` or `crm publish` to publish one"
        )
    return path


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection: never blocks a refresh (which replaces the serving file
    by a rename) and never writes."""
    return duckdb.connect(str(path), read_only=True)


class ServingConnection:
    """One read-only connection to the serving copy per process, reopened when a newer
    copy has been published (the file's inode or modification time changed). DuckDB
    shares one database instance per path inside a process, so the old connection is
    closed before the new one opens."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._con: duckdb.DuckDBPyConnection | None = None

    def stamp(self) -> tuple[int, int]:
        stat = self.path.stat()
        return stat.st_ino, stat.st_mtime_ns

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            stamp = self.stamp()
            if self._con is None or stamp != self._stamp:
                if self._con is not None:
                    self._con.close()
                self._con = connect(self.path)
                self._stamp = stamp
            return self._con.cursor()


def fetch_df(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run a query on its own cursor and return the whole result as a DataFrame."""
    cursor = con.cursor()
    try:
        return cursor.execute(sql, params or []).df()
    finally:
        cursor.close()


def fetch_rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    cursor = con.cursor()
    try:
        return cursor.execute(sql, params or []).fetchall()
    finally:
        cursor.close()


@dataclass(frozen=True)
class Filters:
    """The sidebar's filters: customers' home store, region and purchase channel (store,
    mall, omnichannel, none). Empty means all."""

    stores: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.stores or self.regions or self.channels)

    def where(self, alias: str = "") -> tuple[str, list]:
        """A predicate on the bi_ aggregates' (or bi_customer_dimensions') columns
        home_store_id, region and purchase_channel, and its parameters."""
        prefix = f"{alias}." if alias else ""
        clauses: list[str] = []
        params: list = []
        for column, values in (
            ("home_store_id", self.stores),
            ("region", self.regions),
            ("purchase_channel", self.channels),
        ):
            if values:
                clauses.append(f"{prefix}{column} in ({', '.join('?' for _ in values)})")
                params.extend(values)
        return (" and ".join(clauses) or "true"), params

    def customer_semijoin(self, customer_column: str) -> tuple[str, list]:
        """A predicate keeping rows whose customer passes the filters (true when none)."""
        if not self.active:
            return "true", []
        where, params = self.where()
        return (
            f"{customer_column} in (select customer_id from semantic.bi_customer_dimensions "
            f"where {where})",
            params,
        )


def filter_options(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The values each filter offers (from bi_customer_dimensions' aggregate)."""
    rows = fetch_rows(
        con,
        "select distinct home_store_id, region, purchase_channel from semantic.bi_customer_counts",
    )
    return {
        "stores": sorted({row[0] for row in rows}),
        "regions": sorted({row[1] for row in rows}),
        "channels": sorted({row[2] for row in rows}),
    }
