"""The short summary `crm run` prints: what was built, row counts, rejected rows, time."""

from __future__ import annotations

from pathlib import Path

import duckdb

SCHEMAS = ("raw", "staging", "intermediate", "marts", "reference", "audit")


def table_counts(database: Path) -> list[tuple[str, str, str, int]]:
    """(schema, name, kind, rows) for every table and view of the warehouse schemas."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        objects = con.execute(
            """
            select table_schema, table_name, table_type
            from information_schema.tables
            where table_schema in ({})
            order by table_schema, table_name
            """.format(", ".join("?" for _ in SCHEMAS)),
            list(SCHEMAS),
        ).fetchall()
        out = []
        for schema, name, kind in objects:
            rows = con.execute(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0]
            out.append((schema, name, "view" if kind == "VIEW" else "table", rows))
        return out
    finally:
        con.close()


def rejected_by_reason(database: Path) -> list[tuple[str, str, int]]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(
            """
            select export_name, regexp_replace(reason, '[0-9]+', 'N', 'g') as reason_kind,
                count(*) as n
            from audit.rejected_rows
            group by all
            order by export_name, n desc
            """
        ).fetchall()
    finally:
        con.close()


def render(database: Path, timings: dict[str, float], as_of: object | None) -> str:
    lines = [f"Warehouse {database}" + (f"  (as of {as_of})" if as_of else "")]
    counts = table_counts(database)
    current = None
    for schema, name, kind, rows in counts:
        if schema != current:
            lines.append(f"  {schema}")
            current = schema
        lines.append(f"    {name:<45} {kind:<5} {rows:>12,}")
    rejected = rejected_by_reason(database)
    total_rejected = sum(n for _, _, n in rejected)
    lines.append(f"  rejected rows: {total_rejected:,} (audit.rejected_rows)")
    for export, reason, n in rejected:
        lines.append(f"    {export:<28} {n:>8,}  {reason}")
    lines.append(
        "  time: "
        + ", ".join(f"{step} {seconds:.1f}s" for step, seconds in timings.items())
        + f", total {sum(timings.values()):.1f}s"
    )
    return "\n".join(lines)
