-- Tier holders per month end, tier and change since the previous month end (first,
-- same, upgrade, downgrade), per filter dimensions.
{{ config(materialized="table", schema="semantic") }}

with

customer_tier_history as (
    select * from {{ ref('customer_tier_history') }}
),

bi_customer_dimensions as (
    select * from {{ ref('bi_customer_dimensions') }}
),

aggregated as (
    select
        history.month_end,
        history.tier_code,
        history.previous_tier_code,
        history.tier_change,
        dims.home_store_id,
        dims.region,
        dims.purchase_channel,
        count(*) as customers
    from customer_tier_history as history
    inner join bi_customer_dimensions as dims
        on history.customer_id = dims.customer_id
    group by all
)

select * from aggregated
