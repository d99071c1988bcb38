"""``generate``: the entry point, chunking and the worker processes.

People are generated in fixed chunks of ``CHUNK``; each chunk has its own random
streams (seeded by the run seed and the chunk number), so its output does not depend
on which process makes it or when. Small runs use one process and write ``2024-03.csv``;
from ``PARALLEL_MIN`` members two processes each take a contiguous half of the chunks
and write their own parts (``2024-03-p1.csv``, ``2024-03-p2.csv``). Memory stays bounded:
only one chunk's rows are held at a time.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import random
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from tqdm import tqdm

from ..contract import EXPORTS
from . import ids
from .behavior import browse
from .clock import Clock
from .community import plan_contact, write_contact
from .context import Chunk, World
from .marketing import plan_sends
from .orders import plan_purchases, write_orders, write_walkins
from .people import make_person, truth_row, write_mall_users, write_members
from .privacy import plan_consents, write_erasure
from .service import write_nps
from .writers import (
    CAMPAIGNS,
    GLOBAL_EXPORTS,
    PRODUCTS,
    STORES,
    FilePlan,
    PartWriter,
    TruthWriter,
    merge_truth,
)

#: People per chunk (a unit of randomness and of buffering).
CHUNK = 2_000
#: From this many members, two worker processes share the work.
PARALLEL_MIN = 20_000
WORKERS = 2
#: Anonymous walk-in store orders per member.
WALKIN_SHARE = 0.35


@dataclass
class GenerateResult:
    """What ``generate`` wrote."""

    out_dir: Path
    files: int
    rows: dict[str, int]
    seconds: float
    members: int = 0
    seed: int = 0
    start: date = date(2023, 1, 1)
    end: date = date(2024, 12, 31)
    workers: int = 1
    malformed: dict[str, int] = field(default_factory=dict)


def _check(members: int, seed: int, start: date, end: date) -> None:
    if isinstance(members, bool) or not isinstance(members, int):
        raise ValueError(f"members must be an integer, got {members!r}")
    if members < 1:
        raise ValueError(f"members must be at least 1, got {members}")
    if members > ids.MAX_PEOPLE:
        raise ValueError(f"members must be at most {ids.MAX_PEOPLE:,}, got {members:,}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, date):
            raise ValueError(f"{name} must be a date, got {value!r}")
    if start >= end:
        raise ValueError(f"start ({start}) must be before end ({end})")
    if start.year < 1990 or end.year > 2100:
        raise ValueError(f"the period {start}..{end} is outside 1990..2100")


def _check_empty(out_dir: Path) -> None:
    """Refuse to mix a new sample with the files of an earlier one."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"out_dir {out_dir} exists and is not a folder")
    folders = {e.channel for e in EXPORTS} | {"_truth"}
    for name in sorted(folders):
        folder = out_dir / name
        if folder.is_dir() and any(p.is_file() for p in folder.rglob("*")):
            raise ValueError(
                f"out_dir {out_dir} already holds exports ({folder}): remove them first "
                "or choose another folder"
            )


