"""The DuckDB side of the GX checkpoint: set-based profiles and witness rows.

Great Expectations validates pandas frames here (toolchain-notes: its SQL route fails
on DuckDB, and the SQL route's dependencies, SQLAlchemy and duckdb-engine, are not in
the lock). A mart of 35M rows must not be pulled into pandas, so each table is reduced
in DuckDB, set-based, to its *witness rows*: a subset R of its rows such that every
column expectation the suites use holds on the table exactly when it holds on R:

- not null: R holds the first row where the column is null, if any;
- values in a set: R holds one row of each value outside the set, if any;
- values between min and max: R holds the first row outside the range, if any;
- unique key (single or compound): R holds two rows of every duplicated key (at most
  `DUPLICATE_EXAMPLES` keys, each a violation).

R is a subset of the table's rows (fetched by rowid, each row once), so nothing is
invented and R repeats a key only where the table does; a few more rows of the table
(`SAMPLE_ROWS`) are added so that the Data Docs show real values. A clean table costs
one scan: a single ungrouped aggregate of counts (rows, nulls, min / max and rows
outside each range, a histogram of each code column) and of count(distinct
hash(key)): equal keys have equal hashes, so count(distinct hash) = count(*) proves
the key unique; only when it differs (a duplicate or, rarely, a 64-bit collision) does
an exact group by look for the duplicates. Violations cost one more small query to
find their witness rows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

DUPLICATE_EXAMPLES = 10
# Rows of each table added to its witness rows for the Data Docs (any rows of the table
# keep the equivalence).
SAMPLE_ROWS = 5
ENV_MEMORY_LIMIT = "CRM_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "2500MB"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def relation(table: str) -> str:
    schema, name = table.split(".", 1)
    return f"{quote(schema)}.{quote(name)}"


def sql_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def connect(database: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection with the warehouse's memory limit (spills beyond it)."""
    con = duckdb.connect(database, read_only=True)
    limit = os.environ.get(ENV_MEMORY_LIMIT, DEFAULT_MEMORY_LIMIT)
    con.execute(f"set memory_limit = {sql_literal(limit)}")
    return con


def list_tables(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> dict[str, str]:
    """'schema.name' -> 'BASE TABLE' or 'VIEW' for every relation of the schemas."""
    placeholders = ", ".join("?" for _ in schemas)
    rows = con.execute(
        f"select table_schema, table_name, table_type from information_schema.tables "
        f"where table_schema in ({placeholders}) order by 1, 2",
        list(schemas),
    ).fetchall()
    return {f"{schema}.{name}": kind for schema, name, kind in rows}


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    schema, name = table.split(".", 1)
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    return [row[0] for row in rows]


@dataclass
class RangeProfile:
    min_value: Any
    max_value: Any
    outside: int


@dataclass
class TableProfile:
    """Whole-table observations of one table, and its witness rows."""

    table: str
    rows: int
    columns: list[str]
    key: tuple[str, ...]
    duplicate_keys: int = 0
    duplicate_examples: list[tuple[tuple[Any, ...], int]] = field(default_factory=list)
    nulls: dict[str, int] = field(default_factory=dict)
    ranges: dict[str, RangeProfile] = field(default_factory=dict)
    values: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)
    witnesses: pd.DataFrame = field(default_factory=pd.DataFrame)


