"""The keyed hash on Spark (macros/privacy/masking.sql, spark__keyed_hash) gives the
same hex as DuckDB's crm_keyed_hash (crm_warehouse.duckdb_udfs) under the same secret.

Spark has no hmac function: the macro spells out HMAC-SHA256 with sha2 over the pads
that keyed_hash.hmac_pads derives from the secret and the profile hands to the
session. The Spark part needs the optional extras (`make setup-spark`) and is skipped
without them; it starts a local session (~25 s)."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import duckdb
import jinja2
import pytest

from crm_warehouse.keyed_hash import hmac_pads, install_keyed_hash

PROJECT_DIR = Path(__file__).resolve().parents[2]
MASKING_MACROS = PROJECT_DIR / "macros" / "privacy" / "masking.sql"

VALUES = ["13812345678", "mobile:13812345678", "", "张小红", "x" * 200, "it's; -- 'quoted'"]
SECRETS = [
    "0123456789abcdef",  # the shortest secret accepted
    "a" * 64,  # exactly one SHA-256 block
    "k" * 100,  # longer than a block: HMAC hashes the key first
    "秘密-secret-with-non-ascii-密钥",
]


@pytest.mark.parametrize("secret", SECRETS)
def test_pads_give_hmac_sha256(secret: str) -> None:
    inner, outer = hmac_pads(secret.encode())
    assert len(inner) == len(outer) == 64
    for value in VALUES:
        message = value.encode()
        inner_digest = hashlib.sha256(inner + message).digest()
        spelled_out = hashlib.sha256(outer + inner_digest).hexdigest()
        assert spelled_out == hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def spark_keyed_hash_sql(expr: str) -> str:
    """The macro spark__keyed_hash as dbt renders it (plain Jinja: it uses no dbt context)."""
    template = jinja2.Environment(extensions=["jinja2.ext.do"]).from_string(
        MASKING_MACROS.read_text(encoding="utf-8")
    )
    return str(template.module.spark__keyed_hash(expr))


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("test_spark_keyed_hash")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def spark_hashes(spark, secret: str | None) -> list[str | None]:
    for key, pad in zip(
        ("spark.crm.hash_ipad", "spark.crm.hash_opad"),
        [pad.hex() for pad in hmac_pads(secret.encode())] if secret is not None else ("", ""),
        strict=True,
    ):
        spark.conf.set(key, pad)
    rows = spark.sql(
        f"select position, {spark_keyed_hash_sql('value')} as hashed "
        "from values "
        + ", ".join(f"({i}, ?)" for i in range(len(VALUES) + 1))
        + " as t(position, value) order by position",
        args=[*VALUES, None],
    ).collect()
    return [row.hashed for row in rows]


@pytest.mark.parametrize("secret", SECRETS)
def test_spark_keyed_hash_equals_duckdb(spark, secret: str) -> None:
    con = duckdb.connect()
    install_keyed_hash(con, secret.encode())
    duckdb_hashes = [
        con.execute("select crm_keyed_hash(?)", [value]).fetchall()[0][0] for value in VALUES
    ]
    assert spark_hashes(spark, secret) == [*duckdb_hashes, None]


def test_spark_keyed_hash_fails_without_pads(spark) -> None:
    with pytest.raises(Exception, match="keyed_hash: the session has no HMAC pads"):
        spark_hashes(spark, None)
