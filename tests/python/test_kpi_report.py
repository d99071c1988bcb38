"""`crm report weekly`: the headline KPIs of the latest month end.

Two layers: the report's choices (which month, cohort, NPS month and campaign it shows,
and the figures recomputed from numerators and denominators) on a hand-made warehouse
with known rows, and the command end to end on the small generated dataset built
through the KPI and campaign marts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from crm_warehouse.report import ReportError, render_weekly, weekly_summary

from conftest import query, run_crm

HAND_MADE = """
create schema marts;
create table marts.kpi_stickiness as
select * from (values
    (3, date '2024-05-31', date '2024-02-29', 10, 5, 1000.00, 1, 10),
    (3, date '2024-06-30', date '2024-03-31', 8, 2, 1200.00, 3, 12),
    (6, date '2024-06-30', date '2023-12-31', 20, 9, 3000.00, 3, 12)
) as t (window_months, month_end, window_start_date, active_customers, repeat_customers,
        net_revenue, high_value_customers, tier_holders);
create table marts.kpi_new_customer_repurchase as
select * from (values
    (date '2024-04-01', 'store', 30, 10, 2, true),
    (date '2024-04-01', 'mall', 30, 6, 2, true),
    (date '2024-05-01', 'store', 30, 8, 4, false),
    (date '2024-05-01', 'mall', 30, 2, 1, true),
    (date '2024-06-01', 'store', 30, 0, 0, false)
) as t (first_purchase_month, first_purchase_channel, repurchase_days,
        elapsed_new_customers, repurchased_customers, is_complete);
create table marts.kpi_nps as
select * from (values
    (date '2024-06-01', 'store', 5, 1, 8),
    (date '2024-06-01', 'mall', 1, 2, 4),
    (date '2024-05-01', 'store', 10, 0, 10)
) as t (response_month, touchpoint, promoters, detractors, valid_responses);
create table marts.campaign_performance as
select * from (values
    ('C1', 'big but old', 'a', 0.30, 0.40, 0.10, 0.001, true, false, date '2024-03-31'),
    ('C2', 'in window', 'a', 0.05, 0.15, 0.10, 0.2, false, false, date '2024-04-01'),
    ('C2', 'in window', 'b', 0.08, 0.18, 0.10, 0.01, true, false, date '2024-06-30'),
    ('C2', 'in window', 'control', null, 0.10, null, null, null, true, date '2024-06-30'),
    ('C3', 'after', 'a', 0.50, 0.60, 0.10, 0.0, true, false, date '2024-07-01')
) as t (campaign_id, campaign_name, variant, lift, conversion_rate, control_conversion_rate,
        p_value, is_significant, is_control, last_sent_date);
