"""The tag matrix on the demo's default sample: the catalogue, an independent Python
evaluation of every rule against the features, the wide/long forms, audiences and the
sensitive-tag rule, the generated docs, and adding a tag as one catalogue row."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from conftest import CRM, PROJECT_DIR, query, run_crm

DIMENSIONS = {
    "life_stage",
    "lifecycle",
    "consumption",
    "behaviour",
    "interaction",
    "region_store",
    "value_risk",
}
CATALOGUE = PROJECT_DIR / "seeds/tags/tag_definitions.csv"
BANDS = PROJECT_DIR / "seeds/tags/tag_bands.csv"


def _number(text: str) -> Decimal | None:
    return Decimal(text) if text not in ("", None) else None


def _expected_tags(database: Path, definitions: list[dict], bands: list[dict]) -> set[tuple]:
    """Evaluate every catalogue rule in Python on customer_features, as the seed's docs
    define the operators: range [min, max) with open blank bounds, in ('|' list), band
    (the band holding the value), value (the feature itself)."""
    con_rows = query(database, "select * from marts.customer_features")
    columns = [
        name
        for (name,) in query(
            database,
            "select column_name from information_schema.columns where table_schema = 'marts' "
            "and table_name = 'customer_features' order by ordinal_position",
        )
    ]
    bands_of = defaultdict(list)
    for band in bands:
        bands_of[band["tag_code"]].append(band)
    expected = set()
    for row in con_rows:
        features = dict(zip(columns, row, strict=True))
        customer_id = features["customer_id"]
        for tag in definitions:
            value = features[tag["feature_code"]]
            if value is None:
                continue
            operator = tag["rule_operator"]
            if operator == "range":
                low, high = _number(tag["min_value"]), _number(tag["max_value"])
                number = Decimal(str(value))
                if (low is None or number >= low) and (high is None or number < high):
                    expected.add((customer_id, tag["tag_code"], "true"))
            elif operator == "in":
                text = value if isinstance(value, str) else str(value)
                if text in tag["match_value"].split("|"):
                    expected.add((customer_id, tag["tag_code"], "true"))
            elif operator == "band":
                number = Decimal(str(value))
                for band in bands_of[tag["tag_code"]]:
                    low, high = _number(band["min_value"]), _number(band["max_value"])
                    if (low is None or number >= low) and (high is None or number < high):
                        expected.add((customer_id, tag["tag_code"], band["band_code"]))
            elif operator == "value":
                expected.add((customer_id, tag["tag_code"], str(value)))
    return expected


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_catalogue_has_120_tags_across_every_dimension() -> None:
    definitions = _read_csv(CATALOGUE)
    assert len(definitions) >= 120
    assert {tag["dimension"] for tag in definitions} == DIMENSIONS
    assert len({tag["tag_code"] for tag in definitions}) == len(definitions)
    sensitive = {tag["tag_code"] for tag in definitions if tag["is_sensitive"] == "true"}
    assert {"pregnancy_month_6", "baby_1_3y", "baby_age_band"} <= sensitive


def test_every_rule_agrees_with_an_independent_evaluation(
    default_sample: tuple[Path, Path],
) -> None:
    _, database = default_sample
    expected = _expected_tags(database, _read_csv(CATALOGUE), _read_csv(BANDS))
    actual = set(
        query(database, "select customer_id, tag_code, tag_value from marts.customer_tags")
    )
    assert actual - expected == set()
    assert expected - actual == set()
    assert len(actual) > 100000
    # the wide form, read column by column here (not through the long form's SQL)
    codes = [tag["tag_code"] for tag in _read_csv(CATALOGUE)]
    wide = set()
    for row in query(
        database, f"select customer_id, {', '.join(codes)} from marts.customer_tag_matrix"
    ):
        for code, value in zip(codes, row[1:], strict=True):
            if value is True:
                wide.add((row[0], code, "true"))
            elif value not in (None, False):
                wide.add((row[0], code, value))
    assert wide == expected


def test_wide_form_has_one_column_per_tag_and_one_row_per_customer(
    default_sample: tuple[Path, Path],
) -> None:
    _, database = default_sample
    codes = {tag["tag_code"] for tag in _read_csv(CATALOGUE)}
    columns = {
        name
        for (name,) in query(
            database,
            "select column_name from information_schema.columns where table_schema = 'marts' "
            "and table_name = 'customer_tag_matrix'",
        )
    }
    assert columns == codes | {"customer_id", "tags_carried", "as_of_date"}
    [(rows, customers, flagged)] = query(
        database,
        "select count(*), count(distinct customer_id), "
        "sum(case when loyal_fan then 1 else 0 end) from marts.customer_tag_matrix",
    )
    [(dim_customers,)] = query(database, "select count(*) from marts.dim_customers")
    [(loyal_fans,)] = query(
        database, "select count(*) from marts.customer_tags where tag_code = 'loyal_fan'"
    )
    assert rows == customers == dim_customers
    assert flagged == loyal_fans > 0


def test_coverage_is_plausible_and_audiences_respect_sensitive_tags(
    default_sample: tuple[Path, Path],
) -> None:
    _, database = default_sample
    implausible = query(
        database,
        "select tag_code, coverage_share from marts.tag_coverage "
        "where (customers = 0 or customers = total_customers) and coverage_note is null",
    )
    assert implausible == []
    sizes = {
        row[0]: row[1:]
        for row in query(
            database,
            "select audience_code, qualifying_customers, excluded_sensitive_customers, members, "
            "uses_sensitive_tags from marts.audience_sizes",
        )
    }
    # A marketing audience on a sensitive tag sends to nobody by default ...
    qualifying, excluded, members, uses_sensitive = sizes["toddler_clothing_cross_sell"]
    assert uses_sensitive and qualifying > 0 and excluded == qualifying and members == 0
    # ... and the guide's 1:1 list may use one.
    assert sizes["pregnant_m6_milk_community"][3] is True
    assert sizes["pregnant_m6_milk_community"][1] == 0
    [(sensitive_in_marketing,)] = query(
        database,
        "select count(*) from marts.audience_members where uses_sensitive_tags "
        "and target_channel <> 'guide'",
    )
    assert sensitive_in_marketing == 0
    assert sizes["high_value_winback"][2] > 0
    [(with_summary,)] = query(
        database,
        "select count(*) from marts.customer_tag_summary s join marts.dim_customers c "
        "using (customer_id) where c.purchases > 0 and s.tag_summary_zh like '% · %'",
    )
    assert with_summary > 1000


def test_generated_tag_docs_are_up_to_date(default_sample: tuple[Path, Path]) -> None:
    _, database = default_sample
    result = run_crm("tags", "docs", "--check", "--database", str(database), check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _project_copy(target: Path) -> Path:
    for name in ("models", "macros", "seeds", "tests", "analyses"):
        shutil.copytree(PROJECT_DIR / name, target / name)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy2(PROJECT_DIR / name, target / name)
    return target


def test_adding_a_tag_is_one_catalogue_row(
    default_sample: tuple[Path, Path], tmp_path: Path
) -> None:
    _, database = default_sample
    project = _project_copy(tmp_path / "project")
    with (project / "seeds/tags/tag_definitions.csv").open("a", encoding="utf-8") as handle:
        handle.write(
            "toy_collector,behaviour,玩具收藏家,Toy collector,"
            "Bought toys in 2 or 3 purchases in 12 months.,flag,orders_12m_toys,range,2,4,,"
            "false,,\n"
        )
    copy = tmp_path / "crm.duckdb"
    shutil.copy2(database, copy)
    shutil.copy2(
        database.with_name(database.name + ".hash-secret"), tmp_path / "crm.duckdb.hash-secret"
    )
    [(as_of,)] = query(copy, "select max(as_of_date) from marts.customer_features")
    env = dict(os.environ, CRM_PROJECT_DIR=str(project), DBT_TARGET_PATH=str(tmp_path / "target"))

    def crm(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CRM, *args], capture_output=True, text=True, env=env, cwd=project, check=False
        )

    built = crm(
        "build",
        "--database",
        str(copy),
        "--as-of",
        as_of.isoformat(),
        "--select",
        "tag_definitions+",
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    carried = {
        customer_id
        for (customer_id,) in query(
            copy, "select customer_id from marts.customer_tags where tag_code = 'toy_collector'"
        )
    }
    measured = {
        customer_id
        for (customer_id,) in query(
            copy,
            "select customer_id from marts.customer_features where orders_12m_toys in (2, 3)",
        )
    }
    assert carried == measured and len(carried) > 0
    [(in_matrix,)] = query(
        copy, "select count(*) from marts.customer_tag_matrix where toy_collector"
    )
    [(rule_en,)] = query(
        copy, "select rule_en from marts.tag_catalog where tag_code = 'toy_collector'"
    )
    assert in_matrix == len(carried)
    assert rule_en == "orders_12m_toys >= 2 and < 4"
    stale = crm("tags", "docs", "--check", "--database", str(copy))
    assert stale.returncode != 0 and "_tags__generated.yml" in stale.stderr + stale.stdout
    assert crm("tags", "docs", "--database", str(copy)).returncode == 0
    assert crm("tags", "docs", "--check", "--database", str(copy)).returncode == 0
    assert "toy_collector" in (project / "models/marts/tags/_tags__catalog.md").read_text("utf-8")


def test_tags_docs_fails_clearly_without_a_warehouse(tmp_path: Path) -> None:
    result = run_crm("tags", "docs", "--database", str(tmp_path / "none.duckdb"), check=False)
    assert result.returncode != 0
    assert "none.duckdb" in result.stderr + result.stdout
