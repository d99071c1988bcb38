"""Row-by-row comparison of the same warehouse built on DuckDB and on Spark (issue 11).

``compare(duckdb_path, spark_dir, schemas, outputs)`` reads every table of the given
schemas that the dbt project builds (``dbt_outputs``: its models and seeds, from the
DuckDB build's manifest; not the ingestion's bookkeeping nor DuckDB's incremental
watermarks, which no model builds) from both builds (Spark through a local session on
the metastore and warehouse under ``spark_dir``, after dbt has finished: the embedded
metastore takes one process) and compares them as multisets of rows over the columns
both share. Values are normalised so that representation differs but meaning does not:
decimals (money) compare exactly whatever their scale, floats rounded to 9 significant
digits, timestamps without time zone, lists as lists.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

SIGNIFICANT_DIGITS = 9


@dataclass
class TableDiff:
    table: str
    duckdb_rows: int
    spark_rows: int
    only_duckdb: list[tuple] = field(default_factory=list)
    only_spark: list[tuple] = field(default_factory=list)
    column_note: str = ""

    @property
    def equal(self) -> bool:
        return not self.only_duckdb and not self.only_spark and not self.column_note


def normalise(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        # money and other decimals compare exactly (1.50 and 1.5 are one value)
        return value.normalize()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        number = value
        if math.isnan(number):
            return "nan"
        if number == 0:
            return 0.0
        digits = SIGNIFICANT_DIGITS - math.floor(math.log10(abs(number))) - 1
        return round(number, digits)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, list | tuple):
        return tuple(normalise(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, normalise(item)) for key, item in value.items()))
    if hasattr(value, "asDict"):  # a Spark Row (struct)
        return normalise(value.asDict())
    return value


def spark_session(spark_dir: Path, master: str = "local[2]"):
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master(master)
        .config("spark.sql.warehouse.dir", str(spark_dir / "spark-warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={spark_dir}")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .enableHiveSupport()
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def compare_table(con: duckdb.DuckDBPyConnection, session, table: str) -> TableDiff:
    duck_columns = [
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            table.split("."),
        ).fetchall()
    ]
    spark_df = session.table(table)
    spark_columns = [name.lower() for name in spark_df.columns]
    shared = [name for name in duck_columns if name.lower() in spark_columns]
    note = ""
    if set(c.lower() for c in duck_columns) != set(spark_columns):
        only_d = sorted(set(c.lower() for c in duck_columns) - set(spark_columns))
        only_s = sorted(set(spark_columns) - set(c.lower() for c in duck_columns))
        note = f"columns only on DuckDB {only_d}, only on Spark {only_s}"
    select_list = ", ".join(f'"{name}"' for name in shared)
    duck_rows = Counter(
        tuple(normalise(v) for v in row)
        for row in con.execute(f"select {select_list} from {table}").fetchall()
    )
    spark_rows = Counter(
        tuple(normalise(v) for v in row)
        for row in spark_df.select(*[f"`{name}`" for name in shared]).collect()
    )
    diff = TableDiff(table, sum(duck_rows.values()), sum(spark_rows.values()), column_note=note)
    diff.only_duckdb = sorted((duck_rows - spark_rows).elements(), key=repr)
    diff.only_spark = sorted((spark_rows - duck_rows).elements(), key=repr)
    return diff


def spark_tables(session, schemas: list[str]) -> list[str]:
    tables = []
    for schema in schemas:
        for row in session.sql(f"show tables in {schema}").collect():
            if not row.isTemporary:
                tables.append(f"{schema}.{row.tableName}")
    return sorted(tables)


def duckdb_tables(con: duckdb.DuckDBPyConnection, schemas: list[str]) -> list[str]:
    rows = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where list_contains(?, table_schema)",
        [schemas],
    ).fetchall()
    return sorted(name for (name,) in rows)


def dbt_outputs(manifest_path: Path) -> set[str]:
    """`schema.table` of every enabled model and seed of a dbt manifest (a model that
    one engine disables is still expected on the other: a difference)."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return {
        f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed")
        and node["config"].get("enabled", True)
        and node["config"].get("materialized") != "ephemeral"
    }


def compare(
    duckdb_path: Path, spark_dir: Path, schemas: list[str], outputs: set[str] | None = None
) -> list[TableDiff]:
    """Every table of `schemas` on either engine (only those in `outputs` when given);
    one built on only one of them is a difference too (named, not compared)."""
    session = spark_session(spark_dir)
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        on_spark, on_duckdb = set(spark_tables(session, schemas)), set(duckdb_tables(con, schemas))
        tables = on_spark | on_duckdb
        if outputs is not None:
            tables &= outputs
        diffs = []
        for table in sorted(tables):
            if table not in on_spark:
                [(rows,)] = con.execute(f"select count(*) from {table}").fetchall()
                diffs.append(TableDiff(table, rows, 0, column_note="not built on Spark"))
            elif table not in on_duckdb:
                rows = session.table(table).count()
                diffs.append(TableDiff(table, 0, rows, column_note="not built on DuckDB"))
            else:
                diffs.append(compare_table(con, session, table))
        return diffs
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", type=Path, required=True, help="the DuckDB build")
    parser.add_argument("--spark-dir", type=Path, required=True, help="CRM_SPARK_DIR of the build")
    parser.add_argument("--schemas", default="reference,staging,intermediate,marts,pii,audit")
    parser.add_argument(
        "--manifest",
        type=Path,
        help="the DuckDB build's manifest.json: compare only the tables the project builds",
    )
    parser.add_argument("--show", type=int, default=3, help="differing rows shown per table")
    args = parser.parse_args(argv)
    outputs = dbt_outputs(args.manifest) if args.manifest else None
    diffs = compare(args.duckdb, args.spark_dir.resolve(), args.schemas.split(","), outputs)
    failed = 0
    for diff in diffs:
        status = "same" if diff.equal else "DIFFERENT"
        counts = f"{diff.duckdb_rows} rows on DuckDB, {diff.spark_rows} on Spark"
        print(f"{status:9} {diff.table}: {counts}")
        if diff.equal:
            continue
        failed += 1
        if diff.column_note:
            print(f"    {diff.column_note}")
        for label, rows in (("only DuckDB", diff.only_duckdb), ("only Spark", diff.only_spark)):
            if rows:
                print(f"    {label}: {len(rows)} rows, e.g.")
                for row in rows[: args.show]:
                    print(f"      {row}")
    print(f"{len(diffs) - failed} of {len(diffs)} tables identical")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
