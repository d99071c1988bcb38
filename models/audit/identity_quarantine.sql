{#- Every identifier that links nobody, and why: blocklisted, a hub, an account whose
    records carry two unionids, a contested bridge (it touches clusters that are not
    one person), or a bridge of a merge that was refused. The value is masked; the
    node_id finds it in the restricted intermediate tables. One row per node_id. -#}

with int_identifiers_profiled as (
    select * from {{ ref('int_identifiers_profiled') }}
),

int_identity_accounts_linked as (
    select * from {{ ref('int_identity_accounts_linked') }}
),

int_identity_clusters as (
    select * from {{ ref('int_identity_clusters') }}
),

profiled_out as (
    select
        node_id,
        link_status as quarantine_kind,
        quarantine_reason
    from int_identifiers_profiled
    where link_status <> 'linkable'
),

conflicting_accounts as (
    select
        node_id,
        'conflicting_unionids' as quarantine_kind,
        'records of this account carry ' || unionids_on_records || ' different unionids; it links to none' as quarantine_reason
    from int_identity_accounts_linked
    where unionids_on_records > 1
),

bridges_out as (
    select
        node_id,
        quarantine_kind,
        quarantine_reason
    from int_identity_clusters
    where cluster_id is null
),

unioned as (
    select * from profiled_out
    union all
    select * from conflicting_accounts
    union all
    select * from bridges_out
),

final as (
    select
        unioned.node_id,
        profiled.identifier_type,
        case
            -- an erasure tombstone is opaque, not personal: shown as it is, never as
            -- a masked phone or email
            when {{ is_erasure_tombstone('profiled.identifier_value') }} then profiled.identifier_value
            when profiled.identifier_type = 'mobile' then {{ mask_mobile('profiled.identifier_value') }}
            when profiled.identifier_type = 'email' then {{ mask_email('profiled.identifier_value') }}
            else substr(profiled.identifier_value, 1, 4) || '****'
        end as identifier_masked,
        unioned.quarantine_kind,
        unioned.quarantine_reason,
        profiled.records,
        profiled.member_cards,
        profiled.openids,
        profiled.external_userids,
        profiled.unionids,
        profiled.max_orders_per_quarter,
        profiled.first_seen_at,
        profiled.last_seen_at
    from unioned
    inner join int_identifiers_profiled as profiled
        on unioned.node_id = profiled.node_id
)

select * from final