def profile_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    *,
    key: tuple[str, ...],
    not_null: list[str],
    accepted: dict[str, list[Any]],
    ranges: dict[str, tuple[Any, Any]],
    columns: list[str],
    nullable_key: tuple[str, ...] = (),
) -> TableProfile:
    """Profile `table` for the given checks (columns that exist) and fetch its witness
    rows (only `columns`, the ones the suite reads). A key column in `nullable_key` may
    be null (a null is then one value of the key)."""
    rel = relation(table)
    profile = TableProfile(table=table, rows=0, columns=columns, key=key)

    # Scan 1: one ungrouped aggregate of counts only: rows, the key certificate, nulls,
    # each range column's min, max and rows outside, each code column's histogram.
    exprs: list[tuple[str, str]] = [("rows", "count(*)")]
    if key:
        exprs.append(("key_hashes", f"count(distinct hash({', '.join(map(quote, key))}))"))
    null_checked = list(dict.fromkeys((*key, *not_null)))
    exprs += [(f"count_{i}", f"count({quote(c)})") for i, c in enumerate(null_checked)]
    outside: dict[str, str] = {}
    for i, (column, (low, high)) in enumerate(ranges.items()):
        q = quote(column)
        tests = [f"{q} < {sql_literal(low)}"] * (low is not None)
        tests += [f"{q} > {sql_literal(high)}"] * (high is not None)
        outside[column] = " or ".join(tests) or "false"
        exprs += [
            (f"min_{i}", f"min({q})"),
            (f"max_{i}", f"max({q})"),
            (f"outside_{i}", f"count(*) filter (where {outside[column]})"),
        ]
    exprs += [(f"values_{i}", f"histogram({quote(c)})") for i, c in enumerate(accepted)]
    row = con.execute(
        "select " + ", ".join(f"{sql} as {quote(alias)}" for alias, sql in exprs) + f" from {rel}"
    ).fetchall()[0]
    got = dict(zip([alias for alias, _ in exprs], row, strict=True))
    rows = profile.rows = got["rows"]
    for i, column in enumerate(null_checked):
        profile.nulls[column] = rows - got[f"count_{i}"]
    for i, column in enumerate(ranges):
        profile.ranges[column] = RangeProfile(got[f"min_{i}"], got[f"max_{i}"], got[f"outside_{i}"])
    for i, column in enumerate(accepted):
        counts = dict(got[f"values_{i}"] or {})
        nulls = rows - sum(counts.values())
        profile.values[column] = sorted(
            [*counts.items(), *([(None, nulls)] if nulls else [])],
            key=lambda item: (-item[1], str(item[0])),
        )

    # Witness rows of the violations only (clean tables need none): the first row of
    # each null, out-of-range and unknown value, two rows of each duplicated key.
    witnesses: list[str] = []
    for i, column in enumerate(null_checked):
        if got[f"count_{i}"] < rows:
            witnesses.append(f"select min(rowid) from {rel} where {quote(column)} is null")
    for column, seen in profile.ranges.items():
        if seen.outside:
            witnesses.append(f"select min(rowid) from {rel} where {outside[column]}")
    for column, allowed in accepted.items():
        unknown = [v for v, _ in profile.values[column] if v is not None and v not in allowed]
        if unknown:
            values = ", ".join(sql_literal(v) for v in unknown)
            witnesses.append(
                f"select min(rowid) from {rel} where {quote(column)} in ({values}) "
                f"group by {quote(column)}"
            )
    ids: set[int] = set()
    if witnesses:
        ids.update(r[0] for r in con.execute(" union all ".join(witnesses)).fetchall())

    # Only when the hash certificate fails: the duplicated keys (exact).
    if key and got["key_hashes"] != rows:
        keys = ", ".join(map(quote, key))
        present = (
            " and ".join(f"{quote(c)} is not null" for c in key if c not in nullable_key) or "true"
        )
        duplicates = con.execute(
            f"select min(rowid), max(rowid), count(*) as n, count(*) over () as keys, {keys} "
            f"from {rel} where {present} group by {keys} having count(*) > 1 "
            f"order by n desc, {keys} limit {DUPLICATE_EXAMPLES}"
        ).fetchall()
        if duplicates:
            profile.duplicate_keys = duplicates[0][3]
            profile.duplicate_examples = [(tuple(d[4:]), d[2]) for d in duplicates]
            for first, last, *_ in duplicates:
                ids.update((first, last))

    # A few rows of the table besides, so that the Data Docs show real values.
    selected = ", ".join(map(quote, columns)) or "1 as no_column"
    ids.update(r[0] for r in con.execute(f"select rowid from {rel} limit {SAMPLE_ROWS}").fetchall())
    ids.discard(None)
    where = f"rowid in ({', '.join(str(i) for i in sorted(ids))})" if ids else "false"
    profile.witnesses = con.execute(f"select {selected} from {rel} where {where}").df()
    return profile


def resolve_seed(con: duckdb.DuckDBPyConnection, sql: str) -> list[Any]:
    return sorted((row[0] for row in con.execute(sql).fetchall()), key=str)


# ---- distribution frames ---------------------------------------------------------

RFM_DIMENSIONS = (("recency", "r_score", "recency_days"), ("frequency", "f_score", "frequency"))
RFM_DIMENSIONS += (("monetary", "m_score", "monetary"),)


