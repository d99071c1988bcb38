-- Customers per month end, lifecycle stage (default window) and filter dimensions, with
-- the active and repeat counts of the stage (purchases in the window as of the month end),
-- by the customers' current RFM segment (segment trends).
{{ config(materialized="table", schema="semantic") }}

with

customer_lifecycle_history as (
    select * from {{ ref('customer_lifecycle_history') }}
),

bi_customer_dimensions as (
    select * from {{ ref('bi_customer_dimensions') }}
),

aggregated as (
    select
        history.month_end,
        history.lifecycle_stage,
        dims.home_store_id,
        dims.region,
        dims.purchase_channel,
        dims.rfm_segment,
        count(*) as customers,
        count(*) filter (where history.is_active) as active_customers,
        count(*) filter (
            where history.is_active and history.purchases_in_window >= 2
        ) as repeat_customers
    from customer_lifecycle_history as history
    inner join bi_customer_dimensions as dims
        on history.customer_id = dims.customer_id
    group by all
)

select * from aggregated
