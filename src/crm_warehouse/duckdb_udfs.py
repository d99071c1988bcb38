"""DuckDB functions the warehouse's models call, defined on every dbt connection.

dbt-duckdb loads this module as a plugin (``profiles.yml``: ``plugins``). It adds:

- ``crm_keyed_hash(text)``: HMAC-SHA256 of the text, hex, keyed with the secret in the
  environment variable ``CRM_HASH_SECRET``. BI-facing models carry this keyed hash
  instead of a phone or email: a plain hash of an 11-digit phone is reversible by
  enumerating the 10^10 numbers, a keyed one is not without the key. The key never
  appears in SQL, compiled models or logs.

The HMAC runs in SQL (:func:`crm_warehouse.keyed_hash.install_keyed_hash`): DuckDB's
own sha256 over the key's inner and outer pads, which live in session variables of the
connection, never in SQL text. It is several times faster than a Python function (no
interpreter call per row, and it runs on every thread), and gives the same hex as
Python's ``hmac``.
"""

from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from crm_warehouse.keyed_hash import install_keyed_hash

SECRET_ENV = "CRM_HASH_SECRET"
MIN_SECRET_LENGTH = 16


def _environment_key() -> bytes | None:
    """The HMAC key from the environment, or None when it is missing or short (then
    crm_keyed_hash fails with a message naming the variable, when a row is hashed)."""
    secret = os.environ.get(SECRET_ENV, "")
    return secret.encode() if len(secret) >= MIN_SECRET_LENGTH else None


class Plugin(BasePlugin):
    # Temporary macros and session variables belong to one DuckDB connection, and
    # dbt-duckdb runs models on cursors (connections of their own): define it on both.
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        install_keyed_hash(conn, _environment_key())

    def configure_cursor(self, cursor: DuckDBPyConnection) -> None:
        install_keyed_hash(cursor, _environment_key())
