"""Whole-pipeline behaviour on small generated data: generate -> ingest -> dbt build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crm_warehouse.contract import EXPORTS, EXPORTS_BY_NAME
from crm_warehouse.settings import hash_secret_path

from conftest import content_hashes, query, run_crm


@pytest.fixture(scope="module")
def built(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The small dataset plus hand-made files with known content, run end to end."""
    raw = tmp_path_factory.mktemp("pipeline") / "raw"
    shutil.copytree(small_raw, raw)
    header = ",".join(EXPORTS_BY_NAME["pos__members"].columns) + "\n"
    gb_rows = (
        "9900000001,张伟,138 0013 9999,男,1990/7/1,,S001,"
        "2023-01-05 10:00:00,2023-01-05 10:00:00\n"
        "9900000002,李娜,+86 139 0013 8888,女,19880312,2025-02-01,S001,"
        "2023/1/6 11:00,2023/1/6 11:00\n"
    )
    (raw / "pos/members/zz-gb18030.csv").write_bytes((header + gb_rows).encode("gb18030"))
    orders_header = ",".join(EXPORTS_BY_NAME["pos__orders"].columns) + "\n"
    orders = (
        orders_header
        + "ZZ-1,S001,9900000001,,2024-06-01 10:00:00,sale,,100.00,0,100.00,cash\n"
        + "ZZ-2,S001,9900000001,,2024-06-01 10:05:00,sale\n"
        + 'ZZ-3,S001,9900000002,,2024-06-02 10:00:00,sale,,"1,200.00",0,"1,200.00",card\n'
    )
    (raw / "pos/orders/zz-malformed.csv").write_text(orders, encoding="utf-8")
    database = raw.parent / "crm.duckdb"
    result = run_crm("run", "--raw-dir", str(raw), "--database", str(database), "--quiet")
    return raw, database, result.stdout


def test_run_builds_every_staging_model_and_prints_summary(built: tuple[Path, Path, str]) -> None:
    _, database, stdout = built
    views = {
        name
        for (name,) in query(
            database,
            "select table_name from information_schema.tables where table_schema = 'staging'",
        )
    }
    expected = {f"stg_{e.channel}__{e.entity}" for e in EXPORTS} | {
        "stg_mall__order_items",
        "stg_mall__order_refunds",
        "stg_wecom__contact_remark_mobiles",
    }
    assert expected <= views
    assert "rejected rows:" in stdout
    assert "stg_pos__orders" in stdout
    assert "validation:" in stdout and "[FAIL]" not in stdout


def test_gb18030_file_round_trips_chinese_names(built: tuple[Path, Path, str]) -> None:
    _, database, _ = built
    rows = query(
        database,
        "select member_card_no, member_name, mobile, gender, birth_date::varchar "
        "from staging.stg_pos__members where member_card_no like '99000000%' order by 1",
    )
    assert rows == [
        ("9900000001", "张伟", "13800139999", "M", "1990-07-01"),
        ("9900000002", "李娜", "13900138888", "F", "1988-03-12"),
    ]
    encoding = query(
        database,
        "select encoding from audit.load_manifest where source_file = ?",
        ["pos/members/zz-gb18030.csv"],
    )
    assert encoding == [("gb18030",)]


def test_malformed_line_is_rejected_with_its_line_number(built: tuple[Path, Path, str]) -> None:
    _, database, _ = built
    rejected = query(
        database,
        "select line_number, reason from audit.rejected_rows where source_file = ?",
        ["pos/orders/zz-malformed.csv"],
    )
    assert len(rejected) == 1
    line_number, reason = rejected[0]
    assert line_number == 3
    assert "expected 11 fields, found 6" in reason
    loaded = query(
        database,
        "select order_id, paid_amount::varchar from staging.stg_pos__orders "
        "where order_id like 'ZZ-%' order by 1",
    )
    assert loaded == [("ZZ-1", "100.00"), ("ZZ-3", "1200.00")]


def test_every_record_is_loaded_or_rejected(built: tuple[Path, Path, str]) -> None:
    _, database, _ = built
    assert query(database, "select count(*) from audit.row_accounting where not is_balanced") == [
        (0,)
    ]
    files = query(database, "select count(*) from audit.load_manifest")[0][0]
    assert files > len(EXPORTS)


def test_ingesting_again_loads_nothing_new(built: tuple[Path, Path, str]) -> None:
    raw, database, _ = built
    before = query(database, "select count(*) from raw.pos__orders")
    result = run_crm("ingest", "--raw-dir", str(raw), "--database", str(database), "--quiet")
    assert "ingested 0 files" in result.stdout
    assert query(database, "select count(*) from raw.pos__orders") == before


def test_missing_export_folder_builds(small_raw: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    shutil.rmtree(raw / "wecom")
    shutil.rmtree(raw / "service")
    database = tmp_path / "crm.duckdb"
    run_crm("run", "--raw-dir", str(raw), "--database", str(database), "--quiet")
    assert query(database, "select count(*) from staging.stg_wecom__contacts") == [(0,)]
    assert query(database, "select count(*) from staging.stg_service__nps_responses") == [(0,)]
    assert query(database, "select count(*) from staging.stg_pos__orders")[0][0] > 0


def test_as_of_defaults_to_latest_order_date(built: tuple[Path, Path, str]) -> None:
    _, database, stdout = built
    # Independently of the CLI: the latest business date of a POS sale or a paid mall order.
    latest = query(
        database,
        "select greatest("
        "(select max(order_date) from staging.stg_pos__orders where order_type = 'sale'), "
        "(select max(paid_date) from staging.stg_mall__orders where paid_at is not null))",
    )[0][0]
    assert f"(as of {latest.isoformat()})" in stdout


def test_two_builds_of_the_same_inputs_are_identical(
    built: tuple[Path, Path, str], tmp_path: Path
) -> None:
    """Idempotent and deterministic: a second warehouse built from the same exports
    with the same keyed-hash secret holds exactly the same marts, BI tables and
    identity map, row for row (so no ranking without a complete tie-break, no clock
    in a mart)."""
    raw, database, _ = built
    again = tmp_path / "again.duckdb"
    shutil.copy2(hash_secret_path(database), hash_secret_path(again))
    run_crm("run", "--raw-dir", str(raw), "--database", str(again), "--quiet")
    schemas = ("marts", "semantic", "pii")
    first, second = content_hashes(database, schemas), content_hashes(again, schemas)
    assert len(first) > 40
    assert {name for name in first if first[name] != second.get(name)} == set()
    assert first.keys() == second.keys()
