"""Lifecycle, RFM, tier and customer-lookup data: sums over the bi_ aggregates
(models/semantic/bi) for the filtered customers, and point look-ups in the marts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from crm_warehouse.dashboard.db import Filters, fetch_df, fetch_rows

STAGE_ORDER = (
    "new_one_time",
    "new_repeat",
    "old_one_time",
    "old_repeat",
    "silent",
    "sleeping",
    "lost",
    "prospect",
)


def stage_labels(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Lifecycle stage codes with their Chinese and English names, in stage order."""
    frame = fetch_df(
        con,
        "select distinct lifecycle_stage, stage_name_zh, stage_name_en "
        "from marts.customer_lifecycle",
    )
    order = {stage: position for position, stage in enumerate(STAGE_ORDER)}
    frame["stage_order"] = frame["lifecycle_stage"].map(order).fillna(len(order))
    return frame.sort_values("stage_order").reset_index(drop=True)


def month_ends(con: duckdb.DuckDBPyConnection, months: int = 24) -> list:
    frame = fetch_df(
        con,
        "select distinct month_end from semantic.bi_lifecycle_monthly "
        "order by month_end desc limit ?",
        [months],
    )
    return sorted(frame["month_end"].tolist())


def stage_shares(
    con: duckdb.DuckDBPyConnection, filters: Filters, months: int = 24
) -> pd.DataFrame:
    """Customers per stage and month end and their share of the month's customers
    (prospects included), over the last `months` month ends."""
    where, params = filters.where()
    return fetch_df(
        con,
        f"""
        with recent as (
            select distinct month_end from semantic.bi_lifecycle_monthly
            order by month_end desc limit ?
        ),
        stages as (
            select monthly.month_end, monthly.lifecycle_stage, sum(monthly.customers) as customers
            from semantic.bi_lifecycle_monthly as monthly
            inner join recent on monthly.month_end = recent.month_end
            where {where}
            group by all
        )
        select
            month_end,
            lifecycle_stage,
            customers,
            customers / sum(customers) over (partition by month_end) as share
        from stages
        order by month_end, lifecycle_stage
        """,
        [months, *params],
    )


def migration_matrix(
    con: duckdb.DuckDBPyConnection, filters: Filters, month_end: object
) -> pd.DataFrame:
    """Stage moves into `month_end` from the previous month end: from, to, direction
    (forward 正向, backward 反向, within_active) and customers."""
    where, params = filters.where()
    return fetch_df(
        con,
        f"""
        select from_stage, to_stage, migration_direction, sum(customers) as customers
        from semantic.bi_lifecycle_migration_monthly
        where month_end = ? and {where}
        group by all
        order by from_stage, to_stage
        """,
        [month_end, *params],
    )


def migration_trend(
    con: duckdb.DuckDBPyConnection, filters: Filters, months: int = 24
) -> pd.DataFrame:
    """Forward and backward moves per month end."""
    where, params = filters.where()
    return fetch_df(
        con,
        f"""
        with recent as (
            select distinct month_end from semantic.bi_lifecycle_migration_monthly
            order by month_end desc limit ?
        )
        select migration.month_end, migration.migration_direction,
            sum(migration.customers) as customers
        from semantic.bi_lifecycle_migration_monthly as migration
        inner join recent on migration.month_end = recent.month_end
        where {where}
        group by all
        order by 1, 2
        """,
        [months, *params],
    )


