"""engine_parity's value normalisation: what counts as the same value on DuckDB and
Spark (the comparison itself needs a Spark session: `make test-spark`)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from crm_warehouse.engine_parity import dbt_outputs, normalise


def test_money_compares_exactly_whatever_its_scale() -> None:
    assert normalise(Decimal("1.50")) == normalise(Decimal("1.5"))
    assert normalise(Decimal("12345678.91")) != normalise(Decimal("12345678.90"))
    assert normalise(Decimal("0.00")) == normalise(0)


def test_floats_compare_to_nine_significant_digits() -> None:
    assert normalise(0.1 + 0.2) == normalise(0.3)
    assert normalise(1234.5678901) != normalise(1234.5679901)
    assert normalise(float("nan")) == "nan"


def test_timestamps_lists_and_structs() -> None:
    aware = dt.datetime(2024, 3, 4, 16, 0, tzinfo=dt.UTC)
    assert normalise(aware) == dt.datetime(2024, 3, 4, 16, 0)
    assert normalise([Decimal("1.0"), None]) == (Decimal("1"), None)
    assert normalise({"b": 2.0, "a": Decimal("3.10")}) == (("a", Decimal("3.1")), ("b", 2.0))


def test_the_tables_compared_are_the_projects_models_and_seeds(tmp_path: Path) -> None:
    def node(kind: str, schema: str, alias: str, **config: object) -> dict:
        return {"resource_type": kind, "schema": schema, "alias": alias, "config": config}

    nodes = [
        node("model", "marts", "dim_customers", materialized="table"),
        node("model", "marts", "clv_model_params", materialized="table", enabled=True),
        node("seed", "reference", "tag_definitions"),
        node("model", "intermediate", "int_helper", materialized="ephemeral"),
        node("model", "marts", "switched_off", materialized="table", enabled=False),
        node("test", "audit", "not_null_x"),
    ]
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": {str(i): n for i, n in enumerate(nodes)}}))
    assert dbt_outputs(manifest) == {
        "marts.dim_customers",
        "marts.clv_model_params",
        "reference.tag_definitions",
    }
