{#- Restricted (schema pii): every stitched identifier with its customer. Quarantined
    identifiers (placeholders, blocklisted, hubs, contested) are not here: they
    belong to nobody (audit.identity_quarantine lists them). -#}

with int_customer_keys as (
    select * from {{ ref('int_customer_keys') }}
),

int_identifiers_profiled as (
    select * from {{ ref('int_identifiers_profiled') }}
),

int_identity_clusters as (
    select * from {{ ref('int_identity_clusters') }}
),

final as (
    select
        profiled.identifier_type,
        profiled.identifier_value,
        customer_keys.customer_id,
        clusters.placed_by,
        profiled.records,
        profiled.first_seen_at,
        profiled.last_seen_at
    from int_customer_keys as customer_keys
    inner join int_identifiers_profiled as profiled
        on customer_keys.node_id = profiled.node_id
    inner join int_identity_clusters as clusters
        on customer_keys.node_id = clusters.node_id
)

select * from final
