{#- Phase 3 candidates: weak phones (checkout, parcel receiver, a guide's remark)
    join the phase 2 cluster of the record they were typed on and, when the phone is
    itself a registered one, that phone's own cluster. One row per bridge identifier
    and cluster it touches. A weak phone may only attach, or bridge clusters that stay
    one plausible person: it is contested when the clusters it touches carry more than
    one unionid, more than one external_userid or more than one registered mobile of
    their own. Phones that phase 2 quarantined stay out. -#}

with int_identifier_occurrences as (
    select * from {{ ref('int_identifier_occurrences') }}
),

int_identifiers_profiled as (
    select * from {{ ref('int_identifiers_profiled') }}
),

int_identity_accounts_linked as (
    select * from {{ ref('int_identity_accounts_linked') }}
),

int_identity_clusters_registered as (
    select * from {{ ref('int_identity_clusters_registered') }}
),

placed as (
    select * from int_identity_clusters_registered
    where cluster_id is not null
),

quarantined as (
    select node_id from int_identity_clusters_registered
    where cluster_id is null
),

cluster_profiles as (
    {{ identity_unit_profiles('placed', 'cluster_id', 'int_identifiers_profiled', 'int_identity_accounts_linked') }}
),

weak_occurrences as (
    select
        occurrences.node_id,
        occurrences.anchor_node_id
    from int_identifier_occurrences as occurrences
    inner join int_identifiers_profiled as profiled
        on occurrences.node_id = profiled.node_id
    left join quarantined
        on occurrences.node_id = quarantined.node_id
    where
        occurrences.identifier_role = 'weak'
        and profiled.link_status = 'linkable'
        and quarantined.node_id is null
),

touches_via_record as (
    select
        weak_occurrences.node_id as bridge_node_id,
        placed.cluster_id as unit_id
    from weak_occurrences
    inner join placed
        on weak_occurrences.anchor_node_id = placed.node_id
),

touches_via_own_cluster as (
    select
        weak_occurrences.node_id as bridge_node_id,
        placed.cluster_id as unit_id
    from weak_occurrences
    inner join placed
        on weak_occurrences.node_id = placed.node_id
),

touches as (
    select * from touches_via_record
    union
    select * from touches_via_own_cluster
),

checked as (
    {{ identity_bridge_checks('touches', 'cluster_profiles', check_registered_mobiles=true) }}
),

unattached as (
    -- typed only where no account was given (a walk-in's checkout phone)
    select distinct
        weak_occurrences.node_id as bridge_node_id,
        cast(null as {{ dbt.type_bigint() }}) as unit_id,
        0 as units,
        cast(null as {{ dbt.type_string() }}) as contest_reason,
        false as is_contested
    from weak_occurrences
    left join touches
        on weak_occurrences.node_id = touches.bridge_node_id
    where touches.bridge_node_id is null
),

final as (
    select * from checked
    union all
    select * from unattached
)

select * from final
