"""Ingestion: channel exports in a raw folder -> ``raw`` and ``audit`` schemas in DuckDB.

``ingest(raw_dir, database)`` loads every new or changed export file of the contract
(:mod:`crm_warehouse.contract`) into ``raw.<export>`` tables (every value as text,
plus lineage columns) and records each file version, each rejected record and each
run in the ``audit`` schema. Modules:

- :mod:`.discover` finds the contract's files in the raw folder;
- :mod:`.decode` hashes a file, detects its encoding and decodes its lines;
- :mod:`.readers` turns CSV and JSONL lines into records or rejections;
- :mod:`.fastpath` lets DuckDB read a file as it is, the readers taking its odd lines;
- :mod:`.prepare` writes one file's records as normalized temp files (in worker
  processes), through the fast path where it can;
- :mod:`.manifest` holds the DDL and the manifest of loaded file versions;
- :mod:`.load` runs it all and bulk-loads each file in one transaction.
"""

from __future__ import annotations

from .errors import IngestError
from .load import IngestResult, ingest
from .manifest import RAW_LINEAGE_COLUMNS

__all__ = ["RAW_LINEAGE_COLUMNS", "IngestError", "IngestResult", "ingest"]