def generate(
    out_dir: Path,
    members: int,
    seed: int,
    start: date = date(2023, 1, 1),
    end: date = date(2024, 12, 31),
    progress: bool = True,
) -> GenerateResult:
    """Write a sample of every channel export for ``members`` people into ``out_dir``.

    The output depends only on (members, seed, start, end): the same arguments give
    byte-identical files. ``_truth/`` holds who is behind each record, for evaluating
    identity stitching; the warehouse never reads it.

    Raises ``ValueError`` for members < 1 (or above ``ids.MAX_PEOPLE``), start >= end,
    or an ``out_dir`` that already holds exports of an earlier run.
    """
    # A datetime (click's DateTime type gives one) counts as its date.
    start = start.date() if isinstance(start, datetime) else start
    end = end.date() if isinstance(end, datetime) else end
    _check(members, seed, start, end)
    began = time.perf_counter()
    out_dir = Path(out_dir)
    _check_empty(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    clock = Clock(start, end)
    world = World.build(seed, members, clock)
    plan = FilePlan(seed, len(clock.months))

    # Reference data, written once.
    ref = PartWriter(out_dir, plan, clock.months, "", exports=GLOBAL_EXPORTS)
    for ex, rows in (
        (STORES, world.catalog.store_rows()),
        (PRODUCTS, world.catalog.product_rows()),
        (CAMPAIGNS, world.campaigns.rows()),
    ):
        for t, row in rows:
            month = clock.month(t)
            if month >= 0:
                ref.out[ex][month].append(row)
    ref.flush()
    files = ref.close()
    rows = list(ref.rows)
    malformed: dict[str, int] = {}

    n_chunks = -(-members // CHUNK)
    workers = WORKERS if members >= PARALLEL_MIN else 1
    bounds = [n_chunks * k // workers for k in range(workers + 1)]
    with tqdm(
        total=members, unit="people", desc="generating", disable=not progress, file=sys.stderr
    ) as bar:
        if workers == 1:
            results = [
                _run_part(out_dir, members, seed, start, end, 0, 1, 0, n_chunks, bar.update, world)
            ]
        else:
            results = _run_parallel(out_dir, members, seed, start, end, bounds, bar.update)
    for part in results:
        files += part["files"]
        rows = [a + b for a, b in zip(rows, part["rows"], strict=True)]
        for kind, n in part["malformed"].items():
            malformed[kind] = malformed.get(kind, 0) + n
    merge_truth(out_dir, workers)
    files += 3
    return GenerateResult(
        out_dir=out_dir,
        files=files,
        rows={e.name: n for e, n in zip(EXPORTS, rows, strict=True)},
        seconds=time.perf_counter() - began,
        members=members,
        seed=seed,
        start=start,
        end=end,
        workers=workers,
        malformed=malformed,
    )


def _run_part(
    out_dir: Path,
    members: int,
    seed: int,
    start: date,
    end: date,
    part: int,
    parts: int,
    chunk_lo: int,
    chunk_hi: int,
    report: Callable[[int], object],
    world: World | None = None,
) -> dict:
    """Generate chunks ``[chunk_lo, chunk_hi)`` into this part's files."""
    if world is None:
        world = World.build(seed, members, Clock(start, end))
    clock = world.clock
    plan = FilePlan(seed, len(clock.months))
    suffix = "" if parts == 1 else f"-p{part + 1}"
    exports = [k for k in range(len(EXPORTS)) if k not in GLOBAL_EXPORTS]
    writer = PartWriter(out_dir, plan, clock.months, suffix, exports=exports)
    truth = TruthWriter(out_dir / "_truth" / ".parts", part)
    try:
        for c in range(chunk_lo, chunk_hi):
            lo = c * CHUNK
            hi = min(members, lo + CHUNK)
            ctx = Chunk(world, c, writer.out, truth.buffers)
            for i in range(lo, hi):
                p = make_person(ctx, i)
                plan_purchases(ctx, p)
                plan_contact(ctx, p)
                plan_consents(ctx, p)
                plan_sends(ctx, p)
                write_orders(ctx, p)
                browse(ctx, p)
                write_members(ctx, p)
                write_mall_users(ctx, p)
                write_contact(ctx, p)
                write_erasure(ctx, p)
                write_nps(ctx, p)
                truth_row(ctx, p)
            write_walkins(ctx, c, round((hi - lo) * WALKIN_SHARE), lo)
            writer.flush(random.Random(f"{seed}:damage:{c}"), force=c == 0)
            truth.flush()
            report(hi - lo)
    finally:
        files = writer.close()
        truth.close()
    return {"files": files, "rows": writer.rows, "malformed": writer.malformed}


def _worker(args: tuple, q) -> None:
    part = args[5]
    try:
        result = _run_part(*args, lambda n: q.put(("progress", part, n)))
        q.put(("done", part, result))
    except BaseException:  # report any failure to the parent, then exit
        q.put(("error", part, traceback.format_exc()))


def _run_parallel(out_dir, members, seed, start, end, bounds, report) -> list[dict]:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    parts = len(bounds) - 1
    procs = []
    for part in range(parts):
        args = (out_dir, members, seed, start, end, part, parts, bounds[part], bounds[part + 1])
        proc = ctx.Process(target=_worker, args=(args, q), name=f"generate-p{part + 1}")
        proc.start()
        procs.append(proc)
    done: dict[int, dict] = {}
    try:
        while len(done) < parts:
            try:
                kind, part, payload = q.get(timeout=1.0)
            except queue.Empty:
                for k, proc in enumerate(procs):
                    if k not in done and not proc.is_alive() and q.empty():
                        raise RuntimeError(
                            f"generator worker {k + 1} died (exit code {proc.exitcode})"
                        ) from None
                continue
            if kind == "progress":
                report(payload)
            elif kind == "done":
                done[part] = payload
            else:
                raise RuntimeError(f"generator worker {part + 1} failed:\n{payload}")
    finally:
        for proc in procs:
            if proc.is_alive() and len(done) < parts:
                proc.terminate()
            proc.join()
    return [done[k] for k in range(parts)]
