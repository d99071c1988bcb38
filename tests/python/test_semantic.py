"""The semantic layer: `mf validate-configs` passes (semantics and the warehouse's
tables), `mf query` of the governed metrics equals the KPI marts, and the dashboard's
numbers equal `mf query`."""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path

import pytest

from crm_warehouse.dashboard import data_kpis
from crm_warehouse.dashboard.db import connect
from crm_warehouse.dashboard.metrics import governed_metrics
from dashboard_support import metricflow_project, run_mf

from conftest import SmallWarehouse, query

STICKINESS = [
    "active_customers",
    "repeat_purchase_rate",
    "active_arpu",
    "high_value_share",
    "wakeup_rate",
    "activation_rate",
]


@pytest.fixture(scope="module")
def warehouse(small_warehouse: SmallWarehouse) -> tuple[Path, Path]:
    return small_warehouse.database, small_warehouse.serving


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, warehouse: tuple[Path, Path]) -> Path:
    return metricflow_project(tmp_path_factory, warehouse[0])


def mf_query(project: Path, database: Path, out: Path, *args: str) -> list[dict[str, str]]:
    completed = run_mf(project, database, "query", *args, "--csv", str(out), "--quiet")
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    with out.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def as_float(value: str | None) -> float | None:
    return None if value in (None, "", "None", "nan") else float(value)


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def month_of(value: str) -> date:
    return date.fromisoformat(value[:10]).replace(day=1)


def test_validate_configs_against_the_warehouse(
    project: Path, warehouse: tuple[Path, Path]
) -> None:
    completed = run_mf(project, warehouse[0], "validate-configs")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-4000:]
    assert "Successfully validated the semantics of built manifest" in output
    assert "ERRORS: 0" in output


def test_stickiness_metrics_equal_kpi_stickiness(
    project: Path, warehouse: tuple[Path, Path], tmp_path: Path
) -> None:
    database = warehouse[0]
    rows = mf_query(
        project,
        database,
        tmp_path / "stickiness.csv",
        "--metrics",
        ",".join(STICKINESS),
        "--group-by",
        "metric_time__month",
    )
    mart = {
        row[0].replace(day=1): row[1:]
        for row in query(
            database,
            "select month_end, active_customers, repeat_purchase_rate, active_arpu, "
            "high_value_share, wakeup_rate, activation_rate from marts.kpi_stickiness "
            "where window_months = 3",
        )
    }
    compared = 0
    for row in rows:
        month = month_of(row["metric_time__month"])
        if month not in mart:
            # the time spine's months before the data: nothing to compare, all empty
            assert not as_float(row["active_customers"])
            continue
        for name, expected in zip(STICKINESS, mart[month], strict=True):
            expected_value = None if expected is None else float(expected)
            assert close(as_float(row[name]), expected_value), (month, name, row[name], expected)
        compared += 1
    assert compared == len(mart) > 0


def test_repurchase_nps_and_campaign_metrics_equal_the_marts(
    project: Path, warehouse: tuple[Path, Path], tmp_path: Path
) -> None:
    database = warehouse[0]
    repurchase = mf_query(
        project,
        database,
        tmp_path / "repurchase.csv",
        "--metrics",
        "new_customer_repurchase_rate,nps",
        "--group-by",
        "metric_time__month",
    )
    by_month = {month_of(row["metric_time__month"]): row for row in repurchase}
    expected_repurchase = query(
        database,
        "select first_purchase_month, sum(repurchased_customers) / "
        "nullif(sum(elapsed_new_customers), 0) from marts.kpi_new_customer_repurchase "
        "group by 1",
    )
    assert expected_repurchase
    for month, rate in expected_repurchase:
        assert close(as_float(by_month[month]["new_customer_repurchase_rate"]), rate), month
    expected_nps = query(
        database,
        "select response_month, 100.0 * (sum(promoters) - sum(detractors)) / "
        "nullif(sum(valid_responses), 0) from marts.kpi_nps group by 1",
    )
    assert expected_nps
    for month, nps in expected_nps:
        assert close(as_float(by_month[month]["nps"]), nps), month

    campaign = mf_query(
        project,
        database,
        tmp_path / "campaign.csv",
        "--metrics",
        "campaign_conversion_rate,campaign_roi,treated_sends",
    )
    assert len(campaign) == 1
    [(conversion, roi, sends)] = query(
        database,
        "select sum(conversions) / nullif(sum(sends), 0), "
        "sum(attributed_revenue) / nullif(sum(variant_cost), 0), sum(sends) "
        "from marts.campaign_performance where not is_control",
    )
    assert sends and sends > 0
    assert close(as_float(campaign[0]["treated_sends"]), float(sends))
    assert close(as_float(campaign[0]["campaign_conversion_rate"]), conversion)
    assert close(as_float(campaign[0]["campaign_roi"]), None if roi is None else float(roi))


def test_dashboard_overview_equals_mf_query(
    project: Path, warehouse: tuple[Path, Path], tmp_path: Path
) -> None:
    database, serving = warehouse
    rows = mf_query(
        project,
        database,
        tmp_path / "overview.csv",
        "--metrics",
        ",".join([*STICKINESS, "campaign_conversion_rate", "campaign_roi"]),
        "--group-by",
        "metric_time__month",
    )
    governed = {month_of(row["metric_time__month"]): row for row in rows}
    con = connect(serving)
    try:
        trend = data_kpis.stickiness_trend(con, 3, 600)
        totals = data_kpis.campaign_totals(con)
    finally:
        con.close()
    assert len(trend) > 0
    for record in trend.to_dict("records"):
        row = governed[record["month_end"].date().replace(day=1)]
        for name in STICKINESS:
            value = record[name]
            shown = None if value is None or value != value else float(value)
            assert close(shown, as_float(row[name])), (record["month_end"], name)
    whole = mf_query(
        project,
        database,
        tmp_path / "campaign_totals.csv",
        "--metrics",
        "campaign_conversion_rate,campaign_roi",
    )[0]
    assert close(totals["campaign_conversion_rate"], as_float(whole["campaign_conversion_rate"]))
    assert close(totals["campaign_roi"], as_float(whole["campaign_roi"]))


def test_saved_query_runs(project: Path, warehouse: tuple[Path, Path], tmp_path: Path) -> None:
    rows = mf_query(
        project, warehouse[0], tmp_path / "saved.csv", "--saved-query", "headline_kpis_monthly"
    )
    assert rows and {"active_customers", "repeat_purchase_rate"} <= set(rows[0])


def test_dashboard_labels_come_from_the_governed_metrics() -> None:
    metrics = governed_metrics()
    for name in [*STICKINESS, "nps", "new_customer_repurchase_rate", "campaign_roi"]:
        assert name in metrics, name
        assert metrics[name].label_zh != metrics[name].label_en
        assert metrics[name].description