"""


@pytest.fixture()
def hand_made(tmp_path: Path) -> Path:
    database = tmp_path / "hand.duckdb"
    con = duckdb.connect(str(database))
    try:
        con.execute(HAND_MADE)
    finally:
        con.close()
    return database


def test_report_takes_the_latest_month_end_and_recomputes_from_counts(hand_made: Path) -> None:
    summary = weekly_summary(hand_made, 3)
    assert str(summary.month_end) == "2024-06-30"
    values = {h.label.split(" (")[0]: (h.value, h.detail) for h in summary.headlines}
    assert values["active customers"][0] == "8"
    # 2 / 8 repeat buyers
    assert values["repeat purchase rate"] == ("25.0%", "2 / 8")
    # 1200 / 8 active customers
    assert values["active ARPU"][0] == "¥150.00"
    # 3 / 12 tier holders
    assert values["high-value share"][0] == "25.0%"


def test_report_uses_the_latest_complete_cohort_over_both_channels(hand_made: Path) -> None:
    # May is incomplete in the store channel, so April: (2 + 2) / (10 + 6) = 25%,
    # not the average of the two channels' rates (20% and 33.3%)
    line = next(h for h in weekly_summary(hand_made, 3).headlines if "repurchase" in h.label)
    assert line.label.startswith("new-customer 30-day repurchase")
    assert line.value == "25.0%"
    assert "2024-04" in line.detail


def test_report_nps_of_the_month_over_touchpoints(hand_made: Path) -> None:
    # June: 100 * ((5 + 1) - (1 + 2)) / (8 + 4) = 25.0
    line = next(h for h in weekly_summary(hand_made, 3).headlines if h.label.startswith("NPS"))
    assert line.value == "25.0"
    assert "12 valid responses in 2024-06" in line.detail


def test_report_best_campaign_among_variants_sent_in_the_window(hand_made: Path) -> None:
    # window (2024-03-31, 2024-06-30]: C1 ended on the window start, C3 after it; the
    # control has no lift; C2 b (+8.0 pts) beats C2 a (+5.0 pts)
    line = next(h for h in weekly_summary(hand_made, 3).headlines if "campaign" in h.label)
    assert line.value == "C2 b: +8.0 pts"
    assert "p=0.0100 (significant)" in line.detail


def test_report_other_window(hand_made: Path) -> None:
    summary = weekly_summary(hand_made, 6)
    assert summary.headlines[0].value == "20"
    assert "(2023-12-31, 2024-06-30]" in render_weekly(summary)


def test_report_window_without_rows_is_an_error(hand_made: Path) -> None:
    with pytest.raises(ReportError, match="12-month window"):
        weekly_summary(hand_made, 12)


def test_report_empty_denominators_show_na(tmp_path: Path) -> None:
    database = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(database))
    try:
        con.execute(HAND_MADE)
        con.execute("update marts.kpi_stickiness set active_customers = 0, repeat_customers = 0")
        con.execute("delete from marts.kpi_nps")
        con.execute("delete from marts.campaign_performance")
    finally:
        con.close()
    values = {h.label.split(" (")[0]: h.value for h in weekly_summary(database, 3).headlines}
    assert values["repeat purchase rate"] == "n/a"
    assert values["active ARPU"] == "n/a"
    assert values["NPS"] == "n/a"
    assert values["best campaign by lift"] == "n/a"


@pytest.fixture(scope="module")
def built(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small generated dataset ingested and built through the KPI and campaign marts."""
    raw = tmp_path_factory.mktemp("kpi_report") / "raw"
    shutil.copytree(small_raw, raw)
    database = raw.parent / "crm.duckdb"
    run_crm("ingest", "--raw-dir", str(raw), "--database", str(database), "--quiet")
    # an explicit as-of date builds in one dbt step; cautious indirect selection keeps
    # out the tests of models outside this selection
    run_crm(
        "build",
        "--database",
        str(database),
        "--as-of",
        "2024-12-31",
        "--select",
        "+path:models/marts/kpi",
        "+path:models/marts/campaign",
        "--indirect-selection",
        "cautious",
    )
    return database


def test_weekly_report_command_prints_the_headline_kpis(built: Path) -> None:
    result = run_crm("report", "weekly", "--database", str(built))
    out = result.stdout
    for label in (
        "active customers",
        "repeat purchase rate",
        "new-customer 30-day repurchase",
        "active ARPU",
        "high-value share",
        "NPS",
        "best campaign by lift",
    ):
        assert label in out
    ((month_end, active, repeat),) = query(
        built,
        "select month_end, active_customers, repeat_customers from marts.kpi_stickiness "
        "where window_months = 3 order by month_end desc limit 1",
    )
    assert f"month end {month_end:%Y-%m-%d}" in out
    assert f"{active:,}" in out
    assert f"{100 * repeat / active:.1f}%" in out
    assert f"{repeat:,} / {active:,}" in out


def test_weekly_report_command_fails_clearly_without_marts(tmp_path: Path) -> None:
    database = tmp_path / "bare.duckdb"
    duckdb.connect(str(database)).close()
    result = run_crm("report", "weekly", "--database", str(database), check=False)
    assert result.returncode == 1
    assert "crm: error:" in result.stderr and "kpi_stickiness" in result.stderr


def test_weekly_report_command_on_missing_database(tmp_path: Path) -> None:
    result = run_crm("report", "weekly", "--database", str(tmp_path / "nope.duckdb"), check=False)
    assert result.returncode == 1
    assert "no such database" in result.stderr


def test_weekly_report_command_has_help() -> None:
    result = run_crm("report", "weekly", "--help")
    assert "Usage: crm report weekly" in result.stdout
