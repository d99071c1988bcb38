"""Files: one per export and month (and worker part), their encodings and damage.

A ``PartWriter`` buffers one chunk's rows per (export, month) and appends them to the
month's file, opened once with its header. The ``FilePlan`` decides per (export,
month), identically for every part, the encoding (UTF-8, UTF-8 with BOM, or GB18030
for some POS files) and whether the file carries an extra, undocumented column.
Malformed lines are injected at flush time, as corrupted copies of a neighbouring line.
"""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
import zlib
from collections.abc import Callable
from math import exp
from pathlib import Path

from ..contract import EXPORTS, Export
from . import mess as m

EX: dict[str, int] = {e.name: k for k, e in enumerate(EXPORTS)}
POS_MEMBERS = EX["pos__members"]
POS_ORDERS = EX["pos__orders"]
POS_ITEMS = EX["pos__order_items"]
MALL_USERS = EX["mall__users"]
MALL_ORDERS = EX["mall__orders"]
MALL_EVENTS = EX["mall__behavior_events"]
WECOM_CONTACTS = EX["wecom__contacts"]
WECOM_EVENTS = EX["wecom__group_events"]
PRODUCTS = EX["catalog__products"]
STORES = EX["catalog__stores"]
CAMPAIGNS = EX["marketing__campaigns"]
SENDS = EX["marketing__campaign_sends"]
CONSENTS = EX["privacy__consents"]
ERASURES = EX["privacy__erasure_requests"]
NPS = EX["service__nps_responses"]

#: Exports written once by the main process (reference data), not by the workers.
GLOBAL_EXPORTS = (PRODUCTS, STORES, CAMPAIGNS)

#: One malformed line per this many lines, on average.
MALFORMED_EVERY = 20_000

TRUTH_FILES: dict[str, tuple[str, ...]] = {
    "persons": (
        "person_id",
        "archetype",
        "is_prospect",
        "spend_segment",
        "home_store_id",
        "province",
        "registered_at",
        "has_baby",
        "baby_birthday",
        "due_date",
        "churn_month",
        "erased_at",
        "mobile",
        "shares_phone_with",
        "spouse_mobile",
        "unionid",
        "email",
        "member_cards",
        "openids",
        "wecom_contact",
        "group_joined_at",
    ),
    "record_owners": ("export", "record_key", "person_id"),
    "orders": ("export", "order_key", "person_id", "order_type"),
}


def _h(seed: int, *parts: object) -> int:
    return zlib.crc32("|".join(str(p) for p in (seed, *parts)).encode()) % 100


def _cashier(row: tuple) -> str:
    return f"C{zlib.crc32(row[0].encode()) % 40 + 1:03d}"


_TAGS = ("孕期", "新客", "高价值", "奶粉客", "活动达人", "")


