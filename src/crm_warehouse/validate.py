"""Validation after a build: the checks that need the warehouse as a whole.

Row accounting: every non-blank record of every export file is either a raw row or a
rejected row. (dbt's data and unit tests run inside `dbt build`, among them the singular
test that the raw tables hold exactly the rows the manifest says were loaded.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb


@dataclass
class ValidationReport:
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(passed for _, passed, _ in self.checks)

    def add(self, name: str, passed: bool, detail: str) -> None:
        self.checks.append((name, passed, detail))

    def render(self) -> str:
        lines = [
            f"  [{'PASS' if p else 'FAIL'}] {name}: {detail}" for name, p, detail in self.checks
        ]
        return "\n".join(lines)


def validate(database: Path) -> ValidationReport:
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
    finally:
        con.close()
    return report
