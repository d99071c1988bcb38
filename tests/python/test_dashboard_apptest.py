"""Each dashboard page through Streamlit's AppTest (no browser) on a small published
warehouse: it renders without an exception, shows its charts, and its numbers equal
independent SQL on the marts, with and without filters; the audience builder keeps to
the contact rules; the customer lookup shows no raw personal data."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from crm_warehouse.dashboard import data_customers, data_tags
from crm_warehouse.dashboard.db import ENV_DASHBOARD_DATABASE, Filters, connect
from crm_warehouse.dashboard.metrics import governed_metrics

from conftest import SmallWarehouse, query, run_crm


def page_script(page: str) -> None:
    from crm_warehouse.dashboard.app import main

    main(page)


@pytest.fixture(scope="module")
def serving(small_warehouse: SmallWarehouse) -> Iterator[Path]:
    serving = small_warehouse.serving
    previous = os.environ.get(ENV_DASHBOARD_DATABASE)
    os.environ[ENV_DASHBOARD_DATABASE] = str(serving)
    yield serving
    if previous is None:
        os.environ.pop(ENV_DASHBOARD_DATABASE, None)
    else:
        os.environ[ENV_DASHBOARD_DATABASE] = previous


def run_page(page: str, **sidebar: list[str]) -> AppTest:
    at = AppTest.from_function(page_script, args=(page,), default_timeout=120)
    at.run()
    for key, values in sidebar.items():
        at.sidebar.multiselect(key=key).set_value(values)
    if sidebar:
        at.run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [element.value for element in at.exception]
    assert not at.error, [element.value for element in at.error]


def charts(at: AppTest) -> list:
    return list(at.get("vega_lite_chart"))


def metric_values(at: AppTest) -> dict[str, str]:
    return {element.label: element.value for element in at.metric}


def test_overview_headline_kpis_and_trends(serving: Path) -> None:
    at = run_page("overview")
    metrics = governed_metrics()
    values = metric_values(at)
    [(active, previous, rate)] = query(
        serving,
        "select active_customers, lag(active_customers) over (order by month_end), "
        "repeat_purchase_rate from marts.kpi_stickiness where window_months = 3 "
        "qualify month_end = max(month_end) over ()",
    )
    assert values[metrics["active_customers"].label_zh] == f"{active:,}"
    assert values[metrics["repeat_purchase_rate"].label_zh] == f"{rate:.1%}"
    delta = next(m.delta for m in at.metric if m.label == metrics["active_customers"].label_zh)
    if previous:
        assert delta == f"{(active - previous) / previous:+.1%}"
    for name in ("nps", "new_customer_repurchase_rate", "campaign_roi"):
        assert metrics[name].label_zh in values
    assert len(charts(at)) >= 9

    at.radio(key="window").set_value(6).run()
    assert_clean(at)
    [(active_6,)] = query(
        serving,
        "select active_customers from marts.kpi_stickiness where window_months = 6 "
        "qualify month_end = max(month_end) over ()",
    )
    assert metric_values(at)[metrics["active_customers"].label_zh] == f"{active_6:,}"

    at.sidebar.radio(key="lang").set_value("en").run()
    assert_clean(at)
    assert metrics["active_customers"].label_en in metric_values(at)


def test_overview_selected_customers(serving: Path) -> None:
    [(region,)] = query(
        serving,
        "select region from marts.dim_customers where region is not null "
        "group by 1 order by count(*) desc limit 1",
    )
    at = run_page("overview", regions=[region])
    [(active,)] = query(
        serving,
        "select count(*) from marts.customer_lifecycle_history as h "
        "inner join marts.dim_customers as c on h.customer_id = c.customer_id "
        "where h.is_active and c.region = ? "
        "and h.month_end = (select max(month_end) from marts.customer_lifecycle_history)",
        [region],
    )
    label = governed_metrics()["active_customers"].label_zh
    shown = [m.value for m in at.metric if m.label == label]
    assert len(shown) == 2  # the whole base, then the selected customers
    assert shown[1] == f"{active:,}"


def test_lifecycle_page_and_migration_matrix(serving: Path) -> None:
    at = run_page("lifecycle")
    assert len(charts(at)) == 3
    con = connect(serving)
    try:
        month = data_customers.latest_month_end(con)
        matrix = data_customers.migration_matrix(con, Filters(), month)
        [(region,)] = query(
            serving, "select region from marts.dim_customers where region is not null limit 1"
        )
        filtered = data_customers.migration_matrix(con, Filters(regions=(region,)), month)
        shares = data_customers.stage_shares(con, Filters(), 12)
    finally:
        con.close()
    expected = dict(
        query(
            serving,
            "select migration_direction, count(*) from marts.lifecycle_migration "
            "where month_end = ? group by 1",
            [month],
        )
    )
    assert matrix.groupby("migration_direction")["customers"].sum().to_dict() == expected
    assert {"forward", "backward"} <= set(expected)
    [(in_region,)] = query(
        serving,
        "select count(*) from marts.lifecycle_migration as m "
        "inner join marts.dim_customers as c on m.customer_id = c.customer_id "
        "where m.month_end = ? and c.region = ?",
        [month, region],
    )
    assert int(filtered["customers"].sum()) == in_region
    for total in shares.groupby("month_end")["share"].sum():
        assert total == pytest.approx(1.0)


def test_rfm_page_grid_totals(serving: Path) -> None:
    at = run_page("rfm")
    assert len(charts(at)) == 2
    assert len(at.dataframe) == 1
    [(store,)] = query(
        serving,
        "select home_store_id from marts.dim_customers where home_store_id is not null "
        "group by 1 order by count(*) desc limit 1",
    )
    con = connect(serving)
    try:
        grid = data_customers.rfm_grid(con, Filters())
        store_grid = data_customers.rfm_grid(con, Filters(stores=(store,)))
    finally:
        con.close()
    [(customers, revenue)] = query(
        serving, "select count(*), sum(monetary) from marts.customer_rfm"
    )
    assert int(grid["customers"].sum()) == customers
    assert float(grid["revenue"].sum()) == pytest.approx(float(revenue))
    [(in_store,)] = query(
        serving,
        "select count(*) from marts.customer_rfm as r inner join marts.dim_customers as c "
        "on r.customer_id = c.customer_id where c.home_store_id = ?",
        [store],
    )
    assert int(store_grid["customers"].sum()) == in_store
    filtered = run_page("rfm", stores=[store])
    assert len(charts(filtered)) == 2


def test_tiers_page(serving: Path) -> None:
    at = run_page("tiers")
    assert len(charts(at)) >= 1
    con = connect(serving)
    try:
        members = data_customers.tier_members(con, Filters())
        counts, closest = data_customers.close_to_next_tier(con, Filters(), 300.0, limit=10)
    finally:
        con.close()
    expected_members = dict(
        query(
            serving,
            "select tier_code, count(*) from marts.customer_tier_history "
            "where month_end = (select max(month_end) from marts.customer_tier_history) "
            "group by 1",
        )
    )
    assert dict(zip(members["tier_code"], members["customers"], strict=True)) == expected_members
    expected_close = dict(
        query(
            serving,
            "select next_tier_code, count(*) from marts.customer_tiers "
            "where spend_to_next_tier <= 300 and next_tier_code is not null group by 1",
        )
    )
    assert dict(zip(counts["next_tier_code"], counts["customers"], strict=True)) == expected_close
    assert (closest["spend_to_next_tier"] <= 300).all()
    assert closest["spend_to_next_tier"].is_monotonic_increasing


def test_tags_page_coverage_and_audience_builder(serving: Path) -> None:
    at = run_page("tags")
    assert len(charts(at)) == 1
    [(tag,)] = query(
        serving,
        "select tag_code from marts.tag_coverage where not is_sensitive and value_type = 'flag' "
        "order by customers desc limit 1",
    )
    at.multiselect(key="all_of").set_value([tag])
    at.selectbox(key="audience_channel").set_value("sms")
    at.run()
    assert_clean(at)
    [(matched, contactable)] = query(
        serving,
        f"select count(*), count(*) filter (where c.may_contact) "
        f"from marts.customer_tag_matrix as m left join marts.audience_contact_list as c "
        f"on m.customer_id = c.customer_id and c.channel = 'sms' where m.\"{tag}\"",
    )
    values = metric_values(at)
    assert values["符合标签的客户"] == f"{matched:,}"
    assert values["可联系客户"] == f"{contactable:,}"
    assert len(at.get("download_button")) == 1

    con = connect(serving)
    try:
        coverage = data_tags.coverage(con, Filters())
    finally:
        con.close()
    expected = dict(query(serving, "select tag_code, customers from marts.tag_coverage"))
    assert dict(zip(coverage["tag_code"], coverage["customers"], strict=True)) == expected


def test_audience_export_respects_the_contact_rules(serving: Path) -> None:
    con = connect(serving)
    try:
        [(sensitive,)] = query(
            serving,
            "select tag_code from marts.tag_coverage where is_sensitive and customers > 0 "
            "order by customers desc limit 1",
        )
        for channel in data_tags.contact_channels(con):
            spec = data_tags.AudienceSpec(
                any_of=(data_tags.Condition("store_only"), data_tags.Condition("mall_only")),
                none_of=(data_tags.Condition("omnichannel"),),
                channel=channel,
            )
            ids = set(data_tags.audience_customer_ids(con, spec, Filters()))
            allowed = {
                row[0]
                for row in query(
                    serving,
                    "select customer_id from marts.audience_contact_list "
                    "where channel = ? and may_contact",
                    [channel],
                )
            }
            matched = {
                row[0]
                for row in query(
                    serving,
                    "select customer_id from marts.customer_tag_matrix "
                    "where (store_only or mall_only) and not coalesce(omnichannel, false)",
                )
            }
            assert ids == matched & allowed
            result = data_tags.build_audience(con, spec, Filters())
            assert result.contactable == len(ids)
            assert result.matched == len(matched)

            sensitive_spec = data_tags.AudienceSpec(
                all_of=(data_tags.Condition(sensitive),), channel=channel
            )
            sensitive_ids = set(data_tags.audience_customer_ids(con, sensitive_spec, Filters()))
            covered = {
                row[0]
                for row in query(
                    serving,
                    "select customer_id from marts.audience_contact_list where channel = ? "
                    "and may_contact and may_use_sensitive_tags",
                    [channel],
                )
            }
            assert sensitive_ids <= covered
            assert data_tags.build_audience(con, sensitive_spec, Filters()).uses_sensitive_tags
        with pytest.raises(data_tags.AudienceError):
            data_tags.build_audience(
                con,
                data_tags.AudienceSpec(all_of=(data_tags.Condition('x"; drop table t; --'),)),
                Filters(),
            )
    finally:
        con.close()


def test_campaigns_page(serving: Path) -> None:
    at = run_page("campaigns")
    assert len(at.dataframe) >= 2
    assert len(charts(at)) >= 1
    campaign = at.selectbox(key="campaign").value
    expected = query(
        serving,
        "select variant, sends, conversions from marts.campaign_performance "
        "where campaign_id = ? order by is_control desc, variant",
        [campaign],
    )
    shown = at.dataframe[1].value
    assert list(zip(shown["variant"], shown["sends"], shown["conversions"], strict=True)) == [
        tuple(row) for row in expected
    ]


def test_customer_lookup_shows_no_raw_personal_data(serving: Path) -> None:
    [(customer_id, masked)] = query(
        serving,
        "select c.customer_id, c.mobile_masked from marts.dim_customers as c "
        "inner join marts.customer_tiers as t on c.customer_id = t.customer_id "
        "where c.mobile_masked is not null order by c.customer_id limit 1",
    )
    at = run_page("lookup")
    at.text_input(key="lookup_term").input(customer_id).run()
    assert_clean(at)
    assert any(customer_id in element.value for element in at.subheader)
    assert len(at.metric) >= 7
    texts = [
        str(element.value) for element in at.main.children.values() if hasattr(element, "value")
    ]
    for frame in at.dataframe:
        texts.append(frame.value.to_string())
    for text in texts:
        assert not re.search(r"(?<!\d)1\d{10}(?!\d)", text), text

    at.text_input(key="lookup_term").input(masked).run()
    assert_clean(at)
    con = connect(serving)
    try:
        found = data_customers.find_customers(con, masked)
        by_full_number = data_customers.find_customers(con, masked.replace("****", "0000"))
    finally:
        con.close()
    assert customer_id in set(found["customer_id"])
    assert list(by_full_number["customer_id"]) == list(found["customer_id"])


def test_crm_dashboard_needs_a_serving_copy(tmp_path: Path) -> None:
    database = tmp_path / "crm.duckdb"
    completed = run_crm("dashboard", "--database", str(database), check=False)
    assert completed.returncode == 1
    assert "crm.serving.duckdb: no serving copy" in completed.stderr
    assert "crm publish" in completed.stderr
