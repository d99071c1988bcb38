"""HMAC-SHA256 in DuckDB SQL, keyed by the warehouse secret without writing it into SQL.

dbt's models (through the plugin :mod:`crm_warehouse.duckdb_udfs`) and the erasure step
call the same ``crm_keyed_hash(text)``; this module defines it on a connection.
"""

from __future__ import annotations

import hashlib

from duckdb import DuckDBPyConnection

SHA256_BLOCK_SIZE = 64

MISSING_SECRET_MESSAGE = (
    "CRM_HASH_SECRET must hold a secret of at least 16 characters "
    "(models hash phones and emails with it); `crm run` creates one per "
    "warehouse, or export your own"
)


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer key pads (RFC 2104): the key (hashed first when
    longer than a block), zero-filled to 64 bytes, XOR 0x36 and XOR 0x5c."""
    if len(key) > SHA256_BLOCK_SIZE:
        key = hashlib.sha256(key).digest()
    key = key.ljust(SHA256_BLOCK_SIZE, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def install_keyed_hash(con: DuckDBPyConnection, key: bytes | None) -> None:
    """Define ``crm_keyed_hash(text)`` on this connection (a temporary SQL macro):
    HMAC-SHA256(key, text) as hex, from the pads in the session variables
    crm_hash_ipad / crm_hash_opad. Without a key the macro fails, naming the missing
    secret, when a row is hashed (null stays null)."""
    if key is not None:
        ipad, opad = hmac_pads(key)
        con.execute("set variable crm_hash_ipad = $1::blob", [ipad])
        con.execute("set variable crm_hash_opad = $1::blob", [opad])
    message = MISSING_SECRET_MESSAGE.replace("'", "''")
    con.execute(
        "create or replace temp macro crm_keyed_hash(value) as case"
        " when value is null then null"
        f" when getvariable('crm_hash_ipad') is null then error('{message}')"
        " else sha256(getvariable('crm_hash_opad')"
        " || unhex(sha256(getvariable('crm_hash_ipad') || encode(value))))"
        " end"
    )