def _tags(row: tuple) -> str:
    k = zlib.crc32(row[0].encode())
    return ";".join(sorted({_TAGS[k % 6], _TAGS[(k // 6) % 6]} - {""}))


_ONE_ROW = io.StringIO()
_ONE_WRITER = csv.writer(_ONE_ROW)


def _csv_lines(rows: list) -> str:
    """RFC 4180 lines (CRLF), as the csv module writes them, but faster.

    A row whose joined text has exactly one comma per separator and no quote or line
    break needs no quoting; any other row goes through the csv module.
    """
    out = []
    append = out.append
    for row in rows:
        line = ",".join(row)
        if line.count(",") != len(row) - 1 or '"' in line or "\n" in line or "\r" in line:
            _ONE_ROW.seek(0)
            _ONE_ROW.truncate()
            _ONE_WRITER.writerow(row)
            line = _ONE_ROW.getvalue()[:-2]
        append(line)
    out.append("")
    return "\r\n".join(out)


class FilePlan:
    """Encoding and extra column per (export, month); identical for every part."""

    def __init__(self, seed: int, n_months: int) -> None:
        self.seed = seed
        self.n_months = n_months
        last = n_months - 1
        self.extra: dict[tuple[int, int], tuple[str, Callable[[tuple], str]]] = {
            (POS_ORDERS, min(1, last)): ("cashier_id", _cashier),
            (WECOM_CONTACTS, min(2, last)): ("tags", _tags),
        }

    def encoding(self, ex: int, month: int) -> str:
        e = EXPORTS[ex]
        if e.fmt == "jsonl":
            return "utf-8"
        h = _h(self.seed, e.name, month)
        if e.channel == "pos" and ((ex == POS_MEMBERS and month == 0) or h < 20):
            return "gb18030"  # an older till system
        if (ex == WECOM_CONTACTS and month == 0) or h >= 88:
            return "utf-8-sig"
        return "utf-8"


def file_name(label: str, suffix: str, e: Export) -> str:
    return f"{label}{suffix}{e.suffix}"


class PartWriter:
    """Writes one worker's part of every (export, month) file."""

    def __init__(
        self, out_dir: Path, plan: FilePlan, months: list[str], suffix: str, exports=None
    ) -> None:
        self.out_dir = out_dir
        self.plan = plan
        self.months = months
        self.suffix = suffix
        self.exports = range(len(EXPORTS)) if exports is None else exports
        self.out: list[list[list]] = [[[] for _ in months] for _ in EXPORTS]
        self.handles: dict[tuple[int, int], tuple] = {}
        self.rows = [0] * len(EXPORTS)
        self.malformed: dict[str, int] = {
            "csv_field_count": 0,
            "json_truncated": 0,
            "undecodable_bytes": 0,
        }

    def _handle(self, ex: int, month: int):
        key = (ex, month)
        h = self.handles.get(key)
        if h is None:
            e = EXPORTS[ex]
            folder = self.out_dir / e.folder
            folder.mkdir(parents=True, exist_ok=True)
            enc = self.plan.encoding(ex, month)
            fh = open(  # noqa: SIM115 - kept open across chunks, closed in close()
                folder / file_name(self.months[month], self.suffix, e),
                "w",
                encoding=enc,
                errors="surrogateescape",
                newline="",
                buffering=1 << 16,  # one is open per (export, month): keep it small
            )
            writer = None
            extra = self.plan.extra.get(key)
            if e.fmt == "csv":
                writer = csv.writer(fh)
                writer.writerow(e.columns + ((extra[0],) if extra else ()))
            h = (fh, writer, extra, enc)
            self.handles[key] = h
        return h

    def flush(self, rng: random.Random | None = None, force: bool = False) -> None:
        """Write the buffered rows, injecting malformed lines when ``rng`` is given."""
        if rng is not None:
            self._damage(rng, force)
        for ex in self.exports:
            for month, rows in enumerate(self.out[ex]):
                if not rows:
                    continue
                fh, writer, extra, _ = self._handle(ex, month)
                self.rows[ex] += len(rows)
                if writer is None:
                    fh.write("\n".join(rows))
                    fh.write("\n")
                else:
                    if extra:
                        fn = extra[1]
                        rows = [(*r, fn(r)) if not isinstance(r, list) else r for r in rows]
                    fh.write(_csv_lines(rows))
                self.out[ex][month] = []

    def _damage(self, rng: random.Random, force: bool) -> None:
        """Insert corrupted copies of lines: about one per ``MALFORMED_EVERY`` lines."""
        total = 0
        for ex in self.exports:
            for rows in self.out[ex]:
                total += len(rows)
        # Poisson number of bad lines in this chunk.
        lam = total / MALFORMED_EVERY
        n, prod, limit = 0, rng.random(), exp(-lam)
        while prod > limit:
            n += 1
            prod *= rng.random()
        picks: list[tuple[str, int, int]] = []
        if force:  # the first chunk: one of each kind, in fixed places
            picks += [
                ("csv_field_count", POS_ORDERS, -1),
                ("json_truncated", MALL_ORDERS, -1),
                ("undecodable_bytes", WECOM_CONTACTS, -1),
            ]
        keys = [(ex, mo) for ex in self.exports for mo in range(len(self.months))]
        for _ in range(n):
            pos = int(rng.random() * total)
            for ex, mo in keys:
                size = len(self.out[ex][mo])
                if pos < size:
                    kinds = ["undecodable_bytes"]
                    if EXPORTS[ex].fmt == "csv":
                        kinds.append("csv_field_count")
                    else:
                        kinds.append("json_truncated")
                    picks.append((kinds[int(rng.random() * 2)], ex, mo * 10_000_000 + pos))
                    break
                pos -= size
        for kind, ex, where in picks:
            if where < 0:  # forced: the first month with rows in a fitting file
                months = [
                    mo
                    for mo in range(len(self.months))
                    if self.out[ex][mo]
                    and (kind != "undecodable_bytes" or self.plan.encoding(ex, mo) == "utf-8")
                ]
                if not months:
                    continue
                mo, pos = months[0], 0
            else:
                mo, pos = divmod(where, 10_000_000)
            rows = self.out[ex][mo]
            if pos >= len(rows):
                continue
            row = rows[pos]
            if isinstance(row, list):  # already a bad line
                continue
            if kind == "undecodable_bytes" and self.plan.encoding(ex, mo) == "gb18030":
                kind = "csv_field_count"
            if EXPORTS[ex].fmt == "csv":
                bad = (
                    m.wrong_field_count(row)
                    if kind == "csv_field_count"
                    else m.undecodable_row(row)
                )
                bad = list(bad)  # a list marks a line that is not a record
            else:
                bad = m.truncated_json(row) if kind == "json_truncated" else m.undecodable_json(row)
            rows.insert(pos, bad)
            self.rows[ex] -= 1  # counted as a line at flush, but it is no record
            self.malformed[kind] += 1

    def close(self) -> int:
        for fh, *_ in self.handles.values():
            fh.close()
        return len(self.handles)


class TruthWriter:
    """One worker's part of the ``_truth`` files (merged by the main process)."""

    def __init__(self, parts_dir: Path, part: int) -> None:
        parts_dir.mkdir(parents=True, exist_ok=True)
        self.buffers: tuple[list, list, list] = ([], [], [])
        self.files = [
            open(parts_dir / f"{name}.{part}.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
            for name in TRUTH_FILES
        ]
        if part == 0:  # the first part becomes the merged file: it carries the header
            for fh, columns in zip(self.files, TRUTH_FILES.values(), strict=True):
                fh.write(_csv_lines([columns]))

    def flush(self) -> None:
        for fh, rows in zip(self.files, self.buffers, strict=True):
            fh.write(_csv_lines(rows))
            rows.clear()

    def close(self) -> None:
        for fh in self.files:
            fh.close()


def merge_truth(out_dir: Path, parts: int) -> None:
    """Concatenate the workers' truth parts under one header each."""
    truth = out_dir / "_truth"
    parts_dir = truth / ".parts"
    for name in TRUTH_FILES:
        target = truth / f"{name}.csv"
        os.replace(parts_dir / f"{name}.0.csv", target)
        with open(target, "ab") as out:
            for part in range(1, parts):
                with open(parts_dir / f"{name}.{part}.csv", "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
    shutil.rmtree(parts_dir)
