{#- Phase 2 candidates: a registered mobile or email (member registry, mall profile)
    joins the accounts that registered it. One row per bridge identifier and account
    it touches. A bridge is contested, and does not link, when the accounts it
    touches carry more than one unionid or more than one WeCom external_userid
    (a family sharing one phone, each with their own WeChat). -#}

with int_identifier_occurrences as (
    select * from {{ ref('int_identifier_occurrences') }}
),

int_identifiers_profiled as (
    select * from {{ ref('int_identifiers_profiled') }}
),

int_identity_accounts_linked as (
    select * from {{ ref('int_identity_accounts_linked') }}
),

account_profiles as (
    {{ identity_unit_profiles('int_identity_accounts_linked', 'account_id', 'int_identifiers_profiled', 'int_identity_accounts_linked') }}
),

touches as (
    select distinct
        occurrences.node_id as bridge_node_id,
        linked_accounts.account_id as unit_id
    from int_identifier_occurrences as occurrences
    inner join int_identifiers_profiled as bridges
        on occurrences.node_id = bridges.node_id
    inner join int_identity_accounts_linked as linked_accounts
        on occurrences.anchor_node_id = linked_accounts.node_id
    where
        occurrences.identifier_role = 'registered'
        and bridges.link_status = 'linkable'
),

final as (
    {{ identity_bridge_checks('touches', 'account_profiles', check_registered_mobiles=false) }}
)

select * from final
