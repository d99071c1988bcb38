"""The short summary `crm run` prints: what was built, row counts, rejected rows, time."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

SCHEMAS = ("raw", "staging", "intermediate", "marts", "pii", "reference", "audit")


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
            select export_name, regexp_replace(reason, ' [0-9]+', ' N', 'g') as reason_kind,
                count(*) as n
            from audit.rejected_rows
            group by all
            order by export_name, n desc
            """
        ).fetchall()
    finally:
        con.close()


def dbt_test_counts(run_results: Path) -> dict[str, int]:
    """Status counts of the data and unit tests of the last build: its
    run_results.json plus, when the build ran staging first, that step's results."""
    results = []
    for path in (run_results.with_name("run_results.staging.json"), run_results):
        if path.is_file():
            results += json.loads(path.read_text(encoding="utf-8")).get("results", [])
    counts: dict[str, int] = {}
    for result in results:
        if result["unique_id"].split(".")[0] in ("test", "unit_test"):
            counts[result["status"]] = counts.get(result["status"], 0) + 1
    return counts


def identity_lines(database: Path) -> list[str]:
    """Customers stitched, identifiers quarantined by kind, largest customer, anonymous
    orders; nothing when the identity marts are not built."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        try:
            customers, prospects = con.execute(
                "select count(*), count(*) filter (where is_prospect) from marts.dim_customers"
            ).fetchall()[0]
            identifiers, largest = con.execute(
                "select count(*), coalesce(max(n), 0) from pii.customer_identity_map "
                "left join (select customer_id, count(*) as n from pii.customer_identity_map "
                "group by 1) using (customer_id)"
            ).fetchall()[0]
            quarantined = con.execute(
                "select quarantine_kind, count(*) from audit.identity_quarantine "
                "group by 1 order by 1"
            ).fetchall()
            anonymous, orders = con.execute(
                "select count(*) filter (where is_anonymous), count(*) from marts.fct_orders"
            ).fetchall()[0]
        except duckdb.CatalogException:
            return []
    finally:
        con.close()
    kinds = ", ".join(f"{n:,} {kind}" for kind, n in quarantined) or "none"
    return [
        f"  identity: {customers:,} customers ({prospects:,} prospects) from "
        f"{identifiers:,} identifiers; largest customer {largest} identifiers",
        f"    quarantined identifiers: {kinds} (audit.identity_quarantine)",
        f"    anonymous orders: {anonymous:,} of {orders:,} (no usable identifier)",
    ]


def tag_lines(database: Path) -> list[str]:
    """Tags in the catalogue, tags carried, audience sizes; nothing when the tag marts
    are not built."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        try:
            tags, dimensions = con.execute(
                "select count(*), count(distinct dimension) from marts.tag_catalog"
            ).fetchall()[0]
            carried, customers = con.execute(
                "select coalesce(sum(tags_carried), 0), count(*) from marts.customer_tag_matrix"
            ).fetchall()[0]
            audiences = con.execute(
                "select audience_code, target_channel, members, excluded_sensitive_customers "
                "from marts.audience_sizes order by audience_code"
            ).fetchall()
        except duckdb.CatalogException:
            return []
    finally:
        con.close()
    per_customer = carried / customers if customers else 0
    lines = [
        f"  tags: {tags} in {dimensions} dimensions; {carried:,} carried by {customers:,} "
        f"customers ({per_customer:.1f} each)",
        "  audiences (members; left out by the sensitive-tag rule):",
    ]
    for code, channel, members, excluded in audiences:
        lines.append(f"    {code:<34} {channel:<10} {members:>8,}  ({excluded:,})")
    return lines


def clv_lines(database: Path) -> list[str]:
    """The fitted CLV model parameters and the churn warning count; nothing when the
    CLV marts are not built."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        try:
            params = con.execute(
                "select model, parameter, value, log_likelihood, customers_used "
                "from marts.clv_model_params order by model, parameter"
            ).fetchall()
            [(warned,)] = con.execute(
                "select count(*) from marts.customer_churn_warning"
            ).fetchall()
        except duckdb.CatalogException:
            return []
    finally:
        con.close()
    lines = ["  CLV models (time unit: weeks):"]
    by_model: dict[str, list[tuple]] = {}
    for model, parameter, value, log_likelihood, customers in params:
        by_model.setdefault(model, []).append((parameter, value, log_likelihood, customers))
    for model, rows in by_model.items():
        _, _, log_likelihood, customers = rows[0]
        if any(v is None for _, v, _, _ in rows):
            lines.append(
                f"    {model:<12} not identified from {customers:,} customers "
                "(too few repeat purchases): no estimate"
            )
            continue
        values = ", ".join(f"{p} = {v:.4g}" for p, v, _, _ in rows)
        lines.append(
            f"    {model:<12} {values}  (log-likelihood {log_likelihood:,.1f}, "
            f"{customers:,} customers)"
        )
    lines.append(f"  churn warning: {warned:,} valuable customers this week")
    return lines


def render(
    database: Path,
    timings: dict[str, float],
    as_of: object | None,
    run_results: Path | None = None,
) -> str:
    lines = [f"Warehouse {database}" + (f"  (as of {as_of})" if as_of else "")]
    counts = table_counts(database)
    current = None
    for schema, name, kind, rows in counts:
        if schema != current:
            lines.append(f"  {schema}")
            current = schema
        lines.append(f"    {name:<45} {kind:<5} {rows:>12,}")
    lines.extend(identity_lines(database))
    lines.extend(tag_lines(database))
    lines.extend(clv_lines(database))
    rejected = rejected_by_reason(database)
    total_rejected = sum(n for _, _, n in rejected)
    lines.append(f"  rejected rows: {total_rejected:,} (audit.rejected_rows)")
    for export, reason, n in rejected:
        lines.append(f"    {export:<28} {n:>8,}  {reason}")
    if run_results is not None:
        tests = dbt_test_counts(run_results)
        lines.append(
            "  dbt tests: " + (", ".join(f"{n} {s}" for s, n in sorted(tests.items())) or "none")
        )
    lines.append(
        "  time: "
        + ", ".join(f"{step} {seconds:.1f}s" for step, seconds in timings.items())
        + f", total {sum(timings.values()):.1f}s"
    )
    return "\n".join(lines)
