"""DuckDB functions the warehouse's models call, registered on every dbt connection.

dbt-duckdb loads this module as a plugin (``profiles.yml``: ``plugins``). It adds:

- ``crm_keyed_hash(text)``: HMAC-SHA256 of the text, hex, keyed with the secret in the
  environment variable ``CRM_HASH_SECRET``. BI-facing models carry this keyed hash
  instead of a phone or email: a plain hash of an 11-digit phone is reversible by
  enumerating the 10^10 numbers, a keyed one is not without the key. The key never
  appears in SQL, compiled models or logs.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection
from duckdb.sqltypes import VARCHAR

SECRET_ENV = "CRM_HASH_SECRET"
MIN_SECRET_LENGTH = 16


class MissingSecretError(RuntimeError):
    pass


def hash_key() -> bytes:
    """The HMAC key from the environment; a clear error when it is missing or short."""
    secret = os.environ.get(SECRET_ENV, "")
    if len(secret) < MIN_SECRET_LENGTH:
        raise MissingSecretError(
            f"{SECRET_ENV} must hold a secret of at least {MIN_SECRET_LENGTH} characters "
            "(models hash phones and emails with it); `crm run` creates one per "
            "warehouse, or export your own"
        )
    return secret.encode()


def keyed_hash(value: str, key: bytes) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        key: list[bytes] = []

        def crm_keyed_hash(value: str) -> str:
            if not key:
                key.append(hash_key())
            return keyed_hash(value, key[0])

        conn.create_function(
            "crm_keyed_hash", crm_keyed_hash, [VARCHAR], VARCHAR, side_effects=False
        )
