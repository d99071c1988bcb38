{#- Phase 1 of stitching, strong links only: every account key (member card, openid,
    external_userid) and every unionid is a node; an account joins the unionid found
    on its records. A unionid names one WeChat person, so this can never over-merge;
    an account whose records carry two different unionids (a data error) links to
    neither and is reported as a conflict. Each account also counts the mobiles its
    owner registered (the phase 3 guard). One row per linkable anchor or unionid. -#}

with int_identifier_occurrences as (
    select * from {{ ref('int_identifier_occurrences') }}
),

int_identifiers_profiled as (
    select * from {{ ref('int_identifiers_profiled') }}
),

linkable as (
    select * from int_identifiers_profiled
    where link_status = 'linkable'
),

anchor_unionids as (
    select
        occurrences.anchor_node_id,
        count(distinct occurrences.node_id) as unionids,
        min(occurrences.node_id) as unionid_node_id
    from int_identifier_occurrences as occurrences
    inner join linkable as unionids
        on occurrences.node_id = unionids.node_id
    inner join linkable as anchors
        on occurrences.anchor_node_id = anchors.node_id
    where occurrences.identifier_role = 'strong'
    group by 1
),

anchor_registered_mobiles as (
    select
        occurrences.anchor_node_id,
        count(distinct occurrences.node_id) as registered_mobiles
    from int_identifier_occurrences as occurrences
    inner join linkable as mobiles
        on occurrences.node_id = mobiles.node_id
    where
        occurrences.identifier_role = 'registered'
        and occurrences.identifier_type = 'mobile'
    group by 1
),

anchors_linked as (
    select
        linkable.node_id,
        case when anchor_unionids.unionids = 1 then anchor_unionids.unionid_node_id else linkable.node_id end as account_id,
        coalesce(anchor_unionids.unionids, 0) as unionids_on_records,
        coalesce(anchor_registered_mobiles.registered_mobiles, 0) as registered_mobiles
    from linkable
    left join anchor_unionids
        on linkable.node_id = anchor_unionids.anchor_node_id
    left join anchor_registered_mobiles
        on linkable.node_id = anchor_registered_mobiles.anchor_node_id
    where linkable.is_anchor
),

unionids_linked as (
    select
        node_id,
        node_id as account_id,
        1 as unionids_on_records,
        0 as registered_mobiles
    from linkable
    where identifier_type = 'unionid'
),

final as (
    select * from anchors_linked
    union all
    select * from unionids_linked
)

select * from final
