"""Benchmark: the whole nightly pipeline, for BENCHMARKS.md (issue 8).

Per scale (members):
  - untimed: `crm generate --members N --seed S` (the exports of two years), and a new
    day's worth of exports: `crm generate --members N/60 --seed S+1` over 2025-01-01 to
    2025-01-02 (about the rows one day of the base adds), its files renamed
    `2025-01-01-day.*` so they land beside the base files as new files;
  - the read-everything floor: the time to read every export file once (bytes off the
    disk) and to parse every file once with DuckDB (read_csv / read_json, count rows):
    no pipeline can beat the second;
  - N full runs: `crm refresh` (ingest, dbt build with every data test, GX
    validation, publish) into a new warehouse, wall time and peak RSS of the process
    tree;
  - after each full run, one daily incremental run: the new day's files land in the
    export folder and `crm refresh` runs again.
Results go to benchmarks/pipeline_results.json and BENCHMARKS.md (medians; the growth
from one scale to the next; where the time goes: dbt's run_results.json per model).

    python benchmarks/bench_pipeline.py --scales 120000 600000 1200000 --runs 3
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from bench_identity import HERE, PROJECT, log, measure, median, record_scale

CRM = str(Path(sys.executable).with_name("crm"))
RESULTS_JSON, RESULTS_MD = HERE / "pipeline_results.json", PROJECT / "BENCHMARKS.md"
TARGET_FULL_S, TARGET_FULL_MIB, TARGET_DAILY_S, TARGET_FLOOR_X = 600, 6144, 60, 4
SECRET = "bench-pipeline-secret-0123456789"


def export_files(raw: Path) -> list[Path]:
    return sorted(
        p
        for p in raw.rglob("*")
        if p.is_file() and not any(part.startswith(("_", ".")) for part in p.relative_to(raw).parts)
    )


def generate(out: Path, members: int, seed: int, *extra: str) -> None:
    if (out / ".complete").exists():
        return
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(
        [
            CRM,
            "generate",
            "--out",
            str(out),
            "--members",
            str(members),
            "--seed",
            str(seed),
            *list(extra),
            "--quiet",
        ],
        check=True,
    )
    (out / ".complete").touch()


def new_day(work: Path, scale: int, seed: int) -> Path:
    """A day's worth of new export files, named so they never replace a base file."""
    day = work / f"day-{scale}"
    generate(day, max(100, scale // 60), seed + 1, "--start", "2025-01-01", "--end", "2025-01-02")
    for path in export_files(day):
        if not path.stem.endswith("-day"):
            path.rename(path.with_name(f"2025-01-01-day{path.suffix}"))
    return day


def read_floor(raw: Path) -> dict:
    """Seconds to read every export file's bytes once, and to parse every file once
    with DuckDB (2 threads), with the rows and bytes read."""
    files = export_files(raw)
    started = time.perf_counter()
    size = 0
    for path in files:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 22):
                size += len(chunk)
    bytes_s = time.perf_counter() - started
    con = duckdb.connect()
    con.execute("set threads = 2")
    started, rows = time.perf_counter(), 0
    for path in files:
        reader = (
            f"read_json('{path}', format = 'newline_delimited', records = false, "
            "ignore_errors = true)"
            if path.suffix == ".jsonl"
            else f"read_csv('{path}', all_varchar = true, ignore_errors = true, "
            "strict_mode = false, null_padding = true)"
        )
        try:
            rows += con.execute(f"select count(*) from {reader}").fetchone()[0]
        except duckdb.Error:
            # a file DuckDB cannot parse at all (a hostile one): count its lines
            rows += sum(1 for _ in path.open("rb"))
    return {
        "files": len(files),
        "bytes": size,
        "rows": rows,
        "read_bytes_s": round(bytes_s, 2),
        "parse_s": round(time.perf_counter() - started, 2),
    }


def refresh(raw: Path, database: Path, target: Path) -> dict:
    env = {
        **os.environ,
        "CRM_HASH_SECRET": SECRET,
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(target / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "GX_ANALYTICS_ENABLED": "False",
    }
    cmd = [CRM, "refresh", "--raw-dir", str(raw), "--database", str(database), "--quiet"]
    m = measure(cmd, env)
    models = {}
    # the staging step's results and the main build's (crm build runs them apart)
    for results in (target / "run_results.staging.json", target / "run_results.json"):
        if results.exists():
            for r in json.loads(results.read_text(encoding="utf-8"))["results"]:
                if r["unique_id"].startswith("model."):
                    models[r["unique_id"].rsplit(".", 1)[1]] = round(r["execution_time"], 2)
    top = dict(sorted(models.items(), key=lambda kv: -kv[1])[:12])
    return {
        "wall_s": round(m["seconds"], 1),
        "peak_rss_mib": round(m["peak_mib"]),
        "cpu_per_wall": m["cpu_per_wall"],
        "max_load_1min": m["max_load_1min"],
        "slowest_models_s": top,
    }


def bench_scale(scale: int, args: argparse.Namespace) -> dict:
    work = args.workdir / str(scale)
    work.mkdir(parents=True, exist_ok=True)
    raw = work / "raw"
    log(f"{scale:,} members: generating (untimed)")
    generate(raw, scale, args.seed)
    day = new_day(work, scale, args.seed)
    log("read-everything floor")
    floor = read_floor(raw)
    full, daily = [], []
    for i in range(args.runs):
        run = work / f"run-{i}"
        shutil.rmtree(run, ignore_errors=True)
        landing = run / "raw"
        shutil.copytree(raw, landing, copy_function=_link)
        database = run / "crm.duckdb"
        log(f"run {i + 1}/{args.runs}: full pipeline")
        full.append(refresh(landing, database, run / "target-full"))
        for path in export_files(day):
            target = landing / path.relative_to(day)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        log(f"run {i + 1}/{args.runs}: daily incremental refresh")
        daily.append(refresh(landing, database, run / "target-daily"))
        if not args.keep_data:
            shutil.rmtree(run, ignore_errors=True)
    return {
        "measured": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "floor": floor,
        "full": full,
        "daily": daily,
        "full_median_s": median([r["wall_s"] for r in full]),
        "full_peak_mib": max(r["peak_rss_mib"] for r in full),
        "daily_median_s": median([r["wall_s"] for r in daily]),
        "daily_peak_mib": max(r["peak_rss_mib"] for r in daily),
    }


def _link(source: str, destination: str) -> None:
    """Hard-link the base exports into a run's landing folder (no copy of gigabytes)."""
    Path(destination).hardlink_to(source)


def write_md(results: dict) -> None:
    scales = sorted(results["scales"].items(), key=lambda kv: int(kv[0]))
    lines = [
        "# Benchmarks: the nightly pipeline",
        "",
        "Regenerated by `benchmarks/bench_pipeline.py` (command below). Machine: "
        + results["machine"]
        + f". Versions: {results['versions']}.",
        "",
        "Full pipeline: `crm refresh` into a new warehouse (ingest, `dbt build` with every",
        "data test, GX validation, publish; dbt's unit tests run in `make test`, not in a",
        "refresh). Daily: the same warehouse refreshed again after a new day's export files",
        "land (about one day's rows of the base).",
        "Read floor: every export file read once (bytes), and parsed once by DuckDB with",
        "2 threads: the floor no pipeline can beat. Medians of the runs; peak memory is the",
        "highest run's process-tree RSS.",
        "",
        "| members | runs | export rows | export size | read floor (bytes / DuckDB parse) "
        "| full pipeline | x parse floor | full peak | daily refresh | daily peak | measured |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for scale, r in scales:
        f = r["floor"]
        lines.append(
            f"| {int(scale):,} | {len(r['full'])} | {f['rows']:,} | {f['bytes'] / 2**30:.2f} GiB "
            f"| {f['read_bytes_s']:.1f} s / {f['parse_s']:.1f} s | {r['full_median_s']:.0f} s "
            f"| {r['full_median_s'] / max(f['parse_s'], 0.01):.1f}x | {r['full_peak_mib']:,} MiB "
            f"| {r['daily_median_s']:.0f} s | {r['daily_peak_mib']:,} MiB | {r['measured']} |"
        )
    if len(scales) > 1:
        lines += ["", "Growth from one scale to the next (time ratio / data ratio):", ""]
        for (s0, r0), (s1, r1) in itertools.pairwise(scales):
            data = r1["floor"]["rows"] / max(r0["floor"]["rows"], 1)
            lines.append(
                f"- {int(s0):,} -> {int(s1):,}: data x{data:.1f}, full pipeline "
                f"x{r1['full_median_s'] / r0['full_median_s']:.1f}, daily "
                f"x{r1['daily_median_s'] / r0['daily_median_s']:.1f}"
            )
    lines += [
        "",
        f"Targets at 1.2M members on 2 cores: full pipeline <= {TARGET_FULL_S // 60} min, "
        f"<= {TARGET_FULL_MIB // 1024} GB, within {TARGET_FLOOR_X}x of the read floor; daily "
        f"refresh <= {TARGET_DAILY_S} s; time growing at most about linearly with the data.",
        "",
        "Where the time goes (slowest models of the last run, seconds, run_results.json):",
        "",
    ]
    for scale, r in scales:
        for kind in ("full", "daily"):
            top = r[kind][-1]["slowest_models_s"]
            lines.append(
                f"- {int(scale):,} {kind}: "
                + ", ".join(f"{name} {seconds:.0f}" for name, seconds in top.items())
            )
    if results.get("notes"):
        lines += ["", *results["notes"]]
    lines += [
        "",
        "Reproduce: `.venv/bin/python benchmarks/bench_pipeline.py --scales 120000 600000 "
        "1200000 --runs 3` (about 3 GB of exports per 500k members under --workdir).",
    ]
    RESULTS_MD.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="*", default=[120_000, 600_000, 1_200_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path("/work/bench_data/pipeline"))
    parser.add_argument("--keep-data", action="store_true", help="keep each run's warehouse")
    args = parser.parse_args()
    for scale in args.scales:
        record_scale(RESULTS_JSON, str(scale), bench_scale(scale, args), write_md)
    print(RESULTS_MD.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
