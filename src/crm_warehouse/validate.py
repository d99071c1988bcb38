"""Validation after a build: the checks that need the warehouse as a whole.

Row accounting: every non-blank record of every export file is either a raw row or a
rejected row. (dbt's data and unit tests run inside `dbt build`, among them the singular
test that the raw tables hold exactly the rows the manifest says were loaded.)

Then the Great Expectations checkpoint over everything BI reads (gx_validation): its
report is attached to the validation report, and the validation fails when an
expectation fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from crm_warehouse.gx_validation import GxReport


@dataclass
class ValidationReport:
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    gx: GxReport | None = None

    @property
    def ok(self) -> bool:
        return all(passed for _, passed, _ in self.checks) and (self.gx is None or self.gx.ok)

    def add(self, name: str, passed: bool, detail: str) -> None:
        self.checks.append((name, passed, detail))

    def render(self) -> str:
        lines = [
            f"  [{'PASS' if p else 'FAIL'}] {name}: {detail}" for name, p, detail in self.checks
        ]
        if self.gx is not None:
            lines.append(self.gx.render())
        return "\n".join(lines)


def _staging_accounting(con: duckdb.DuckDBPyConnection, report: ValidationReport) -> None:
    """Every raw row is staged, rejected by a staging value check, or superseded by a
    newer version (audit.staging_row_accounting); with the rejections by severity.
    Skipped on a warehouse built before those audit models existed."""
    try:
        unbalanced = con.execute(
            "select model_name, source_file, raw_rows, staged_rows, rejected_rows, "
            "superseded_rows from audit.staging_row_accounting where not is_balanced "
            "order by model_name, source_file"
        ).fetchall()
        by_severity = dict(
            con.execute(
                "select severity, count(*) from audit.staging_rejections group by 1"
            ).fetchall()
        )
    except duckdb.CatalogException:
        return
    report.add(
        "every raw row staged, rejected or superseded",
        not unbalanced,
        (
            f"{by_severity.get('rejected', 0):,} rows rejected, "
            f"{by_severity.get('flagged', 0):,} values flagged (audit.staging_rejections)"
        )
        if not unbalanced
        else "unbalanced: "
        + "; ".join(
            f"{m} {f}: raw {r} != staged {st} + rejected {rj} + superseded {sp}"
            for m, f, r, st, rj, sp in unbalanced
        ),
    )


def validate(
    database: Path, *, great_expectations: bool = True, docs_dir: Path | None = None
) -> ValidationReport:
    """Row accounting, then (unless great_expectations is false) the GX checkpoint,
    whose Data Docs go to docs_dir (default <database folder>/gx/data_docs)."""
    report = ValidationReport()
    con = duckdb.connect(str(database), read_only=True)
    try:
        unbalanced = con.execute(
            "select source_file, records_read, rows_loaded, rows_rejected "
            "from audit.row_accounting where not is_balanced order by source_file"
        ).fetchall()
        files = con.execute("select count(*) from audit.row_accounting").fetchall()[0][0]
        report.add(
            "every record loaded or rejected",
            not unbalanced,
            f"{files} file versions balanced"
            if not unbalanced
            else "unbalanced: "
            + "; ".join(
                f"{f} read {r} != loaded {lo} + rejected {rj}" for f, r, lo, rj in unbalanced
            ),
        )
        _staging_accounting(con, report)
    finally:
        con.close()
    if great_expectations:
        from crm_warehouse.gx_validation import run_checkpoint

        report.gx = run_checkpoint(database, docs_dir=docs_dir)
    return report
