"""Overview and campaign data: the KPI and campaign marts, rates recomputed as
sum(numerator) / sum(denominator) exactly as the governed metrics define them
(models/semantic/_semantic__metrics.yml)."""

from __future__ import annotations

import duckdb
import pandas as pd

from crm_warehouse.dashboard.db import Filters, fetch_df

STICKINESS_KPIS = (
    "active_customers",
    "repeat_purchase_rate",
    "active_arpu",
    "high_value_share",
    "wakeup_rate",
    "activation_rate",
)


def stickiness_trend(
    con: duckdb.DuckDBPyConnection, window_months: int = 3, months: int = 24
) -> pd.DataFrame:
    """kpi_stickiness for one window W over the last `months` month ends, oldest first,
    with each KPI recomputed from its numerator and denominator."""
    return fetch_df(
        con,
        """
        select
            month_end,
            active_customers,
            repeat_customers,
            net_revenue,
            orders,
            high_value_customers,
            tier_holders,
            repeat_customers / nullif(active_customers, 0) as repeat_purchase_rate,
            net_revenue / nullif(active_customers, 0) as active_arpu,
            net_revenue / nullif(orders, 0) as average_order_value,
            high_value_customers / nullif(tier_holders, 0) as high_value_share,
            sleeping_buyers / nullif(sleeping_at_start, 0) as wakeup_rate,
            lost_buyers / nullif(lost_at_start, 0) as activation_rate
        from marts.kpi_stickiness
        where window_months = ?
        qualify row_number() over (order by month_end desc) <= ?
        order by month_end
        """,
        [window_months, months],
    )


def headline(trend: pd.DataFrame) -> dict[str, tuple[float | None, float | None]]:
    """(latest, previous month) of every stickiness KPI of a trend frame."""
    result: dict[str, tuple[float | None, float | None]] = {}
    for kpi in STICKINESS_KPIS:
        values = trend[kpi].tolist() if kpi in trend else []
        latest = _number(values[-1]) if values else None
        previous = _number(values[-2]) if len(values) > 1 else None
        result[kpi] = (latest, previous)
    return result


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def month_over_month(latest: float | None, previous: float | None) -> float | None:
    """Relative change from the previous month (None when either is missing or 0)."""
    if latest is None or previous in (None, 0):
        return None
    return (latest - previous) / abs(previous)  # type: ignore[operator]


def first_purchase_channels(filters: Filters) -> tuple[str, ...]:
    """The first-purchase channels (store, mall) a purchase-channel filter covers:
    store-only customers first bought in a store, mall-only online, omnichannel either."""
    if not filters.channels:
        return ()
    covered: set[str] = set()
    for channel in filters.channels:
        if channel in ("store", "omnichannel"):
            covered.add("store")
        if channel in ("mall", "omnichannel"):
            covered.add("mall")
    return tuple(sorted(covered)) or ("none",)


def new_customer_repurchase_trend(
    con: duckdb.DuckDBPyConnection, channels: tuple[str, ...] = (), months: int = 24
) -> pd.DataFrame:
    """新客30天复购率 by first-purchase month (complete months only), optionally for some
    first-purchase channels."""
    where = "true"
    params: list = []
    if channels:
        where = f"first_purchase_channel in ({', '.join('?' for _ in channels)})"
        params.extend(channels)
    return fetch_df(
        con,
        f"""
        select
            first_purchase_month,
            sum(new_customers) as new_customers,
            sum(elapsed_new_customers) as elapsed_new_customers,
            sum(repurchased_customers) as repurchased_customers,
            sum(repurchased_customers) / nullif(sum(elapsed_new_customers), 0)
                as new_customer_repurchase_rate
        from marts.kpi_new_customer_repurchase
        where is_complete and {where}
        group by first_purchase_month
        qualify row_number() over (order by first_purchase_month desc) <= ?
        order by first_purchase_month
        """,
        [*params, months],
    )


def nps_trend(con: duckdb.DuckDBPyConnection, months: int = 24) -> pd.DataFrame:
    """NPS by response month over every touchpoint: 100 * (promoters - detractors) /
    valid responses."""
    return fetch_df(
        con,
        """
        select
            response_month,
            sum(valid_responses) as valid_responses,
            sum(promoters) as promoters,
            sum(detractors) as detractors,
            100.0 * (sum(promoters) - sum(detractors)) / nullif(sum(valid_responses), 0)
                as nps
        from marts.kpi_nps
        group by response_month
        qualify row_number() over (order by response_month desc) <= ?
        order by response_month
        """,
        [months],
    )


