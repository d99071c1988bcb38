"""The Great Expectations checkpoint over what BI reads (schema `marts`) and the
identity map (`pii.customer_identity_map`).

`run_checkpoint(database)`:

1. lists the warehouse's schemas: every table of schema `marts` needs a suite in
   gx_suites (the "schema coverage" suite fails, naming the table, when one has none,
   when a suite's table is missing, or when a mart is a view);
2. reduces each table in DuckDB, set-based, to its witness rows (gx_profile: a subset
   of the table on which every column expectation holds exactly when it holds on the
   whole table) plus whole-table observations for the summary;
3. builds the aggregate frames: row counts against the previous run
   (audit.gx_row_counts), RFM score shares with their percent-rank bounds, lifecycle
   stage shares per window;
4. runs one GX Checkpoint (`crm_warehouse`) over every frame with GX's pandas route
   (one ExpectationSuite and one ValidationDefinition per frame, the frame handed to
   GX as a small parquet file), builds GX Data Docs (HTML), records this run's row
   counts, and returns a report whose `render()` is the summary: per suite the
   expectations passed and failed, and per failure the table, column, expectation
   and the value observed on the whole table.

Why the pandas route on reduced frames, not GX on SQL: GX's SQL route needs
SQLAlchemy and duckdb-engine (not in the lock) and fails on DuckDB unless one
connection is kept open (toolchain-notes); the pandas route on whole tables would
hold a 35M-row mart in memory at 1.2M members. Witness rows keep GX's own expectation
types (so the Data Docs read as GX suites) while DuckDB does the scanning.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from crm_warehouse import gx_profile
from crm_warehouse.gx_suites import (
    BI_SCHEMAS,
    EXPANSION_VIEWS,
    SUITES,
    ExtraChecks,
    Range,
    Seed,
    TableSuite,
    Values,
    Var,
    dbt_project_vars,
)

ENV_ROW_COUNT_TOLERANCE = "CRM_GX_ROW_COUNT_TOLERANCE"
DEFAULT_ROW_COUNT_TOLERANCE = 0.2
ENV_DOCS_DIR = "CRM_GX_DOCS_DIR"
DOCS_SITE = "crm_warehouse"
CHECKPOINT = "crm_warehouse"
# A column added to every frame: what a row is (the table's key, the aggregate's row),
# so that GX's unexpected-index lists and the Data Docs name the rows that fail.
ROW_LABEL = "row_label"
SUMMARY_FILE = "summary.txt"


class GxConfigError(ValueError):
    """A setting of the checkpoint is invalid."""


def default_docs_dir(database: Path) -> Path:
    """Data Docs go beside the warehouse: <database folder>/gx/data_docs."""
    return database.resolve().parent / "gx" / "data_docs"


def row_count_tolerance() -> float:
    """Largest accepted relative change of a table's row count against the previous
    accepted run (env CRM_GX_ROW_COUNT_TOLERANCE, default 0.2 = +-20%)."""
    raw = os.environ.get(ENV_ROW_COUNT_TOLERANCE)
    if raw is None or raw.strip() == "":
        return DEFAULT_ROW_COUNT_TOLERANCE
    try:
        value = float(raw)
    except ValueError:
        raise GxConfigError(f"{ENV_ROW_COUNT_TOLERANCE}={raw!r} is not a number") from None
    if not value >= 0:
        raise GxConfigError(f"{ENV_ROW_COUNT_TOLERANCE}={raw!r} must be 0 or more (0.2 = 20%)")
    return value


# ---- frames: a pandas frame, the expectations on it, how to explain a failure -----


@dataclass
class Check:
    expectation: Any
    column: str
    # GX's result dict -> what was observed (on the whole table where known).
    observe: Callable[[dict[str, Any]], str]


@dataclass
class Frame:
    suite: str
    table: str
    data: pd.DataFrame
    checks: list[Check] = field(default_factory=list)
    notes: str = ""


@dataclass
class Failure:
    suite: str
    table: str
    column: str
    expectation: str
    observed: str

    def render(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        return f"{where}: {self.expectation}: {self.observed}"


@dataclass
class SuiteResult:
    suite: str
    table: str
    evaluated: int
    passed: int
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and self.passed == self.evaluated


@dataclass
class GxReport:
    run_id: str
    suites: list[SuiteResult] = field(default_factory=list)
    docs_index: Path | None = None
    seconds: float = 0.0
    # Wall seconds of each phase: profile (DuckDB), validate (GX), data docs, record.
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(suite.ok for suite in self.suites)

    @property
    def failures(self) -> list[Failure]:
        return [failure for suite in self.suites for failure in suite.failures]

    def render(self) -> str:
        evaluated = sum(s.evaluated for s in self.suites)
        passed = sum(s.passed for s in self.suites)
        width = max((len(s.suite) for s in self.suites), default=10)
        lines = [
            f"Great Expectations checkpoint (run {self.run_id}): {len(self.suites)} suites, "
            f"{evaluated} expectations, {passed} passed, {evaluated - passed} failed "
            f"({self.seconds:.1f}s"
            + "".join(f"; {name} {seconds:.1f}s" for name, seconds in self.timings.items())
            + ")"
        ]
        for suite in self.suites:
            status = "PASS" if suite.ok else "FAIL"
            lines.append(
                f"  [{status}] {suite.suite:<{width}}  {suite.passed}/{suite.evaluated} passed"
            )
            lines += [f"         - {failure.render()}" for failure in suite.failures]
        lines += [f"  warning: {warning}" for warning in self.warnings]
        if self.docs_index is not None:
            lines.append(f"  Data Docs: {self.docs_index}")
        return "\n".join(lines)


# ---- formatting ------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value) if isinstance(value, str) else str(value)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _gx_observed(result: dict[str, Any]) -> str:
    """What GX itself reports, for checks without a whole-table observation."""
    if "partial_unexpected_list" in result and result.get("unexpected_count"):
        shown = ", ".join(_fmt(v) for v in result["partial_unexpected_list"][:5])
        return f"{result['unexpected_count']:,} unexpected: {shown}"
    if result.get("partial_missing_list"):
        return "missing: " + ", ".join(_fmt(v) for v in result["partial_missing_list"][:10])
    if "observed_value" in result:
        return f"observed {_fmt(result['observed_value'])}"
    return "failed"


def _failing_labels(result: dict[str, Any]) -> list[str]:
    """The row labels of the rows GX found unexpected."""
    return [row[ROW_LABEL] for row in result.get("partial_unexpected_index_list") or []]


def _labelled(data: pd.DataFrame, labels: Any) -> pd.DataFrame:
    data = data.copy()
    data.insert(0, ROW_LABEL, pd.Series(labels, index=data.index, dtype="object"))
    return data


# ---- table suites ------------------------------------------------------------------


def _resolve_values(con: duckdb.DuckDBPyConnection, accepted: Seed | Var | Values) -> list[Any]:
    if isinstance(accepted, Seed):
        return gx_profile.resolve_seed(con, accepted.sql())
    if isinstance(accepted, Var):
        value = accepted.resolve()
        if isinstance(value, dict):
            return sorted(value, key=str)
        return list(value) if isinstance(value, list | tuple) else [value]
    return list(accepted.values)


def _resolve_bound(bound: Any) -> Any:
    return bound.resolve() if isinstance(bound, Var) else bound


def table_frame(
    con: duckdb.DuckDBPyConnection, spec: TableSuite, existing: list[str]
) -> tuple[Frame, gx_profile.TableProfile]:
    """The witness frame of one table and the expectations of its suite."""
    import great_expectations.expectations as gxe

    extra = spec.extra(existing) if spec.extra else ExtraChecks()
    accepted = {**spec.accepted, **extra.accepted}
    key = spec.key
    not_null = [c for c in dict.fromkeys((*spec.not_null, *extra.not_null)) if c not in key]
    ranges: dict[str, Range] = dict(spec.ranges)
    needed = list(dict.fromkeys((*key, *not_null, *accepted, *ranges)))
    present = [c for c in needed if c in existing]
    value_sets = {c: _resolve_values(con, a) for c, a in accepted.items()}
    bounds = {
        c: (_resolve_bound(r.min_value), _resolve_bound(r.max_value)) for c, r in ranges.items()
    }
    profile = gx_profile.profile_table(
        con,
        spec.table,
        key=key if all(c in existing for c in key) else (),
        not_null=[c for c in not_null if c in existing],
        accepted={c: value_sets[c] for c in accepted if c in existing},
        ranges={c: b for c, b in bounds.items() if c in existing},
        columns=present,
        nullable_key=spec.nullable_key,
    )
    rows = profile.rows
    checks: list[Check] = []

    def missing_columns(result: dict[str, Any]) -> str:
        missing = [c for c in needed if c not in existing]
        return "missing columns: " + ", ".join(missing) if missing else _gx_observed(result)

    checks.append(
        Check(
            gxe.ExpectTableColumnsToMatchSet(column_set=needed, exact_match=False),
            "",
            missing_columns,
        )
    )

    def duplicates(result: dict[str, Any]) -> str:
        if not profile.duplicate_keys:
            return _gx_observed(result)
        examples = "; ".join(
            f"{', '.join(_fmt(v) for v in values)} x{n}"
            for values, n in profile.duplicate_examples[:3]
        )
        return (
            f"{_count(profile.duplicate_keys, 'duplicated key')} in {_count(rows, 'row')}, "
            f"e.g. {examples}"
        )

    if len(key) == 1:
        checks.append(Check(gxe.ExpectColumnValuesToBeUnique(column=key[0]), key[0], duplicates))
    elif key:
        checks.append(
            Check(
                gxe.ExpectCompoundColumnsToBeUnique(column_list=list(key)),
                ", ".join(key),
                duplicates,
            )
        )

    def nulls_of(column: str) -> Callable[[dict[str, Any]], str]:
        def observe(result: dict[str, Any]) -> str:
            n = profile.nulls.get(column)
            return f"{n:,} null of {_count(rows, 'row')}" if n else _gx_observed(result)

        return observe

    checks += [
        Check(gxe.ExpectColumnValuesToNotBeNull(column=column), column, nulls_of(column))
        for column in (*(c for c in key if c not in spec.nullable_key), *not_null)
    ]

    def unknown_values(column: str) -> Callable[[dict[str, Any]], str]:
        def observe(result: dict[str, Any]) -> str:
            allowed = set(value_sets[column])
            unknown = [
                (v, n)
                for v, n in profile.values.get(column, [])
                if v is not None and v not in allowed
            ]
            if not unknown:
                return _gx_observed(result)
            shown = ", ".join(f"{_fmt(v)} ({_count(n, 'row')})" for v, n in unknown[:5])
            return f"values outside the accepted set ({accepted[column].source}): {shown}"

        return observe

    for column, accepted_set in accepted.items():
        checks.append(
            Check(
                gxe.ExpectColumnValuesToBeInSet(
                    column=column,
                    value_set=value_sets[column],
                    notes=f"Accepted values from {accepted_set.source}.",
                ),
                column,
                unknown_values(column),
            )
        )

    def out_of_range(column: str) -> Callable[[dict[str, Any]], str]:
        def observe(result: dict[str, Any]) -> str:
            seen = profile.ranges.get(column)
            if seen is None or not seen.outside:
                return _gx_observed(result)
            return (
                f"{seen.outside:,} of {_count(rows, 'row')} outside; "
                f"min {_fmt(seen.min_value)}, max {_fmt(seen.max_value)}"
            )

        return observe

    for column, rng in ranges.items():
        low, high = bounds[column]
        checks.append(
            Check(
                gxe.ExpectColumnValuesToBeBetween(
                    column=column,
                    min_value=low,
                    max_value=high,
                    notes=f"{rng.why.capitalize()}." if rng.why else None,
                ),
                column,
                out_of_range(column),
            )
        )
    notes = (
        f"{spec.table}: {rows:,} rows, validated on {len(profile.witnesses):,} witness rows "
        "(the first null of each not-null column, one row of each value outside its "
        "accepted set, the first row outside each range, two rows of every duplicated key, "
        f"and {gx_profile.SAMPLE_ROWS} rows of the table): each expectation holds on these "
        "rows exactly when it holds on the whole table (crm_warehouse.gx_profile). "
        "Unexpected counts in these pages count witness rows; the `crm validate` summary "
        "gives the whole-table counts."
    )
    witnesses = profile.witnesses
    key_present = [c for c in key if c in witnesses.columns]
    labels = (
        witnesses[key_present]
        .apply(lambda column: column.map(lambda v: "null" if pd.isna(v) else str(v)))
        .agg(" | ".join, axis=1)
        if key_present and len(witnesses)
        else ""
    )
    return Frame(spec.table, spec.table, _labelled(witnesses, labels), checks, notes), profile


# ---- aggregate suites ----------------------------------------------------------------


def coverage_frame(tables: dict[str, str]) -> Frame:
    """Every table of schema marts (and each suite's table) with whether a suite covers
    it: a new mart without a suite fails here. A view is covered only as a declared
    expansion of a table with a suite (EXPANSION_VIEWS)."""
    import great_expectations.expectations as gxe

    suited = [spec.table for spec in SUITES]
    expansions = [view for view, table in EXPANSION_VIEWS.items() if table in suited]
    covered = suited + expansions
    listed = sorted(
        {t for t in tables if t.split(".", 1)[0] in BI_SCHEMAS}
        | {t for t in covered if t in tables}
    )
    data = pd.DataFrame(
        {
            "table_name": listed,
            # a declared expansion view counts as validated through its table
            "table_type": ["BASE TABLE" if t in expansions else tables[t] for t in listed],
        },
        columns=["table_name", "table_type"],
    )

    def no_suite(result: dict[str, Any]) -> str:
        names = [t for t in listed if t not in covered]
        return (
            "BI tables without an expectation suite: "
            + ", ".join(names)
            + " (add a TableSuite to src/crm_warehouse/gx_suites.py)"
        )

    def no_table(result: dict[str, Any]) -> str:
        names = [t for t in suited if t not in tables]
        return "suites whose table does not exist (not built?): " + ", ".join(names)

    def views(result: dict[str, Any]) -> str:
        names = [t for t in listed if tables[t] != "BASE TABLE" and t not in expansions]
        return (
            "views that expand no validated table (materialize them as tables, or list "
            "them in gx_suites.EXPANSION_VIEWS): " + ", ".join(names)
        )

    checks = [
        Check(
            gxe.ExpectColumnValuesToBeInSet(column="table_name", value_set=covered),
            "",
            no_suite,
        ),
        Check(
            gxe.ExpectColumnDistinctValuesToContainSet(column="table_name", value_set=suited),
            "",
            no_table,
        ),
        Check(
            gxe.ExpectColumnValuesToBeInSet(column="table_type", value_set=["BASE TABLE"]),
            "",
            views,
        ),
    ]
    notes = (
        f"Every table of schemas {', '.join(BI_SCHEMAS)} needs an expectation suite "
        "(src/crm_warehouse/gx_suites.py); every suite needs its table."
    )
    data = _labelled(data, data["table_name"])
    return Frame("schema_coverage", f"schemas {', '.join(BI_SCHEMAS)}", data, checks, notes)


def row_count_frame(
    profiles: dict[str, gx_profile.TableProfile],
    previous: dict[str, tuple[int, str]],
    tolerance: float,
) -> Frame:
    import great_expectations.expectations as gxe

    specs = {spec.table: spec for spec in SUITES}
    rows = []
    for table, profile in sorted(profiles.items()):
        before, run_id = previous.get(table, (None, None))
        tracked = specs[table].track_row_count
        change = (profile.rows / before - 1) if tracked and before else None
        rows.append(
            {
                "table_name": table,
                "row_count": profile.rows,
                "previous_row_count": before,
                "previous_run_id": run_id,
                "row_count_change": change,
                "is_tracked": tracked,
            }
        )
    data = pd.DataFrame(
        rows,
        columns=[
            "table_name",
            "row_count",
            "previous_row_count",
            "previous_run_id",
            "row_count_change",
            "is_tracked",
        ],
    )
    data["row_count_change"] = data["row_count_change"].astype("float64")
    by_table = {row["table_name"]: row for row in rows}
    data = _labelled(data, data["table_name"])

    def changed(result: dict[str, Any]) -> str:
        parts = []
        for label in _failing_labels(result):
            row = by_table[label]
            parts.append(
                f"{row['table_name']}: {row['row_count']:,} rows, "
                f"{row['previous_row_count']:,} at run {row['previous_run_id']} "
                f"({row['row_count_change']:+.1%}, tolerance +-{tolerance:.0%})"
            )
        return "; ".join(parts) or _gx_observed(result)

    checks = [
        Check(
            gxe.ExpectColumnValuesToBeBetween(
                column="row_count_change",
                min_value=-tolerance,
                max_value=tolerance,
                notes=(
                    "Relative change of each table's row count against the latest run in "
                    f"which its count was accepted ({gx_profile.ROW_COUNTS_TABLE}); "
                    f"tolerance {ENV_ROW_COUNT_TOLERANCE}. Empty on the first run."
                ),
            ),
            "",
            changed,
        )
    ]
    untracked = ", ".join(
        f"{s.table} ({s.row_count_note})" for s in SUITES if not s.track_row_count
    )
    notes = (
        f"Row counts against the previous accepted run, tolerance +-{tolerance:.0%}. "
        f"Not compared, their size follows the day by design: {untracked}."
    )
    return Frame("row_counts", "row counts", data, checks, notes)


def rfm_share_frame(con: duckdb.DuckDBPyConnection) -> Frame:
    import great_expectations.expectations as gxe

    methods = dict(dbt_project_vars().get("rfm_score_method") or {})
    data = gx_profile.rfm_share_frame(con, methods)
    labels = [f"{r.dimension} score {r.score}" for r in data.itertuples(index=False)]
    by_label = dict(zip(labels, data.itertuples(index=False), strict=True))
    data = _labelled(data, labels)

    def outside(result: dict[str, Any]) -> str:
        parts = []
        for label in _failing_labels(result):
            row = by_label[label]
            parts.append(
                f"{row.dimension} score {row.score}: {row.share:.2%} of {row.total_customers:,} "
                f"not in [{row.min_share:.2%}, {row.max_share:.2%}] "
                f"(largest tie group {row.largest_tie_group:,})"
            )
        return "; ".join(parts) or _gx_observed(result)

    checks = [
        Check(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="share", column_B="min_share", or_equal=True
            ),
            "share",
            outside,
        ),
        Check(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="max_share", column_B="share", or_equal=True
            ),
            "share",
            outside,
        ),
    ]
    notes = (
        "Share of customers per RFM score for each dimension scored by percent rank "
        "(var rfm_score_method): score = min(5, 1 + floor(5 (rank - 1) / (n - 1))) gives "
        "each score 20% +- 1/n without ties; ties move at most G - 1 customers across a "
        "score boundary (G = the dimension's largest tie group), so each share lies in "
        "[(c_s - c_(s-1) - (G - 1)) / n, (c_s - c_(s-1) + (G - 1)) / n] with "
        "c_s = ceil(s (n - 1) / 5) (gx_profile.percent_rank_share_bounds)."
    )
    return Frame(
        "marts.customer_rfm.score_shares",
        "marts.customer_rfm",
        data,
        checks,
        notes,
    )


def lifecycle_share_frame(con: duckdb.DuckDBPyConnection) -> Frame:
    import great_expectations.expectations as gxe

    data = gx_profile.lifecycle_share_frame(con)
    stages = [c for c in data.columns if c.startswith("share_")]
    rows = {f"window {r['window_months']}": r for r in data.to_dict("records")}
    data = _labelled(data, list(rows))

    def described(columns: tuple[str, ...]) -> Callable[[dict[str, Any]], str]:
        def observe(result: dict[str, Any]) -> str:
            parts = []
            for label in _failing_labels(result):
                row = rows[label]
                values = ", ".join(f"{c} {_fmt(row.get(c))}" for c in columns)
                parts.append(f"window {row['window_months']} months: {values}")
            return "; ".join(parts) or _gx_observed(result)

        return observe

    checks = [
        Check(
            gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=1),
            column,
            described((column,)),
        )
        for column in stages
    ]
    pairs = [
        (
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="next_window_active_share",
                column_B="active_share",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                notes="A purchase in (D-W, D] is one in (D-W', D] for W' > W.",
            ),
            ("active_share", "next_window_active_share"),
        ),
        (
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="lost_share",
                column_B="next_window_lost_share",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                notes="A last purchase on or before D-4W' is one on or before D-4W for W' > W.",
            ),
            ("lost_share", "next_window_lost_share"),
        ),
        (
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="prospect_share",
                column_B="next_window_prospect_share",
                ignore_row_if="either_value_is_missing",
                notes="Prospects never purchased: the window does not change them.",
            ),
            ("prospect_share", "next_window_prospect_share"),
        ),
        (
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="customers",
                column_B="next_window_customers",
                ignore_row_if="either_value_is_missing",
                notes="Every customer known on or before D has one row per window.",
            ),
            ("customers", "next_window_customers"),
        ),
    ]
    checks += [Check(e, columns[0], described(columns)) for e, columns in pairs]
    notes = (
        "Lifecycle stage shares per window W (seed lifecycle_stages): each between 0 and 1, "
        "and the bounds that follow from the stage rules (domain.md): the active share "
        "cannot fall and the lost share cannot rise as W grows, the prospect share and "
        "the customers do not depend on W."
    )
    return Frame(
        "marts.customer_lifecycle.stage_shares",
        "marts.customer_lifecycle",
        data,
        checks,
        notes,
    )


# ---- running GX ---------------------------------------------------------------------


def _clean_docs(docs_dir: Path) -> None:
    """Remove the previous run's Data Docs (only what GX writes there)."""
    for name in ("expectations", "validations", "static"):
        shutil.rmtree(docs_dir / name, ignore_errors=True)
    for name in ("index.html", SUMMARY_FILE):
        (docs_dir / name).unlink(missing_ok=True)


def run_frames(
    frames: list[Frame],
    docs_dir: Path | None,
    run_name: str,
    timings: dict[str, float] | None = None,
) -> list[SuiteResult]:
    """Run the GX checkpoint: one ExpectationSuite and ValidationDefinition per frame
    (each frame a parquet file read by GX's pandas datasource), all in one Checkpoint;
    then build the Data Docs into docs_dir once. (GX's UpdateDataDocsAction rebuilds
    the whole site after each validation: 41 builds, about 20x slower.)"""
    timings = {} if timings is None else timings
    started = time.perf_counter()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        _clean_docs(docs_dir)
        context.add_data_docs_site(
            DOCS_SITE,
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    source = context.data_sources.add_pandas("warehouse")
    with tempfile.TemporaryDirectory(prefix="crm_gx_") as folder:
        definitions = []
        for n, frame in enumerate(frames):
            path = Path(folder) / f"frame_{n}.parquet"
            frame.data.to_parquet(path, index=False)
            batch = source.add_parquet_asset(frame.suite, path=path)
            for i, check in enumerate(frame.checks):
                check.expectation.meta = {"check": i, "table": frame.table}
            # One suite with every expectation at once: adding them one by one
            # re-serializes the whole suite each time (quadratic in its size).
            suite = context.suites.add(
                gx.ExpectationSuite(
                    name=frame.suite,
                    expectations=[check.expectation for check in frame.checks],
                    notes=frame.notes,
                )
            )
            definitions.append(
                context.validation_definitions.add(
                    gx.ValidationDefinition(
                        name=frame.suite,
                        data=batch.add_batch_definition_whole_dataframe("frame"),
                        suite=suite,
                    )
                )
            )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=CHECKPOINT,
                validation_definitions=definitions,
                result_format={
                    "result_format": "SUMMARY",
                    "unexpected_index_column_names": [ROW_LABEL],
                },
            )
        )
        run = checkpoint.run(run_id=RunIdentifier(run_name=run_name, run_time=datetime.now(UTC)))
    timings["checkpoint"] = time.perf_counter() - started
    if docs_dir is not None:
        started = time.perf_counter()
        context.build_data_docs(site_names=[DOCS_SITE])
        timings["data docs"] = time.perf_counter() - started
    by_suite = {result.suite_name: result for result in run.run_results.values()}
    results = []
    for frame in frames:
        outcome = SuiteResult(frame.suite, frame.table, 0, 0)
        for expectation_result in by_suite[frame.suite].results:
            outcome.evaluated += 1
            if expectation_result.success:
                outcome.passed += 1
                continue
            config = expectation_result.expectation_config
            check = frame.checks[int((config.meta or {})["check"])]
            exception = expectation_result.exception_info or {}
            if exception.get("raised_exception"):
                message = str(exception.get("exception_message") or "").splitlines()
                observed = "error: " + (message[0] if message else "unknown")
            else:
                observed = check.observe(dict(expectation_result.result or {}))
            outcome.failures.append(
                Failure(frame.suite, frame.table, check.column, config.type, observed)
            )
        results.append(outcome)
    return results


