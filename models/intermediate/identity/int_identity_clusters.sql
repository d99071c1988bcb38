{#- Phase 3 result, the stitched identity graph: one row per linkable identifier with
    the cluster (one real person) it belongs to, and how it got there (placed_by:
    account, registered, weak). A component that would break the one-person rules is
    not merged: its phase 2 clusters stay apart and its new weak phones are
    quarantined. Rows with a null cluster_id are quarantined, with the reason. -#}

with int_identifiers_profiled as (
    select * from {{ ref('int_identifiers_profiled') }}
),

int_identity_accounts_linked as (
    select * from {{ ref('int_identity_accounts_linked') }}
),

int_identity_clusters_registered as (
    select * from {{ ref('int_identity_clusters_registered') }}
),

int_identity_bridges_weak as (
    select * from {{ ref('int_identity_bridges_weak') }}
),

int_identity_components_weak as (
    select * from {{ ref('int_identity_components_weak') }}
),

placed as (
    select * from int_identity_clusters_registered
    where cluster_id is not null
),

cluster_profiles as (
    {{ identity_unit_profiles('placed', 'cluster_id', 'int_identifiers_profiled', 'int_identity_accounts_linked') }}
),

units as (
    select
        cluster_profiles.unit_id,
        components.component_id
    from cluster_profiles
    inner join int_identity_components_weak as components
        on cluster_profiles.unit_id = components.node_id
),

new_bridges as (
    select distinct
        bridges.bridge_node_id,
        components.component_id
    from int_identity_bridges_weak as bridges
    inner join int_identity_components_weak as components
        on bridges.bridge_node_id = components.node_id
    left join placed
        on bridges.bridge_node_id = placed.node_id
    where
        not bridges.is_contested
        and placed.node_id is null
),

checks as (
    {{ identity_component_checks('units', 'new_bridges', 'cluster_profiles', check_registered_mobiles=true) }}
),

placed_before as (
    select
        placed.node_id,
        case when checks.conflict_reason is null then units.component_id else placed.cluster_id end as cluster_id,
        placed.placed_by,
        cast(null as {{ dbt.type_string() }}) as quarantine_kind,
        cast(null as {{ dbt.type_string() }}) as quarantine_reason
    from placed
    inner join units
        on placed.cluster_id = units.unit_id
    inner join checks
        on units.component_id = checks.component_id
),

placed_weak as (
    select
        new_bridges.bridge_node_id as node_id,
        case when checks.conflict_reason is null then new_bridges.component_id end as cluster_id,
        'weak' as placed_by,
        case when checks.conflict_reason is not null then 'refused_merge' end as quarantine_kind,
        checks.conflict_reason as quarantine_reason
    from new_bridges
    inner join checks
        on new_bridges.component_id = checks.component_id
),

contested_weak as (
    select distinct
        bridges.bridge_node_id as node_id,
        cast(null as {{ dbt.type_bigint() }}) as cluster_id,
        'weak' as placed_by,
        'contested' as quarantine_kind,
        bridges.contest_reason as quarantine_reason
    from int_identity_bridges_weak as bridges
    left join placed
        on bridges.bridge_node_id = placed.node_id
    where
        bridges.is_contested
        and placed.node_id is null
),

quarantined_before as (
    select
        node_id,
        cluster_id,
        placed_by,
        quarantine_kind,
        quarantine_reason
    from int_identity_clusters_registered
    where cluster_id is null
),

final as (
    select * from placed_before
    union all
    select * from placed_weak
    union all
    select * from contested_weak
    union all
    select * from quarantined_before
)

select * from final