def percent_rank_share_bounds(n: int, largest_tie: int) -> list[tuple[float, float]]:
    """Bounds on the share of customers holding each score 1-5 under domain.md's
    tie-aware rule, score = min(5, 1 + floor(5 * (rank - 1) / (n - 1))), with rank()
    (ties share the lowest rank).

    Sort the n customers; a customer at position i (1-based) has the rank r <= i of
    the first member of its tie group. "score <= s" (s < 5) means r - 1 < t_s with
    t_s = s (n - 1) / 5. Without ties exactly c_s = ceil(t_s) customers score <= s.
    Ties only move customers down: everyone in the first c_s positions has r <= i, so
    C(s), the customers scoring <= s, is at least c_s; the extra ones belong to the
    one tie group straddling position c_s, so C(s) <= c_s + G - 1 with G the largest
    tie group. With C(0) = 0 and C(5) = n, the share of score s is between
    (c_s - c_{s-1} - (G - 1)) / n and (c_s - c_{s-1} + (G - 1)) / n, clipped to [0, 1]:
    about 20% +- 1/n without ties (G = 1), wider by G / n where ties are large (e.g.
    frequency, where every one-time buyer ties)."""
    if n <= 1:
        return [(0.0, 1.0)] * 5
    c_low = [0] + [min(n, -(-s * (n - 1) // 5)) for s in range(1, 5)] + [n]
    c_high = [0] + [min(n, c + largest_tie - 1) for c in c_low[1:5]] + [n]
    bounds = []
    for s in range(1, 6):
        low = max(0, c_low[s] - c_high[s - 1]) / n
        high = min(n, c_high[s] - c_low[s - 1]) / n
        bounds.append((low, high))
    return bounds


def rfm_share_frame(
    con: duckdb.DuckDBPyConnection, methods: dict[str, str], table: str = "marts.customer_rfm"
) -> pd.DataFrame:
    """One row per RFM dimension scored by percent rank and score 1-5: customers,
    share and its bounds (percent_rank_share_bounds)."""
    rel = relation(table)
    rows = []
    n = con.execute(f"select count(*) from {rel}").fetchall()[0][0]
    for dimension, score_column, value_column in RFM_DIMENSIONS:
        if methods.get(dimension, "percent_rank") != "percent_rank":
            continue
        counts = dict(
            con.execute(f"select {quote(score_column)}, count(*) from {rel} group by 1").fetchall()
        )
        largest_tie = con.execute(
            f"select coalesce(max(n), 0) from (select count(*) as n from {rel} "
            f"group by {quote(value_column)})"
        ).fetchall()[0][0]
        bounds = percent_rank_share_bounds(n, largest_tie)
        for score in range(1, 6):
            customers = counts.get(score, 0)
            low, high = bounds[score - 1]
            rows.append(
                {
                    "dimension": dimension,
                    "score": score,
                    "customers": customers,
                    "total_customers": n,
                    "largest_tie_group": largest_tie,
                    "share": customers / n if n else 0.0,
                    "min_share": low,
                    "max_share": high,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "dimension",
            "score",
            "customers",
            "total_customers",
            "largest_tie_group",
            "share",
            "min_share",
            "max_share",
        ],
    )


def lifecycle_share_frame(
    con: duckdb.DuckDBPyConnection, table: str = "marts.customer_lifecycle"
) -> pd.DataFrame:
    """One row per window W: each seed stage's share of the customers, the shares of
    the active / lost / prospect phases, and the same phases for the next larger
    window (for the monotonicity checks: active grows and lost shrinks with W, the
    prospects do not depend on W)."""
    stages = con.execute(
        "select lifecycle_stage, phase_code from reference.lifecycle_stages order by stage_order"
    ).fetchall()
    counts = con.execute(
        f"select window_months, lifecycle_stage, count(*) from {relation(table)} group by all"
    ).fetchall()
    windows = sorted({w for w, _, _ in counts})
    by_window: dict[int, dict[str, int]] = {w: {} for w in windows}
    for window, stage, n in counts:
        by_window[window][stage] = n
    phase_of = dict(stages)
    rows = []
    for window in windows:
        total = sum(by_window[window].values())
        row: dict[str, Any] = {"window_months": window, "customers": total}
        for stage, _ in stages:
            row[f"share_{stage}"] = by_window[window].get(stage, 0) / total if total else 0.0
        for phase in ("active", "lost", "prospect"):
            in_phase = sum(n for s, n in by_window[window].items() if phase_of.get(s) == phase)
            row[f"{phase}_share"] = in_phase / total if total else 0.0
        rows.append(row)
    for row, following in zip(rows, [*rows[1:], None], strict=True):
        for name in ("customers", "active_share", "lost_share", "prospect_share"):
            row[f"next_window_{name}"] = following[name] if following else None
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=["window_months", "customers"])
    return frame


# ---- row counts against the previous run ------------------------------------------

ROW_COUNTS_TABLE = "audit.gx_row_counts"


def previous_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    """table -> (row count, run id) of the latest run whose count of that table was
    accepted (within the tolerance, or the first run). Empty before the first run."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'audit' and table_name = 'gx_row_counts'"
    ).fetchall()[0][0]
    if not exists:
        return {}
    rows = con.execute(
        f"""
        select table_name, row_count, run_id
        from {ROW_COUNTS_TABLE}
        where is_accepted
        qualify row_number() over (
            partition by table_name order by validated_at desc, run_id desc
        ) = 1
        """
    ).fetchall()
    return {table: (count, run_id) for table, count, run_id in rows}


def record_row_counts(database: str, run_id: str, counts: list[tuple[str, int, bool]]) -> None:
    """Append this run's counts (table, rows, accepted) to audit.gx_row_counts."""
    con = duckdb.connect(database)
    try:
        con.execute("create schema if not exists audit")
        con.execute(
            f"""
            create table if not exists {ROW_COUNTS_TABLE} (
                run_id varchar not null,
                validated_at timestamp not null,
                table_name varchar not null,
                row_count bigint not null,
                is_accepted boolean not null
            )
            """
        )
        now = datetime.now(UTC).replace(tzinfo=None)
        con.executemany(
            f"insert into {ROW_COUNTS_TABLE} values (?, ?, ?, ?, ?)",
            [(run_id, now, table, rows, accepted) for table, rows, accepted in counts],
        )
    finally:
        con.close()
