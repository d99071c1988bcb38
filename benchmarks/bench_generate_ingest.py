"""Benchmark: `crm generate` and `crm ingest` at given scales, N runs each.

Measures wall time and the peak resident memory of the whole process tree (the CLI and
its worker processes, sampled from /proc), and writes the medians with the machine's
description to benchmarks/results.md (and the raw runs to benchmarks/results.json).

    python benchmarks/bench_generate_ingest.py --scales 120000 1200000 --runs 3

``--reuse 1200000=/path/to/raw`` ingests data generated before (``crm generate --out
/path/to/raw --members 1200000 --seed 42``) instead of generating it in every run;
``--warm`` reads every raw file once before each ingestion (outside the timing), so
that runs on reused data start from the page cache as runs right after generation do.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
CRM = str(Path(sys.executable).with_name("crm"))
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                kids += [int(k) for k in f.read().split()]
    except OSError:
        pass
    return kids


def tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants, in KiB. Walks only that tree
    (not all of /proc), so sampling costs the measured command next to nothing."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as f:
                total += int(f.read().split()[1]) * PAGE_KB
        except OSError:
            continue
        stack.extend(_children(pid))
    return total


def shm_used_kb() -> int:
    """Files in /dev/shm (ingestion's temp files land there) use memory, not RSS."""
    try:
        return shutil.disk_usage("/dev/shm").used // 1024
    except OSError:
        return 0


def measure(cmd: list[str]) -> tuple[float, float]:
    """Run cmd; return (seconds, peak memory in MiB: process tree RSS plus the growth
    of /dev/shm while it runs)."""
    started = time.perf_counter()
    shm_before = shm_used_kb()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            shm = max(0, shm_used_kb() - shm_before)
            peak = max(peak, tree_rss_kb(proc.pid) + shm)
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit {code}")
    return seconds, peak / 1024


def warm(raw: Path) -> None:
    """Read every file under raw once (into the page cache)."""
    for path in sorted(raw.rglob("*")):
        if path.is_file():
            with path.open("rb") as stream:
                while stream.read(1 << 24):
                    pass


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        mem_kb = 0
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem_kb / 1024 / 1024:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[120_000, 1_200_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: tmp)")
    parser.add_argument(
        "--reuse",
        action="append",
        default=[],
        metavar="SCALE=DIR",
        help="ingest the raw data in DIR for SCALE instead of generating it (repeatable)",
    )
    parser.add_argument(
        "--warm", action="store_true", help="read the raw files once before each ingestion"
    )
    args = parser.parse_args()
    reuse = {int(k): Path(v) for k, v in (item.split("=", 1) for item in args.reuse)}

    runs: list[dict] = []
    base = Path(tempfile.mkdtemp(prefix="crm-bench-", dir=args.workdir))
    try:
        for scale in args.scales:
            for run in range(1, args.runs + 1):
                db = base / f"crm-{scale}.duckdb"
                db.unlink(missing_ok=True)
                if scale in reuse:
                    raw, gen = reuse[scale], None
                else:
                    raw = base / f"raw-{scale}"
                    shutil.rmtree(raw, ignore_errors=True)
                    gen = measure(
                        [
                            CRM,
                            "generate",
                            "--out",
                            str(raw),
                            "--members",
                            str(scale),
                            "--seed",
                            str(args.seed),
                            "--quiet",
                        ]
                    )
                size = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file())
                if args.warm:
                    warm(raw)
                ing = measure(
                    [CRM, "ingest", "--raw-dir", str(raw), "--database", str(db), "--quiet"]
                )
                db.unlink(missing_ok=True)
                Path(f"{db}.wal").unlink(missing_ok=True)
                record = {
                    "scale": scale,
                    "run": run,
                    "generate_s": round(gen[0], 1) if gen else None,
                    "generate_peak_mib": round(gen[1]) if gen else None,
                    "ingest_s": round(ing[0], 1),
                    "ingest_peak_mib": round(ing[1]),
                    "raw_mib": round(size / 2**20),
                }
                print(json.dumps(record), flush=True)
                runs.append(record)
    finally:
        shutil.rmtree(base, ignore_errors=True)

    (HERE / "results.json").write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# Generation and ingestion benchmark",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} by `benchmarks/bench_generate_ingest.py "
        f"--scales {' '.join(map(str, args.scales))} --runs {args.runs}"
        + "".join(f" --reuse {k}=..." for k in sorted(reuse))
        + (" --warm" if args.warm else "")
        + f"` (seed {args.seed}).",
        f"Machine: {machine()}.",
        "Time is wall-clock of the CLI command; memory is the peak resident set of the",
        "command and its worker processes together plus the temporary files it keeps in",
        "/dev/shm (memory too), sampled every 0.5 s.",
        "",
        "| members | raw data | generate (median) | generate peak RSS | ingest (median) "
        "| ingest peak RSS | runs |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scale in args.scales:
        rs = [r for r in runs if r["scale"] == scale]
        med = {
            k: statistics.median(r[k] for r in rs)
            for k in rs[0]
            if k not in ("scale", "run") and rs[0][k] is not None
        }
        if "generate_s" in med:
            generated = (
                f"{med['generate_s']:.1f} s | {max(r['generate_peak_mib'] for r in rs):,} MiB"
            )
        else:
            generated = "reused | reused"
        lines.append(
            f"| {scale:,} | {med['raw_mib']:,.0f} MiB | {generated} | {med['ingest_s']:.1f} s "
            f"| {max(r['ingest_peak_mib'] for r in rs):,} MiB | {len(rs)} |"
        )
    lines += [
        "",
        "Targets at 1.2M members on 2 cores: generation <= 5 min, ingestion <= 3 min, "
        "peak memory <= 4 GB.",
        "",
    ]
    (HERE / "results.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
