"""The dbt sources and the Python contract describe the same raw tables."""

from __future__ import annotations

from pathlib import Path

import yaml

from crm_warehouse.contract import EXPORTS, LINEAGE_COLUMNS

STAGING = Path(__file__).resolve().parents[2] / "models" / "staging"


def load_sources() -> dict[str, dict]:
    tables = {}
    for path in STAGING.glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]:
            if source["schema"] != "raw":
                continue
            for table in source["tables"]:
                tables[table["identifier"]] = {"source": source["name"], **table}
    return tables


def test_every_export_is_a_dbt_source_with_the_contract_columns() -> None:
    tables = load_sources()
    assert set(tables) == {e.name for e in EXPORTS}
    for export in EXPORTS:
        table = tables[export.name]
        assert table["source"] == export.channel
        assert table["name"] == export.entity
        columns = [c["name"] for c in table["columns"]]
        assert columns == [*export.columns, *LINEAGE_COLUMNS], export.name
        assert all(c.get("description") for c in table["columns"]), export.name


def test_row_accounting_test_covers_every_raw_source() -> None:
    test_sql = (
        STAGING.parents[1] / "tests" / "staging" / "assert_every_raw_record_loaded_or_rejected.sql"
    ).read_text(encoding="utf-8")
    for export in EXPORTS:
        assert f"('{export.channel}', '{export.entity}')" in test_sql, export.name