def rfm_grid(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Customers and revenue (yuan) per R x F cell as of D."""
    where, params = filters.where()
    return fetch_df(
        con,
        f"""
        select r_score, f_score, sum(customers) as customers, sum(revenue) as revenue,
            sum(revenue) / sum(customers) as revenue_per_customer
        from semantic.bi_rfm_grid
        where {where}
        group by all
        order by r_score, f_score
        """,
        params,
    )


def rfm_segment_labels(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return fetch_df(
        con,
        "select distinct rfm_segment, rfm_segment_name_zh, rfm_segment_name_en "
        "from marts.customer_rfm order by rfm_segment",
    )


def rfm_segments(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per RFM segment: customers, revenue, its share, average recency and frequency."""
    where, params = filters.where()
    return fetch_df(
        con,
        f"""
        select
            rfm_segment,
            sum(customers) as customers,
            sum(revenue) as revenue,
            sum(revenue) / sum(sum(revenue)) over () as revenue_share,
            sum(recency_days_total) / sum(customers) as avg_recency_days,
            sum(purchases) / sum(customers) as avg_purchases
        from semantic.bi_rfm_grid
        where {where}
        group by rfm_segment
        order by revenue desc
        """,
        params,
    )


def rfm_segment_trend(
    con: duckdb.DuckDBPyConnection, filters: Filters, months: int = 24
) -> pd.DataFrame:
    """Active customers per month end of each current RFM segment (how today's segments
    were active over the past months)."""
    where, params = filters.where()
    return fetch_df(
        con,
        f"""
        with recent as (
            select distinct month_end from semantic.bi_lifecycle_monthly
            order by month_end desc limit ?
        )
        select monthly.month_end, monthly.rfm_segment,
            sum(monthly.active_customers) as active_customers
        from semantic.bi_lifecycle_monthly as monthly
        inner join recent on monthly.month_end = recent.month_end
        where monthly.rfm_segment <> 'none' and {where}
        group by all
        order by 1, 2
        """,
        [months, *params],
    )


def tier_labels(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return fetch_df(
        con,
        "select distinct tier_code, tier_name_zh, tier_name_en, tier_rank "
        "from marts.customer_tiers order by tier_rank",
    )


def tier_members(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Members per tier at the latest month end."""
    where, params = filters.where()
    return fetch_df(
        con,
        f"""
        select tier_code, sum(customers) as customers
        from semantic.bi_tier_monthly
        where month_end = (select max(month_end) from semantic.bi_tier_monthly) and {where}
        group by tier_code
        """,
        params,
    )


def tier_changes(
    con: duckdb.DuckDBPyConnection, filters: Filters, months: int = 24
) -> pd.DataFrame:
    """Upgrades and downgrades per month end."""
    where, params = filters.where()
    return fetch_df(
        con,
        f"""
        with recent as (
            select distinct month_end from semantic.bi_tier_monthly
            order by month_end desc limit ?
        )
        select tiers.month_end, tiers.tier_change, sum(tiers.customers) as customers
        from semantic.bi_tier_monthly as tiers
        inner join recent on tiers.month_end = recent.month_end
        where tiers.tier_change in ('upgrade', 'downgrade') and {where}
        group by all
        order by 1, 2
        """,
        [months, *params],
    )


def tier_transitions(
    con: duckdb.DuckDBPyConnection, filters: Filters, month_end: object
) -> pd.DataFrame:
    """Moves between tiers into `month_end` (upgrades and downgrades)."""
    where, params = filters.where()
    return fetch_df(
        con,
        f"""
        select previous_tier_code, tier_code, tier_change, sum(customers) as customers
        from semantic.bi_tier_monthly
        where month_end = ? and tier_change in ('upgrade', 'downgrade') and {where}
        group by all
        order by customers desc
        """,
        [month_end, *params],
    )


def close_to_next_tier(
    con: duckdb.DuckDBPyConnection, filters: Filters, max_gap: float, limit: int = 50
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Customers whose spend still needed for the next tier is at most `max_gap` yuan:
    (count per next tier, the `limit` closest customers)."""
    semijoin, params = filters.customer_semijoin("customer_id")
    counts = fetch_df(
        con,
        f"""
        select next_tier_code, count(*) as customers, avg(spend_to_next_tier) as avg_gap
        from marts.customer_tiers
        where next_tier_code is not null and spend_to_next_tier <= ? and {semijoin}
        group by next_tier_code
        order by next_tier_code
        """,
        [max_gap, *params],
    )
    closest = fetch_df(
        con,
        f"""
        select customer_id, tier_code, next_tier_code, spend_to_next_tier, qualifying_spend
        from marts.customer_tiers
        where next_tier_code is not null and spend_to_next_tier <= ? and {semijoin}
        order by spend_to_next_tier, customer_id
        limit ?
        """,
        [max_gap, *params, limit],
    )
    return counts, closest


MASKED_PHONE = re.compile(r"^1\d{2}\*{4}\d{4}$")


def find_customers(con: duckdb.DuckDBPyConnection, term: str, limit: int = 20) -> pd.DataFrame:
    """Customers matching a customer id or a masked phone (138****5678, as the marts
    store it; a full number is masked first, so it never reaches a query)."""
    term = term.strip().replace(" ", "")
    if re.fullmatch(r"1\d{10}", term):
        term = f"{term[:3]}****{term[-4:]}"
    column = "mobile_masked" if MASKED_PHONE.match(term) else "customer_id"
    return fetch_df(
        con,
        f"""
        select customer_id, customer_name_masked, mobile_masked, lifecycle_stage, tier_code,
            home_store_id
        from marts.dim_customers
        where {column} = ?
        order by customer_id
        limit ?
        """,
        [term, limit],
    )


@dataclass
class CustomerProfile:
    """The guide's view of one customer: no raw personal data (masked name and phone,
    keyed values only)."""

    customer: dict
    tier: dict | None
    lifecycle: dict | None
    clv: dict | None
    summary: dict | None
    tags: pd.DataFrame = field(default_factory=pd.DataFrame)
    offers: pd.DataFrame = field(default_factory=pd.DataFrame)


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> dict | None:
    frame = fetch_df(con, sql, params)
    return None if frame.empty else frame.iloc[0].to_dict()


def customer_profile(con: duckdb.DuckDBPyConnection, customer_id: str) -> CustomerProfile | None:
    customer = _one(
        con,
        """
        select customer_id, customer_name_masked, mobile_masked, gender, home_store_id,
            province, region, purchase_channels, rfm_segment, lifecycle_stage, tier_code,
            orders, purchases, net_spend, clv_decile, p_alive, clv_12m, is_churn_warning,
            is_member, is_mall_user, is_wecom_contact, first_purchase_date,
            last_purchase_date, as_of_date
        from marts.dim_customers
        where customer_id = ?
        """,
        [customer_id],
    )
    if customer is None:
        return None
    tier = _one(
        con,
        """
        select tier_code, tier_name_zh, tier_name_en, next_tier_code, qualifying_spend,
            spend_to_next_tier, spend_basis
        from marts.customer_tiers where customer_id = ?
        """,
        [customer_id],
    )
    lifecycle = _one(
        con,
        """
        select lifecycle_stage, stage_name_zh, stage_name_en, contact_policy_zh,
            contact_policy_en, window_months
        from marts.customer_lifecycle
        where customer_id = ?
        order by window_months
        limit 1
        """,
        [customer_id],
    )
    clv = _one(
        con,
        """
        select p_alive, clv_12m, clv_12m_discounted, clv_decile, expected_purchases_52w,
            expected_aov
        from marts.customer_clv where customer_id = ?
        """,
        [customer_id],
    )
    summary = _one(
        con,
        "select tag_summary_zh, tag_summary_en from marts.customer_tag_summary "
        "where customer_id = ?",
        [customer_id],
    )
    tags = fetch_df(
        con,
        """
        select tags.tag_code, tags.dimension, catalog.label_zh, catalog.label_en,
            tags.tag_value, tags.is_sensitive
        from marts.customer_tags as tags
        left join marts.tag_catalog as catalog on tags.tag_code = catalog.tag_code
        where tags.customer_id = ?
        order by tags.dimension, tags.tag_code
        """,
        [customer_id],
    )
    offers = fetch_df(
        con,
        """
        select recommendation_rank, recommended_category, antecedent_category, confidence,
            lift
        from marts.customer_next_best_offer
        where customer_id = ?
        order by recommendation_rank
        """,
        [customer_id],
    )
    return CustomerProfile(customer, tier, lifecycle, clv, summary, tags, offers)


def latest_month_end(con: duckdb.DuckDBPyConnection) -> object:
    rows = fetch_rows(con, "select max(month_end) from semantic.bi_lifecycle_migration_monthly")
    return rows[0][0] if rows else None
