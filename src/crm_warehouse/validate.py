"""Validation after a build: the checks that need the warehouse as a whole.

Row accounting: every non-blank record of every export file is either a raw row or a
rejected row, and the manifest agrees with what the raw tables hold. (dbt's own data and
unit tests run inside `dbt build`; expectation suites on the marts come with them.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from crm_warehouse.contract import EXPORTS


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
        mismatches = []
        for export in EXPORTS:
            rows = con.execute(
                f"""
                select m.source_file, m.rows_loaded, count(r._file_id)
                from audit.load_manifest as m
                left join raw.{export.name} as r on r._file_id = m.file_id
                where m.export_name = ?
                group by m.file_id, m.source_file, m.rows_loaded
                having count(r._file_id) != m.rows_loaded
                """,
                [export.name],
            ).fetchall()
            mismatches += [f"{f}: manifest {m}, raw {n}" for f, m, n in rows]
        report.add(
            "manifest agrees with raw tables",
            not mismatches,
            "rows per file version match" if not mismatches else "; ".join(mismatches[:10]),
        )
    finally:
        con.close()
    return report
