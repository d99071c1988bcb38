"""Benchmark: the identity stitching step (dbt models int_identifier_occurrences through
int_customer_keys and int_customer_records) beside SciPy's connected components on the
same edges, plus an adversarial million-node chain for the SQL connected components.

Per scale: prepare (not timed) with `crm generate`, `crm ingest`, `dbt seed` and
`dbt run --select staging`; then N timed `dbt run`s of the stitching models, each
followed by SciPy's connected_components on the edges the two connected_components
models read (their compiled SQL), checked for the same partition. Wall time of the dbt
command, the sum of the models' execution times (run_results.json; without dbt's
start-up), peak RSS of the dbt process tree, connected-components rounds, identifier
rows, nodes and edges go to benchmarks/identity_results.json and identity_results.md
(runs of other scales already in the JSON are kept).

    python benchmarks/bench_identity.py --scales 20000 120000 1200000 --runs 3
    python benchmarks/bench_identity.py --scales 1200000 --database DB  # reuse a warehouse
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import scipy
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from bench_generate_ingest import machine, tree_rss_kb

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
BIN = Path(sys.executable).parent
CRM, DBT = str(BIN / "crm"), str(BIN / "dbt")
RESULTS_JSON, RESULTS_MD = HERE / "identity_results.json", HERE / "identity_results.md"

# The stitching step: int_identifier_occurrences and every model on a path from it to
# int_customer_keys or int_customer_records (not what is built on top of the keys).
SELECT = [
    "int_identifier_occurrences+,+int_customer_keys",
    "int_identifier_occurrences+,+int_customer_records",
]
CC_MODELS = ["int_identity_components_registered", "int_identity_components_weak"]
COMPILED = "compiled/crm_warehouse/models/intermediate/identity/{}.sql"
ROUND_LINE = re.compile(r"connected components (\w+)__cc_labels: round (\d+), (\d+) labels changed")
BENCH_LINE = re.compile(
    r"benchmark_connected_components (\w+): rounds=(\d+) components=(\d+) nodes=(\d+) "
    r"seconds=([\d.]+)"
)
# Other work that may share the cores: the ingestion benchmark, or any generation or
# ingestion (pgrep -f regular expression).
CONTENDER = "bench_generate_ingest|crm (generate|ingest)"
CONTENDER_RE = re.compile(r"bench_generate_ingest|\bcrm (generate|ingest)\b")


def contender_running() -> bool:
    """Whether a process whose command line matches CONTENDER runs (a scan of /proc,
    like `pgrep -f`, cheap enough to repeat while a measurement runs)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if CONTENDER_RE.search(cmdline):
            return True
    return False


TARGETS = {
    "stitching_s": 20.0,
    "rounds": 6,
    "peak_mib": 3 * 1000**3 / 2**20,  # 3 GB
    "chain_rounds": 25,
}


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", flush=True)


