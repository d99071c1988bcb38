"""`crm land-raw`: the ingested source tables written as Parquet for Spark (issue 11)
hold exactly the rows, columns and types of the DuckDB tables they come from."""

from __future__ import annotations

from pathlib import Path

import duckdb

from crm_warehouse.land import source_tables

from conftest import run_crm


def test_land_raw_writes_every_source_table_as_it_is(small_raw: Path, tmp_path: Path) -> None:
    database = tmp_path / "crm.duckdb"
    out_dir = tmp_path / "parquet"
    run_crm("ingest", "--raw-dir", str(small_raw), "--database", str(database), "--quiet")
    stale = out_dir / "raw" / "pos__orders" / "stale.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"not parquet")

    completed = run_crm("land-raw", "--database", str(database), "--out", str(out_dir))

    assert f"landed {len(source_tables())} tables" in completed.stdout
    assert not stale.exists(), "a table's folder is replaced, not added to"
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows_seen = 0
        for table in source_tables():
            schema, name = table.split(".")
            folder = out_dir / schema / name
            assert [path.name for path in folder.iterdir()] == ["data.parquet"]
            parquet = f"read_parquet('{folder / 'data.parquet'}')"
            assert (
                con.execute(f"describe select * from {parquet}").fetchall()
                == con.execute(f"describe select * from {table}").fetchall()
            )
            for left, right in ((table, parquet), (parquet, table)):
                missing = con.execute(
                    f"select count(*) from (select * from {left} except all select * from {right})"
                ).fetchall()[0][0]
                assert missing == 0, f"{table}: {missing} rows of {left} not in {right}"
            rows_seen += con.execute(f"select count(*) from {table}").fetchall()[0][0]
    finally:
        con.close()
    assert rows_seen > 1000


def test_land_raw_needs_an_ingested_database(tmp_path: Path) -> None:
    completed = run_crm(
        "land-raw",
        "--database",
        str(tmp_path / "none.duckdb"),
        "--out",
        str(tmp_path / "out"),
        check=False,
    )
    assert completed.returncode == 1
    assert "no such database" in completed.stderr
