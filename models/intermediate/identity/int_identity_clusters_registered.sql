{#- Phase 2 result: every node placed so far (accounts, unionids, registered mobiles
    and emails) with its cluster. A component that would hold two unionids, two
    external_userids or too many identifiers (a chain of bridges can do what no single
    bridge does) is not merged: its accounts stay apart and its bridges are
    quarantined. Rows with a null cluster_id are quarantined bridges, with the reason. -#}

with int_identifiers_profiled as (
    select * from {{ ref('int_identifiers_profiled') }}
),

int_identity_accounts_linked as (
    select * from {{ ref('int_identity_accounts_linked') }}
),

int_identity_bridges_registered as (
    select * from {{ ref('int_identity_bridges_registered') }}
),

int_identity_components_registered as (
    select * from {{ ref('int_identity_components_registered') }}
),

account_profiles as (
    {{ identity_unit_profiles('int_identity_accounts_linked', 'account_id', 'int_identifiers_profiled', 'int_identity_accounts_linked') }}
),

units as (
    select
        account_profiles.unit_id,
        components.component_id
    from account_profiles
    inner join int_identity_components_registered as components
        on account_profiles.unit_id = components.node_id
),

linked_bridges as (
    select distinct
        bridges.bridge_node_id,
        components.component_id
    from int_identity_bridges_registered as bridges
    inner join int_identity_components_registered as components
        on bridges.bridge_node_id = components.node_id
    where not bridges.is_contested
),

checks as (
    {{ identity_component_checks('units', 'linked_bridges', 'account_profiles', check_registered_mobiles=false) }}
),

placed_accounts as (
    select
        linked_accounts.node_id,
        case when checks.conflict_reason is null then units.component_id else linked_accounts.account_id end as cluster_id,
        'account' as placed_by,
        cast(null as {{ dbt.type_string() }}) as quarantine_kind,
        cast(null as {{ dbt.type_string() }}) as quarantine_reason
    from int_identity_accounts_linked as linked_accounts
    inner join units
        on linked_accounts.account_id = units.unit_id
    inner join checks
        on units.component_id = checks.component_id
),

placed_bridges as (
    select
        linked_bridges.bridge_node_id as node_id,
        case when checks.conflict_reason is null then linked_bridges.component_id end as cluster_id,
        'registered' as placed_by,
        case when checks.conflict_reason is not null then 'refused_merge' end as quarantine_kind,
        checks.conflict_reason as quarantine_reason
    from linked_bridges
    inner join checks
        on linked_bridges.component_id = checks.component_id
),

contested_bridges as (
    select distinct
        bridge_node_id as node_id,
        cast(null as {{ dbt.type_bigint() }}) as cluster_id,
        'registered' as placed_by,
        'contested' as quarantine_kind,
        contest_reason as quarantine_reason
    from int_identity_bridges_registered
    where is_contested
),

final as (
    select * from placed_accounts
    union all
    select * from placed_bridges
    union all
    select * from contested_bridges
)

select * from final