def dbt_env(database: Path, target: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(PROJECT),
        CRM_DATABASE=str(database),
        CRM_HASH_SECRET=env.get("CRM_HASH_SECRET", "bench-identity-secret-0123456789"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
        DO_NOT_TRACK="1",
        # Keep dbt's output out of the project's target/ and logs/ (others use them).
        DBT_TARGET_PATH=str(target),
        DBT_LOG_PATH=str(target / "logs"),
    )
    return env


def run(cmd: list[str], env: dict[str, str] | None = None) -> str:
    """Untimed step; returns stdout, fails loudly."""
    proc = subprocess.run(cmd, cwd=PROJECT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        raise SystemExit(f"{' '.join(cmd)} failed with exit {proc.returncode}")
    return proc.stdout


def measure(cmd: list[str], env: dict[str, str], interval: float = 0.2) -> dict:
    """Run cmd in the project folder; wall seconds, peak RSS of its process tree (MiB)
    sampled every `interval` s, and its stdout."""
    started = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(
        cmd, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak, samples, contended, load = 0, 0, False, 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, samples, contended, load
        while not done.is_set():
            peak = max(peak, tree_rss_kb(proc.pid))
            if samples % 10 == 0:
                contended = contended or contender_running()
                load = max(load, os.getloadavg()[0])
            samples += 1
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    if proc.returncode != 0:
        sys.stderr.write(out[-8000:])
        raise SystemExit(f"{' '.join(cmd)} failed with exit {proc.returncode}")
    return {
        "seconds": seconds,
        "peak_mib": peak / 1024,
        "stdout": out,
        "contended_during": contended,
        # CPU seconds the command used per wall second (2.0 = both cores all along);
        # with the highest 1-minute load average seen, a sign of sharing the cores.
        "cpu_per_wall": round(cpu / seconds, 2),
        "max_load_1min": round(load, 2),
    }


def wait_for_quiet(max_wait: float, poll: float = 30.0) -> dict:
    """Wait while another benchmark (CONTENDER) runs on the same cores; give up after
    max_wait seconds and report the contention."""
    started = time.monotonic()
    while True:
        busy = contender_running()
        waited = time.monotonic() - started
        if not busy or waited >= max_wait:
            break
        log(f"waiting for {CONTENDER} to finish ({waited / 60:.1f} min so far)")
        time.sleep(poll)
    return {
        "waited_s": round(waited),
        "contended_at_start": busy,
        "load_1min": round(os.getloadavg()[0], 2),
    }


def schema_of(con: duckdb.DuckDBPyConnection, table: str) -> str:
    rows = con.execute(
        "select table_schema from information_schema.tables where table_name = ?", [table]
    ).fetchall()
    if len(rows) != 1:
        raise SystemExit(f"expected one table {table}, found {rows}")
    return rows[0][0]


def prepare(scale: int, args: argparse.Namespace, work: Path) -> tuple[Path, list[Path]]:
    """Generate, ingest, seed and build staging (not timed). Returns the warehouse file
    and what to delete afterwards."""
    owned: list[Path] = []
    db = args.database or work / f"crm-{scale}.duckdb"
    if args.reuse and args.database is None and db.exists():
        log(f"reusing {db}")
        owned += [db, work / f"raw-{scale}"]
    elif args.database is None or not args.database.exists():
        raw = args.raw_dir or work / f"raw-{scale}"
        if args.raw_dir is None:
            if not (raw / "_truth").exists():
                shutil.rmtree(raw, ignore_errors=True)
                log(f"generating {scale:,} members into {raw}")
                gen = ["generate", "--out", str(raw), "--members", str(scale)]
                run([CRM, *gen, "--seed", str(args.seed), "--quiet"])
            owned.append(raw)
        for f in (db, db.with_name(db.name + ".wal")):
            f.unlink(missing_ok=True)
        log(f"ingesting {raw} into {db}")
        run([CRM, "ingest", "--raw-dir", str(raw), "--database", str(db), "--quiet"])
        if args.database is None:
            owned.append(db)
    env = dbt_env(db, work / f"dbt-target-{scale}")
    log("dbt seed, dbt run --select staging")
    run([DBT, "seed", "--select", "identity_identifier_blocklist"], env)
    run([DBT, "run", "--select", "staging"], env)
    return db, owned


def cc_rounds(stdout: str) -> dict[str, list[int]]:
    """Labels changed per round, per connected_components model, from dbt's log."""
    rounds: dict[str, list[int]] = {}
    for model, n, changed in ROUND_LINE.findall(stdout):
        rounds.setdefault(model, []).append(int(changed))
        assert len(rounds[model]) == int(n), stdout
    return rounds


def timed_stitching(db: Path, target: Path, max_wait: float) -> dict:
    env = dbt_env(db, target)
    with duckdb.connect(str(db), read_only=True) as con:
        had_keys = bool(
            con.execute(
                "select count(*) from information_schema.tables "
                "where table_name = 'int_customer_keys'"
            ).fetchall()[0][0]
        )
    quiet = wait_for_quiet(max_wait)
    log(f"measuring the stitching step on {db.name}")
    cmd = [DBT, "run", "--select", *SELECT]
    m = measure(cmd, env)
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    models = {
        r["unique_id"].rsplit(".", 1)[1]: round(r["execution_time"], 3) for r in results["results"]
    }
    rounds = cc_rounds(m["stdout"])
    with duckdb.connect(str(db), read_only=True) as con:
        schema = schema_of(con, "int_identifier_occurrences")
        identifier_rows = con.execute(
            f"select count(*) from {schema}.int_identifier_occurrences"
        ).fetchall()[0][0]
        table_rounds = {
            model: con.execute(f"select max(rounds) from {schema}.{model}").fetchall()[0][0]
            for model in CC_MODELS
        }
    for model in CC_MODELS:
        if table_rounds[model] != len(rounds.get(model, [])):
            raise SystemExit(f"{model}: rounds column {table_rounds[model]} != log {rounds}")
    return {
        "dbt_wall_s": round(m["seconds"], 2),
        "models_sum_s": round(sum(models.values()), 2),
        "dbt_elapsed_s": round(results["elapsed_time"], 2),
        "peak_mib": round(m["peak_mib"]),
        "models_s": models,
        "cc_rounds": {k: len(v) for k, v in rounds.items()},
        "cc_labels_changed": rounds,
        "identifier_rows": identifier_rows,
        "previous_keys": had_keys,
        **quiet,
        "cpu_per_wall": m["cpu_per_wall"],
        "max_load_1min": m["max_load_1min"],
        "contended": quiet["contended_at_start"] or m["contended_during"],
    }


def scipy_side_by_side(db: Path, target: Path) -> dict:
    """SciPy's connected_components on the edges each connected_components model reads
    (its compiled SQL), timed from the DuckDB query on; and whether its partition of the
    nodes equals the one the model wrote."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute("set disabled_optimizers = 'outer_join_simplification'")
        for model in CC_MODELS:
            sql = (target / COMPILED.format(model)).read_text(encoding="utf-8")
            t0 = time.perf_counter()
            edges = con.execute(sql).fetchnumpy()
            a = np.asarray(edges["node_id"], dtype=np.int64)
            b = np.asarray(edges["linked_node_id"], dtype=np.int64)
            t1 = time.perf_counter()
            nodes, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
            n, m = len(nodes), len(a)
            graph = csr_matrix(
                (np.ones(m, dtype=np.int8), (inverse[:m], inverse[m:])), shape=(n, n)
            )
            t2 = time.perf_counter()
            n_components, labels = connected_components(graph, directed=False)
            t3 = time.perf_counter()

            schema = schema_of(con, model)
            ours = con.execute(f"select node_id, component_id from {schema}.{model}").fetchnumpy()
            our_nodes = np.asarray(ours["node_id"], dtype=np.int64)
            our_ids, our_codes = np.unique(np.asarray(ours["component_id"]), return_inverse=True)
            same_nodes = len(our_nodes) == n and bool(np.array_equal(np.sort(our_nodes), nodes))
            same = same_nodes
            if same_nodes:
                theirs = labels[np.searchsorted(nodes, our_nodes)].astype(np.int64)
                pairs = len(np.unique(our_codes.astype(np.int64) * n_components + theirs))
                same = pairs == len(our_ids) == n_components
            undirected = graph + graph.T
            undirected.setdiag(0)
            undirected.eliminate_zeros()
            out[model] = {
                "nodes": n,
                "edge_rows": m,
                "edges_undirected": undirected.nnz // 2,
                "components": int(n_components),
                "our_components": len(our_ids),
                "same_partition": bool(same),
                "query_s": round(t1 - t0, 3),
                "build_s": round(t2 - t1, 3),
                "cc_s": round(t3 - t2, 3),
                "total_s": round(t3 - t0, 3),
            }
    return out


def chain_benchmark(nodes: int, work: Path, max_wait: float) -> list[dict]:
    """A path graph of `nodes` nodes in the materialization's input shape, with ids
    increasing along it and with 63-bit hashed ids; rounds and time of
    run_connected_components on each through `dbt run-operation`."""
    db = work / "chain.duckdb"
    db.unlink(missing_ok=True)
    ids = {
        "chain_increasing": "i",
        "chain_hashed": "cast(hash('chain:' || i) >> 1 as bigint)",
    }
    with duckdb.connect(str(db)) as con:
        for table, expr in ids.items():
            con.execute(
                f"""
                create table {table} as
                with ids as (select i, {expr} as id from range(1, {nodes} + 1) as t(i)),
                path as (
                    select ids.id as a, nxt.id as b
                    from ids inner join ids as nxt on nxt.i = ids.i + 1
                )
                select a as node_id, b as linked_node_id from path
                union all select b, a from path
                union all select id, id from ids
                """
            )
            distinct = con.execute(f"select count(distinct node_id) from {table}").fetchall()
            if distinct[0][0] != nodes:
                raise SystemExit(f"{table}: {distinct[0][0]} distinct ids, want {nodes}")
    env = dbt_env(db, work / "dbt-target-chain")
    out = []
    try:
        for table in ids:
            edges_arg = json.dumps({"edges": table})
            quiet = wait_for_quiet(max_wait)
            m = measure(
                [DBT, "run-operation", "benchmark_connected_components", "--args", edges_arg],
                env,
            )
            found = BENCH_LINE.search(m["stdout"])
            if not found:
                raise SystemExit(m["stdout"][-3000:])
            _, rounds, components, n, seconds = found.groups()
            record = {
                "chain": table,
                "nodes": int(n),
                "rounds": int(rounds),
                "components": int(components),
                "cc_s": float(seconds),
                "dbt_wall_s": round(m["seconds"], 2),
                "peak_mib": round(m["peak_mib"]),
                "labels_changed": [int(c) for *_, c in ROUND_LINE.findall(m["stdout"])],
                **quiet,
                "cpu_per_wall": m["cpu_per_wall"],
                "max_load_1min": m["max_load_1min"],
                "contended": quiet["contended_at_start"] or m["contended_during"],
            }
            if record["components"] != 1 or record["nodes"] != nodes:
                raise SystemExit(f"wrong chain result: {record}")
            log(json.dumps(record))
            out.append(record)
    finally:
        for f in (db, db.with_name(db.name + ".wal")):
            f.unlink(missing_ok=True)
        shutil.rmtree(work / "dbt-target-chain", ignore_errors=True)
    return out


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def record_scale(results_json: Path, key: str, measured: dict, write_md) -> dict:
    """Put one scale's measurements into a results file (JSON, other scales kept) with
    the machine and versions, and regenerate its report with `write_md(results)`."""
    results = (
        json.loads(results_json.read_text(encoding="utf-8"))
        if results_json.exists()
        else {"scales": {}}
    )
    results["scales"][key] = measured
    results["machine"], results["versions"] = machine(), versions()
    results_json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    write_md(results)
    return results


def code_version() -> str:
    """The commit measured, and which model, macro or config files differed from it."""

    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=PROJECT, capture_output=True, text=True).stdout

    dirty = git("status", "--porcelain", "--", "models", "macros", "seeds", "dbt_project.yml",
                "profiles.yml").splitlines()  # fmt: skip
    head = git("rev-parse", "--short", "HEAD").strip()
    return head + (f" with uncommitted changes to {len(dirty)} files: " + ", ".join(
        line[3:] for line in dirty) if dirty else "")  # fmt: skip


def summarise(scale: int, runs: list[dict], scipy_runs: list[dict], data: dict) -> dict:
    per_model = {k: median([r["models_s"][k] for r in runs]) for k in runs[0]["models_s"]}
    sp = {
        model: {
            **{k: v for k, v in scipy_runs[-1][model].items() if not k.endswith("_s")},
            **{
                k: round(statistics.median(s[model][k] for s in scipy_runs), 3)
                for k in ("query_s", "build_s", "cc_s", "total_s")
            },
            "same_partition": all(s[model]["same_partition"] for s in scipy_runs),
        }
        for model in CC_MODELS
    }
    return {
        "scale": scale,
        "measured": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "runs": len(runs),
        "code": code_version(),
        "identifier_rows": runs[-1]["identifier_rows"],
        "raw_records": data.get("raw_records"),
        "dbt_wall_s": median([r["dbt_wall_s"] for r in runs]),
        "stitching_s": median([r["models_sum_s"] for r in runs]),
        "peak_mib_max": max(r["peak_mib"] for r in runs),
        "peak_mib_median": median([r["peak_mib"] for r in runs]),
        "cc_rounds": runs[-1]["cc_rounds"],
        "models_s_median": dict(sorted(per_model.items(), key=lambda kv: -kv[1])),
        "scipy": sp,
        "contended_runs": sum(r["contended"] for r in runs),
        "cpu_per_wall_median": median([r.get("cpu_per_wall", 0.0) for r in runs]),
        "max_load_1min": max(r.get("max_load_1min", r["load_1min"]) for r in runs),
        "all_runs": runs,
        "scipy_runs": scipy_runs,
    }


def bench_scale(scale: int, args: argparse.Namespace, work: Path) -> dict:
    db, owned = prepare(scale, args, work)
    target = work / f"dbt-target-{scale}"
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            raw = con.execute(
                "select sum(estimated_size) from duckdb_tables() where schema_name = 'raw'"
            ).fetchall()[0][0]
        runs, scipy_runs = [], []
        for i in range(1, args.runs + 1):
            record = timed_stitching(db, target, args.max_wait)
            runs.append(record)
            brief = {k: v for k, v in record.items() if k not in ("models_s", "cc_labels_changed")}
            log(f"scale {scale:,} run {i}: {json.dumps(brief)}")
            scipy_runs.append(scipy_side_by_side(db, target))
            log(f"scipy: {json.dumps(scipy_runs[-1])}")
        return summarise(scale, runs, scipy_runs, {"raw_records": raw})
    finally:
        shutil.rmtree(target, ignore_errors=True)
        if not args.keep_data:
            for path in owned:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    for f in (path, path.with_name(path.name + ".wal")):
                        f.unlink(missing_ok=True)


def versions() -> str:
    import dbt.version

    return (
        f"duckdb {duckdb.__version__}, dbt-core {dbt.version.__version__}, "
        f"scipy {scipy.__version__}, numpy {np.__version__}"
    )


def fmt_s(x: float) -> str:
    return f"{x:.1f} s" if x >= 1 else f"{x:.2f} s"


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def write_md(results: dict) -> None:
    scales = sorted(results["scales"].values(), key=lambda s: s["scale"])
    lines = [
        "# Identity stitching benchmark",
        "",
        "Measured by `benchmarks/bench_identity.py` (`make bench-identity`), seed 42.",
        f"Machine: {results['machine']}; {results['versions']}.",
        "",
        f"The stitching step is `dbt run --select {' '.join(SELECT)}`: the 12 models from "
        "the identifier graph through the guards,",
        "both connected-components phases, the customer keys and int_customer_records, on a "
        "warehouse whose raw schema was ingested and staging views built beforehand (not "
        "timed).",
        "*dbt wall* is the whole command, including dbt's start-up and parse (~5 s or more); "
        "*stitching* is the sum of the 12 models' execution times from run_results.json (2 "
        "threads, so this sum can exceed the models' wall time). Peak memory is the "
        "resident set of the dbt process tree (DuckDB runs inside it), sampled every 0.2 s.",
        "Every value is the median of the runs, except peak memory (the highest run).",
        "",
        "| members | identifier rows | dbt wall | stitching (models) | peak RSS "
        "| CC rounds (registered / weak) | runs | dbt CPU s per wall s | max load "
        "| contended runs |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scales:
        r = s["cc_rounds"]
        lines.append(
            f"| {s['scale']:,} | {s['identifier_rows']:,} | {fmt_s(s['dbt_wall_s'])} "
            f"| {fmt_s(s['stitching_s'])} | {s['peak_mib_max']:,.0f} MiB "
            f"| {r.get(CC_MODELS[0])} / {r.get(CC_MODELS[1])} | {s['runs']} "
            f"| {s.get('cpu_per_wall_median', '?')} | {s.get('max_load_1min', '?')} "
            f"| {s['contended_runs']} |"
        )
    lines += [""] + [
        f"Code measured at {s['scale']:,} members: {s.get('code', '?')}." for s in scales
    ]
    lines += [
        "",
        "## SciPy side by side",
        "",
        "`scipy.sparse.csgraph.connected_components` on the same edges each "
        "connected_components model reads (its compiled SQL, run on the same warehouse "
        "right after each dbt run): *query* runs that SQL in DuckDB and fetches it to "
        "NumPy, *build* makes the sparse matrix (np.unique for node indices, CSR), *cc* is "
        "the call alone. *ours* is the model's execution time (the same edge SQL plus the "
        "SQL rounds and the output table). Partition: SciPy's components equal the "
        "model's, node for node.",
        "",
        "| members | model | nodes | edges (undirected, no self) | components | ours "
        "| SciPy query | build | cc | SciPy total | same partition |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for s in scales:
        for model in CC_MODELS:
            p = s["scipy"][model]
            lines.append(
                f"| {s['scale']:,} | {model} | {p['nodes']:,} | {p['edges_undirected']:,} "
                f"| {p['components']:,} | {fmt_s(s['models_s_median'][model])} "
                f"| {fmt_s(p['query_s'])} | {fmt_s(p['build_s'])} | {fmt_s(p['cc_s'])} "
                f"| {fmt_s(p['total_s'])} | {'yes' if p['same_partition'] else '**NO**'} |"
            )
    names = list(scales[-1]["models_s_median"]) if scales else []
    lines += ["", "## Where the time goes (median execution time per model)", ""]
    lines += [
        "| model | " + " | ".join(f"{s['scale']:,}" for s in scales) + " |",
        "|---|" + "---:|" * len(scales),
    ]
    for name in names:
        lines.append(
            f"| {name} | "
            + " | ".join(fmt_s(s["models_s_median"].get(name, 0.0)) for s in scales)
            + " |"
        )
    chain = results.get("chain", {})
    if chain:
        lines += [
            "",
            f"## Adversarial chain ({chain['measured']})",
            "",
            "A path graph through every node, in the materialization's input shape (both "
            "directions plus a self-edge per node), labelled by `run_connected_components` "
            "via `dbt run-operation benchmark_connected_components` "
            "(macros/identity/benchmark_connected_components.sql). *Rounds* counts the "
            "last round, in which no label changed, as the models do.",
            "",
            "| chain | node ids | nodes | rounds | CC time | dbt wall | peak RSS |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for c in chain["runs"]:
            kind = "1, 2, 3, ... along the path" if "increasing" in c["chain"] else "63-bit hashes"
            lines.append(
                f"| {c['chain']} | {kind} | {c['nodes']:,} | {c['rounds']} | "
                f"{fmt_s(c['cc_s'])} | {fmt_s(c['dbt_wall_s'])} | {c['peak_mib']:,} MiB |"
            )
    big = results["scales"].get("1200000")
    lines += ["", "## Targets (1.2M members, 2 cores)", ""]
    if big:
        rounds = max(big["cc_rounds"].values())
        lines += [
            f"- Stitching step <= 20 s: {fmt_s(big['stitching_s'])} of model time "
            f"({fmt_s(big['dbt_wall_s'])} with dbt's start-up) - "
            f"{verdict(big['stitching_s'] <= TARGETS['stitching_s'])}.",
            f"- <= 6 rounds on generated data: {rounds} - {verdict(rounds <= TARGETS['rounds'])}.",
            f"- Peak memory <= 3 GB ({TARGETS['peak_mib']:,.0f} MiB): "
            f"{big['peak_mib_max']:,} MiB - "
            f"{verdict(big['peak_mib_max'] <= TARGETS['peak_mib'])}.",
        ]
    else:
        lines.append("- 1.2M members not measured yet.")
    if chain:
        worst = max(c["rounds"] for c in chain["runs"])
        lines.append(
            f"- 1M-node chain <= 25 rounds: {worst} at most - "
            f"{verdict(worst <= TARGETS['chain_rounds'])}."
        )
    contended = [s for s in scales if s["contended_runs"]]
    contended_chain = [c for c in chain.get("runs", []) if c["contended"]]
    lines += ["", "## Contention", ""]
    lines.append(
        "Another benchmark shares these 2 cores. Before each timed measurement the script "
        f"waits (polling every 30 s, up to {args_max_wait(results)}) until no process matches "
        f"`pgrep -f '{CONTENDER}'`, and it keeps checking every 2 s while the measurement "
        "runs; the 1-minute load average at each start is in the JSON."
    )
    if contended or contended_chain:
        lines.append(
            "**Contended** (such a process ran at the start, after the wait ran out, or "
            "started during the measurement): "
            + ", ".join(
                f"{s['scale']:,} members ({s['contended_runs']} of {s['runs']} runs)"
                for s in contended
            )
            + (" and the chain" if contended_chain else "")
            + ". Those numbers are pessimistic."
        )
    else:
        lines.append("No measurement was contended.")
    if results.get("notes"):
        lines += ["", "## Notes", "", *results["notes"]]
    RESULTS_MD.write_text("\n".join(lines) + "\n", encoding="utf-8")


def args_max_wait(results: dict) -> str:
    seconds = results.get("max_wait_s", 2400)
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


def save(update: dict) -> None:
    """Merge into the results file as it is now (another invocation may have written
    other scales meanwhile) and rewrite the Markdown."""
    results = (
        json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
        if RESULTS_JSON.exists()
        else {"scales": {}}
    )
    results["machine"] = machine() + f", {platform.platform()}"
    results["versions"] = versions()
    results["scales"].update(update.get("scales", {}))
    for key in ("chain", "max_wait_s"):
        if key in update:
            results[key] = update[key]
    RESULTS_JSON.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    write_md(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="*", default=[120_000, 1_200_000])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per scale (>= 3)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--workdir", type=Path, default=Path("/work/bench_data/identity"),
        help="scratch folder for raw data, warehouses and dbt output",
    )  # fmt: skip
    parser.add_argument("--raw-dir", type=Path, help="reuse these exports (one scale only)")
    parser.add_argument(
        "--database", type=Path, help="reuse this ingested warehouse (one scale only)"
    )
    parser.add_argument(
        "--reuse", action="store_true",
        help="reuse WORKDIR/crm-<scale>.duckdb (and WORKDIR/raw-<scale>) from an earlier run",
    )  # fmt: skip
    parser.add_argument("--keep-data", action="store_true", help="keep generated data")
    parser.add_argument("--chain-nodes", type=int, default=1_000_000, help="0: no chain")
    parser.add_argument(
        "--max-wait", type=float, default=2400.0,
        help=f"seconds to wait for {CONTENDER} before measuring anyway",
    )  # fmt: skip
    args = parser.parse_args()
    if (args.raw_dir or args.database) and len(args.scales) != 1:
        parser.error("--raw-dir / --database need exactly one --scales value")

    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    for scale in args.scales:
        save({"scales": {str(scale): bench_scale(scale, args, work)}, "max_wait_s": args.max_wait})
    if args.chain_nodes:
        chain = chain_benchmark(args.chain_nodes, work, args.max_wait)
        measured = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        save({"chain": {"measured": measured, "runs": chain}, "max_wait_s": args.max_wait})
    if RESULTS_MD.exists():
        print(RESULTS_MD.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
