"""Benchmark: the KPI, campaign and affinity marts (models/marts/kpi and
models/marts/campaign) on an existing warehouse.

The warehouse must already be built through everything those marts read (staging,
identity, orders, the value marts: a `crm run` does it); `--build-upstream` builds
that part first (not timed). Then N timed `dbt run --select path:models/marts/kpi
path:models/marts/campaign` as of the warehouse's latest order date. Wall time of the
dbt command, the sum of the models' execution times (run_results.json; without dbt's
start-up), each model's time and the peak RSS of the dbt process tree go to
benchmarks/kpi_results.json and kpi_results.md (medians of the runs; results of other
scales already in the JSON are kept).

    python benchmarks/bench_kpi.py --database warehouse/crm.duckdb --members 1200000
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from bench_identity import DBT, HERE, PROJECT, dbt_env, log, median, record_scale, run
from bench_value import timed_runs
from crm_warehouse.dbt_runner import latest_order_date

RESULTS_JSON, RESULTS_MD = HERE / "kpi_results.json", HERE / "kpi_results.md"
KPI_SELECT = ["path:models/marts/kpi", "path:models/marts/campaign"]
# What the marts read; checked before timing (or built with --build-upstream).
UPSTREAM_TABLES = [
    "intermediate.int_month_ends",
    "intermediate.int_sales_valid_spans",
    "intermediate.int_order_refund_events",
    "intermediate.int_purchases",
    "marts.fct_orders",
    "marts.fct_order_items",
    "marts.customer_tier_history",
    "pii.customer_identity_map",
]
TARGET_SECONDS, TARGET_MIB = 90, 4096


def table_rows(database: Path, tables: list[str]) -> dict[str, int | None]:
    """Row counts of `tables` (None for a missing one), read-only."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        counts: dict[str, int | None] = {}
        for table in tables:
            try:
                counts[table] = con.execute(f"select count(*) from {table}").fetchall()[0][0]
            except duckdb.CatalogException:
                counts[table] = None
        return counts
    finally:
        con.close()


def bench(args: argparse.Namespace) -> dict:
    db = args.database.resolve()
    if not db.exists():
        raise SystemExit(f"{db}: no such database")
    target = Path(tempfile.mkdtemp(prefix="bench-kpi-"))
    env = dbt_env(db, target)
    project = ["--project-dir", str(args.project_dir.resolve())]
    as_of = args.as_of or latest_order_date(db)
    variables = json.dumps({"as_of_date": str(as_of)})
    if args.build_upstream:
        log(f"untimed: dbt seed and everything upstream of the KPI marts (as of {as_of})")
        run([DBT, "seed", *project], env)
        upstream = [f"+{s}" for s in KPI_SELECT]
        excluded = ["staging", *KPI_SELECT]
        run(
            [
                DBT,
                "run",
                "--select",
                *upstream,
                "--exclude",
                *excluded,
                "--vars",
                variables,
                *project,
            ],
            env,
        )
    missing = [t for t, n in table_rows(db, UPSTREAM_TABLES).items() if n is None]
    if missing:
        raise SystemExit(
            f"{db} lacks {', '.join(missing)}: build the warehouse first or pass --build-upstream"
        )
    inputs = table_rows(
        db,
        [
            "marts.dim_customers",
            "intermediate.int_sales_valid_spans",
            "marts.fct_order_items",
            "staging.stg_marketing__campaign_sends",
        ],
    )
    runs = timed_runs(
        [DBT, "run", "--select", *KPI_SELECT, "--vars", variables, *project],
        env,
        target,
        args.runs,
        f"{' '.join(KPI_SELECT)} on {db.name} (as of {as_of})",
    )
    outputs = table_rows(
        db, [f"marts.{name}" for name in sorted(runs[0]["models"])] if runs else []
    )
    return {
        "measured": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "database": str(db),
        "as_of_date": str(as_of),
        "inputs": inputs,
        "outputs": outputs,
        "runs": runs,
        "median_wall_s": median([r["wall_s"] for r in runs]),
        "median_models_s": median([r["models_s"] for r in runs]),
        "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
        "median_model_s": {
            name: median([r["models"][name] for r in runs]) for name in runs[0]["models"]
        },
    }


def write_md(results: dict) -> None:
    lines = [
        "# KPI, campaign and affinity marts benchmark",
        "",
        "Measured by `benchmarks/bench_kpi.py`. Machine: " + results["machine"] + ".",
        f"Versions: {results['versions']}.",
        "",
        f"Timed: `dbt run --select {' '.join(KPI_SELECT)}` (kpi_stickiness, kpi_retention,",
        "kpi_new_customer_repurchase, kpi_community, kpi_nps, product_affinity,",
        "customer_next_best_offer, campaign_send_recipients, campaign_order_attribution,",
        "campaign_performance, campaign_wakeup) on a warehouse built through everything they",
        "read (not timed).",
        "*models* is the sum of the models' execution times; *dbt wall* adds dbt's",
        "start-up. Medians of the runs; peak memory is the highest run's process-tree RSS;",
        "*max load* is the highest 1-minute load average seen during the runs (2 cores: above",
        "2, other work shared the machine and the times are upper bounds). *sales* are the",
        "paid sales of stitched customers (int_sales_valid_spans).",
        "",
        "| members | customers | sales | runs | dbt wall | models | peak RSS | max load "
        "| measured |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    scales = sorted(results["scales"].items(), key=lambda kv: int(kv[0]))
    for scale, r in scales:
        customers = r["inputs"].get("marts.dim_customers") or 0
        sales = r["inputs"].get("intermediate.int_sales_valid_spans") or 0
        lines.append(
            f"| {int(scale):,} | {customers:,} | {sales:,} | {len(r['runs'])} | "
            f"{r['median_wall_s']:.1f} s | {r['median_models_s']:.1f} s | "
            f"{r['peak_rss_mib']:,} MiB | {max(x['max_load_1min'] for x in r['runs']):.1f} | "
            f"{r['measured']} |"
        )
    lines += [
        "",
        f"Targets at 1.2M members on 2 cores: <= {TARGET_SECONDS} s, <= {TARGET_MIB // 1024} GB.",
        "",
        "Median seconds per model:",
        "",
        "| model | " + " | ".join(f"{int(s):,}" for s, _ in scales) + " |",
        "|---|" + "---:|" * len(scales),
    ]
    names = sorted({name for _, r in scales for name in r["median_model_s"]})
    for name in names:
        cells = [
            f"{r['median_model_s'][name]:.2f}" if name in r["median_model_s"] else ""
            for _, r in scales
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    notes = results.get("notes")
    if notes:
        lines += ["", *notes]
    RESULTS_MD.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="a built warehouse")
    parser.add_argument(
        "--members", type=int, help="members the sample was generated with (the table's key)"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-of", help="as-of date (default: the latest order date)")
    parser.add_argument(
        "--build-upstream", action="store_true", help="build what the marts read first"
    )
    parser.add_argument(
        "--project-dir", type=Path, default=PROJECT, help="dbt project (default: this one)"
    )
    args = parser.parse_args()
    scale = bench(args)
    key = str(args.members or scale["inputs"]["marts.dim_customers"])
    record_scale(RESULTS_JSON, key, scale, write_md)
    print(RESULTS_MD.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
