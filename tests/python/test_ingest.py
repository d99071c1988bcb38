"""Tests of the ingestion (``crm_warehouse.ingest``) on small raw folders built by hand."""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from crm_warehouse.contract import EXPORTS, EXPORTS_BY_NAME
from crm_warehouse.ingest import (
    RAW_LINEAGE_COLUMNS,
    IngestError,
    IngestResult,
    decode,
    ingest,
    manifest,
)
from crm_warehouse.ingest.decode import DecodedLines, EncodingSniffer
from crm_warehouse.ingest.load import _temp_prefix
from crm_warehouse.ingest.readers import US, FileStats, read_csv_records

MEMBERS = EXPORTS_BY_NAME["pos__members"]
POS_ORDERS = EXPORTS_BY_NAME["pos__orders"]
ITEMS = EXPORTS_BY_NAME["pos__order_items"]
MALL_ORDERS = EXPORTS_BY_NAME["mall__orders"]
MALL_USERS = EXPORTS_BY_NAME["mall__users"]

ORDERS_HEADER = ",".join(POS_ORDERS.columns)
MEMBERS_HEADER = ",".join(MEMBERS.columns)


# ----------------------------------------------------------------------------- helpers


def write(raw: Path, relative: str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``raw/relative`` exactly (no newline translation)."""
    path = raw / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def run(raw: Path, db: Path, **kwargs) -> IngestResult:
    kwargs.setdefault("workers", 1)
    kwargs.setdefault("progress", False)
    return ingest(raw, db, **kwargs)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def one_order_file(raw: Path, name: str = "2024-03-05.csv") -> None:
    write(
        raw,
        f"pos/orders/{name}",
        f"{ORDERS_HEADER}\nP1,S1,,,2024-03-05 10:00:00,sale,,10,0,10,cash\n",
    )


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "crm.duckdb"


# ----------------------------------------------------------------------- loading values


def test_loads_csv_and_jsonl_with_values_and_lineage(raw: Path, db: Path) -> None:
    write(
        raw,
        "pos/orders/2024-03-05.csv",
        f"{ORDERS_HEADER}\n"
        'P001,S01,057100001,138 1234 5678,2024/3/5 14:22,sale,,"1,299.00",  10.00 ,1289.00,'
        "wechat_pay\n"
        "P002,S01,,,20240305142201,return,P001,99,0,99,cash\n",
    )
    write(
        raw,
        "mall/orders/2024-03-05.jsonl",
        '{"order_id": "M1", "openid": "o1", "unionid": null, "status": "paid", '
        '"total_fee": 12900, "discount_fee": 1000, "payment_fee": 11900, "surprise": 1, '
        '"items": [{"sku": "SKU-1", "quantity": 1, "price_fee": 12900}], "refunds": []}\n'
        '{"order_id": "M2", "openid": "o2", "receiver_city": "杭州", '
        '"paid_at": "2024-03-05T06:22:01Z", "discount_fee": 12.50, "coupon_code": true}\n'
        r'{"order_id": "M3", "receiver_city": "\u676d\u5dde", "coupon_code": "a\"b\nc", '
        r'"items": [{"sku": "caf\u00e9"}]}'
        "\n",
    )
    result = run(raw, db)

    assert (result.files_loaded, result.files_skipped) == (2, 0)
    assert (result.rows_loaded, result.rows_rejected) == (5, 0)
    assert result.rows_by_export["pos__orders"] == 2
    assert result.rows_by_export["mall__orders"] == 3
    assert result.rows_by_export["pos__members"] == 0

    rows = query(db, "SELECT * FROM raw.pos__orders ORDER BY _source_line")
    file_id = query(
        db, "SELECT file_id FROM audit.load_manifest WHERE export_name = 'pos__orders'"
    )[0][0]
    lineage = ("pos/orders/2024-03-05.csv",)
    assert [r[:11] for r in rows] == [
        (
            "P001",
            "S01",
            "057100001",
            "138 1234 5678",
            "2024/3/5 14:22",
            "sale",
            "",
            "1,299.00",
            "  10.00 ",
            "1289.00",
            "wechat_pay",
        ),
        ("P002", "S01", "", "", "20240305142201", "return", "P001", "99", "0", "99", "cash"),
    ]
    assert [r[11:15] for r in rows] == [
        (*lineage, 2, file_id, result.load_id),
        (*lineage, 3, file_id, result.load_id),
    ]
    assert all(r[15] is not None for r in rows)

    mall = query(
        db,
        "SELECT order_id, openid, unionid, status, total_fee, discount_fee, items, refunds, "
        "receiver_city, paid_at, coupon_code, mobile, _source_file, _source_line "
        "FROM raw.mall__orders ORDER BY _source_line",
    )
    assert mall == [
        (
            "M1",
            "o1",
            None,
            "paid",
            "12900",
            "1000",
            '[{"sku":"SKU-1","quantity":1,"price_fee":12900}]',
            "[]",
            None,
            None,
            None,
            None,
            "mall/orders/2024-03-05.jsonl",
            1,
        ),
        (
            "M2",
            "o2",
            None,
            None,
            None,
            "12.50",
            None,
            None,
            "杭州",
            "2024-03-05T06:22:01Z",
            "true",
            None,
            "mall/orders/2024-03-05.jsonl",
            2,
        ),
        (
            "M3",
            None,
            None,
            None,
            None,
            None,
            '[{"sku":"café"}]',
            None,
            "杭州",
            None,
            'a"b\nc',
            None,
            "mall/orders/2024-03-05.jsonl",
            3,
        ),
    ]
    # unknown keys are ignored, and listed in the manifest
    extra = query(
        db, "SELECT extra_columns FROM audit.load_manifest WHERE export_name = 'mall__orders'"
    )
    assert extra == [(["surprise"],)]


def test_raw_tables_have_contract_columns_then_lineage(raw: Path, db: Path) -> None:
    one_order_file(raw)
    run(raw, db)
    for export in EXPORTS:
        columns = query(
            db,
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'raw' AND table_name = ? ORDER BY ordinal_position",
            [export.name],
        )
        expected = [(c, "VARCHAR") for c in export.columns] + [
            ("_source_file", "VARCHAR"),
            ("_source_line", "BIGINT"),
            ("_file_id", "BIGINT"),
            ("_load_id", "VARCHAR"),
            ("_loaded_at", "TIMESTAMP"),
        ]
        assert columns == expected, export.name
    assert list(RAW_LINEAGE_COLUMNS) == [c for c, _ in expected[-5:]]


def test_missing_export_folder_gives_empty_raw_table(raw: Path, db: Path) -> None:
    one_order_file(raw)
    write(raw, "mall/users/.keep", "")  # an export folder without any export file
    result = run(raw, db)
    assert result.files_loaded == 1
    assert query(db, "SELECT count(*) FROM raw.mall__users") == [(0,)]
    assert query(db, "SELECT count(*) FROM raw.wecom__contacts") == [(0,)]
    tables = query(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw'")
    assert tables == [(len(EXPORTS),)]


def test_json_null_is_null_and_csv_empty_field_is_empty_string(raw: Path, db: Path) -> None:
    one_order_file(raw)
    write(
        raw,
        "pos/members/m.csv",
        f"{MEMBERS_HEADER}\nC1,,13800000000,,,,S1,2024-01-01,2024-01-02\n",
    )
    write(
        raw,
        "mall/users/u.jsonl",
        '{"openid": "o1", "unionid": null, "nickname": "", "email": "", "mobile": null}\n',
    )
    run(raw, db)
    assert query(db, "SELECT name, gender, birthday FROM raw.pos__members") == [("", "", "")]
    users = query(db, "SELECT unionid, nickname, email, mobile, registered_at FROM raw.mall__users")
    assert users == [(None, "", "", None, None)]


def test_missing_documented_column_is_null_and_reported(raw: Path, db: Path) -> None:
    one_order_file(raw)
    header = ",".join(c for c in MEMBERS.columns if c != "mobile") + ",loyalty_tier"
    write(
        raw, "pos/members/m.csv", f"{header}\nC1,张伟,M,1990-07-01,,S1,2024-01-01,2024-01-02,gold\n"
    )
    result = run(raw, db)
    assert result.missing_columns == [("pos/members/m.csv", "mobile")]
    assert query(db, "SELECT member_card_no, name, mobile, updated_at FROM raw.pos__members") == [
        ("C1", "张伟", None, "2024-01-02")
    ]
    assert query(
        db,
        "SELECT missing_columns, extra_columns FROM audit.load_manifest "
        "WHERE source_file = 'pos/members/m.csv'",
    ) == [(["mobile"], ["loyalty_tier"])]


def test_header_columns_in_another_order_with_spaces(raw: Path, db: Path) -> None:
    one_order_file(raw)
    write(
        raw,
        "pos/order_items/i.csv",
        " sku , order_no,line_no,quantity,unit_price,line_amount\nSKU1,P1,1,2,9.90,19.80\n",
    )
    run(raw, db)
    assert query(db, "SELECT order_no, line_no, sku, line_amount FROM raw.pos__order_items") == [
        ("P1", "1", "SKU1", "19.80")
    ]


# ---------------------------------------------------------------------------- encodings


def test_gb18030_csv_round_trips_chinese_names(raw: Path, db: Path) -> None:
    one_order_file(raw)
    write(
        raw,
        "pos/members/legacy.csv",
        f"{MEMBERS_HEADER}\r\n"
        "C1,张伟,13812345678,男,1990/7/1,,S1,2024-01-01,2024-01-02\r\n"
        "C2,李娜,,女,,,S1,2024-01-01,2024-01-02\r\n",
        encoding="gb18030",
    )
    run(raw, db)
    names = query(db, "SELECT name, gender FROM raw.pos__members ORDER BY _source_line")
    assert names == [("张伟", "男"), ("李娜", "女")]
    encoding = query(
        db, "SELECT encoding FROM audit.load_manifest WHERE export_name = 'pos__members'"
    )
    assert encoding == [("gb18030",)]


def test_utf8_bom_header_is_read(raw: Path, db: Path) -> None:
    one_order_file(raw)
    write(raw, "pos/members/bom.csv", f"\ufeff{MEMBERS_HEADER}\nC9,王芳,,,,,S2,x,y\n")
    result = run(raw, db)
    assert result.missing_columns == []
    assert query(db, "SELECT member_card_no, name FROM raw.pos__members") == [("C9", "王芳")]
    encoding = query(
        db, "SELECT encoding FROM audit.load_manifest WHERE export_name = 'pos__members'"
    )
    assert encoding == [("utf-8-sig",)]


def test_sniffer_judges_text_after_an_ascii_start_and_a_cut_character(monkeypatch) -> None:
    monkeypatch.setattr(decode, "SAMPLE_BYTES", 64)
    gb = ("a,b\n" * 100 + "C1,张伟李娜王芳刘洋陈静\n" * 20).encode("gb18030")
    sniffer = EncodingSniffer()
    for start in range(0, len(gb), 50):
        sniffer.feed(gb[start : start + 50])
    assert sniffer.result() == "gb18030"

    utf8 = ("a,b\n" * 100 + "C1,张伟李娜王芳刘洋陈静\n" * 20).encode("utf-8")
    sniffer = EncodingSniffer()
    for start in range(0, len(utf8), 50):  # 50-byte blocks cut characters in two
        sniffer.feed(utf8[start : start + 50])
    assert sniffer.result() == "utf-8"

    sniffer = EncodingSniffer()
    sniffer.feed(b"plain,ascii\n")
    assert sniffer.result() == "utf-8"


def test_decoded_lines_across_tiny_chunks_and_too_long_lines() -> None:
    data = "第一行\r\nsecond\n\nfourth line is long\nlast".encode()
    lines = DecodedLines(io.BytesIO(data), "utf-8", chunk_bytes=3, max_line_bytes=12)
    got = [line for chunk in lines for line in chunk]
    assert got == ["第一行\r", "second", "", "", "last"]
    assert list(lines.bad) == [(4, "line longer than 12 bytes")]
    assert lines.text(4, 4) == "fourth line is long"[: len(lines.text(4, 4))]


# ---------------------------------------------------------------------------- rejection


def test_bad_records_are_rejected_with_line_and_reason(raw: Path, db: Path) -> None:
    write(
        raw,
        "pos/orders/o.csv",
        f"{ORDERS_HEADER}\n"
        "P1,S1,,,t,sale,,1,0,1,cash\n"
        "P2,S1,,,t,sale,1,0,1\n"  # 9 fields
        ",S1,,,t,sale,,1,0,1,cash\n"  # blank key
        "P4,S1,,,t,sale,,1,0,1,cash\n",
    )
    path = raw / "pos/members/m.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(
        f"{MEMBERS_HEADER}\nC1,张伟,,,,,S1,x,y\n".encode()
        + b"C2,\xff\xfe,,,,,S1,x,y\n"  # not UTF-8
        + "C3,李娜,,,,,S1,x,y\n".encode()
    )
    write(
        raw,
        "mall/orders/o.jsonl",
        '{"order_id": "M1"}\n'
        '{"order_id": "M2" "openid": "o"}\n'
        "\n"
        '["M4"]\n'
        '{"order_id": "  "}\n'
        '{"order_id": "M6"}\n'
        '{"order_id": "M7\n'
        r'{"order_id": "M8", "openid": "\ud800"}'
        "\n",
    )
    result = run(raw, db)

    rejected = query(
        db,
        "SELECT source_file, line_number, reason, raw_text FROM audit.rejected_rows "
        "ORDER BY source_file, line_number",
    )
    assert rejected == [
        (
            "mall/orders/o.jsonl",
            2,
            "invalid JSON: Expecting ',' delimiter at column 19",
            '{"order_id": "M2" "openid": "o"}',
        ),
        ("mall/orders/o.jsonl", 4, "not a JSON object: found an array", '["M4"]'),
        ("mall/orders/o.jsonl", 5, "missing key: order_id", '{"order_id": "  "}'),
        (
            "mall/orders/o.jsonl",
            7,
            "invalid JSON: Unterminated string starting at column 14",
            '{"order_id": "M7',
        ),
        (
            "mall/orders/o.jsonl",
            8,
            "invalid JSON: unpaired surrogate in a string",
            r'{"order_id": "M8", "openid": "\ud800"}',
        ),
        (
            "pos/members/m.csv",
            3,
            "undecodable bytes for utf-8 at byte 4",
            "C2,\ufffd\ufffd,,,,,S1,x,y",
        ),
        ("pos/orders/o.csv", 3, "expected 11 fields, found 9", "P2,S1,,,t,sale,1,0,1"),
        ("pos/orders/o.csv", 4, "missing key: order_no", ",S1,,,t,sale,,1,0,1,cash"),
    ]
    assert query(db, "SELECT order_no, _source_line FROM raw.pos__orders ORDER BY 2") == [
        ("P1", 2),
        ("P4", 5),
    ]
    assert query(db, "SELECT member_card_no, name FROM raw.pos__members ORDER BY 1") == [
        ("C1", "张伟"),
        ("C3", "李娜"),
    ]
    assert query(db, "SELECT order_id, _source_line FROM raw.mall__orders ORDER BY 2") == [
        ("M1", 1),
        ("M6", 6),
    ]
    assert (result.rows_loaded, result.rows_rejected) == (6, 8)
    manifest_rows = query(
        db,
        "SELECT source_file, records_read, rows_loaded, rows_rejected, blank_lines "
        "FROM audit.load_manifest ORDER BY source_file",
    )
    assert manifest_rows == [
        ("mall/orders/o.jsonl", 7, 2, 5, 1),
        ("pos/members/m.csv", 3, 2, 1, 0),
        ("pos/orders/o.csv", 4, 2, 2, 0),
    ]


def test_quoted_field_with_newline_and_comma_is_one_record(raw: Path, db: Path) -> None:
    write(
        raw,
        "pos/orders/o.csv",
        f"{ORDERS_HEADER}\r\n"
        'P1,"Store 1, ""East""\r\nsecond line",,,t,sale,,1,0,1,cash\r\n'
        "P2,S1,,,t,sale,,1,0,1,cash\r\n",
    )
    run(raw, db)
    rows = query(db, "SELECT order_no, store_id, _source_line FROM raw.pos__orders ORDER BY 3")
    assert rows == [("P1", 'Store 1, "East"\r\nsecond line', 2), ("P2", "S1", 4)]


def test_blank_lines_are_counted_not_loaded(raw: Path, db: Path) -> None:
    write(
        raw,
        "pos/orders/o.csv",
        f"\n{ORDERS_HEADER}\n\nP1,S1,,,t,sale,,1,0,1,cash\n   \n\r\nP2,S1,,,t,sale,,1,0,1,cash",
    )
    run(raw, db)
    assert query(db, "SELECT order_no, _source_line FROM raw.pos__orders ORDER BY 2") == [
        ("P1", 4),
        ("P2", 7),
    ]
    assert query(db, "SELECT records_read, blank_lines FROM audit.load_manifest") == [(2, 4)]


def test_row_accounting_balances_for_every_file(raw: Path, db: Path) -> None:
    write(raw, "pos/orders/a.csv", f"{ORDERS_HEADER}\nP1,S1,,,t,sale,,1,0,1,cash\nbroken\n")
    write(raw, "pos/orders/b.csv", f'{ORDERS_HEADER}\n"unterminated,S1\nP3,S1\n')
    write(raw, "pos/order_items/i.csv", "order_no,line_no,sku\nP1,1,A\n,,B\nP1,,C\n")
    write(raw, "mall/orders/m.jsonl", '{"order_id": "M1"}\n{nope\n42\n')
    write(raw, "pos/orders/empty.csv", "")
    write(raw, "pos/order_items/bad_header.csv", '"order_no"x,line_no\nP1,1\n\n')
    run(raw, db)
    accounting = query(
        db,
        "SELECT source_file, records_read, rows_loaded, rows_rejected, is_balanced "
        "FROM audit.row_accounting ORDER BY source_file",
    )
    assert accounting == [
        ("mall/orders/m.jsonl", 3, 1, 2, True),
        ("pos/order_items/bad_header.csv", 2, 0, 2, True),
        ("pos/order_items/i.csv", 3, 2, 1, True),
        ("pos/orders/a.csv", 2, 1, 1, True),
        ("pos/orders/b.csv", 2, 0, 2, True),
        ("pos/orders/empty.csv", 0, 0, 0, True),
    ]
    # and the manifest's counts are the rows really in the tables
    actual = {}
    for export in EXPORTS:
        for file_id, n in query(db, f"SELECT _file_id, count(*) FROM raw.{export.name} GROUP BY 1"):
            actual[file_id] = n
    for file_id, loaded, rejected in query(
        db, "SELECT file_id, rows_loaded, rows_rejected FROM audit.load_manifest"
    ):
        assert actual.get(file_id, 0) == loaded
        assert query(
            db, "SELECT count(*) FROM audit.rejected_rows WHERE file_id = ?", [file_id]
        ) == [(rejected,)]
    reason = query(
        db,
        "SELECT line_number, reason FROM audit.rejected_rows "
        "WHERE source_file = 'pos/orders/b.csv' ORDER BY 1",
    )
    # the quote runs to the end of the file: its line alone is rejected, the next one
    # is read again (and fails on its own)
    assert reason == [
        (2, UNCLOSED.format(start=2, end=3)),
        (3, "expected 11 fields, found 2"),
    ]
    reasons = query(
        db,
        "SELECT line_number, reason FROM audit.rejected_rows "
        "WHERE source_file = 'pos/order_items/bad_header.csv' ORDER BY 1",
    )
    assert reasons == [
        (1, "malformed CSV header: ',' expected after '\"'"),
        (2, "no usable header (line 1 is malformed)"),
    ]


# ------------------------------------------------------------------------- idempotence


def test_ingesting_twice_loads_nothing_new(raw: Path, db: Path) -> None:
    one_order_file(raw)
    write(raw, "mall/orders/m.jsonl", '{"order_id": "M1"}\n')
    first = run(raw, db)
    stale = db.parent / f"{_temp_prefix(db)}left-by-a-killed-run"
    stale.mkdir()
    second = run(raw, db)
    assert not stale.exists()
    assert [p.name for p in db.parent.iterdir() if p.name.startswith(".")] == []
    assert (first.files_loaded, first.files_skipped) == (2, 0)
    assert (second.files_loaded, second.files_skipped, second.rows_loaded) == (0, 2, 0)
    assert query(db, "SELECT count(*) FROM raw.pos__orders") == [(1,)]
    assert query(db, "SELECT count(*) FROM audit.load_manifest") == [(2,)]
    runs = query(
        db,
        "SELECT load_id, files_seen, files_loaded, files_skipped, status "
        "FROM audit.ingest_runs ORDER BY started_at",
    )
    assert runs == [
        (first.load_id, 2, 2, 0, "succeeded"),
        (second.load_id, 2, 0, 2, "succeeded"),
    ]


def test_changed_file_loads_as_next_version(raw: Path, db: Path) -> None:
    write(raw, "pos/orders/d.csv", f"{ORDERS_HEADER}\nP1,S1,,,t,sale,,1,0,1,cash\n")
    write(raw, "pos/orders/e.csv", f"{ORDERS_HEADER}\nP9,S1,,,t,sale,,1,0,1,cash\n")
    run(raw, db)
    write(raw, "pos/orders/d.csv", f"{ORDERS_HEADER}\nP1,S1,,,t,sale,,1,0,1,card\n")
    second = run(raw, db)
    assert (second.files_loaded, second.files_skipped) == (1, 1)
    versions = query(
        db,
        "SELECT source_file, file_version, file_id FROM audit.load_manifest ORDER BY file_id",
    )
    assert versions == [
        ("pos/orders/d.csv", 1, 1),
        ("pos/orders/e.csv", 1, 2),
        ("pos/orders/d.csv", 2, 3),
    ]
    rows = query(db, "SELECT order_no, payment_method, _file_id FROM raw.pos__orders ORDER BY 3")
    assert rows == [("P1", "cash", 1), ("P9", "cash", 2), ("P1", "card", 3)]

    # back to the first content: that is a change too (the latest version differs)
    write(raw, "pos/orders/d.csv", f"{ORDERS_HEADER}\nP1,S1,,,t,sale,,1,0,1,cash\n")
    third = run(raw, db)
    assert third.files_loaded == 1
    assert query(db, "SELECT max(file_version), max(file_id) FROM audit.load_manifest") == [(3, 4)]


def test_files_get_ids_in_sorted_path_order_whatever_the_workers(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for day in range(1, 6):
        write(
            raw,
            f"pos/orders/2024-03-0{day}.csv",
            f"{ORDERS_HEADER}\nP{day},S1,,,t,sale,,1,0,1,cash\n",
        )
        write(raw, f"mall/orders/2024-03-0{day}.jsonl", f'{{"order_id": "M{day}", "items": []}}\n')
    run(raw, tmp_path / "one.duckdb", workers=1)
    run(raw, tmp_path / "two.duckdb", workers=2)
    sql = (
        "SELECT file_id, source_file, sha256, records_read, rows_loaded FROM audit.load_manifest "
        "ORDER BY file_id"
    )
    one, two = query(tmp_path / "one.duckdb", sql), query(tmp_path / "two.duckdb", sql)
    assert one == two
    assert [r[1] for r in one] == sorted(r[1] for r in one)
    rows = "SELECT order_no, _source_file, _source_line, _file_id FROM raw.pos__orders ORDER BY 4"
    assert query(tmp_path / "one.duckdb", rows) == query(tmp_path / "two.duckdb", rows)


def test_failed_file_leaves_nothing_half_loaded(raw: Path, db: Path, monkeypatch) -> None:
    write(raw, "pos/orders/a.csv", f"{ORDERS_HEADER}\nP1,S1,,,t,sale,,1,0,1,cash\n")
    write(raw, "pos/orders/b.csv", f"{ORDERS_HEADER}\nP2,S1,,,t,sale,,1,0,1,cash\nbad\n")
    original = manifest.record_file

    def fail_on_b(con, **kwargs):
        if kwargs["source_file"] == "pos/orders/b.csv":
            raise RuntimeError("disk full")
        original(con, **kwargs)

    monkeypatch.setattr(manifest, "record_file", fail_on_b)
    with pytest.raises(RuntimeError, match="disk full"):
        run(raw, db)
    assert query(db, "SELECT order_no FROM raw.pos__orders") == [("P1",)]
    assert query(db, "SELECT count(*) FROM audit.rejected_rows") == [(0,)]
    assert query(db, "SELECT status FROM audit.ingest_runs") == [("failed",)]

    monkeypatch.setattr(manifest, "record_file", original)
    again = run(raw, db)
    assert (again.files_loaded, again.files_skipped) == (1, 1)
    assert query(db, "SELECT order_no FROM raw.pos__orders ORDER BY 1") == [("P1",), ("P2",)]


# ------------------------------------------------------------------- folders and errors


def test_only_contract_folders_are_read(raw: Path, db: Path) -> None:
    one_order_file(raw)
    write(raw, "pos/orders/README.txt", "not an export")
    write(raw, "pos/orders/old/2023.csv", f"{ORDERS_HEADER}\nOLD,S1,,,t,sale,,1,0,1,cash\n")
    write(raw, "_truth/customers.csv", "secret\n")
    write(raw, "mall/orders/x.csv", "wrong suffix\n")
    result = run(raw, db)
    assert result.ignored_files == ["mall/orders/x.csv", "pos/orders/README.txt"]
    assert result.files_loaded == 1
    assert query(db, "SELECT order_no FROM raw.pos__orders") == [("P1",)]


def test_no_orders_export_raises(raw: Path, db: Path) -> None:
    write(raw, "pos/members/m.csv", f"{MEMBERS_HEADER}\n")
    with pytest.raises(IngestError, match="at least one orders export must exist"):
        run(raw, db)
    assert not db.exists()


def test_orders_loaded_before_allow_a_run_without_orders_files(raw: Path, db: Path) -> None:
    one_order_file(raw)
    run(raw, db)
    (raw / "pos/orders/2024-03-05.csv").unlink()
    write(raw, "pos/members/m.csv", f"{MEMBERS_HEADER}\nC1,,,,,,S1,x,y\n")
    assert run(raw, db).files_loaded == 1


def test_missing_raw_dir_raises(tmp_path: Path, db: Path) -> None:
    with pytest.raises(IngestError, match="does not exist"):
        run(tmp_path / "nowhere", db)


def test_database_held_by_another_process_raises(raw: Path, db: Path) -> None:
    one_order_file(raw)
    db.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, sys
                con = duckdb.connect({str(db)!r})
                print("open", flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(IngestError, match="another process holds it open"):
            run(raw, db)
    finally:
        holder.communicate("")


def test_progress_bar_only_when_asked(raw: Path, db: Path, capfd) -> None:
    one_order_file(raw)
    run(raw, db, progress=False)
    assert capfd.readouterr() == ("", "")
    one_order_file(raw, "2024-03-06.csv")
    run(raw, db, progress=True)
    out, err = capfd.readouterr()
    assert out == ""
    assert "ingest" in err


# ----------------------------------------------------------------------------- readers


UNCLOSED = (
    "malformed CSV: a quote opened on this line is not closed on it (the record would run "
    "over lines {start}-{end} and does not fit the header, or runs to the end of the "
    "file); only this line is rejected"
)

TRICKY_CSV = (
    "order_no,line_no,sku\r\n"
    "A,1,plain\r\n"
    '"B",2,"quoted, with comma"\r\n'
    'C,3,"two\nlines"\n'
    "D,4,tab\there\n"
    "E,5,nul\x00byte\n"
    "F,6,ideographic\u3000space\n"
    '"G"x,7,bad quote\n'
    "H,8\n"
    ",,no key\n"
    "\n"
    "  \n"
    "I,9,after blanks\n"
    "J,10,a\rb\n"
    '"K,11,never closed\n'
    "L,12,swallowed\n"
)


def _read(text: str, *, fast: bool) -> tuple[list, list, FileStats]:
    lines = DecodedLines(io.BytesIO(text.encode()), "utf-8", chunk_bytes=16)
    stats = FileStats()
    rejects: list = []
    records = [
        (line, values.split(US) if isinstance(values, str) else values)
        for line, values in read_csv_records(
            lines, ITEMS, stats, lambda *r: rejects.append(r), fast=fast
        )
    ]
    return records, rejects, stats


def test_plain_line_shortcut_agrees_with_the_csv_module() -> None:
    fast = _read(TRICKY_CSV, fast=True)
    slow = _read(TRICKY_CSV, fast=False)
    assert fast[:2] == slow[:2]
    assert vars(fast[2]) == vars(slow[2])
    records, rejects, stats = fast
    assert records == [
        (2, ["A", "1", "plain"]),
        (3, ["B", "2", "quoted, with comma"]),
        (4, ["C", "3", "two\nlines"]),
        (6, ["D", "4", "tab\there"]),
        (7, ["E", "5", "nul\x00byte"]),
        (8, ["F", "6", "ideographic\u3000space"]),
        (14, ["I", "9", "after blanks"]),
        # the quote opened on line 16 runs to the end of the file: only its line is
        # rejected, the line below it is read again
        (17, ["L", "12", "swallowed"]),
    ]
    assert [(line, reason) for line, reason, _ in rejects] == [
        (9, "malformed CSV: ',' expected after '\"'"),
        (10, "expected 3 fields, found 2"),
        (11, "missing key: order_no, line_no"),
        (15, "malformed CSV: carriage return inside an unquoted field"),
        (16, UNCLOSED.format(start=16, end=17)),
    ]
    assert stats.columns == ["order_no", "line_no", "sku"]
    assert stats.missing_columns == ["quantity", "unit_price", "line_amount"]
    assert (stats.records_read, stats.rows, stats.rejected, stats.blank_lines) == (13, 8, 5, 2)


def test_mostly_quoted_file_switches_to_the_csv_module() -> None:
    body = "".join(f'"P{i}","{i}","S,{i}"\n' for i in range(1500))
    text = "order_no,line_no,sku\n" + body + "Q,1,tail\n"
    fast, slow = _read(text, fast=True), _read(text, fast=False)
    assert fast[:2] == slow[:2]
    assert fast[0][-1] == (1502, ["Q", "1", "tail"])
    assert fast[2].rows == 1501


def test_nasty_values_round_trip_exactly(raw: Path, db: Path) -> None:
    """Random texts with quotes, separators, control characters and emoji come back as
    the json and csv modules read them, whichever temp-file path they take."""
    rng = random.Random(7)
    alphabet = ["a", " ", ",", '"', "\\", "\n", "\t", "\x00", "\x1e", "\x1f", "张", "\u3000"]
    alphabet += ["😀", "\\N", "NULL", ""]

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5)))

    def value() -> object:
        return rng.choice([None, 12900, -3, True, [{"sku": text(), "n": 1}], {"k": text()}])

    def as_text(v: object) -> str | None:
        if v is None or isinstance(v, str):
            return v
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

    objects = []
    for i in range(300):
        obj = {c: (text() if rng.random() < 0.6 else value()) for c in MALL_ORDERS.columns}
        obj = {k: v for k, v in obj.items() if rng.random() < 0.9}
        obj["order_id"] = f"M{i}"
        objects.append(obj)
    lines = [json.dumps(o, ensure_ascii=rng.random() < 0.5) for o in objects]
    write(raw, "mall/orders/a.jsonl", "\n".join(lines) + "\n")

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(POS_ORDERS.columns)
    csv_rows, line = [], 2
    for i in range(300):
        row = [f"P{i}"] + [text() for _ in POS_ORDERS.columns[1:]]
        writer.writerow(row)
        csv_rows.append((*row, line))
        line += sum(v.count("\n") for v in row) + 1
    write(raw, "pos/orders/a.csv", buffer.getvalue())

    result = run(raw, db)
    assert result.rows_rejected == 0
    columns = ", ".join(f'"{c}"' for c in MALL_ORDERS.columns)
    got = query(db, f"SELECT {columns}, _source_line FROM raw.mall__orders ORDER BY _source_line")
    assert got == [
        (*(as_text(o.get(c)) for c in MALL_ORDERS.columns), n)
        for n, o in enumerate(objects, start=1)
    ]
    columns = ", ".join(f'"{c}"' for c in POS_ORDERS.columns)
    got = query(db, f"SELECT {columns}, _source_line FROM raw.pos__orders ORDER BY _source_line")
    assert got == csv_rows


# ---------------------------------------------------------------------------- fast path

EVENTS = EXPORTS_BY_NAME["mall__behavior_events"]
SENDS = EXPORTS_BY_NAME["marketing__campaign_sends"]


def _fast_path_raw(raw: Path) -> None:
    """Files DuckDB can read as they are, with every kind of odd line in them."""
    items = ",".join(ITEMS.columns)
    write(
        raw,
        "pos/order_items/a.csv",
        "\ufeff\r\n"  # a blank line before the header (after a BOM)
        f"{items},extra\r\n"
        "I1,1,0301,1,9.90,9.90,x\r\n"
        "\r\n"
        "I2,2,0302,1,9.90\r\n"  # 5 fields
        " ,3,0303,1,1,1,x\r\n"  # blank key
        'I4,4,"03,04",1,"1,299.00",1,x\r\n'  # quoted: one whole record
        "I5,5,nul\x00byte,1,1,1,x\r\n"
        "I6,6,ideographic\u3000space\t,1,1,1,x\r\n"
        "\u3000,7,full-width blank key,1,1,1,x\r\n"
        "  \t \r\n"
        "I8,8,last line without newline,1,1,1,x",
    )
    path = raw / "pos/orders/b.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        f"{ORDERS_HEADER}\nP1,S1,,,t,sale,,1,0,1,cash\n".encode()
        + b"P2,S\xff1,,,t,sale,,1,0,1,cash\n"  # not UTF-8: DuckDB skips it
        + "P3,门店,,,t,sale,,1,0,1,cash\nP4,S1,,,t,sale,,1,0,1,cash\n".encode()
    )
    sends = ",".join(reversed(SENDS.columns))  # columns in another order
    write(raw, "marketing/campaign_sends/c.csv", f"{sends}\n" + "t,t,t,u,m,A,C1\n" * 50)
    events = [
        '{"event_id":"E1","openid":"o","unionid":null,"event_type":"view","sku":"1",'
        '"query":null,"occurred_at":1711205777512}',
        '{"event_id":"E2","openid":"o","unionid":null,"event_type":"view","sku":"1",'
        '"query":"\\"q\\"\\n\\t/","occurred_at":1711205777512,"app_version":"1.2"}',
        '{"event_id":"E3","openid":"o","event_type":"view","occurred_at":17}',  # keys missing
        '{"event_id":"E4", "openid": "o", "unionid": true, "event_type": "v", "sku": false, '
        '"query": "spaces", "occurred_at": -5}',
        '{"occurred_at":1,"query":null,"sku":null,"event_type":"v","unionid":null,'
        '"openid":"o","event_id":"E5"}',  # keys in another order
        '{"event_id":"E6","openid":"o","unionid":null,"event_type":"v","sku":null,'
        '"query":null,"occurred_at":1.50}',  # a fraction keeps its text
        '{"event_id":"E7","openid":"o","unionid":null,"event_type":"v","sku":null,'
        '"query":null,"occurred_at":123456789012345678901234567890}',
        '{"event_id":"E8","openid":"o","unionid":null,"event_type":"v","sku":null,'
        '"query":null,"occurred_at":NaN}',
        '{"event_id":"E9","openid":"o","unionid":null,"event_type":"v","sku":null,'
        '"query":null,"occurred_at":1,}',  # trailing comma
        '{"event_id":"E10","openid":"o","unionid":null,"event_type":"v","sku":null,'
        '"query":null,"occurred_at":1,"event_id":"E10b"}',  # duplicate key
        '{"event_id":"E11","openid":"\\u5f20\\ud83d\\ude00","unionid":null,"event_type":"v",'
        '"sku":null,"query":null,"occurred_at":01}',
        '{"event_id":"E12","openid":"o","unionid":null,"event_type":"v","sku":[1,{"a":2.0}],'
        '"query":{"k":"v","k":"w"},"occurred_at":-0}',  # nested values
        '{"event_id":"  ","openid":"o","unionid":null,"event_type":"v","sku":null,'
        '"query":null,"occurred_at":1}',  # blank key
        "",
        '["E14"]',
        '{"event_id":"E15","openid":"o"',
        '{"event_id":"E16","openid":"\\ud800","unionid":null,"event_type":"v","sku":null,'
        '"query":null,"occurred_at":1}',
        '{"event_id":"E17","openid":"é","unionid":null,"event_type":"v","sku":null,'
        '"query":null,"occurred_at":1e5}',
    ]
    path = raw / "mall/behavior_events/d.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "\n".join(events).encode() + b"\n"
    data += b'{"event_id":"E19","openid":"\xc3\x28","unionid":null}\n'  # not UTF-8
    path.write_bytes(data + b'{"event_id":"E20","openid":"last"}\n')


def _tables(db: Path) -> dict[str, list[tuple]]:
    """Every raw table and the audit tables, without load ids and times."""
    out = {}
    for export in EXPORTS:
        columns = ", ".join(f'"{c}"' for c in (*export.columns, "_source_file", "_source_line"))
        out[export.name] = sorted(query(db, f"SELECT {columns} FROM raw.{export.name}"), key=repr)
    out["rejected"] = query(
        db,
        "SELECT file_id, export_name, source_file, line_number, reason, raw_text "
        "FROM audit.rejected_rows ORDER BY file_id, line_number",
    )
    out["manifest"] = query(
        db,
        "SELECT file_id, source_file, file_version, sha256, size_bytes, encoding, "
        "records_read, rows_loaded, rows_rejected, blank_lines, missing_columns, "
        "extra_columns FROM audit.load_manifest ORDER BY file_id",
    )
    return out


@pytest.mark.parametrize("workers", [1, 2])
def test_fast_path_loads_what_the_record_readers_load(
    raw: Path, tmp_path: Path, monkeypatch, workers: int
) -> None:
    _fast_path_raw(raw)
    monkeypatch.setenv("CRM_INGEST_FAST_MIN_BYTES", "0")
    fast = run(raw, tmp_path / "fast.duckdb", workers=workers)
    monkeypatch.setenv("CRM_INGEST_FAST_MIN_BYTES", str(2**62))
    slow = run(raw, tmp_path / "slow.duckdb", workers=workers)
    assert (fast.files_fast, slow.files_fast) == (4, 0)
    assert (fast.rows_loaded, fast.rows_rejected) == (slow.rows_loaded, slow.rows_rejected)
    got, expected = _tables(tmp_path / "fast.duckdb"), _tables(tmp_path / "slow.duckdb")
    assert got == expected
    # spot checks of what both paths give
    assert [r[:1] + r[-1:] for r in got["pos__order_items"]] == [
        (" ", 6),  # one of the two key fields is enough
        ("I1", 3),
        ("I4", 7),
        ("I5", 8),
        ("I6", 9),
        ("I8", 12),
        ("\u3000", 10),
    ]
    assert [r[0] for r in got["pos__orders"]] == ["P1", "P3", "P4"]
    assert len(got["marketing__campaign_sends"]) == 50
    events = {r[0]: r for r in got["mall__behavior_events"]}
    assert events["E6"][6] == "1.50"
    assert events["E7"][6] == "123456789012345678901234567890"
    assert events["E8"][6] == "NaN"
    assert events["E10b"][0] == "E10b"
    assert events["E12"][4:7] == ('[1,{"a":2.0}]', '{"k":"w"}', "0")
    assert events["E2"][5] == '"q"\n\t/'
    assert [(r[2], r[3]) for r in got["rejected"]] == [
        *(("mall/behavior_events/d.jsonl", n) for n in (9, 11, 13, 15, 16, 17, 19)),
        ("pos/order_items/a.csv", 5),
        ("pos/orders/b.csv", 3),
    ]
    assert [r[1:2] + r[6:] for r in got["manifest"]] == [
        ("mall/behavior_events/d.jsonl", 19, 12, 7, 1, [], ["app_version"]),
        ("marketing/campaign_sends/c.csv", 50, 50, 0, 0, [], []),
        ("pos/order_items/a.csv", 8, 7, 1, 3, [], ["extra"]),
        ("pos/orders/b.csv", 4, 3, 1, 0, [], []),
    ]


def test_csv_record_over_lines_takes_the_slow_path(raw: Path, db: Path, monkeypatch) -> None:
    monkeypatch.setenv("CRM_INGEST_FAST_MIN_BYTES", "0")
    write(
        raw,
        "pos/orders/o.csv",
        f"{ORDERS_HEADER}\n"
        "P1,S1,,,t,sale,,1,0,1,cash\n"
        'P2,"two\n'
        'P9,S1,,,t,sale,,1,0,1,cash",,,t,sale,,1,0,1,cash\n'
        "P3,S1,,,t,sale,,1,0,1,cash\n",
    )
    result = run(raw, db)
    assert result.files_fast == 0
    rows = query(db, "SELECT order_no, store_id, _source_line FROM raw.pos__orders ORDER BY 3")
    assert rows == [
        ("P1", "S1", 2),
        ("P2", "two\nP9,S1,,,t,sale,,1,0,1,cash", 3),
        ("P3", "S1", 5),
    ]


def test_gb18030_and_mixed_newlines_take_the_slow_path(raw: Path, db: Path, monkeypatch) -> None:
    monkeypatch.setenv("CRM_INGEST_FAST_MIN_BYTES", "0")
    write(raw, "pos/members/g.csv", f"{MEMBERS_HEADER}\nC1,张伟,,,,,S1,x,y\n", "gb18030")
    write(raw, "pos/orders/o.csv", f"{ORDERS_HEADER}\r\nP1,S1,,,t,sale,,1,0,1,cash\n")
    result = run(raw, db)
    assert (result.files_fast, result.rows_loaded) == (0, 2)
    assert query(db, "SELECT name FROM raw.pos__members") == [("张伟",)]


@pytest.mark.parametrize("min_bytes", ["0", str(2**62)])
def test_nasty_values_round_trip_on_both_paths(
    raw: Path, db: Path, monkeypatch, min_bytes: str
) -> None:
    monkeypatch.setenv("CRM_INGEST_FAST_MIN_BYTES", min_bytes)
    test_nasty_values_round_trip_exactly(raw, db)
