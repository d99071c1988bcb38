-- The dashboard's filter dimensions per customer (home store, region, purchase channel)
-- and current RFM segment: the one place the bi_ aggregates take them from.
{{ config(materialized="table", schema="semantic") }}

with

dim_customers as (
    select * from {{ ref('dim_customers') }}
),

final as (
    select
        customer_id,
        coalesce(home_store_id, 'unknown') as home_store_id,
        coalesce(region, 'unknown') as region,
        coalesce(province, 'unknown') as province,
        coalesce(purchase_channels, 'none') as purchase_channel,
        coalesce(rfm_segment, 'none') as rfm_segment
    from dim_customers
)

select * from final
