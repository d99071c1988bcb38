{{ config(materialized='connected_components') }}

{#- Connected components of phase 3: phase 2 clusters joined by their uncontested
    weak phones; a phone typed only on walk-in orders is a node of its own. -#}

with int_identity_clusters_registered as (
    select * from {{ ref('int_identity_clusters_registered') }}
),

int_identity_bridges_weak as (
    select * from {{ ref('int_identity_bridges_weak') }}
),

clusters as (
    select distinct
        cluster_id as node_id,
        cluster_id as linked_node_id
    from int_identity_clusters_registered
    where cluster_id is not null
),

bridges as (
    select
        bridge_node_id as node_id,
        coalesce(unit_id, bridge_node_id) as linked_node_id
    from int_identity_bridges_weak
    where not is_contested
),

final as (
    select * from clusters
    union all
    select * from bridges
)

select * from final