def run_checkpoint(
    database: Path,
    *,
    docs_dir: Path | None = None,
    tolerance: float | None = None,
    record_counts: bool = True,
) -> GxReport:
    """Validate the marts and the identity map; write Data Docs into docs_dir
    (default <database folder>/gx/data_docs); record this run's row counts."""
    t0 = started = time.perf_counter()
    tolerance = row_count_tolerance() if tolerance is None else tolerance
    docs_dir = default_docs_dir(database) if docs_dir is None else docs_dir
    run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    report = GxReport(run_id=run_id)
    frames: list[Frame] = []
    profiles: dict[str, gx_profile.TableProfile] = {}
    errors: list[SuiteResult] = []
    schemas = tuple(sorted({*BI_SCHEMAS, *(spec.table.split(".", 1)[0] for spec in SUITES)}))
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations  # noqa: F401  (seconds of imports: timed on their own)

    report.timings["import gx"] = time.perf_counter() - started
    started = time.perf_counter()
    con = gx_profile.connect(str(database))
    try:
        tables = gx_profile.list_tables(con, schemas)
        frames.append(coverage_frame(tables))

        def guarded(suite: str, table: str, build: Callable[[], Frame]) -> None:
            """A frame that cannot be built (a seed or column gone) is a failure of
            its suite, not a crash of the checkpoint."""
            try:
                frames.append(build())
            except (duckdb.Error, KeyError, ValueError) as exc:
                message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                failure = Failure(suite, table, "", "building the frame", f"error: {message}")
                errors.append(SuiteResult(suite, table, 1, 0, [failure]))

        def table_suite(spec: TableSuite) -> Frame:
            frame, profiles[spec.table] = table_frame(
                con, spec, gx_profile.table_columns(con, spec.table)
            )
            return frame

        for spec in SUITES:
            if tables.get(spec.table) == "BASE TABLE":
                guarded(spec.table, spec.table, partial(table_suite, spec))
        rfm, lifecycle = "marts.customer_rfm", "marts.customer_lifecycle"
        if tables.get(rfm) == "BASE TABLE":
            guarded(f"{rfm}.score_shares", rfm, partial(rfm_share_frame, con))
        if tables.get(lifecycle) == "BASE TABLE":
            guarded(f"{lifecycle}.stage_shares", lifecycle, partial(lifecycle_share_frame, con))
        previous = gx_profile.previous_row_counts(con)
        frames.append(row_count_frame(profiles, previous, tolerance))
    finally:
        con.close()
    report.timings["profile"] = time.perf_counter() - started
    report.suites = run_frames(frames, docs_dir, run_id, report.timings) + errors
    started_record = time.perf_counter()
    report.docs_index = docs_dir / "index.html"
    if record_counts and profiles:
        specs = {spec.table: spec for spec in SUITES}
        counts = []
        for table, profile in sorted(profiles.items()):
            before = previous.get(table, (None, None))[0]
            accepted = (
                not specs[table].track_row_count
                or not before
                or abs(profile.rows / before - 1) <= tolerance
            )
            counts.append((table, profile.rows, accepted))
        try:
            gx_profile.record_row_counts(str(database), run_id, counts)
        except duckdb.Error as exc:
            report.warnings.append(
                f"row counts not recorded in {gx_profile.ROW_COUNTS_TABLE}: {exc}".splitlines()[0]
            )
    report.timings["record"] = time.perf_counter() - started_record
    report.seconds = time.perf_counter() - t0
    # The summary beside the Data Docs, for whoever opens them (and `make demo`).
    (docs_dir / SUMMARY_FILE).write_text(report.render() + "\n", encoding="utf-8")
    return report
