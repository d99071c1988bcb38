"""Benchmark: fitting and scoring the CLV models (BG/NBD, Gamma-Gamma) on an existing
warehouse, at whatever scale it holds.

The warehouse must be built through everything the CLV marts read (int_purchases,
int_sales_valid_spans, customer_tiers: a `crm run` does it). Each of N runs measures:

1. dbt: `dbt run --select` the five CLV models (clv_transactions, clv_model_params,
   clv_customer_scores, customer_clv, customer_churn_warning): wall time, the sum of
   the models' execution times (run_results.json, without dbt's start-up) and the peak
   RSS of the dbt process tree;
2. the Python part alone, in a fresh process: read clv_transactions (DuckDB -> NumPy),
   summarise, fit BG/NBD, fit Gamma-Gamma, score every customer as of D (P(alive),
   4/13/52-week expectations, expected value, CLV and discounted CLV) and P(alive) as of
   the previous month end: seconds per step and the process's peak RSS.

Medians go to benchmarks/clv_results.json and clv_results.md (one row per warehouse
scale). Target (issue 9): fitting and scoring 1.2M customers <= 60 s on 2 cores,
peak memory <= 4 GB.

    python benchmarks/bench_clv.py --database warehouse/crm.duckdb --runs 3
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np

from bench_identity import DBT, HERE, dbt_env, log, measure, median, record_scale
from crm_warehouse import clv
from crm_warehouse.dbt_runner import latest_order_date

RESULTS_JSON, RESULTS_MD = HERE / "clv_results.json", HERE / "clv_results.md"
CLV_MODELS = [
    "clv_transactions",
    "clv_model_params",
    "clv_customer_scores",
    "customer_clv",
    "customer_churn_warning",
]
TARGET_SECONDS, TARGET_MIB = 60, 4096


def python_only(database: Path, as_of: date) -> dict:
    """Step timings of the Python part (what the two dbt Python models do), in this
    process. Prints nothing; returns seconds per step and peak RSS in MiB."""
    steps: dict[str, float] = {}
    started = time.perf_counter()
    con = duckdb.connect(str(database), read_only=True)
    try:
        data = con.execute(
            "select dense_rank() over (order by customer_id) as customer_key, transaction_date,"
            " transaction_value, is_transaction_as_of_d, is_transaction_as_of_previous_month_end,"
            " previous_month_end from marts.clv_transactions"
        ).fetchnumpy()
    finally:
        con.close()
    key = np.asarray(data["customer_key"], dtype=np.int64)
    day = np.asarray(data["transaction_date"], dtype="datetime64[D]")
    value = np.asarray(data["transaction_value"], dtype=np.float64)
    now_rows = np.asarray(data["is_transaction_as_of_d"], dtype=bool)
    before_rows = np.asarray(data["is_transaction_as_of_previous_month_end"], dtype=bool)
    month_end = np.asarray(data["previous_month_end"], dtype="datetime64[D]")[0]
    steps["load"] = time.perf_counter() - started

    t = time.perf_counter()
    now = clv.summarise(key[now_rows], day[now_rows], as_of, value[now_rows])
    before = clv.summarise(key[before_rows], day[before_rows], month_end)
    steps["summarise"] = time.perf_counter() - t
    t = time.perf_counter()
    bg = clv.fit_bgnbd(now.frequency, now.recency, now.age)
    steps["fit_bgnbd"] = time.perf_counter() - t
    t = time.perf_counter()
    gg = clv.fit_gamma_gamma(now.frequency, now.repeat_value)
    steps["fit_gamma_gamma"] = time.perf_counter() - t
    t = time.perf_counter()
    clv.score(bg.params, gg.params, now.frequency, now.recency, now.age, now.repeat_value)
    clv.p_alive(bg.params, before.frequency, before.recency, before.age)
    steps["score"] = time.perf_counter() - t
    steps["total"] = time.perf_counter() - started
    return {
        "seconds": {k: round(v, 3) for k, v in steps.items()},
        "customers": len(now),
        "transaction_days": int(now_rows.sum()),
        "bgnbd_iterations": bg.iterations,
        "gamma_gamma_iterations": gg.iterations,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def bench(args: argparse.Namespace) -> dict:
    database = args.database.resolve()
    as_of = args.as_of or latest_order_date(database)
    if as_of is None:
        raise SystemExit(f"{database}: no order found; pass --as-of")
    work = args.workdir.resolve()
    target = work / "dbt-target-clv"
    env = dbt_env(database, target)
    variables = json.dumps({"as_of_date": as_of.isoformat()})
    runs = []
    for i in range(args.runs):
        log(f"run {i + 1}/{args.runs}: dbt run of the CLV models (as of {as_of})")
        m = measure([DBT, "run", "--select", *CLV_MODELS, "--vars", variables], env)
        results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
        models = {
            r["unique_id"].rsplit(".", 1)[1]: round(r["execution_time"], 2)
            for r in results["results"]
        }
        log(f"run {i + 1}/{args.runs}: the Python part alone")
        p = measure(
            [sys.executable, __file__, "--python-only", "--database", str(database),
             "--as-of", as_of.isoformat()],
            env,
        )  # fmt: skip
        python = json.loads(p["stdout"].strip().splitlines()[-1])
        runs.append(
            {
                "dbt_wall_s": round(m["seconds"], 2),
                "models_s": round(sum(models.values()), 2),
                "dbt_peak_rss_mib": round(m["peak_mib"]),
                "cpu_per_wall": m["cpu_per_wall"],
                "max_load_1min": m["max_load_1min"],
                "models": models,
                "python": python,
                "python_wall_s": round(p["seconds"], 2),
            }
        )
    py = [r["python"] for r in runs]
    return {
        "measured": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "database": str(database),
        "as_of_date": as_of.isoformat(),
        "customers": py[0]["customers"],
        "transaction_days": py[0]["transaction_days"],
        "runs": runs,
        "median_dbt_wall_s": median([r["dbt_wall_s"] for r in runs]),
        "median_models_s": median([r["models_s"] for r in runs]),
        "median_python_models_s": median(
            [r["models"]["clv_model_params"] + r["models"]["clv_customer_scores"] for r in runs]
        ),
        "median_python_steps_s": {
            step: median([p["seconds"][step] for p in py]) for step in py[0]["seconds"]
        },
        "peak_rss_mib": max(r["dbt_peak_rss_mib"] for r in runs),
        "python_peak_rss_mib": max(p["peak_rss_mib"] for p in py),
    }


def write_md(results: dict) -> None:
    lines = [
        "# CLV benchmark (BG/NBD + Gamma-Gamma fit and scoring)",
        "",
        "Measured by `benchmarks/bench_clv.py` on an existing warehouse. Machine: "
        + results["machine"]
        + ".",
        f"Versions: {results['versions']}.",
        "",
        f"Timed: `dbt run --select {' '.join(CLV_MODELS)}` (the SQL transaction table, the",
        "two dbt Python models that fit and score, the decile and churn-warning SQL), and the",
        "Python part alone in a fresh process (load clv_transactions, summarise as of D and",
        "as of the previous month end, fit both models, score every customer). *models* is",
        "the sum of the five models' execution times; *Python models* the two Python models'",
        "(fit + score inside dbt); *dbt wall* adds dbt's start-up. Medians of the runs; peak",
        "memory is the highest run's process-tree RSS. *CPU/wall* is the dbt command's CPU",
        "seconds per wall second (2 = both cores busy; well below 1 with a high load average",
        "means the cores were shared with other work).",
        "",
        "| customers | transaction days | runs | dbt wall | models | Python models "
        "| Python alone: load / summarise / fit BG/NBD / fit GG / score = total "
        "| peak RSS dbt / Python | CPU/wall, max load | measured |",
        "|---:|---:|---:|---:|---:|---:|---|---|---|---|",
    ]
    for _, r in sorted(results["scales"].items(), key=lambda kv: kv[1]["customers"]):
        s = r["median_python_steps_s"]
        steps = " / ".join(
            f"{s[k]:.2f}" for k in ("load", "summarise", "fit_bgnbd", "fit_gamma_gamma", "score")
        )
        lines.append(
            f"| {r['customers']:,} | {r['transaction_days']:,} | {len(r['runs'])} | "
            f"{r['median_dbt_wall_s']:.1f} s | {r['median_models_s']:.1f} s | "
            f"{r['median_python_models_s']:.1f} s | {steps} = {s['total']:.2f} s | "
            f"{r['peak_rss_mib']:,} / {r['python_peak_rss_mib']:,} MiB | "
            f"{median([x['cpu_per_wall'] for x in r['runs']]):.2f}, "
            f"{max(x['max_load_1min'] for x in r['runs']):.1f} | {r['measured']} |"
        )
    lines += [
        "",
        f"Target at 1.2M customers on 2 cores: fit and score <= {TARGET_SECONDS} s, peak "
        f"memory <= {TARGET_MIB // 1024} GB.",
    ]
    if results.get("notes"):
        lines += ["", results["notes"]]
    RESULTS_MD.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="a built warehouse")
    parser.add_argument("--as-of", type=date.fromisoformat, help="default: latest order date")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench_clv"))
    parser.add_argument("--python-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.python_only:
        print(json.dumps(python_only(args.database, args.as_of)))
        return
    if not args.database.exists():
        parser.error(f"{args.database}: no such database")
    args.workdir.mkdir(parents=True, exist_ok=True)
    measured = bench(args)
    record_scale(RESULTS_JSON, str(measured["customers"]), measured, write_md)
    print(RESULTS_MD.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
