"""Benchmark: how long each dashboard page takes to load on a serving copy.

Each page (and the interactive states that run other queries: a region filter, an
audience of two tags, a customer looked up) is run through Streamlit's AppTest, the
same script the server runs for a browser, uncached (env CRM_DASHBOARD_NO_CACHE=1: a
new connection to the serving copy on every run, no cached query result: what the
first visitor after a refresh waits for; an interaction reruns the whole page). One
warm-up run imports the modules first (not counted). The
median and the slowest of N runs per page go to benchmarks/dashboard_results.json and
dashboard_results.md (results of other scales already in the JSON are kept); the target
is under 2 s per page on a 1.2M-member serving copy. Browser rendering comes on top
(see the browser test's printed timings).

    python benchmarks/bench_dashboard.py --database warehouse/crm.duckdb --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import streamlit as st
from streamlit.testing.v1 import AppTest

from bench_generate_ingest import machine
from crm_warehouse.dashboard.app import ENV_NO_CACHE
from crm_warehouse.dashboard.db import ENV_DASHBOARD_DATABASE, serving_path

HERE = Path(__file__).resolve().parent
RESULTS_JSON, RESULTS_MD = HERE / "dashboard_results.json", HERE / "dashboard_results.md"
TARGET_SECONDS = 2.0
PAGES = ["overview", "lifecycle", "rfm", "tiers", "tags", "campaigns", "lookup"]


def page_script(page: str) -> None:
    from crm_warehouse.dashboard.app import main

    main(page)


def states(database: Path) -> list[tuple[str, str, dict]]:
    """(label, page, interaction) of every measured state."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        region = con.execute(
            "select region from marts.dim_customers where region is not null "
            "group by 1 order by count(*) desc limit 1"
        ).fetchall()[0][0]
        tags = [
            row[0]
            for row in con.execute(
                "select tag_code from marts.tag_coverage where value_type = 'flag' "
                "and not is_sensitive and customers > 0 order by customers desc limit 2"
            ).fetchall()
        ]
        customer = con.execute(
            "select customer_id from marts.customer_tiers order by customer_id limit 1"
        ).fetchall()[0][0]
    finally:
        con.close()
    result: list[tuple[str, str, dict]] = [(page, page, {}) for page in PAGES]
    result += [
        ("overview, region filter", "overview", {"regions": [region]}),
        ("lifecycle, region filter", "lifecycle", {"regions": [region]}),
        ("tags, audience of 2 tags", "tags", {"all_of": tags}),
        ("lookup, one customer", "lookup", {"lookup_term": customer}),
    ]
    return result


def run_state(page: str, interaction: dict) -> float:
    """Seconds of one cold run of `page`, then of its interaction when it has one (the
    interaction's rerun is what is timed: the page itself was measured alone)."""
    at = AppTest.from_function(page_script, args=(page,), default_timeout=300)
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    if interaction:
        for key, value in interaction.items():
            if key in ("regions", "stores", "channels"):
                at.sidebar.multiselect(key=key).set_value(value)
            elif key == "lookup_term":
                at.text_input(key=key).input(value)
            else:
                at.multiselect(key=key).set_value(value)
        started = time.perf_counter()
        at.run()
        seconds = time.perf_counter() - started
    if at.exception or at.error:
        raise RuntimeError(f"{page}: {[e.value for e in [*at.exception, *at.error]]}")
    return seconds


def scale(database: Path) -> dict[str, int]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        tables = [
            "marts.dim_customers",
            "marts.customer_lifecycle_history",
            "marts.customer_tags",
            "semantic.bi_lifecycle_monthly",
        ]
        return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in tables}
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="the warehouse file")
    parser.add_argument(
        "--serving", type=Path, default=None, help="serving copy (default: beside it)"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--note", default="", help="a note for the results table")
    args = parser.parse_args()
    serving = args.serving or serving_path(args.database)
    if not serving.exists():
        raise SystemExit(f"{serving}: no serving copy; run `crm publish --database ...`")
    os.environ[ENV_DASHBOARD_DATABASE] = str(serving)
    os.environ[ENV_NO_CACHE] = "1"
    rows = scale(serving)
    customers = rows["marts.dim_customers"]
    print(f"serving copy {serving}: {customers:,} customers; {rows}", flush=True)
    run_state("overview", {})  # warm-up: imports
    results = {}
    for label, page, interaction in states(serving):
        times = [run_state(page, interaction) for _ in range(args.runs)]
        results[label] = {
            "median_s": round(statistics.median(times), 3),
            "max_s": round(max(times), 3),
            "runs": [round(value, 3) for value in times],
        }
        print(f"  {label:<28} median {results[label]['median_s']:.3f} s", flush=True)
    record = {
        "customers": customers,
        "rows": rows,
        "runs": args.runs,
        "machine": machine(),
        "load_average": os.getloadavg(),
        "duckdb": duckdb.__version__,
        "streamlit": st.__version__,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "note": args.note,
        "pages": results,
    }
    history = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    history[str(customers)] = record
    RESULTS_JSON.write_text(json.dumps(history, indent=2, ensure_ascii=False) + "\n")
    RESULTS_MD.write_text(render(history))
    print(f"wrote {RESULTS_MD}")


def render(history: dict) -> str:
    lines = [
        "# Dashboard page load times",
        "",
        "`benchmarks/bench_dashboard.py` (`make bench-dashboard`): each page and interactive",
        "state run through Streamlit's AppTest uncached (a new connection to the serving",
        "copy each run, no cached result: the first visitor after a refresh), median and",
        f"slowest of N runs. Target: every page under {TARGET_SECONDS:.0f} s on a 1.2M-member",
        "serving copy. Browser rendering comes on top (a few hundred ms for the charts).",
        "",
    ]
    for key in sorted(history, key=int):
        record = history[key]
        pages = record["pages"]
        slowest = max(page["median_s"] for page in pages.values())
        verdict = "met" if slowest < TARGET_SECONDS else "not met"
        lines += [
            f"## {record['customers']:,} customers",
            "",
            f"Measured {record['measured_at']} on {record['machine']}; load average "
            f"{', '.join(f'{v:.1f}' for v in record['load_average'])} at the end; "
            f"duckdb {record['duckdb']}, streamlit {record['streamlit']}; {record['runs']} runs. "
            + (record["note"] or ""),
            "",
            "Rows: "
            + ", ".join(f"`{table}` {count:,}" for table, count in record["rows"].items())
            + ".",
            "",
            "| page / state | median s | slowest s |",
            "|---|---:|---:|",
        ]
        lines += [
            f"| {label} | {page['median_s']:.3f} | {page['max_s']:.3f} |"
            for label, page in pages.items()
        ]
        if record["customers"] < 1_000_000:
            verdict = f"under {TARGET_SECONDS:.0f} s at this scale (the target is set at 1.2M)"
        else:
            verdict = f"target {verdict}"
        lines += ["", f"Slowest median {slowest:.3f} s: {verdict}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
