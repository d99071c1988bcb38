{#- Every stitched record with its customer_id: what marts join to find the customer of
    an order, a member card, a mall account or a WeCom contact. One row per
    record_source and record_id; anonymous records (identifiers all quarantined) have
    a null customer_id. -#}

with int_identity_records_resolved as (
    select * from {{ ref('int_identity_records_resolved') }}
),

int_customer_keys as (
    select * from {{ ref('int_customer_keys') }}
),

cluster_customers as (
    select distinct
        cluster_id,
        customer_id
    from int_customer_keys
),

final as (
    select
        records.record_source,
        records.record_id,
        cluster_customers.customer_id,
        records.resolved_by_type,
        records.resolved_by_role,
        records.resolution_status
    from int_identity_records_resolved as records
    left join cluster_customers
        on records.cluster_id = cluster_customers.cluster_id
)

select * from final
