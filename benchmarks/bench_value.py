"""Benchmark: the customer value marts (RFM, lifecycle, tiers, their monthly history and
migration, with the purchase models they read) at a given scale.

Per scale: prepare (not timed) with `crm generate`, `crm ingest`, `dbt seed` and a
`dbt run` of everything the value marts read (staging, identity, golden record); then N
timed `dbt run`s of the value models (VALUE_SELECT). Wall time of the dbt command, the
sum of the models' execution times (run_results.json; without dbt's start-up) and the
peak RSS of the dbt process tree go to benchmarks/value_results.json and
value_results.md. Shares its machinery with bench_identity.py.

    python benchmarks/bench_value.py --scales 120000 1200000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench_generate_ingest import machine
from bench_identity import DBT, HERE, dbt_env, log, measure, median, prepare, run, versions
from crm_warehouse.dbt_runner import latest_order_date

RESULTS_JSON, RESULTS_MD = HERE / "value_results.json", HERE / "value_results.md"
VALUE_SELECT = [
    "int_order_refund_events",
    "int_orders_netted",
    "int_purchases",
    "int_sales_valid_spans",
    "int_month_ends",
    "path:models/marts/value",
]
TARGET_SECONDS, TARGET_MIB = 60, 4096


def timed_runs(command: list[str], env: dict, target: Path, runs: int, label: str) -> list[dict]:
    """Run a dbt command `runs` times: per run its wall time, the models' execution
    times (run_results.json in `target`), their sum, the peak RSS of the process tree,
    CPU per wall second and the machine's load (contention)."""
    out = []
    for i in range(runs):
        log(f"run {i + 1}/{runs}: {label}")
        m = measure(command, env)
        results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
        models = {
            r["unique_id"].rsplit(".", 1)[1]: round(r["execution_time"], 2)
            for r in results["results"]
        }
        out.append(
            {
                "wall_s": round(m["seconds"], 2),
                "models_s": round(sum(models.values()), 2),
                "peak_rss_mib": round(m["peak_mib"]),
                "cpu_per_wall": m["cpu_per_wall"],
                "max_load_1min": m["max_load_1min"],
                "contended": m.get("contended_during"),
                "models": models,
            }
        )
    return out


def bench_scale(
    scale: int, args: argparse.Namespace, work: Path, select: list[str] = VALUE_SELECT
) -> dict:
    """Prepare a warehouse at `scale` (untimed, including everything upstream of
    `select`), then time N `dbt run --select <select>`."""
    if args.staged or args.built:
        # a warehouse whose staging (--staged) or everything (--built) is already built:
        # skip generation, ingestion, staging
        db, owned = args.database, []
    else:
        db, owned = prepare(scale, args, work)
    target = work / f"dbt-target-{select[-1].replace('/', '-').replace(':', '-')}-{scale}"
    env = dbt_env(db, target)
    as_of = latest_order_date(db)
    variables = json.dumps({"as_of_date": as_of.isoformat()})
    if not args.built:
        log(f"untimed: dbt seed and everything upstream of {' '.join(select)} (as of {as_of})")
        run([DBT, "seed"], env)
        upstream = [f"+{s}" for s in select]
        run([DBT, "run", "--select", *upstream, "--exclude", "staging", "--vars", variables], env)
    runs = timed_runs(
        [DBT, "run", "--select", *select, "--vars", variables],
        env,
        target,
        args.runs,
        f"{' '.join(select)} at {scale:,} members",
    )
    if not args.keep_data:
        for path in [*owned, target]:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
    return {
        "measured": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "as_of_date": as_of.isoformat(),
        "runs": runs,
        "median_wall_s": median([r["wall_s"] for r in runs]),
        "median_models_s": median([r["models_s"] for r in runs]),
        "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
    }


VALUE_DESCRIPTION = [
    "(refund events, netted orders, purchases, valid spans, the month-end spine,",
    "customer_rfm, customer_lifecycle and its history and migration, customer_tiers and",
    "its history),",
]


def write_md(
    results: dict,
    *,
    title: str = "Customer value marts benchmark",
    script: str = "bench_value.py",
    select: list[str] = VALUE_SELECT,
    description: list[str] = VALUE_DESCRIPTION,
    target_seconds: int = TARGET_SECONDS,
    target_mib: int = TARGET_MIB,
    path: Path = RESULTS_MD,
) -> None:
    lines = [
        f"# {title}",
        "",
        f"Measured by `benchmarks/{script}`. Machine: " + results["machine"] + ".",
        f"Versions: {results['versions']}.",
        "",
        f"Timed: `dbt run --select {' '.join(select)}`",
        *description,
        "on a warehouse where everything upstream was built first (not timed). *models* is",
        "the sum of the models' execution times; *dbt wall* adds dbt's start-up. Medians of",
        "the runs; peak memory is the highest run's process-tree RSS.",
        "",
        "| members | runs | dbt wall | models | peak RSS | measured |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for scale, r in sorted(results["scales"].items(), key=lambda kv: int(kv[0])):
        lines.append(
            f"| {int(scale):,} | {len(r['runs'])} | {r['median_wall_s']:.1f} s | "
            f"{r['median_models_s']:.1f} s | {r['peak_rss_mib']:,} MiB | {r['measured']} |"
        )
    lines += [
        "",
        f"Targets at 1.2M members on 2 cores: <= {target_seconds} s, <= {target_mib // 1024} GB.",
    ]
    # what the figures mean and where the time goes: kept in the results file's "notes"
    if results.get("notes"):
        lines += ["", *results["notes"]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def arguments(description: str, workdir: Path) -> argparse.Namespace:
    """The command line shared by the mart benchmarks."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scales", type=int, nargs="*", default=[120_000, 1_200_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=workdir)
    parser.add_argument("--raw-dir", type=Path, help="reuse these exports (one scale only)")
    parser.add_argument("--database", type=Path, help="reuse this warehouse (one scale only)")
    parser.add_argument("--reuse", action="store_true", help="reuse WORKDIR data")
    parser.add_argument("--keep-data", action="store_true", help="keep generated data")
    parser.add_argument(
        "--staged", action="store_true", help="--database already has staging built: reuse it"
    )
    parser.add_argument(
        "--built",
        action="store_true",
        help="--database is built through everything the timed models read: time only",
    )
    args = parser.parse_args()
    if (args.staged or args.built) and (args.database is None or len(args.scales) != 1):
        parser.error("--staged / --built need --database and exactly one --scales value")
    return args


def run_benchmark(
    args: argparse.Namespace, select: list[str], results_json: Path, write: Callable[[dict], None]
) -> None:
    """Benchmark `select` at every scale of args, keeping earlier scales' results."""
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    results = (
        json.loads(results_json.read_text(encoding="utf-8"))
        if results_json.exists()
        else {"scales": {}}
    )
    for scale in args.scales:
        results["scales"][str(scale)] = bench_scale(scale, args, work, select)
        results["machine"], results["versions"] = machine(), versions()
        results_json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        write(results)


def main() -> None:
    args = arguments(__doc__.splitlines()[0], Path("/work/bench_data/value"))
    run_benchmark(args, VALUE_SELECT, RESULTS_JSON, write_md)
    print(RESULTS_MD.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
