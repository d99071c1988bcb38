{{ config(materialized='connected_components') }}

{#- Connected components of phase 2: accounts joined by their uncontested registered
    mobiles and emails. The edges are selected here; the connected_components
    materialization (macros/identity/connected_components.sql) labels the nodes. -#}

with int_identity_accounts_linked as (
    select * from {{ ref('int_identity_accounts_linked') }}
),

int_identity_bridges_registered as (
    select * from {{ ref('int_identity_bridges_registered') }}
),

accounts as (
    select distinct
        account_id as node_id,
        account_id as linked_node_id
    from int_identity_accounts_linked
),

bridges as (
    select
        bridge_node_id as node_id,
        unit_id as linked_node_id
    from int_identity_bridges_registered
    where not is_contested
),

final as (
    select * from accounts
    union all
    select * from bridges
)

select * from final
