"""crm_keyed_hash: HMAC-SHA256 in DuckDB SQL, defined by the dbt plugin on every
connection and cursor, equal to Python's hmac for any key and text."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest

from crm_warehouse.duckdb_udfs import Plugin
from crm_warehouse.keyed_hash import hmac_pads, install_keyed_hash

TEXTS = ["13800138000", "member_card:S10", "", "中文 测试", "it's", "x" * 300]
KEYS = [
    b"dev-secret-0123456789abcdef",  # shorter than a SHA-256 block
    b"k" * 64,  # exactly a block
    "长密钥".encode() * 20,  # longer than a block: hashed first (RFC 2104)
]


@pytest.mark.parametrize("key", KEYS, ids=["short", "block", "long"])
def test_sql_hmac_equals_python_hmac(key: bytes) -> None:
    con = duckdb.connect()
    install_keyed_hash(con, key)
    for text in TEXTS:
        got = con.execute("select crm_keyed_hash($1)", [text]).fetchone()[0]
        assert got == hmac.new(key, text.encode(), hashlib.sha256).hexdigest(), text


def test_pads_follow_rfc_2104() -> None:
    ipad, opad = hmac_pads(b"\x01\x02")
    assert len(ipad) == len(opad) == 64
    assert ipad[:3] == bytes([0x01 ^ 0x36, 0x02 ^ 0x36, 0x36])
    assert opad[:3] == bytes([0x01 ^ 0x5C, 0x02 ^ 0x5C, 0x5C])


def test_null_stays_null_and_a_missing_key_names_the_secret() -> None:
    con = duckdb.connect()
    install_keyed_hash(con, None)
    assert con.execute("select crm_keyed_hash(null)").fetchone()[0] is None
    with pytest.raises(duckdb.Error, match="CRM_HASH_SECRET must hold a secret"):
        con.execute("select crm_keyed_hash('13800138000')").fetchall()


def test_plugin_defines_it_on_connections_and_cursors(monkeypatch) -> None:
    secret = "plugin-secret-0123456789"
    monkeypatch.setenv("CRM_HASH_SECRET", secret)
    plugin = Plugin(name="udfs", plugin_config={})
    con = duckdb.connect()
    plugin.configure_connection(con)
    cursor = con.cursor()
    plugin.configure_cursor(cursor)
    expected = hmac.new(secret.encode(), b"13800138000", hashlib.sha256).hexdigest()
    for connection in (con, cursor):
        assert connection.execute("select crm_keyed_hash('13800138000')").fetchone()[0] == expected
    # the key is in no SQL text: neither the macro's definition nor its call
    definition = con.execute(
        "select macro_definition from duckdb_functions() where function_name = 'crm_keyed_hash'"
    ).fetchone()[0]
    assert secret not in definition
    assert hmac_pads(secret.encode())[0].hex() not in definition


def test_a_short_secret_is_no_key(monkeypatch) -> None:
    monkeypatch.setenv("CRM_HASH_SECRET", "short")
    con = duckdb.connect()
    Plugin(name="udfs", plugin_config={}).configure_connection(con)
    with pytest.raises(duckdb.Error, match="CRM_HASH_SECRET"):
        con.execute("select crm_keyed_hash('x')").fetchall()