def community_trend(
    con: duckdb.DuckDBPyConnection, stores: tuple[str, ...] = (), months: int = 24
) -> pd.DataFrame:
    """社群转化率 by join month (complete months only), optionally for some stores."""
    where = "true"
    params: list = []
    if stores:
        where = f"store_id in ({', '.join('?' for _ in stores)})"
        params.extend(stores)
    return fetch_df(
        con,
        f"""
        select
            join_month,
            sum(elapsed_joiners) as elapsed_joiners,
            sum(converted_joiners) as converted_joiners,
            sum(converted_joiners) / nullif(sum(elapsed_joiners), 0)
                as community_conversion_rate
        from marts.kpi_community
        where is_complete and {where}
        group by join_month
        qualify row_number() over (order by join_month desc) <= ?
        order by join_month
        """,
        [*params, months],
    )


def segment_activity(
    con: duckdb.DuckDBPyConnection, filters: Filters, months: int = 24
) -> pd.DataFrame:
    """Active customers and repeat purchase rate (default window) of the filtered
    customers by month end, from bi_lifecycle_monthly (summed over all customers it
    equals kpi_stickiness for the default window)."""
    where, params = filters.where()
    return fetch_df(
        con,
        f"""
        with monthly as (
            select
                month_end,
                sum(active_customers) as active_customers,
                sum(repeat_customers) as repeat_customers,
                sum(customers) filter (where lifecycle_stage <> 'prospect') as buyers
            from semantic.bi_lifecycle_monthly
            where {where}
            group by month_end
        )
        select
            month_end,
            active_customers,
            repeat_customers,
            buyers,
            repeat_customers / nullif(active_customers, 0) as repeat_purchase_rate
        from monthly
        qualify row_number() over (order by month_end desc) <= ?
        order by month_end
        """,
        [*params, months],
    )


def campaign_totals(con: duckdb.DuckDBPyConnection) -> dict[str, float | None]:
    """Treated variants over every campaign: conversion rate and ROI (governed metrics
    campaign_conversion_rate and campaign_roi)."""
    frame = fetch_df(
        con,
        """
        select
            sum(conversions) / nullif(sum(sends), 0) as campaign_conversion_rate,
            sum(attributed_revenue) / nullif(sum(variant_cost), 0) as campaign_roi,
            sum(sends) as treated_sends
        from marts.campaign_performance
        where not is_control
        """,
    )
    row = frame.iloc[0]
    return {column: _number(row[column]) for column in frame.columns}


def campaigns(con: duckdb.DuckDBPyConnection, channels: tuple[str, ...] = ()) -> pd.DataFrame:
    """Campaigns (one row each) with their treated conversion rate and ROI, latest first."""
    where = "true"
    params: list = []
    if channels:
        where = f"channel in ({', '.join('?' for _ in channels)})"
        params.extend(channels)
    return fetch_df(
        con,
        f"""
        select
            campaign_id,
            any_value(campaign_name) as campaign_name,
            any_value(channel) as channel,
            any_value(objective) as objective,
            min(start_date) as start_date,
            sum(sends) filter (where not is_control) as treated_sends,
            sum(conversions) filter (where not is_control)
                / nullif(sum(sends) filter (where not is_control), 0) as conversion_rate,
            sum(attributed_revenue) filter (where not is_control)
                / nullif(sum(variant_cost) filter (where not is_control), 0) as roi,
            bool_or(coalesce(is_significant, false)) as has_significant_lift
        from marts.campaign_performance
        where {where}
        group by campaign_id
        order by start_date desc, campaign_id
        """,
        params,
    )


def campaign_variants(con: duckdb.DuckDBPyConnection, campaign_id: str) -> pd.DataFrame:
    """The variants of one campaign: conversion, lift over control with its confidence
    interval and p-value, revenue, cost and ROI."""
    return fetch_df(
        con,
        """
        select
            variant, is_control, sends, delivered_sends, open_rate, click_rate,
            conversions, conversion_rate, lift, lift_ci_lower, lift_ci_upper, relative_lift,
            p_value, is_significant, confidence_level, attributed_revenue, variant_cost, roi
        from marts.campaign_performance
        where campaign_id = ?
        order by is_control desc, variant
        """,
        [campaign_id],
    )


def campaign_wakeup(con: duckdb.DuckDBPyConnection, campaign_id: str) -> pd.DataFrame:
    """Wake-up and activation of one wake-up / win-back campaign per variant (empty for
    other objectives)."""
    return fetch_df(
        con,
        """
        select
            variant, sleeping_recipients, sleeping_buyers, wakeup_rate,
            lost_recipients, lost_buyers, activation_rate
        from marts.campaign_wakeup
        where campaign_id = ?
        order by is_control desc, variant
        """,
        [campaign_id],
    )


def campaign_channels(con: duckdb.DuckDBPyConnection) -> list[str]:
    frame = fetch_df(con, "select distinct channel from marts.campaign_performance order by 1")
    return [value for value in frame["channel"].tolist() if value is not None]
