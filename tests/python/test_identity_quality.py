"""Identity stitching quality against the generator's truth at the default sample size.

The targets of the identity issue hold "on generated data at default mess": at the
demo's default scale (20,000 members), where a store's checkout phone typed for
walk-ins carries the volume that makes it a hub. (A few hundred members give a store
too few walk-ins for any rule to tell its checkout phone from a regular's.)
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_crm


def test_identity_quality_meets_the_targets_at_the_default_scale(
    default_sample: tuple[Path, Path], tmp_path: Path
) -> None:
    raw, database = default_sample
    scores_file = tmp_path / "identity.json"
    result = run_crm(
        "evaluate",
        "identity",
        "--raw-dir",
        str(raw),
        "--database",
        str(database),
        "--json",
        str(scores_file),
        "--check",
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    scores = json.loads(scores_file.read_text(encoding="utf-8"))
    assert scores["pairwise_precision"] >= 0.99
    assert scores["bcubed_precision"] >= 0.995
    assert scores["recall_of_ceiling"] >= 0.97
    assert scores["largest_cluster"] <= 20
    assert scores["conflicting_customers"] == 0
    assert scores["records"] > 100000 and scores["failures"] == []
