{{ config(
    materialized='incremental',
    incremental_strategy=previous_version_strategy(),
    unique_key='key_set',
    full_refresh=false,
    on_schema_change='fail',
    pre_hook=previous_version_hooks(),
) }}

{#- Stable customer keys: one row per stitched identifier with its customer_id.

    This model reads its own previous version (the table as the last run left it;
    macros/identity/previous_version.sql) so that keys survive refreshes. Every run
    replaces every row (all rows share key_set 'current', the unique key of the
    delete+insert; Spark: insert_overwrite), and --full-refresh leaves the model alone
    (full_refresh: false): keys are state, not a cache.
    - a cluster that holds identifiers of exactly one previous customer keeps that key;
    - when clusters merge, the oldest key survives (the one whose founding identifier
      was seen first);
    - when a cluster splits, the part holding most of its identifiers keeps the key;
    - any other cluster gets a new key derived from its founding identifier (the one
      seen first), so a rebuild from scratch gives the same keys to the same people:
      'c_' + the first 16 hex digits of keyed_hash('<type>:<value>') (HMAC-SHA256
      keyed by the warehouse secret, so nobody holding a phone number can recompute
      the key; the same secret gives the same keys).
    customer_id_changes logs every merge and split with the run that made it. -#}

with int_identity_clusters as (
    select * from {{ ref('int_identity_clusters') }}
),

int_identifiers_profiled as (
    select * from {{ ref('int_identifiers_profiled') }}
),

current_nodes as (
    select
        clusters.node_id,
        clusters.cluster_id,
        profiled.identifier_type,
        profiled.identifier_value,
        profiled.first_seen_at
    from int_identity_clusters as clusters
    inner join int_identifiers_profiled as profiled
        on clusters.node_id = profiled.node_id
    where clusters.cluster_id is not null
),

empty_previous_keys as (
    -- the first run: no previous keys
    select
        node_id,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_timestamp() }}) as key_founded_at
    from current_nodes
    where 1 = 0
),

previous_keys as (
    select
        node_id,
        customer_id,
        key_founded_at
    from {{ previous_version_relation() if is_incremental() else 'empty_previous_keys' }}
),

key_overlaps as (
    select
        previous_keys.customer_id,
        current_nodes.cluster_id,
        min(previous_keys.key_founded_at) as key_founded_at,
        count(*) as shared_nodes
    from current_nodes
    inner join previous_keys
        on current_nodes.node_id = previous_keys.node_id
    group by 1, 2
),

key_homes as (
    -- a previous key stays with the cluster holding most of its identifiers
    select
        customer_id,
        cluster_id,
        key_founded_at,
        -- tie-break: cluster_id unique per customer_id (key_overlaps groups by both)
        row_number() over (
            partition by customer_id
            order by shared_nodes desc, cluster_id asc
        ) as home_rank
    from key_overlaps
),

kept_keys as (
    -- a cluster keeps the oldest of the previous keys at home in it
    select
        cluster_id,
        customer_id,
        key_founded_at,
        -- tie-break: customer_id unique per cluster_id (a key has one home: home_rank = 1)
        row_number() over (
            partition by cluster_id
            order by key_founded_at, customer_id
        ) as key_rank
    from key_homes
    where home_rank = 1
),

founders as (
    select
        cluster_id,
        identifier_type,
        identifier_value,
        first_seen_at,
        -- tie-break: identifier_type, identifier_value unique per cluster_id (one node each)
        row_number() over (
            partition by cluster_id
            order by first_seen_at nulls last, identifier_type, identifier_value
        ) as founder_rank
    from current_nodes
),

new_keys as (
    select
        founders.cluster_id,
        founders.first_seen_at as key_founded_at,
        'c_' || substr({{ keyed_hash("founders.identifier_type || ':' || founders.identifier_value") }}, 1, 16) as plain_key,
        'c_' || substr({{ keyed_hash("founders.identifier_type || ':' || founders.identifier_value || ':' || cast(founders.cluster_id as " ~ dbt.type_string() ~ ")") }}, 1, 16) as salted_key
    from founders
    left join kept_keys
        on
            founders.cluster_id = kept_keys.cluster_id
            and kept_keys.key_rank = 1
    where
        founders.founder_rank = 1
        and kept_keys.cluster_id is null
),

used_keys as (
    select distinct customer_id from previous_keys
),

cluster_keys as (
    select
        cluster_id,
        customer_id,
        key_founded_at
    from kept_keys
    where key_rank = 1
    union all
    -- a new key never reuses one the previous run handed out (a split-off part that
    -- holds the old founding identifier)
    select
        new_keys.cluster_id,
        case when used_keys.customer_id is null then new_keys.plain_key else new_keys.salted_key end as customer_id,
        new_keys.key_founded_at
    from new_keys
    left join used_keys
        on new_keys.plain_key = used_keys.customer_id
),

final as (
    select
        'current' as key_set,
        current_nodes.node_id,
        cluster_keys.customer_id,
        previous_keys.customer_id as previous_customer_id,
        current_nodes.cluster_id,
        current_nodes.identifier_type,
        cluster_keys.key_founded_at
    from current_nodes
    inner join cluster_keys
        on current_nodes.cluster_id = cluster_keys.cluster_id
    left join previous_keys
        on current_nodes.node_id = previous_keys.node_id
)

select * from final
