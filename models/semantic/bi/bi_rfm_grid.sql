-- Customers and revenue per RFM cell (R x F score) and segment, per filter dimensions.
{{ config(materialized="table", schema="semantic") }}

with

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

bi_customer_dimensions as (
    select * from {{ ref('bi_customer_dimensions') }}
),

aggregated as (
    select
        rfm.r_score,
        rfm.f_score,
        rfm.rfm_segment,
        dims.home_store_id,
        dims.region,
        dims.purchase_channel,
        count(*) as customers,
        sum(rfm.monetary) as revenue,
        sum(rfm.frequency) as purchases,
        sum(rfm.recency_days) as recency_days_total
    from customer_rfm as rfm
    inner join bi_customer_dimensions as dims
        on rfm.customer_id = dims.customer_id
    group by all
)

select * from aggregated
